// Engine findings that stay true while the engine catches up with an edit. Between a keystroke
// and the worker's answer, the diagnostics published at once would otherwise lose every engine
// finding of the file, and the squiggles of all scenarios would blink on each keystroke. A
// scenario the edit did not touch keeps its findings, moved to where the scenario now sits; the
// edited scenario has none until the engine answers for it. An edit that touches a platform or
// an import (which can change any scenario's result) carries nothing over.
import type { Finding, Location } from '../common/findings';
import type { LineIndex } from '../common/source';
import type { Span } from '../language/ast';
import type { EngineState, ItemPlace } from './documents';

const memo = new WeakMap<EngineState, { text: string; findings: readonly Finding[] }>();

/** Findings of `engine` (computed from older text) that hold in `text`, at their new places. */
export function carriedFindings(engine: EngineState, items: readonly ItemPlace[], file: string, text: string, lines: LineIndex): readonly Finding[] {
  const known = memo.get(engine);
  if (known && known.text === text) return known.findings;
  const findings = carry(engine, items, file, text, lines);
  memo.set(engine, { text, findings });
  return findings;
}

function carry(engine: EngineState, items: readonly ItemPlace[], file: string, text: string, lines: LineIndex): Finding[] {
  const old = engine.text;
  // The edited region: everything between the common prefix and the common suffix.
  const max = Math.min(old.length, text.length);
  let prefix = 0;
  while (prefix < max && old.charCodeAt(prefix) === text.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  while (suffix < max - prefix && old.charCodeAt(old.length - 1 - suffix) === text.charCodeAt(text.length - 1 - suffix)) suffix++;
  const oldEnd = old.length - suffix;
  const touched = (s: Span): boolean => s.start <= oldEnd && prefix <= s.end;
  if (items.some((i) => i.kind !== 'Scenario' && touched(i.span))) return [];

  const dOffset = text.length - old.length;
  const dLine = lines.lineCount - countLines(old);
  // A place after the edit on the edit's last line moved sideways too: not carried.
  const lastEditedLine = lines.position(prefix).line + countLines(old.slice(prefix, oldEnd)) - 1;
  const out: Finding[] = [];
  for (const scenario of engine.scenarios) {
    const item = itemAt(items, scenario.location.span.start);
    if (!item || item.kind !== 'Scenario' || touched(item.span)) continue;
    for (const f of scenario.findings) {
      if (dLine !== 0 && /\bline \d/.test(f.message)) continue; // it quotes a line that moved
      const moved = move(f, file, { prefix, oldEnd, dOffset, dLine, lastEditedLine });
      if (moved) out.push(moved);
    }
  }
  return out;
}

/** The item containing `offset` (items are in source order and do not overlap): a binary search. */
function itemAt(items: readonly ItemPlace[], offset: number): ItemPlace | undefined {
  let lo = 0;
  let hi = items.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = items[mid].span;
    if (offset < s.start) hi = mid - 1;
    else if (offset > s.end) lo = mid + 1;
    else return items[mid];
  }
  return undefined;
}

function countLines(text: string): number {
  let n = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) n++;
  }
  return n;
}

/** The finding with its locations in `file` moved past the edit, or undefined if one lies in it. */
interface Edit {
  readonly prefix: number;
  readonly oldEnd: number;
  readonly dOffset: number;
  readonly dLine: number;
  readonly lastEditedLine: number;
}

function move(f: Finding, file: string, edit: Edit): Finding | undefined {
  const { prefix, oldEnd, dOffset, dLine } = edit;
  let broken = false;
  const at = (l: Location): Location => {
    if (l.file !== file || l.span.end <= prefix) return l;
    if (l.span.start < oldEnd || l.range.start.line === edit.lastEditedLine) {
      broken = true;
      return l;
    }
    const r = l.range;
    return {
      ...l,
      span: { start: l.span.start + dOffset, end: l.span.end + dOffset },
      range: { start: { line: r.start.line + dLine, character: r.start.character }, end: { line: r.end.line + dLine, character: r.end.character } },
    };
  };
  const moved: Finding = { ...f, location: at(f.location), related: f.related.map((r) => ({ ...r, location: at(r.location) })) };
  return broken ? undefined : moved;
}
