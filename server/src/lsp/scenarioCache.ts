// Engine results per scenario, reused across edits: typing in one scenario of a large file must
// re-simulate that scenario only. The server's main thread holds it (engineReuse.ts): it asks the
// worker for the scenarios it has no result for, so the worker neither keeps a second copy nor
// sends the unchanged results back. A result is keyed by everything its simulation can read — the
// scenario's own text (and its column, which the ranges inside it depend on), the resolved
// platform it runs on (with the positions of the platform's declarations) and the engine options
// — and is moved to wherever the scenario now sits in the file when text above it changed.
//
// Moving a result shifts every location inside the scenario by the scenario's change of offset and
// line; locations elsewhere may only point at the platform's declarations, which the key pins in
// place (a result pointing anywhere else is not cached). Messages that quote a line number ("taken
// at line 12") are only reused where the scenario did not change lines.
import type { Location } from '../common/findings';
import type { EngineOptions, ScenarioResult } from '../engine/api';
import type { Span } from '../language/ast';
import type { BoundProgram, BoundScenario, ResolvedPlatform, Symbol } from '../language/bound';

interface Entry {
  readonly result: ScenarioResult;
  /** Where the scenario was when `result` was computed. */
  readonly start: number;
  readonly end: number;
  readonly line: number;
  /** Some message quotes a line number: reusable only at the same line. */
  readonly quotesLines: boolean;
}

/** The options that change a scenario's result (cancellation does not). */
export type CacheOptions = Pick<EngineOptions, 'kernel' | 'budget' | 'reduction'>;

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
    if (!entry || !here || (entry.quotesLines && here.line !== entry.line)) {
      this.misses++;
      return undefined;
    }
    // Most recently used last, so eviction drops the oldest.
    this.entries.delete(key!);
    this.entries.set(key!, entry);
    this.hits++;
    const dOffset = here.start - entry.start;
    const dLine = here.line - entry.line;
    if (dOffset === 0 && dLine === 0) return entry.result;
    const moved = relocate(entry.result, scenario.file, entry.start, entry.end, dOffset, dLine);
    // Kept where it now is: the next lookup from here copies nothing, and only one copy lives.
    this.entries.set(key!, { ...entry, result: moved, start: here.start, end: here.end, line: here.line });
    return moved;
  }

  store(program: BoundProgram, scenario: BoundScenario, options: CacheOptions, result: ScenarioResult): void {
    const key = this.key(program, scenario, options);
    const here = place(program, scenario);
    if (key === undefined || !here) return;
    if (!pointsOnlyAt(result, scenario, here)) return;
    this.entries.delete(key);
    this.entries.set(key, { result, start: here.start, end: here.end, line: here.line, quotesLines: /\bline \d/.test(JSON.stringify(result)) });
    while (this.entries.size > this.limit) this.entries.delete(this.entries.keys().next().value as string);
  }

  private key(program: BoundProgram, scenario: BoundScenario, options: CacheOptions): string | undefined {
    const source = program.files.get(scenario.file)?.source;
    if (!source) return undefined;
    const span = scenario.decl.span;
    const column = source.lines.position(span.start).character;
    const platform = scenario.platform ? this.platformKey(scenario.platform) : '';
    const opts = JSON.stringify([options.kernel ?? null, options.budget?.maxStates ?? null, options.budget?.maxMillis ?? null, options.reduction ?? null]);
    return `${scenario.file}\u0000${column}\u0000${opts}\u0000${platform}\u0000${source.text.slice(span.start, span.end)}`;
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

function place(program: BoundProgram, scenario: BoundScenario): { start: number; end: number; line: number } | undefined {
  const source = program.files.get(scenario.file)?.source;
  if (!source) return undefined;
  const { start, end } = scenario.decl.span;
  return { start, end, line: source.lines.position(start).line };
}

/** Parts of a result that hold no places and are shared, not copied, when it moves. */
const SHARED = new Set(['state', 'changes']);

function isLocation(v: unknown): v is Location {
  if (typeof v !== 'object' || v === null) return false;
  const l = v as Partial<Location>;
  return typeof l.file === 'string' && typeof l.span === 'object' && typeof l.range === 'object';
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
  let ok = true;
  walk(result, false, (loc, inState) => {
    // Changes and snapshots are shared, not copied, when a result is moved: they must hold no place.
    if (inState) ok = false;
    if (loc.file !== scenario.file) return;
    if (!allowed.some((s) => s.start <= loc.span.start && loc.span.end <= s.end)) ok = false;
  });
  return ok;
}

function walk(v: unknown, inState: boolean, visit: (l: Location, inState: boolean) => void): void {
  if (Array.isArray(v)) {
    for (const x of v) walk(x, inState, visit);
    return;
  }
  if (typeof v !== 'object' || v === null) return;
  if (isLocation(v)) visit(v, inState);
  for (const [k, x] of Object.entries(v)) if (typeof x === 'object' && x !== null) walk(x, inState || SHARED.has(k), visit);
}

/** A move of the locations inside [start, end] of `file` by the deltas. */
interface Move {
  readonly file: string;
  readonly start: number;
  readonly end: number;
  readonly dOffset: number;
  readonly dLine: number;
}

/** Traces not moved yet: the trace as computed and the total move since (traces are read rarely). */
const pendingTraces = new WeakMap<ScenarioResult, { readonly trace: ScenarioResult['trace']; readonly move: Move }>();

/**
 * A copy of `result` with the locations inside [start, end] of `file` moved by the deltas. The
 * findings and location move now (diagnostics need them); the trace, which is most of a result,
 * moves when something reads it: typing above a hundred scenarios moves them all at each analysis.
 */
function relocate(result: ScenarioResult, file: string, start: number, end: number, dOffset: number, dLine: number): ScenarioResult {
  const step: Move = { file, start, end, dOffset, dLine };
  const pending = pendingTraces.get(result);
  // Moves compose: the region moved with the first, so the second's region is the first's moved.
  const traceMove: Move = pending
    ? { ...pending.move, dOffset: pending.move.dOffset + dOffset, dLine: pending.move.dLine + dLine }
    : step;
  const baseTrace = pending ? pending.trace : result.trace;
  const moved: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(result)) if (k !== 'trace') moved[k] = moveValue(v, step);
  let trace: ScenarioResult['trace'] | undefined;
  Object.defineProperty(moved, 'trace', {
    enumerable: true,
    get: () => (trace ??= moveValue(baseTrace, traceMove) as ScenarioResult['trace']),
  });
  const out = moved as unknown as ScenarioResult;
  pendingTraces.set(out, { trace: baseTrace, move: traceMove });
  return out;
}

function moveValue(v: unknown, m: Move): unknown {
  if (Array.isArray(v)) return v.map((x) => moveValue(x, m));
  if (typeof v !== 'object' || v === null) return v;
  if (isLocation(v) && v.file === m.file && m.start <= v.span.start && v.span.end <= m.end) {
    const r = v.range;
    return {
      ...v,
      span: { start: v.span.start + m.dOffset, end: v.span.end + m.dOffset },
      range: { start: { line: r.start.line + m.dLine, character: r.start.character }, end: { line: r.end.line + m.dLine, character: r.end.character } },
    };
  }
  const out: Record<string, unknown> = {};
  // A step's changes and their snapshots hold no places (checked at store): shared as they are,
  // which keeps a trace's sharing between steps and makes moving a result cheap.
  for (const [k, x] of Object.entries(v)) out[k] = typeof x === 'object' && x !== null && !SHARED.has(k) ? moveValue(x, m) : x;
  return out;
}
