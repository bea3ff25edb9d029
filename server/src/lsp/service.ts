// The analysis loop of the server. On every change: parse + bind on the main thread (the only
// parse of that version) and publish syntax/name findings at once; after a debounce, hand the
// engine worker the bound scenarios that have no reusable result (engineSlice.ts); when its
// result comes back for the current version, publish the simulation findings too. Stale results
// are dropped, a newer edit cancels the running analysis, status goes to the client throughout
// (counting the diagnostics last published).
import type { Connection } from 'vscode-languageserver';
import type { Diagnostic } from 'vscode-languageserver';
import type { Finding } from '../common/findings';
import type { KernelVersion } from '../language/ast';
import type { BoundProgram } from '../language/bound';
import type { EngineProgram, ExplorationBudget } from '../engine/api';
import { engineSlice } from './engineSlice';
import { carriedFindings } from './carryOver';
import { EngineReuse } from './engineReuse';
import { IdleCollector } from './idleCollect';
import { toDiagnostic } from './convert';
import type { DocState, DocumentStore, EngineState } from './documents';
import type { EngineHost, JobOutcome, JobSpec, Logger } from './engineHost';
import type { UriMap } from './paths';
import { bindDocument } from './pipeline';
import { SyntaxIndex } from './syntax';
import { StatusNotification } from './protocol';
import type { DmabufSettings, DocumentState, StatusParams } from './protocol';
import { ProgressTracker } from './progress';
import { frontUnderMatrix } from '../language/matrix-front';

export interface ServiceDeps {
  readonly connection: Connection;
  readonly docs: DocumentStore;
  readonly uris: UriMap;
  readonly engine: EngineHost;
  readonly settings: () => DmabufSettings;
  readonly log: Logger;
}

export class AnalysisService {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly progress: ProgressTracker;
  private readonly reuse = new EngineReuse();
  /** A large file's parse and results leave garbage V8 may keep for minutes: collected once idle. */
  private readonly idle = new IdleCollector(2000);

  constructor(private readonly deps: ServiceDeps) {
    this.progress = new ProgressTracker(deps.connection, deps.engine, deps.log);
  }

  /** A document was opened or changed: front end now, engine after the debounce. */
  changed(doc: DocState): void {
    this.idle.busy();
    this.bindFront(doc);
    this.publish(doc);
    this.schedule(doc);
    // Open documents that import this one see its unsaved text: check them again too.
    for (const other of this.deps.docs.all()) {
      if (other !== doc && other.front.program?.files.has(doc.path)) {
        this.bindFront(other);
        this.publish(other);
        this.schedule(other);
      }
    }
  }

  closed(uri: string): void {
    clearTimeout(this.timers.get(uri));
    this.timers.delete(uri);
    this.deps.engine.cancelDocument(uri);
    this.deps.connection.sendDiagnostics({ uri, diagnostics: [] });
  }

  /** Settings changed or the worker restarted: everything again. */
  recheckAll(): void {
    for (const doc of this.deps.docs.all()) {
      this.bindFront(doc);
      this.publish(doc);
      this.schedule(doc, 0);
    }
  }

  /** Runs one scenario with the configured budget and resolves with its result (runScenario). */
  async runScenario(doc: DocState, scenario: string): Promise<EngineState | undefined> {
    // The result's offsets are into the text bound, which the document may have left meanwhile.
    const text = doc.text;
    const program = this.currentProgram(doc);
    const chosen = program?.scenarios.filter((s) => s.name === scenario) ?? [];
    if (!program || chosen.length === 0) return undefined;
    const job = this.deps.engine.run({ ...this.spec(doc, engineSlice(program, chosen)), purpose: 'run' });
    const outcome = await job.done;
    if (outcome.kind !== 'result') return undefined;
    const m = outcome.message;
    return { version: m.version, text, findings: m.findings, scenarios: m.scenarios, cancelled: m.cancelled, millis: m.millis };
  }

  private bindFront(doc: DocState): void {
    const root = this.deps.docs.rootOf(doc.path);
    try {
      const previous = doc.front.program?.files.get(doc.path);
      const program = bindDocument(doc.path, doc.text, root, this.deps.docs.overlay(), previous);
      const main = program.files.get(program.main);
      // The syntax index serves hover, completion, tokens...: built on first use, not on every
      // keystroke before the diagnostics go out (it is a walk of the whole tree).
      let syntax: SyntaxIndex | undefined;
      doc.front = {
        version: doc.version,
        program,
        get syntax(): SyntaxIndex | undefined {
          syntax ??= main ? new SyntaxIndex(main.ast) : undefined;
          return syntax;
        },
      };
    } catch (e) {
      // A front-end bug must not take the server down: report it and keep serving.
      const message = e instanceof Error ? (e.stack ?? e.message) : String(e);
      this.deps.log.error(`front end failed on ${doc.uri} v${doc.version}: ${message}`);
      doc.front = { version: doc.version, error: message };
    }
  }

  private schedule(doc: DocState, delay = this.deps.settings().debounceMs): void {
    clearTimeout(this.timers.get(doc.uri));
    this.deps.engine.cancelDocument(doc.uri); // a new edit cancels the running analysis
    doc.checking = true;
    this.sendStatus(doc);
    this.timers.set(
      doc.uri,
      setTimeout(() => {
        this.timers.delete(doc.uri);
        void this.simulate(doc.uri);
      }, delay),
    );
  }

  /** The front end's program of the document's current text (bindFront runs on every change). */
  private currentProgram(doc: DocState): BoundProgram | undefined {
    return doc.front.version === doc.version ? doc.front.program : undefined;
  }

  private options(): { readonly kernel?: KernelVersion; readonly kernels?: readonly KernelVersion[]; readonly budget: ExplorationBudget } {
    const s = this.deps.settings();
    const budget = { maxStates: s.exploration.maxStates, maxMillis: s.exploration.maxMillis };
    // dmabuf.kernels (a version matrix) overrides dmabuf.kernelProfile when set.
    if (s.kernels) return { kernels: s.kernels, budget };
    const kernel: KernelVersion | undefined = s.kernelProfile === 'auto' ? undefined : s.kernelProfile;
    return { kernel, budget };
  }

  /** A job for the worker: the scenarios bound here, never the text (engineSlice.ts). */
  private spec(doc: DocState, program: EngineProgram): Omit<JobSpec, 'purpose'> {
    const { kernel, kernels, budget } = this.options();
    return { uri: doc.uri, version: doc.version, program, kernel, ...(kernels ? { kernels } : {}), budget };
  }

  private async simulate(uri: string): Promise<void> {
    const doc = this.deps.docs.get(uri);
    if (!doc) return;
    const version = doc.version;
    const text = doc.text;
    const program = this.currentProgram(doc);
    if (!program) {
      // The front end failed on this text (doc.front.error, shown in the status): nothing to simulate.
      doc.checking = false;
      this.sendStatus(doc);
      return;
    }
    // Only the scenarios without a reusable result go to the engine (engineReuse.ts).
    const options = this.options();
    const plan = this.reuse.plan(program, options);
    let jobId = 0;
    let outcome: JobOutcome;
    if (plan.missing.length === 0) {
      outcome = { kind: 'result', message: { kind: 'result', job: 0, uri, version, findings: [], scenarios: [], cancelled: false, millis: 0 } };
    } else {
      const job = this.deps.engine.run({ ...this.spec(doc, engineSlice(program, plan.missing)), purpose: 'document' }, (p) => this.progress.report(job.id, doc.uri, p));
      jobId = job.id;
      this.progress.started(job.id, doc.uri);
      try {
        outcome = await job.done;
      } finally {
        this.progress.finished(job.id);
      }
    }
    const current = this.deps.docs.get(uri);
    // Stale: the document changed or closed while the engine ran. A newer job is on its way.
    if (current !== doc || doc.version !== version || doc.text !== text) return;
    if (outcome.kind === 'dropped') {
      if (this.progress.wasCancelledByUser(jobId)) {
        doc.checking = false;
        this.sendStatus(doc, 'analysis cancelled');
      }
      return;
    }
    doc.checking = false;
    if (outcome.kind === 'error') {
      doc.engineError = { version, message: outcome.message };
      this.deps.log.error(`engine failed on ${uri} v${version}: ${outcome.message}`);
    } else {
      const sent = outcome.message;
      const m = { ...sent, ...this.reuse.merge(program, options, plan, sent.scenarios) };
      doc.engineError = undefined;
      const items = doc.front.program?.files.get(doc.front.program.main)?.ast.items.map((i) => ({ kind: i.kind, span: i.span }));
      doc.engine = { version, text, findings: m.findings, scenarios: m.scenarios, cancelled: m.cancelled, millis: m.millis, overran: m.overran, items };
      if (this.deps.settings().trace.server === 'verbose') {
        const states = m.scenarios.reduce((n, s) => n + s.exploration.states, 0);
        this.deps.log.info(`analysed ${uri} v${version}: ${m.scenarios.length} scenarios, ${states} states, ${m.findings.length} findings in ${m.millis.toFixed(0)} ms`);
      }
    }
    this.publish(doc);
    this.sendStatus(doc);
    this.idle.busy();
  }

  /**
   * Front-end findings of the current text, plus the engine's when they are for this text; while
   * the engine catches up with an edit, those of the scenarios the edit did not touch.
   */
  private diagnostics(doc: DocState): Diagnostic[] {
    // Under dmabuf.kernels the front end's findings happen on every profile (as in the CLI).
    const kernels = this.deps.settings().kernels;
    const front = doc.front.program?.findings ?? [];
    const findings: Finding[] = kernels && doc.front.program ? frontUnderMatrix(doc.front.program, kernels) : [...front];
    const engine = doc.currentEngine;
    if (engine) findings.push(...engine.findings);
    else if (doc.engine?.items && doc.front.program) findings.push(...carriedFindings(doc.engine, doc.engine.items, doc.path, doc.text));
    const linesOf = doc.linesFor();
    // Under a version matrix a diagnostic names its profiles against its scenario's matrix.
    const matrices = new Map((engine ?? doc.engine)?.scenarios.flatMap((s) => (s.versions ? [[s.name, s.versions] as const] : [])));
    return findings.filter((f) => f.location.file === doc.path).map((f) => toDiagnostic(f, this.deps.uris, linesOf, f.scenario === undefined ? kernels : (matrices.get(f.scenario) ?? kernels)));
  }

  /** Builds the diagnostics once and keeps them: the status counts what was published. */
  private publish(doc: DocState): void {
    const diagnostics = this.diagnostics(doc);
    doc.published = diagnostics;
    this.deps.connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics });
  }

  sendStatus(doc: DocState, message?: string): void {
    const diags = doc.published;
    const count = (sev: number): number => diags.filter((d) => d.severity === sev).length;
    const errors = count(1);
    const warnings = count(2);
    const infos = count(3) + count(4);
    const engine = doc.currentEngine;
    let state: DocumentState;
    let why = message;
    if (doc.checking) state = 'checking';
    else if (doc.engineError && doc.engineError.version === doc.version) {
      state = 'error';
      why ??= doc.engineError.message.split('\n')[0];
    } else if (doc.front.error) {
      state = 'error';
      why ??= doc.front.error.split('\n')[0];
    } else if (message) state = 'cutShort';
    else if (engine?.overran) {
      state = 'cutShort';
      why = `scenario ${engine.overran.scenario} was stopped after ${engine.overran.millis} ms (over its time budget); its findings are missing`;
    }
    else if (engine?.scenarios.some((s) => s.exploration.cutShort)) {
      state = 'cutShort';
      why ??= 'the exploration budget ended before every interleaving was covered';
    } else state = errors + warnings + infos > 0 ? 'findings' : 'clean';
    const params: StatusParams = { uri: doc.uri, version: doc.version, state, errors, warnings, infos, ...(why ? { message: why } : {}) };
    void this.deps.connection.sendNotification(StatusNotification.method, params);
  }
}
