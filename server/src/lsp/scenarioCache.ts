// Engine results per scenario, reused across edits: typing in one scenario of a large file must
// re-simulate that scenario only. The server's main thread holds it (engineReuse.ts): it asks the
// worker for the scenarios it has no result for, so the worker neither keeps a second copy nor
// sends the unchanged results back. A result is keyed by everything its simulation can read — the
// scenario's own text, the resolved platform it runs on (with the positions of the platform's
// declarations) and the engine options — and is moved to wherever the scenario now sits in the
// file when text above it changed.
//
// Results hold offsets only (lines and columns are computed where they leave the server, messages
// that name a line included), so moving a result shifts the offsets inside the scenario by the
// scenario's change of offset; locations elsewhere may only point at the platform's declarations,
// which the key pins in place (a result pointing anywhere else is not cached).
import type { Finding, Location } from '../common/findings';
import { moveFinding, moveLocation, moveTrace, shiftInside, type SpanMove } from '../common/move';
import type { EngineOptions, ProfileRun, ScenarioResult } from '../engine/api';
import type { KernelVersion, Span } from '../language/ast';
import type { BoundProgram, BoundScenario, ResolvedPlatform, Symbol } from '../language/bound';

interface Entry {
  readonly result: ScenarioResult;
  /** Where the scenario was when `result` was computed. */
  readonly start: number;
  readonly end: number;
}

/** The options that change a scenario's result (cancellation does not). */
export type CacheOptions = Pick<EngineOptions, 'kernel' | 'budget' | 'reduction'> & {
  /** A version matrix over every scenario (dmabuf.kernels). */
  readonly kernels?: readonly KernelVersion[];
};

export class ScenarioCache {
  private readonly entries = new Map<string, Entry>();
  private readonly platformKeys = new WeakMap<ResolvedPlatform, string>();
  hits = 0;
  misses = 0;

  constructor(private readonly limit = 4096) {}

  get size(): number {
    return this.entries.size;
  }

  /** The cached result of `scenario` moved to its current place, or undefined. */
  lookup(program: BoundProgram, scenario: BoundScenario, options: CacheOptions): ScenarioResult | undefined {
    const key = this.key(program, scenario, options);
    const entry = key === undefined ? undefined : this.entries.get(key);
    const here = entry && place(program, scenario);
    if (!entry || !here) {
      this.misses++;
      return undefined;
    }
    // Most recently used last, so eviction drops the oldest.
    this.entries.delete(key!);
    this.entries.set(key!, entry);
    this.hits++;
    const dOffset = here.start - entry.start;
    if (dOffset === 0) return entry.result;
    const moved = relocate(entry.result, { file: scenario.file, start: entry.start, end: entry.end, dOffset });
    // Kept where it now is: the next lookup from here copies nothing, and only one copy lives.
    this.entries.set(key!, { result: moved, start: here.start, end: here.end });
    return moved;
  }

  store(program: BoundProgram, scenario: BoundScenario, options: CacheOptions, result: ScenarioResult): void {
    const key = this.key(program, scenario, options);
    const here = place(program, scenario);
    if (key === undefined || !here) return;
    if (!pointsOnlyAt(result, scenario, here)) return;
    this.entries.delete(key);
    this.entries.set(key, { result, start: here.start, end: here.end });
    while (this.entries.size > this.limit) this.entries.delete(this.entries.keys().next().value as string);
  }

  private key(program: BoundProgram, scenario: BoundScenario, options: CacheOptions): string | undefined {
    const source = program.files.get(scenario.file)?.source;
    if (!source) return undefined;
    const span = scenario.decl.span;
    const platform = scenario.platform ? this.platformKey(scenario.platform) : '';
    const opts = JSON.stringify([options.kernel ?? null, options.budget?.maxStates ?? null, options.budget?.maxMillis ?? null, options.reduction ?? null, ...(options.kernels ? [options.kernels] : [])]);
    return `${scenario.file}\u0000${opts}\u0000${platform}\u0000${source.text.slice(span.start, span.end)}`;
  }

  /** Everything the engine can read of a platform, with where each part is declared. */
  private platformKey(p: ResolvedPlatform): string {
    const known = this.platformKeys.get(p);
    if (known !== undefined) return known;
    const key = JSON.stringify(p, (k, v: unknown) => {
      if (v instanceof Map) return [...v.entries()];
      if (k === 'decl') return spanKey((v as { span: Span }).span);
      if (k === 'symbol') {
        const s = v as Symbol;
        return `${s.kind} ${s.name} ${s.file} ${spanKey(s.span)} ${spanKey(s.decl.span)}`;
      }
      return v;
    });
    this.platformKeys.set(p, key);
    return key;
  }
}

function spanKey(s: Span): string {
  return `${s.start}-${s.end}`;
}

function place(program: BoundProgram, scenario: BoundScenario): { start: number; end: number } | undefined {
  if (!program.files.has(scenario.file)) return undefined;
  const { start, end } = scenario.decl.span;
  return { start, end };
}

/** Every location in the main file lies in the scenario or in a declaration of its platform. */
function pointsOnlyAt(result: ScenarioResult, scenario: BoundScenario, here: { start: number; end: number }): boolean {
  const allowed: Span[] = [{ start: here.start, end: here.end }];
  const p = scenario.platform;
  if (p) {
    if (p.symbol.file === scenario.file) allowed.push(p.decl.span);
    for (const group of [p.devices, p.iommus, p.hostBridges, p.switches, p.groups] as ReadonlyMap<string, { symbol: Symbol }>[]) {
      for (const item of group.values()) if (item.symbol.file === scenario.file) allowed.push(item.symbol.decl.span);
    }
  }
  const ok = (file: string, span: Span): boolean => file !== scenario.file || allowed.some((s) => s.start <= span.start && span.end <= s.end);
  const okLocation = (l: Location): boolean => ok(l.file, l.span);
  const okFinding = (f: Finding): boolean =>
    okLocation(f.location) &&
    (f.places ?? []).every((q) => ok(q.file, { start: q.offset, end: q.offset })) &&
    f.related.every((r) => okLocation(r.location) && (r.places ?? []).every((q) => ok(q.file, { start: q.offset, end: q.offset })));
  return okLocation(result.location) && result.findings.every(okFinding) && result.trace.steps.every((s) => okLocation(s.location));
}

/** A move of the offsets inside [start, end] of `file` by `dOffset`. */
interface Move {
  readonly file: string;
  readonly start: number;
  readonly end: number;
  readonly dOffset: number;
}

/** Traces not moved yet: the trace as computed and the total move since (traces are read rarely). */
const pendingTraces = new WeakMap<ScenarioResult, { readonly trace: ScenarioResult['trace']; readonly move: Move }>();

function shift(m: Move): SpanMove {
  return shiftInside(m.file, m.start, m.end, m.dOffset);
}

/**
 * A copy of `result` with the offsets inside the move's region moved. The findings and location
 * move now (diagnostics need them); the trace, which is most of a result, moves when something
 * reads it: typing above a hundred scenarios moves them all at each analysis.
 */
function relocate(result: ScenarioResult, step: Move): ScenarioResult {
  const pending = pendingTraces.get(result);
  // Moves compose: the region moved with the first, so the second's region is the first's moved.
  const traceMove: Move = pending ? { ...pending.move, dOffset: pending.move.dOffset + step.dOffset } : step;
  const baseTrace = pending ? pending.trace : result.trace;
  const move = shift(step);
  // shiftInside drops no place: every finding and location has a moved copy.
  const findings = result.findings.map((f) => moveFinding(f, move) ?? f);
  const location = moveLocation(result.location, move) ?? result.location;
  let trace: ScenarioResult['trace'] | undefined;
  const moved: ScenarioResult = {
    name: result.name,
    platform: result.platform,
    location,
    findings,
    get trace(): ScenarioResult['trace'] {
      trace ??= moveTrace(baseTrace, shift(traceMove));
      return trace;
    },
    exploration: result.exploration,
    ...(result.profileRows ? { profileRows: result.profileRows } : {}),
    ...(result.citations ? { citations: result.citations } : {}),
    // A version matrix's result: every profile's own result moves with it.
    ...(result.versions ? { versions: result.versions } : {}),
    ...(result.traceVersion ? { traceVersion: result.traceVersion } : {}),
    ...(result.runs ? { runs: relocateRuns(result.runs, step) } : {}),
  };
  pendingTraces.set(moved, { trace: baseTrace, move: traceMove });
  return moved;
}

/** A matrix's runs moved; profiles that shared a result still share one moved copy. */
function relocateRuns(runs: readonly ProfileRun[], step: Move): ProfileRun[] {
  const moved = new Map<ScenarioResult, ScenarioResult>();
  return runs.map((r) => {
    let result = moved.get(r.result);
    if (!result) moved.set(r.result, (result = relocate(r.result, step)));
    return { ...r, result };
  });
}
