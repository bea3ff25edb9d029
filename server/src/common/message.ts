// Messages that name another place of a file ("taken at line 12"). Inside the pipeline such a
// message is a template: the place is a marker holding an index into the finding's `places`
// (offsets), and its line is written only where the message leaves the process (renderMessage).
// So moving a cached finding after an edit moves offsets, and never rewrites a message.
//
// Markers are NUL-delimited: `\0L3\0` (line of place 3), `\0P3\0` (line:column of place 3). A
// producer writes `lineAt(offset)` into the text (an offset into the file the finding is reported
// in); `placeMarkers` turns those into indexed markers when the finding is made. A place in another
// file is given by index (positionMarker) with the places list. Only a whole marker is one: a NUL
// that a message quotes from a file is left as it is.
import type { LineIndex } from './source';

/** An offset into a file that a message names. */
export interface Place {
  readonly file: string;
  readonly offset: number;
}

/** A message with the places its markers index. `places` is absent when it names none. */
export interface PlacedMessage {
  readonly message: string;
  readonly places?: readonly Place[];
}

/** The line index of a file, where the caller has one. */
export type LinesOf = (file: string) => LineIndex | undefined;

const MARK = '\u0000';
/** An unresolved marker (`@offset`) or an indexed one, rendered as a line or as line:column. */
const MARKER = /\u0000([LP])(@?)(\d+)\u0000/g;

/** Text naming the 1-based line of `offset` in the finding's own file. */
export function lineAt(offset: number): string {
  return `${MARK}L@${offset}${MARK}`;
}

/** Text naming the `line:column` of `places[index]` (a place in any file, given by index). */
export function positionMarker(index: number): string {
  return `${MARK}P${index}${MARK}`;
}

/**
 * `message` with its unresolved markers (offsets into `file`) turned into indexes into `places`.
 * Messages without markers (nearly all) are returned as they are.
 */
export function placeMarkers(message: string, file: string): PlacedMessage {
  if (!message.includes(MARK)) return { message };
  const places: Place[] = [];
  const text = message.replace(MARKER, (whole, form: string, unresolved: string, n: string) => {
    if (!unresolved) return whole;
    places.push({ file, offset: Number(n) });
    return `${MARK}${form}${places.length - 1}${MARK}`;
  });
  return places.length ? { message: text, places } : { message: text };
}

/**
 * `inner`'s text to embed in a message that already names the places `outer`: its markers are
 * renumbered after them. Returns the text and every place.
 */
export function embed(inner: PlacedMessage, outer: readonly Place[]): { readonly message: string; readonly places: readonly Place[] } {
  if (!inner.places?.length) return { message: inner.message, places: outer };
  const base = outer.length;
  const message = inner.message.replace(MARKER, (whole, form: string, unresolved: string, n: string) =>
    unresolved ? whole : `${MARK}${form}${base + Number(n)}${MARK}`,
  );
  return { message, places: [...outer, ...inner.places] };
}

/** The message as people read it: each marker replaced by the line (or line:column) it names. */
export function renderMessage(m: PlacedMessage, linesOf: LinesOf): string {
  if (!m.places?.length) return m.message;
  const places = m.places;
  return m.message.replace(MARKER, (whole, form: string, unresolved: string, n: string) => {
    const place = unresolved ? undefined : places[Number(n)];
    if (!place) return whole;
    const lines = linesOf(place.file);
    const pos = lines ? lines.position(place.offset) : { line: -1, character: -1 };
    return form === 'L' ? String(pos.line + 1) : `${pos.line + 1}:${pos.character + 1}`;
  });
}
