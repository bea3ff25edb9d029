// One-off helper behind server/src/engine/kernel/citations.ts: lists every `file:N-M` the engine's
// messages cite (Linux 6.1 lines), names the symbol around each range in the 6.1 tree, and
// looks for the same text in the 6.12 tree. Prints JSON: one entry per (file, range) with the
// 6.12 range and how it was found (`exact` unique text, `in-symbol` text found more than once
// but once inside the same symbol, `whole` the symbol's whole extent, `ends` first and last line
// found in the symbol, or `none`). Everything but `exact`/`whole` needs reading by hand.
// It reads raw `file:N-M` text in message literals, so it found the table's sites in the sources
// before messages cited through the table (commit 3ac24a3); since then it finds none, and a new
// site is added to the table by hand and verified with scripts/citations-check.mjs.
//
//   node scripts/citations-propose.mjs [SRC_ROOT]     (default /work/src)
import path from 'node:path';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { rawCitations, walkTs, readLines, enclosing, rstSection, findText } from './citations-lib.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const src = process.argv[2] ?? '/work/src';
const trees = { '6.1': path.join(src, 'linux-source-6.1'), '6.12': path.join(src, 'linux-source-6.12') };

/** The short names messages use, to the path in the tree. */
export const SHORT = {
  'dma-buf.c': 'drivers/dma-buf/dma-buf.c',
  'dma-buf.h': 'include/linux/dma-buf.h',
  'amdgpu_dma_buf.c': 'drivers/gpu/drm/amd/amdgpu/amdgpu_dma_buf.c',
  'amdgpu_vram_mgr.c': 'drivers/gpu/drm/amd/amdgpu/amdgpu_vram_mgr.c',
  'heaps/system_heap.c': 'drivers/dma-buf/heaps/system_heap.c',
  'cma_heap.c': 'drivers/dma-buf/heaps/cma_heap.c',
  'drm_prime.c': 'drivers/gpu/drm/drm_prime.c',
  'direct.c': 'kernel/dma/direct.c',
};

const files = walkTs(path.join(root, 'server/src/engine')).filter((f) => !f.includes('/rule-docs/'));
const seen = new Map();
for (const c of rawCitations(files)) {
  const file = SHORT[c.file] ?? c.file;
  for (const [a, b] of c.ranges) {
    const key = `${file}:${a}-${b}`;
    if (!seen.has(key)) seen.set(key, { file, a, b, at: [] });
    seen.get(key).at.push(path.relative(root, c.at));
  }
}

/** The symbol's last line, or the EXPORT_SYMBOL line right after it. */
function exportEnd(lines, sym) {
  return /^EXPORT_SYMBOL/.test(lines[sym.end] ?? '') ? sym.end + 1 : sym.end;
}

const symbolOf = (lines, file, a, b) => (file.endsWith('.rst') ? rstSection(lines, a) : enclosing(lines, a, b));

function findSymbol(lines, file, symbol) {
  // The symbol's extent in another tree: the first line whose symbol is `symbol` at its start.
  for (let i = 1; i <= lines.length; i++) {
    const s = symbolOf(lines, file, i, i);
    if (s && s.symbol === symbol && s.start === i) return s;
  }
  return undefined;
}

const out = [];
for (const s of [...seen.values()].sort((x, y) => (x.file + String(x.a).padStart(6)).localeCompare(y.file + String(y.a).padStart(6)))) {
  const p61 = path.join(trees['6.1'], s.file);
  const p612 = path.join(trees['6.12'], s.file);
  const e = { file: s.file, v61: [s.a, s.b], at: s.at };
  if (!fs.existsSync(p61) || !fs.existsSync(p612)) {
    e.how = 'missing-file';
    out.push(e);
    continue;
  }
  const L1 = readLines(p61);
  const L2 = readLines(p612);
  // The symbol is that of the range's first code line (a range may open with a kernel-doc comment).
  const sym = symbolOf(L1, s.file, s.a, s.a);
  e.symbol = sym?.symbol;
  if (sym && !s.file.endsWith('.rst') && s.b > exportEnd(L1, sym)) e.spans = 'beyond-symbol';
  const sym2 = sym ? findSymbol(L2, s.file, sym.symbol) : undefined;
  const hits = findText(L1, s.a, s.b, L2);
  const inside = sym2 ? hits.filter((h) => h >= (sym2.doc ?? sym2.start) && h + s.b - s.a <= exportEnd(L2, sym2)) : [];
  if (hits.length === 1) {
    e.v612 = [hits[0], hits[0] + s.b - s.a];
    e.how = 'exact';
  } else if (inside.length === 1) {
    e.v612 = [inside[0], inside[0] + s.b - s.a];
    e.how = 'in-symbol';
  } else if (sym && sym2 && !s.file.endsWith('.rst')) {
    const lo = sym2.doc ?? sym2.start;
    const hi = exportEnd(L2, sym2);
    const one = (line) => {
      const h = findText(L1, line, line, L2).filter((x) => x >= lo && x <= hi);
      return h.length === 1 ? h[0] : undefined;
    };
    const a2 = s.a === sym.doc ? sym2.doc : s.a === sym.start ? sym2.start : s.a === sym.start - 1 ? sym2.start - 1 : one(s.a);
    const b2 = s.b === sym.end ? sym2.end : s.b === exportEnd(L1, sym) ? exportEnd(L2, sym2) : one(s.b);
    if (a2 !== undefined && b2 !== undefined && b2 >= a2) {
      e.v612 = [a2, b2];
      e.how = s.a === (sym.doc ?? sym.start) || s.a === sym.start || s.a === sym.start - 1 ? (s.b >= sym.end ? 'whole' : 'ends') : 'ends';
    } else e.how = 'none';
    e.symbol612 = [lo, hi];
  } else e.how = sym ? 'symbol-gone' : 'no-symbol';
  if (e.v612 && !s.file.endsWith('.rst')) {
    const s612 = symbolOf(L2, s.file, e.v612[0], e.v612[0]);
    if (s612?.symbol !== e.symbol) e.symbolIn612 = s612?.symbol;
  }
  out.push(e);
}
console.log(JSON.stringify(out, null, 1));
const count = {};
for (const e of out) count[e.how] = (count[e.how] ?? 0) + 1;
console.error(count);
