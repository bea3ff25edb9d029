// The driver's C files in the editor (`dmabuf.checkC`): a C document that a `check` item of a
// .dmabuf file in its workspace folder names is checked path by path in the C-check worker
// (cworker/), and its findings are published on the C lines, each with its path as related
// information. One job at a time, on its own worker: the .dmabuf loop never waits for C. An
// answer for an older version of the C text is dropped; a crashed worker is replaced at the next
// job. Hover and "Show as scenario" read the last answer (cHover.ts, codeActions.ts).
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import type { Connection, Diagnostic, DiagnosticRelatedInformation } from 'vscode-languageserver';
import { LineIndex } from '../common/source';
import type { CFinding } from '../cdriver/check';
import type { Logger } from './engineHost';
import type { DmabufSettings } from './protocol';
import type { CCheckedMessage, CWorkerReport, FromCWorker } from './cworker/messages';
import { ruleDocUri, SEVERITY } from './convert';

/** What a C diagnostic's `data` carries: where its finding is in the last answer. */
export interface CDiagnosticData {
  readonly cReport: number;
  readonly cFinding: number;
}

export class CDoc {
  lines: LineIndex;
  /** The last answer for this very text, if any. */
  answer: { readonly version: number; readonly reports: readonly CWorkerReport[] } | undefined;
  constructor(
    readonly uri: string,
    readonly path: string,
    public version: number,
    public text: string,
  ) {
    this.lines = new LineIndex(text);
  }
  update(version: number, text: string): void {
    this.version = version;
    this.text = text;
    this.lines = new LineIndex(text);
  }
}

export interface CCheckDeps {
  readonly connection: Pick<Connection, 'sendDiagnostics'>;
  readonly workerPath: string;
  readonly log: Logger;
  settings(): DmabufSettings;
  roots(): readonly string[];
  /** The open .dmabuf documents' texts, by absolute path. */
  openDmabuf(): Readonly<Record<string, string>>;
}

export class CCheckService {
  private readonly docs = new Map<string, CDoc>();
  /** C documents waiting for a job, in order. */
  private readonly queue: string[] = [];
  private timers = new Map<string, NodeJS.Timeout>();
  private worker: Worker | undefined;
  private inFlight: { readonly job: number; readonly uri: string; readonly version: number } | undefined;
  private jobSeq = 0;
  private disposed = false;

  constructor(private readonly deps: CCheckDeps) {}

  /** Whether a document is a C file this service reads (by its name: `c` documents as the client sends them). */
  static isC(uri: string): boolean {
    return /\.[ch]$/i.test(uri);
  }

  doc(uri: string): CDoc | undefined {
    return this.docs.get(uri);
  }

  changed(uri: string, filePath: string, version: number, text: string): void {
    let d = this.docs.get(uri);
    if (!d) {
      d = new CDoc(uri, filePath, version, text);
      this.docs.set(uri, d);
    } else d.update(version, text);
    this.schedule(uri);
  }

  closed(uri: string): void {
    this.docs.delete(uri);
    clearTimeout(this.timers.get(uri));
    this.timers.delete(uri);
    this.deps.connection.sendDiagnostics({ uri, diagnostics: [] });
  }

  /** A .dmabuf text or a setting changed: every open C document may read differently. */
  recheckAll(): void {
    for (const uri of this.docs.keys()) this.schedule(uri);
  }

  private schedule(uri: string): void {
    clearTimeout(this.timers.get(uri));
    if (!this.deps.settings().checkC) {
      const d = this.docs.get(uri);
      if (d) d.answer = undefined;
      this.deps.connection.sendDiagnostics({ uri, diagnostics: [] });
      return;
    }
    this.timers.set(
      uri,
      setTimeout(() => {
        this.timers.delete(uri);
        if (!this.queue.includes(uri)) this.queue.push(uri);
        this.pump();
      }, this.deps.settings().debounceMs),
    );
  }

  private pump(): void {
    if (this.inFlight || this.disposed) return;
    const uri = this.queue.shift();
    if (uri === undefined) return;
    const d = this.docs.get(uri);
    if (!d) return this.pump();
    const job = ++this.jobSeq;
    this.inFlight = { job, uri, version: d.version };
    const s = this.deps.settings();
    this.ensureWorker().postMessage({ kind: 'check', job, cFile: d.path, cText: d.text, roots: this.deps.roots(), open: this.deps.openDmabuf(), budget: s.exploration, ...(s.kernelProfile !== 'auto' ? { kernel: s.kernelProfile } : {}) });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    // Never our stdout: that is the LSP channel.
    const worker = new Worker(this.deps.workerPath, { stdout: true, stderr: true });
    worker.stdout.on('data', (b: Buffer) => this.deps.log.info(`C worker: ${b.toString().trimEnd()}`));
    worker.stderr.on('data', (b: Buffer) => this.deps.log.info(`C worker: ${b.toString().trimEnd()}`));
    worker.on('message', (m: FromCWorker) => this.worker === worker && this.onMessage(m));
    const crashed = (why: string): void => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.deps.log.error(`the C-check worker stopped (${why}); it is restarted for the next check`);
      this.finish();
    };
    worker.on('error', (e) => crashed(e instanceof Error ? e.message : String(e)));
    worker.on('exit', (code) => crashed(`exit code ${code}`));
    this.worker = worker;
    return worker;
  }

  private onMessage(m: FromCWorker): void {
    const job = this.inFlight;
    if (!job || job.job !== m.job) return;
    if (m.kind === 'failed') {
      this.deps.log.error(`checking ${job.uri} failed (a bug in DMA-BUF Lab): ${m.message}`);
    } else {
      this.publish(job.uri, job.version, m);
    }
    this.finish();
  }

  private finish(): void {
    this.inFlight = undefined;
    this.pump();
  }

  private publish(uri: string, version: number, m: CCheckedMessage): void {
    const d = this.docs.get(uri);
    // Stale: the text changed while the worker checked it (a newer job is queued).
    if (!d || d.version !== version) return;
    for (const e of m.errors) this.deps.log.warn(`C check: ${e}`);
    d.answer = { version, reports: m.reports };
    this.deps.connection.sendDiagnostics({ uri, version, diagnostics: cDiagnostics(d, m.reports) });
  }

  dispose(): void {
    this.disposed = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    const w = this.worker;
    this.worker = undefined;
    void w?.terminate();
  }
}

/** The answer's findings as diagnostics on the C document, the path and the related places as related information. */
export function cDiagnostics(d: CDoc, reports: readonly CWorkerReport[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  reports.forEach((r, ri) =>
    r.result.findings.forEach((f, fi) => {
      const range = d.lines.range({ start: f.start, end: f.end });
      const href = ruleDocUri(f.code);
      const data: CDiagnosticData = { cReport: ri, cFinding: fi };
      out.push({
        range,
        severity: SEVERITY[f.severity],
        code: f.code,
        ...(href ? { codeDescription: { href } } : {}),
        source: 'dmabuf',
        message: f.path.length ? `${f.message}\n(in ${f.function}(), ${f.path.join(', ')})` : f.message,
        relatedInformation: related(d, r, f),
        data,
      });
    }),
  );
  return out;
}

function related(d: CDoc, r: CWorkerReport, f: CFinding): DiagnosticRelatedInformation[] {
  const here = (start: number, end: number) => ({ uri: d.uri, range: d.lines.range({ start, end }) });
  // The path first, in its order (the branch points that lead here), then the places the message names.
  const out: DiagnosticRelatedInformation[] = f.path.map((c, i) => ({ location: here(f.pathAt[i]!.start, f.pathAt[i]!.end), message: `${i + 1}. ${c}` }));
  out.push(...f.related.map((x) => ({ location: here(x.start, x.end), message: x.message })));
  out.push({ location: { uri: pathToFileURL(r.dmabuf).href, range: r.checkRange }, message: `checked by ${path.basename(r.dmabuf)} (the \`check\` naming this file)` });
  return out;
}
