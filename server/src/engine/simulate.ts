// The engine's entry point: every scenario of a bound program is explored (the default schedule
// first, then the interleavings that can change the outcome, within the budget), and the union of
// the findings is returned with the trace of the first violating interleaving.
import type { BoundScenario, ResolvedPlatform } from '../language/bound';
import type { Stmt } from '../language/ast';
import { compareFindings, type Finding, type Location } from '../common/findings';
import type { Trace, TraceStep } from '../common/trace';
import { DEFAULT_BUDGET, type BudgetKnobs, type EngineOptions, type EngineProgram, type EngineResult, type ExplorationStats, type ScenarioResult } from './api';
import type { KernelModel } from './seam';
import { explore, type Runner } from './explore/dpor';
import { executeStep, initWorld } from './time/run';
import { finishRun } from './time/end-of-run';
import { enabledAgents } from './time/schedule';
import { nextFootprint } from './time/footprint';
import { pendingAgents } from './time/agents';
import type { Statics, World } from './time/world';
import { kernelModel } from './kernel/index';
import { StepAborted } from './deadline';

export function simulate(program: EngineProgram, options: EngineOptions = {}): EngineResult {
  return simulateWith(kernelModel, program, options);
}

/** `simulate` with an explicit kernel half (tests use small fakes). */
export function simulateWith<K>(kernel: KernelModel<K>, program: EngineProgram, options: EngineOptions = {}): EngineResult {
  return eachScenario(program, options, (scenario) => {
    const r = simulateScenario(kernel, program, scenario, options);
    return { results: [r.result], cancelled: r.cancelled };
  });
}

/**
 * Runs `one` on every scenario `options.scenarios` selects, in order, until cancellation (asked
 * before each scenario, or reported by one), and gathers the results and their sorted findings.
 */
export function eachScenario(
  program: EngineProgram,
  options: EngineOptions,
  one: (scenario: BoundScenario) => { readonly results: readonly ScenarioResult[]; readonly cancelled: boolean },
): EngineResult {
  const wanted = options.scenarios ? new Set(options.scenarios) : undefined;
  const scenarios: ScenarioResult[] = [];
  let cancelled = false;
  for (const scenario of program.scenarios) {
    if (wanted && !wanted.has(scenario.name)) continue;
    if (options.isCancelled?.()) {
      cancelled = true;
      break;
    }
    const r = one(scenario);
    scenarios.push(...r.results);
    if (r.cancelled) {
      cancelled = true;
      break;
    }
  }
  const findings = scenarios.flatMap((s) => s.findings).sort(compareFindings);
  return { scenarios, findings, cancelled };
}

function scenarioLocation(scenario: BoundScenario): Location {
  return { file: scenario.file, span: scenario.decl.name.span };
}

export function buildStatics<K>(kernel: KernelModel<K>, program: EngineProgram, scenario: BoundScenario, platform: ResolvedPlatform): Statics<K> {
  const stmts: Stmt[] = [];
  const index = new Map<Stmt, number>();
  const progs: number[][] = [];
  const threadProg = new Map<number, number>();
  const addProg = (body: readonly Stmt[]): number => {
    const id = progs.length;
    const prog: number[] = [];
    progs.push(prog);
    for (const s of body) {
      const idx = stmts.length;
      stmts.push(s);
      index.set(s, idx);
      prog.push(idx);
      if (s.kind === 'Thread') threadProg.set(idx, addProg(s.body));
    }
    return id;
  };
  addProg(scenario.body);
  if (!program.files.has(scenario.file)) throw new Error(`no source for ${scenario.file}`);
  return { program, scenario, platform, kernel, file: scenario.file, stmts, index, progs, threadProg, profileRows: new Map(), citedSites: new Map() };
}

interface RunOutcome<K> {
  readonly world: World<K>;
  readonly complete: boolean;
}

function simulateScenario<K>(kernel: KernelModel<K>, program: EngineProgram, scenario: BoundScenario, options: EngineOptions): { result: ScenarioResult; cancelled: boolean } {
  const location = scenarioLocation(scenario);
  const emptyStats: ExplorationStats = { schedules: 0, states: 0, cutShort: false, millis: 0 };
  if (!scenario.platform) {
    return { result: { name: scenario.name, platform: '', location, findings: [], trace: { scenario: scenario.name, platform: '', steps: [] }, exploration: emptyStats }, cancelled: false };
  }
  const platform = options.kernel ? { ...scenario.platform, kernel: options.kernel } : scenario.platform;
  const budget = { ...DEFAULT_BUDGET, ...options.budget };
  const st = buildStatics(kernel, program, scenario, platform);
  let reported: RunOutcome<K> | undefined;
  const all = new Map<string, Finding>();
  try {
    const stats = explore({
      start: () => makeRunner(st),
      maxStates: budget.maxStates,
      maxMillis: budget.maxMillis,
      reduction: options.reduction !== false,
      isCancelled: options.isCancelled,
      checkpointEvery: CHECKPOINT_EVERY,
      checkpointRevisits: CHECKPOINT_REVISITS,
      onRun: (runner, complete) => {
        const w = runner.world;
        if (complete) finishRun(w, st);
        const violating = w.findings.some((f) => f.severity !== 'information');
        if (!reported || (violating && !reported.world.findings.some((f) => f.severity !== 'information'))) {
          if (complete || !reported) reported = { world: w, complete };
        }
        for (const f of w.findings) {
          const key = findingKey(f);
          if (!all.has(key)) all.set(key, f);
        }
      },
    });
    const trace = reported ? toTrace(st, reported.world) : { scenario: scenario.name, platform: platform.name, steps: [] };
    const findings = [...all.values()].map((f) => retarget(f, reported?.world, trace));
    if (stats.cutShort) findings.push(budgetFinding(scenario, location, stats.states, stats.schedules, stats.states < budget.maxStates ? budget.maxMillis : undefined, options.budgetKnobs));
    findings.sort(compareFindings);
    return {
      result: { name: scenario.name, platform: platform.name, location, findings, trace, exploration: { schedules: stats.schedules, states: stats.states, cutShort: stats.cutShort, millis: stats.millis }, profileRows: Object.fromEntries(st.profileRows), citations: Object.fromEntries(st.citedSites) },
      cancelled: stats.cancelled,
    };
  } catch (e) {
    const message = `The engine failed on this scenario (a bug in DMA-BUF Lab, not in the scenario): ${e instanceof Error ? e.message : String(e)}`;
    const f: Finding = { code: 'INTERNAL', severity: 'error', message, location, related: [], scenario: scenario.name };
    return { result: { name: scenario.name, platform: platform.name, location, findings: [f], trace: { scenario: scenario.name, platform: platform.name, steps: [] }, exploration: emptyStats }, cancelled: false };
  }
}

type WorldRunner<K> = Runner & { world: World<K>; fork(): WorldRunner<K> };

function makeRunner<K>(st: Statics<K>, w: World<K> = initWorld(st)): WorldRunner<K> {
  return {
    world: w,
    enabled: () => enabledAgents(w, st),
    pending: () => pendingAgents(w),
    next: (a) => nextFootprint(w, st, a),
    step: (a) => {
      const index = w.steps.length;
      try {
        executeStep(w, st, a);
      } catch (e) {
        // A step abandoned half-way for the budget leaves no record and no findings of its own.
        if (e instanceof StepAborted) {
          w.steps.length = index;
          w.findings = w.findings.filter((f) => f.traceStep === undefined || f.traceStep <= index);
        }
        throw e;
      }
    },
    // Worlds are plain data (seam.ts), so a copy is a fork of the run.
    fork: () => makeRunner(st, structuredClone(w)),
  };
}

/**
 * Copies of a run kept for backtracking. Measured on every fixture and sample: copying a world
 * (structuredClone; the kernel half's page tables dominate) costs more than replaying the prefix,
 * so runs are replayed by default. `DMABUF_CHECKPOINT_EVERY=n` keeps a copy every n steps and
 * `DMABUF_CHECKPOINT_REVISITS=1` one at each state the search returns to (same results either way).
 */
const CHECKPOINT_EVERY = Number(process.env.DMABUF_CHECKPOINT_EVERY ?? 0);
const CHECKPOINT_REVISITS = process.env.DMABUF_CHECKPOINT_REVISITS === '1';

/** One finding per code and place; a race is one finding per pair of statements. */
function findingKey(f: Finding): string {
  const base = `${f.code}@${f.location.file}:${f.location.span.start}-${f.location.span.end}`;
  if (f.code !== 'RACE-01') return base;
  const others = f.related.map((r) => r.location.span.start).sort((a, b) => a - b);
  const all = [f.location.span.start, ...others].sort((a, b) => a - b);
  return `${f.code}@${f.location.file}:${all.join(',')}`;
}

/** A finding from another interleaving points at the reported trace's step for the same statement. */
function retarget<K>(f: Finding, world: World<K> | undefined, trace: Trace): Finding {
  if (!world) return { ...f, traceStep: undefined };
  if (world.findings.includes(f)) return f;
  const same = world.findings.find((g) => findingKey(g) === findingKey(f));
  if (same) return { ...f, traceStep: same.traceStep };
  const step = trace.steps.find((s) => s.location.span.start === f.location.span.start && s.location.file === f.location.file);
  return { ...f, traceStep: step?.index };
}

/** `millis`: the time budget that ran out, when it was time rather than states. */
function budgetFinding(scenario: BoundScenario, location: Location, states: number, schedules: number, millis: number | undefined, knobs: BudgetKnobs | undefined): Finding {
  const how = (knob: string | undefined): string => (knob ? ` (${knob})` : '');
  const raise =
    millis === undefined
      ? `Raise the state budget${how(knobs?.states)} to explore further.`
      : `The ${millis} ms time budget ran out${schedules === 0 ? ' before the default schedule ended, so later steps were not simulated' : ''}: raise it${how(knobs?.time)} to explore further.`;
  return {
    code: 'BUDGET',
    severity: 'information',
    message: `Exploration of ${scenario.name}'s interleavings was cut short by the budget after ${states} states and ${schedules} complete interleavings: findings that need a later interleaving may be missing. ${raise}`,
    location,
    related: [],
    scenario: scenario.name,
    outcome: 'INFO',
  };
}

function toTrace<K>(st: Statics<K>, w: World<K>): Trace {
  const steps: TraceStep[] = w.steps.map((r, i) => ({
    index: i + 1,
    agent: r.agent,
    call: r.call,
    outcome: r.outcome,
    ok: r.ok,
    location: { file: st.file, span: r.at },
    changes: r.changes,
    findings: r.findings,
    ...(r.waitsOn ? { waitsOn: r.waitsOn } : {}),
    ...(r.signals ? { signals: r.signals } : {}),
  }));
  return { scenario: st.scenario.name, platform: st.platform.name, steps };
}
