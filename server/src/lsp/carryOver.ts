// Engine findings that stay true while the engine catches up with an edit. Between a keystroke
// and the worker's answer, the diagnostics published at once would otherwise lose every engine
// finding of the file, and the squiggles of all scenarios would blink on each keystroke. A
// scenario the edit did not touch keeps its findings, moved to where the scenario now sits; the
// edited scenario has none until the engine answers for it. An edit that touches a platform or
// an import (which can change any scenario's result) carries nothing over.
import type { Finding } from '../common/findings';
import { moveFinding, type SpanMove } from '../common/move';
import type { Span } from '../language/ast';
import type { EngineState, ItemPlace } from './documents';

const memo = new WeakMap<EngineState, { text: string; findings: readonly Finding[] }>();

/** Findings of `engine` (computed from older text) that hold in `text`, at their new places. */
export function carriedFindings(engine: EngineState, items: readonly ItemPlace[], file: string, text: string): readonly Finding[] {
  const known = memo.get(engine);
  if (known && known.text === text) return known.findings;
  const findings = carry(engine, items, file, text);
  memo.set(engine, { text, findings });
  return findings;
}

function carry(engine: EngineState, items: readonly ItemPlace[], file: string, text: string): Finding[] {
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

  // Places are offsets (lines are computed when diagnostics are built): a place before the edit
  // stays, one after it moves by the change in length, one in it is lost with its finding.
  const dOffset = text.length - old.length;
  const move: SpanMove = (f, s) => {
    if (f !== file || s.end <= prefix) return s;
    if (s.start < oldEnd) return undefined;
    return { start: s.start + dOffset, end: s.end + dOffset };
  };
  const out: Finding[] = [];
  for (const scenario of engine.scenarios) {
    const item = itemAt(items, scenario.location.span.start);
    if (!item || item.kind !== 'Scenario' || touched(item.span)) continue;
    for (const f of scenario.findings) {
      const moved = moveFinding(f, move);
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
