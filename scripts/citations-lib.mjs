// Shared by scripts/citations.mjs and test/engine/citations.test.ts: find kernel citations
// (`file.c:N-M`) in the engine's TypeScript, and read C/rst sources to name the symbol around a
// line range and to find a range's text in another release's file.
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/** `drivers/dma-buf/dma-buf.c:1133-1148, 1197-1209`: a file and one or more ranges. */
export const CITATION = /((?:[A-Za-z_0-9.-]+\/)*[A-Za-z_0-9.-]+\.(?:c|h|rst)):(\d+(?:-\d+)?(?:, \d+(?:-\d+)?)*)/g;

/** Every string and template literal piece of a TypeScript file, with its 1-based line. */
export function literals(file) {
  const text = fs.readFileSync(file, 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const out = [];
  const visit = (n) => {
    if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n) || ts.isTemplateHead(n) || ts.isTemplateMiddle(n) || ts.isTemplateTail(n)) {
      out.push({ text: n.text, line: sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1 });
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

export function walkTs(dir, acc = []) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walkTs(p, acc);
    else if (p.endsWith('.ts')) acc.push(p);
  }
  return acc.sort();
}

/** Raw citations in literals: [{ file (as written), ranges: [[a, b]], at: 'path:line' }]. */
export function rawCitations(files) {
  const out = [];
  for (const f of files) {
    for (const lit of literals(f)) {
      for (const m of lit.text.matchAll(CITATION)) {
        const ranges = m[2].split(', ').map((r) => {
          const [a, b] = r.split('-').map(Number);
          return [a, b ?? a];
        });
        out.push({ file: m[1], ranges, text: m[0], at: `${f}:${lit.line}` });
      }
    }
  }
  return out;
}

// ---- C and rst sources -------------------------------------------------------------------

export function readLines(file) {
  return fs.readFileSync(file, 'utf8').split('\n');
}

const norm = (s) => s.replace(/\s+/g, ' ').trim();

/**
 * The symbol whose text holds lines a..b (1-based) of a C file: a function (`name()`), a
 * function-like macro, a struct/enum/union, a DOC comment, or the declaration a kernel-doc
 * comment documents. Returns { symbol, start, end } (the symbol's own extent) or undefined.
 */
export function enclosing(lines, a, b) {
  // Inside a /** ... */ block: the DOC title, else what follows the comment.
  const c = commentAround(lines, a);
  if (c && b <= c.end) {
    for (let i = c.start; i <= c.end; i++) {
      const d = /DOC:\s*(.+)$/.exec(lines[i - 1]);
      if (d) return { symbol: `DOC: ${d[1].trim()}`, start: c.start, end: c.end };
    }
    const after = declAt(lines, c.end + 1);
    if (after) return { ...after, doc: c.start };
    return undefined;
  }
  // Walk up to the nearest top-level opener whose extent covers a..b.
  for (let i = a; i >= 1; i--) {
    const l = lines[i - 1];
    if (/^\}/.test(l) && i < a) {
      // A top-level close above us: we are not inside its block, keep looking only for macros.
    }
    const d = declStartingAt(lines, i);
    if (d && d.start <= a && d.end >= b) return d;
    if (d && d.end < a) return undefined;
  }
  return undefined;
}

function commentAround(lines, a) {
  let s = a;
  while (s >= 1 && !/^\s*\/\*/.test(lines[s - 1])) {
    if (/\*\//.test(lines[s - 1]) && s !== a) return undefined;
    if (!/^\s*\*/.test(lines[s - 1]) && !/^\s*\/\*/.test(lines[s - 1])) return undefined;
    s--;
  }
  if (s < 1 || !/^\/\*\*?/.test(lines[s - 1].trim())) return undefined;
  if (!/^\/\*/.test(lines[s - 1])) return undefined; // only top-level (column 0) comments
  let e = s;
  while (e <= lines.length && !/\*\//.test(lines[e - 1])) e++;
  return e >= a ? { start: s, end: e } : undefined;
}

/** The declaration starting at line i (column 0), with its extent. */
function declStartingAt(lines, i) {
  const l = lines[i - 1];
  if (l === undefined) return undefined;
  let m = /^#define\s+([A-Za-z_]\w*)(\()?/.exec(l);
  if (m) {
    let e = i;
    while (/\\\s*$/.test(lines[e - 1])) e++;
    return { symbol: m[2] ? `${m[1]}()` : m[1], start: i, end: e };
  }
  m = /^(?:static\s+|const\s+)*(struct|enum|union)\s+([A-Za-z_]\w*)\s*\{/.exec(l);
  if (m) return { symbol: `${m[1]} ${m[2]}`, start: i, end: closeOf(lines, i) };
  m = /^(?:static\s+)?(?:const\s+)?struct\s+([A-Za-z_]\w*)\s+([A-Za-z_]\w*)\s*=\s*\{/.exec(l);
  if (m) return { symbol: m[2], start: i, end: closeOf(lines, i) };
  // A function: a column-0 signature line with `name(`, then `{` at column 0 before any `;`.
  m = /^([A-Za-z_][^;=(]*?)\s*\(/.exec(l);
  const name = m ? /([A-Za-z_]\w*)$/.exec(m[1]) : null;
  if (m && name && !/^(if|for|while|switch|return)\b/.test(l) && !/^#/.test(l)) {
    for (let j = i; j <= Math.min(lines.length, i + 12); j++) {
      const t = lines[j - 1];
      if (/^\{/.test(t)) return { symbol: `${name[1]}()`, start: i, end: closeOf(lines, j) };
      if (/;\s*$/.test(t)) break;
    }
  }
  // A signature whose name sits on the second line (`static int\nname(...)`).
  return undefined;
}

function declAt(lines, i) {
  while (i <= lines.length && lines[i - 1].trim() === '') i++;
  return declStartingAt(lines, i) ?? (i + 1 <= lines.length ? declStartingAt(lines, i + 1) : undefined);
}

/** The line of the column-0 `}` closing the block opened at or after line i. */
function closeOf(lines, i) {
  for (let j = i + 1; j <= lines.length; j++) if (/^\}/.test(lines[j - 1])) return j;
  return lines.length;
}

/** rst: the nearest section title above line a. */
export function rstSection(lines, a) {
  for (let i = a; i >= 2; i--) {
    const u = lines[i - 1];
    const t = lines[i - 2];
    if (/^([=\-~^"'`#*+])\1{2,}\s*$/.test(u) && t.trim() && !/^([=\-~^"'`#*+])\1{2,}\s*$/.test(t)) return { symbol: `section "${t.trim()}"`, start: i - 1 };
  }
  return undefined;
}

/** Where lines a..b of `from` occur in `to` (normalised whitespace); all 1-based starts. */
export function findText(from, a, b, to) {
  const want = from.slice(a - 1, b).map(norm);
  const have = to.map(norm);
  const hits = [];
  for (let i = 0; i + want.length <= have.length; i++) {
    let ok = true;
    for (let k = 0; k < want.length && ok; k++) ok = have[i + k] === want[k];
    if (ok) hits.push(i + 1);
  }
  return hits;
}

export function sameText(A, a1, a2, B, b1, b2) {
  if (a2 - a1 !== b2 - b1) return false;
  for (let k = 0; k <= a2 - a1; k++) if (norm(A[a1 - 1 + k]) !== norm(B[b1 - 1 + k])) return false;
  return true;
}
