// Moving pipeline results after an edit: every place in a finding or trace is an offset (a span,
// or a place a message names), so moving one is mapping its offsets. The caller says how a span
// moves, or that the edit destroyed it (then the finding is not carried).
import type { Span } from './span';
import type { Finding, Location, RelatedInformation } from './findings';
import type { Place } from './message';
import type { Trace, TraceStep } from './trace';

/** Where `span` of `file` is after the edit; undefined when the edit touched it. */
export type SpanMove = (file: string, span: Span) => Span | undefined;

/** A move by `delta` of the spans of `file` inside [from, to]; others stay. */
export function shiftInside(file: string, from: number, to: number, delta: number): SpanMove {
  return (f, s) => (f === file && from <= s.start && s.end <= to ? { start: s.start + delta, end: s.end + delta } : s);
}

export function moveLocation(l: Location, move: SpanMove): Location | undefined {
  const span = move(l.file, l.span);
  if (!span) return undefined;
  return span === l.span ? l : { ...l, span };
}

function movePlaces(places: readonly Place[] | undefined, move: SpanMove): readonly Place[] | undefined | null {
  if (!places) return undefined;
  const out: Place[] = [];
  for (const p of places) {
    const span = move(p.file, { start: p.offset, end: p.offset });
    if (!span) return null;
    out.push(span.start === p.offset ? p : { file: p.file, offset: span.start });
  }
  return out;
}

function moveRelated(r: RelatedInformation, move: SpanMove): RelatedInformation | undefined {
  const location = moveLocation(r.location, move);
  const places = movePlaces(r.places, move);
  if (!location || places === null) return undefined;
  return { ...r, location, ...(places ? { places } : {}) };
}

/** The finding with every place moved, or undefined when the edit touched one of them. */
export function moveFinding(f: Finding, move: SpanMove): Finding | undefined {
  const location = moveLocation(f.location, move);
  const places = movePlaces(f.places, move);
  if (!location || places === null) return undefined;
  const related: RelatedInformation[] = [];
  for (const r of f.related) {
    const m = moveRelated(r, move);
    if (!m) return undefined;
    related.push(m);
  }
  return { ...f, location, related, ...(places ? { places } : {}) };
}

/** The trace with its steps' locations moved; steps whose place the edit touched keep theirs. */
export function moveTrace(t: Trace, move: SpanMove): Trace {
  const steps: TraceStep[] = t.steps.map((s) => {
    const location = moveLocation(s.location, move);
    return location && location !== s.location ? { ...s, location } : s;
  });
  return { ...t, steps };
}
