// `npm test`: every test of the project, in one command, with one closing line.
// Phases: typecheck, build, the node:test suites (unit, fixtures, CLI, protocol), then each
// end-to-end script under test/e2e/ (Neovim, code-server...). An e2e script exits 0 (passed),
// 1 (failed) or 77 (skipped: it prints why). Each prints "N passed, N failed" as its last count.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const only = process.argv.slice(2); // optional: restrict to test files / e2e scripts by substring
let passed = 0;
let failed = 0;
const failures = [];

function run(label, cmd, args, opts = {}) {
  console.log(`\n=== ${label}`);
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 256 << 20, ...opts });
  process.stdout.write(r.stdout ?? '');
  return { code: r.status ?? 1, out: r.stdout ?? '' };
}

function walk(dir, pred, acc = []) {
  if (!fs.existsSync(dir)) return acc;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, pred, acc);
    else if (pred(p)) acc.push(p);
  }
  return acc.sort();
}

const wanted = (f) => only.length === 0 || only.some((o) => f.includes(o));

if (only.length === 0) {
  const tc = run('typecheck (tsc --noEmit, strict)', process.execPath, ['node_modules/typescript/bin/tsc', '-p', '.', '--noEmit']);
  if (tc.code === 0) passed++;
  else { failed++; failures.push('typecheck'); }
}
const build = run('build (esbuild)', process.execPath, ['scripts/build.mjs']);
if (build.code !== 0) { console.log('build failed: no further tests can run'); console.log(`\n${passed} passed, ${failed + 1} failed`); process.exit(1); }

const unit = walk('test', (f) => f.endsWith('.test.ts') && !f.includes(`${path.sep}e2e${path.sep}`)).filter(wanted);
if (unit.length) {
  const r = run(`node:test (${unit.length} files)`, process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...unit]);
  const p = Number(/ℹ pass (\d+)/.exec(r.out)?.[1] ?? 0);
  const f = Number(/ℹ fail (\d+)/.exec(r.out)?.[1] ?? (r.code === 0 ? 0 : 1));
  passed += p;
  failed += f;
  if (r.code !== 0) failures.push('node:test suites');
}

const e2eScripts = walk(path.join('test', 'e2e'), (f) => f.endsWith('.e2e.mjs')).filter(wanted);
// The end-to-end toolchain is installed here, not by scripts/setup.sh, so that setting up for the
// demo stays quick. Idempotent: once installed it only checks. Where it cannot install (no root
// for apt, no network), the e2e scripts skip with their reason, or fail under CI.
if (e2eScripts.length && process.env.DMABUF_SKIP_E2E_SETUP !== '1') {
  const setup = run('e2e toolchain (test/e2e/setup-e2e.sh)', 'bash', ['test/e2e/setup-e2e.sh']);
  if (setup.code !== 0) console.log(`e2e toolchain: setup-e2e.sh exited ${setup.code}; the end-to-end scripts say what they miss`);
}

for (const script of e2eScripts) {
  const r = run(`e2e ${script}`, process.execPath, [script]);
  if (r.code === 77) continue;
  const m = [...r.out.matchAll(/^(?:\w+: )?(\d+) passed, (\d+) failed/gm)].pop();
  if (m) { passed += Number(m[1]); failed += Number(m[2]); }
  else if (r.code === 0) passed++;
  if (r.code !== 0) { if (!m || Number(m[2]) === 0) failed++; failures.push(script); }
}

if (failures.length) console.log(`\nfailed: ${failures.join(', ')}`);
console.log(`\ntotal: ${passed} passed, ${failed} failed`);
process.exit(failures.length ? 1 : 0);
