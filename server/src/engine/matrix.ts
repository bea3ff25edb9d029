// A version matrix: each scenario runs under every profile asked for (the CLI's `--kernels`, the
// editor's `dmabuf.kernels`, or its platform's `kernel A..B`), and the runs are merged so that a
// finding is reported once with the profiles it happens on (`Finding.versions`, in table order).
// A finding is one finding per code, place and severity (a race: per pair of statements); where
// its message differs between profiles it keeps that of its first profile.
//
// Identical runs are computed once. A run records the profile rows (language/profiles.ts) it asked
// about with its profile's answers (`ScenarioResult.profileRows`); the simulation depends on the
// profile only through those answers, so another profile that answers every one of them alike
// would take the same path and gets the same result without simulating, provided it also cites the
// kernel sites the run's messages cite alike (`ScenarioResult.citations`: 6.12 prints its own lines). A matrix over profiles
// that change nothing the scenario touches costs one run.
import { compareFindings, type Finding } from '../common/findings';
import type { BoundScenario } from '../language/bound';
import { KERNEL_VERSIONS, since, type KernelVersion, type RowId } from '../language/profiles';
import type { EngineOptions, EngineProgram, EngineResult, ProfileRun, ScenarioResult } from './api';
import { eachScenario, simulate } from './simulate';
import { cite, type SiteId } from './kernel/citations';

/** How one scenario is simulated on one profile (tests count the calls). */
export type RunScenario = (program: EngineProgram, options: EngineOptions) => EngineResult;

/** `versions` in table order, each once. */
export function inTableOrder(versions: readonly KernelVersion[]): KernelVersion[] {
  return KERNEL_VERSIONS.filter((v) => versions.includes(v));
}

/**
 * Runs the program's scenarios; a scenario runs as a matrix over `versions` when given (they
 * override every platform's profile, as `EngineOptions.kernel` does), else over its platform's
 * `kernels` when the platform declares a range, else once as `simulate` runs it. Without any
 * matrix the result is exactly `simulate`'s.
 */
export function simulateMatrix(program: EngineProgram, versions: readonly KernelVersion[] | undefined, options: EngineOptions = {}, run: RunScenario = simulate): EngineResult {
  const matrixOf = (s: BoundScenario): readonly KernelVersion[] | undefined => {
    const vs = versions ?? s.platform?.kernels;
    return vs && vs.length ? inTableOrder(vs) : undefined;
  };
  if (!program.scenarios.some((s) => matrixOf(s))) return run(program, options);
  return eachScenario(program, options, (scenario) => {
    const one: EngineProgram = { scenarios: [scenario], refs: program.refs, symbols: program.symbols, files: program.files };
    const vs = matrixOf(scenario);
    if (!vs) {
      const r = run(one, { ...options, scenarios: undefined });
      return { results: r.scenarios, cancelled: r.cancelled };
    }
    const r = runMatrix(one, vs, options, run);
    return { results: r.result ? [r.result] : [], cancelled: r.cancelled };
  });
}

/** Whether `version` answers every row `result` asked about as `result`'s profile did. */
export function answersAlike(version: KernelVersion, result: ScenarioResult): boolean {
  const rows = result.profileRows;
  // No rows: the engine failed (INTERNAL), which may depend on the profile, or there was no
  // platform to run on (nothing was simulated: the same everywhere).
  if (!rows) return result.platform === '' && result.trace.steps.length === 0;
  const cited = Object.entries(result.citations ?? {}) as [SiteId, string][];
  return (Object.keys(rows) as RowId[]).every((row) => since(version, row) === rows[row]) && cited.every(([id, text]) => cite(version, [id]) === text);
}

function runMatrix(one: EngineProgram, versions: readonly KernelVersion[], options: EngineOptions, run: RunScenario): { result?: ScenarioResult; cancelled: boolean } {
  const runs: ProfileRun[] = [];
  for (const version of versions) {
    const same = runs.find((r) => r.sharedWith === undefined && answersAlike(version, r.result));
    if (same) {
      runs.push({ version, result: same.result, sharedWith: same.version });
      continue;
    }
    if (options.isCancelled?.()) return { result: runs.length ? merge(runs, versions) : undefined, cancelled: true };
    const r = run(one, { ...options, kernel: version, scenarios: undefined });
    const result = r.scenarios[0];
    if (!result) return { cancelled: r.cancelled };
    runs.push({ version, result });
    if (r.cancelled) return { result: merge(runs, versions), cancelled: true };
  }
  return { result: merge(runs, versions), cancelled: false };
}

/** One finding per code, place and severity; a race per pair of statements (as simulate keys them). */
export function mergeKey(f: Finding): string {
  const where = [f.location.span.start, ...(f.code === 'RACE-01' ? f.related.map((r) => r.location.span.start) : [])].sort((a, b) => a - b);
  return `${f.code}/${f.severity}@${f.location.file}:${f.code === 'RACE-01' ? where.join(',') : `${f.location.span.start}-${f.location.span.end}`}`;
}

/** Merges per-profile findings: each once, with the profiles it happens on, first message kept. */
export function mergeFindings(perVersion: readonly { readonly version: KernelVersion; readonly findings: readonly Finding[] }[]): Finding[] {
  const merged = new Map<string, { finding: Finding; versions: KernelVersion[] }>();
  for (const { version, findings } of perVersion) {
    for (const f of findings) {
      const key = mergeKey(f);
      const m = merged.get(key);
      if (!m) merged.set(key, { finding: f, versions: [version] });
      else if (!m.versions.includes(version)) m.versions.push(version);
    }
  }
  return [...merged.values()].map(({ finding, versions }) => ({ ...finding, versions: inTableOrder(versions) })).sort(compareFindings);
}

/**
 * The scenario's merged result: merged findings, and the trace of the first profile on which the
 * scenario has an error (else of the first profile); `runs` keeps every profile's own result.
 */
function merge(runs: readonly ProfileRun[], versions: readonly KernelVersion[]): ScenarioResult {
  const shown = runs.find((r) => r.result.findings.some((f) => f.severity === 'error')) ?? runs[0];
  // A finding's trace step points into the trace shown, where it happens there too; one that does
  // not happen on the shown profile has no step in that trace (its own profile's trace, asked
  // for with --trace NAME@KERNEL or the view's picker, has it), so it keeps none.
  const steps = new Map(shown.result.findings.map((f) => [mergeKey(f), f.traceStep]));
  const findings = mergeFindings(runs.map((r) => ({ version: r.version, findings: r.result.findings }))).map((f) => {
    const key = mergeKey(f);
    if (!steps.has(key)) {
      const { traceStep: _other, ...rest } = f;
      return rest;
    }
    return steps.get(key) !== f.traceStep ? { ...f, traceStep: steps.get(key) } : f;
  });
  const s = shown.result;
  return { name: s.name, platform: s.platform, location: s.location, findings, trace: s.trace, exploration: s.exploration, versions: inTableOrder(versions), traceVersion: shown.version, runs };
}

/** The run of `result` on `version` (a matrix result), or the result itself when it is no matrix. */
export function runOn(result: ScenarioResult, version: KernelVersion | undefined): ScenarioResult | undefined {
  if (!result.runs) return version === undefined ? result : undefined;
  if (version === undefined) return result;
  return result.runs.find((r) => r.version === version)?.result;
}
