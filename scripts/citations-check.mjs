// Re-verifies the citation table (server/src/engine/kernel/citations.ts) against the kernel trees:
// each site's 6.1 lines lie in its file and in its symbol; a `text` site's 6.12 lines hold the same
// text as its 6.1 lines; a `symbol` site's 6.12 lines hold the same symbol; a `hand` site is listed
// with its note for a reader to judge. Exit 1 on a mismatch, 77 (skipped) without the trees.
//
//   node scripts/citations-check.mjs [SRC_ROOT]     (default /work/src)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readLines, enclosing, rstSection, sameText } from './citations-lib.mjs';

if (!process.env.CITATIONS_CHECK_TSX) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit', env: { ...process.env, CITATIONS_CHECK_TSX: '1' } });
  process.exit(r.status ?? 1);
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const src = process.argv[2] ?? '/work/src';
const tree = (v) => path.join(src, `linux-source-${v}`);
if (!fs.existsSync(tree('6.1')) || !fs.existsSync(tree('6.12'))) {
  console.log(`skipped: no kernel trees under ${src} (linux-source-6.1, linux-source-6.12)`);
  process.exit(77);
}
const { CITED_SITES } = await import(path.join(root, 'server/src/engine/kernel/citations.ts'));

const symbolAt = (lines, file, a) => (file.endsWith('.rst') ? rstSection(lines, a) : enclosing(lines, a, a))?.symbol;
let bad = 0;
let hand = 0;
const fail = (id, why) => {
  bad++;
  console.log(`MISMATCH ${id}: ${why}`);
};
for (const [id, s] of Object.entries(CITED_SITES)) {
  const f61 = path.join(tree('6.1'), s.file);
  const f612 = path.join(tree('6.12'), s.file);
  if (!fs.existsSync(f61) || !fs.existsSync(f612)) {
    fail(id, `${s.file} missing from a tree (extract it from /usr/src/linux-source-*.tar.xz)`);
    continue;
  }
  const L1 = readLines(f61);
  const L2 = readLines(f612);
  const [a, b] = s.v61;
  if (!(a >= 1 && a <= b && b <= L1.length)) fail(id, `6.1 lines ${a}-${b} outside the file`);
  if (s.v612) {
    const [c, d] = s.v612;
    if (!(c >= 1 && c <= d && d <= L2.length)) fail(id, `6.12 lines ${c}-${d} outside the file`);
    switch (s.match) {
      case 'text':
        if (!sameText(L1, a, b, L2, c, d)) fail(id, `6.12 lines ${c}-${d} do not hold the text of 6.1 lines ${a}-${b}`);
        break;
      case 'symbol': {
        const got = symbolAt(L2, s.file, c === 1 ? c : c + 1) ?? symbolAt(L2, s.file, c);
        if (got !== (s.symbol612 ?? s.symbol)) fail(id, `6.12 lines ${c}-${d} are in ${got}, not ${s.symbol}`);
        break;
      }
      case 'hand':
        hand++;
        console.log(`by hand  ${id}: 6.1 ${a}-${b} -> 6.12 ${c}-${d}${s.note ? ` (${s.note})` : ''}`);
        break;
      default:
        fail(id, `unknown match ${s.match}`);
    }
  } else {
    hand++;
    console.log(`by hand  ${id}: 6.1 ${a}-${b}, not in 6.12${s.note ? ` (${s.note})` : ''}`);
  }
}
const n = Object.keys(CITED_SITES).length;
console.log(`\n${n} sites: ${n - hand} matched by text or symbol and verified, ${hand} by hand (listed above), ${bad} mismatches`);
process.exit(bad ? 1 : 0);
