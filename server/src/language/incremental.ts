// Re-parsing after an edit: only the top-level items around the changed text are parsed again.
// The language server parses on every keystroke on its main thread; at 20,000 lines a whole-file
// parse took most of the keystroke's time budget.
//
// Why this is exact (a test compares it with a full parse on random edits): a top-level item is
// parsed the same whatever precedes it, and its parse reads no further than the first two tokens
// of the next item (an unclosed block ends at a top-level keyword). So
//   - items two before the first changed character cannot have looked at it: kept as they are;
//   - parsing restarts at the item before the one the edit touches, and stops at the first item
//     start that lies in the unchanged tail of the text and was an item start before the edit:
//     from there the old tokens and items are the new ones, moved by the change in length.
import type { Finding } from '../common/findings';
import { moveFinding as moveAll } from '../common/move';
import type { SourceText } from '../common/source';
import type { Span, SourceFileNode, TopItem } from './ast';
import { fileResult, parseItems, type ParseResult } from './parser';

/**
 * What each tree was parsed from, with its uncapped SYNTAX findings (the cap applies to the whole
 * file, after merging). A tree not made here, or paired with other text, is never reused.
 */
const parsed = new WeakMap<SourceFileNode, { readonly text: string; readonly findings: readonly Finding[] }>();

/** Parses `source` from scratch. */
export function parseFresh(source: SourceText): ParseResult {
  const run = parseItems(source, 0, () => false);
  return finish(source, run.items, run.findings);
}

/** Parses `source`, reusing what the parse `previous` of an earlier text still says. */
export function reparse(source: SourceText, previous: ParseResult): ParseResult {
  const before = parsed.get(previous.ast);
  if (before === undefined) return parseFresh(source);
  const { text: previousText, findings: old } = before;
  const text = source.text;
  if (text === previousText) return previous;
  const { prefix, suffix } = unchangedEnds(previousText, text);
  const delta = text.length - previousText.length;
  const items = previous.ast.items;

  // Restart at the item before the last one that begins before the first changed character.
  let touched = -1;
  while (touched + 1 < items.length && items[touched + 1].span.start < prefix) touched++;
  const keep = Math.max(0, touched - 1);
  const start = keep < items.length && touched >= 1 ? items[keep].span.start : 0;
  const kept = touched >= 1 ? items.slice(0, keep) : [];

  // Old item starts in the unchanged tail, by their new offset.
  const tailFrom = previousText.length - suffix;
  const resume = new Map<number, number>();
  for (let i = items.length - 1; i >= 0 && items[i].span.start >= tailFrom; i--) resume.set(items[i].span.start + delta, i);

  const run = parseItems(source, start, (offset) => offset >= text.length - suffix && resume.has(offset));
  const from = resume.get(run.end);
  const moved = from === undefined ? [] : items.slice(from).map((item) => shift(item, delta));
  const oldEnd = run.end - delta;
  const findings = [
    ...old.filter((f) => f.location.span.start < start),
    ...run.findings,
    ...(from === undefined ? [] : old.filter((f) => f.location.span.start >= oldEnd).map((f) => moveFinding(f, oldEnd, delta))),
  ];
  return finish(source, [...kept, ...run.items, ...moved], findings);
}

function finish(source: SourceText, items: TopItem[], findings: Finding[]): ParseResult {
  const result = fileResult(source, items, findings);
  parsed.set(result.ast, { text: source.text, findings });
  return result;
}

/** Lengths of the longest common prefix and suffix, not overlapping in either text. */
function unchangedEnds(a: string, b: string): { prefix: number; suffix: number } {
  const max = Math.min(a.length, b.length);
  let prefix = 0;
  while (prefix < max && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  while (suffix < max - prefix && a.charCodeAt(a.length - 1 - suffix) === b.charCodeAt(b.length - 1 - suffix)) suffix++;
  return { prefix, suffix };
}

/** Only `Span` has numeric `start` and `end` in the syntax tree (ast.ts). */
function isSpan(v: object): v is Span {
  return typeof (v as Partial<Span>).start === 'number' && typeof (v as Partial<Span>).end === 'number';
}

/** A copy of an AST node with every span moved by `delta` (a hot path: plain loops, no entry arrays). */
function shift<T>(node: T, delta: number): T {
  return move(node, delta) as T;
}

function move(v: unknown, delta: number): unknown {
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) {
    const out = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) out[i] = move(v[i], delta);
    return out;
  }
  if (isSpan(v)) return { start: v.start + delta, end: v.end + delta };
  const out: Record<string, unknown> = {};
  const from = v as Record<string, unknown>;
  for (const k in from) out[k] = move(from[k], delta);
  return out;
}

/** A SYNTAX finding of the unchanged tail: its places from `oldEnd` on move by the change in length. */
function moveFinding(f: Finding, oldEnd: number, delta: number): Finding {
  // This move drops no place, so there is always a result.
  return moveAll(f, (_file, s) => (s.start >= oldEnd ? { start: s.start + delta, end: s.end + delta } : s)) ?? f;
}
