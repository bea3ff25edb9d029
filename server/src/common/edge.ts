// Where results leave the process (LSP diagnostics, the trace request, the CLI's formats), places
// get their line and column: the pipeline keeps offsets only (findings.ts). Each edge passes the
// line index of every file it may name; a file it has none for is shown at 0:0.
import type { Location } from './findings';
import type { LinesOf } from './message';
import type { TextRange } from './source';
import type { Trace, TraceStep } from './trace';

export type { LinesOf } from './message';
export { renderMessage } from './message';

/**
 * A location as it leaves the process: its file and 0-based line/character range. No offsets:
 * they are the pipeline's own, and a reader would see them move with any edit above the step.
 */
export interface RangedLocation {
  readonly file: string;
  readonly range: TextRange;
}

export type RangedStep = Omit<TraceStep, 'location'> & { readonly location: RangedLocation };

export type RangedTrace = Omit<Trace, 'steps'> & { readonly steps: readonly RangedStep[] };

const NOWHERE: TextRange = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

export function rangeOf(l: Location, linesOf: LinesOf): TextRange {
  return linesOf(l.file)?.range(l.span) ?? NOWHERE;
}

/** `{ file, range }`, in that order (the CLI's JSON trace prints it as it is). */
export function ranged(l: Location, linesOf: LinesOf): RangedLocation {
  return { file: l.file, range: rangeOf(l, linesOf) };
}

/** The trace with each step's location ranged; the step's other fields keep their order. */
export function rangedTrace(t: Trace, linesOf: LinesOf): RangedTrace {
  return { ...t, steps: t.steps.map((s) => ({ ...s, location: ranged(s.location, linesOf) })) };
}
