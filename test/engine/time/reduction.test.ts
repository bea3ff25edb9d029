// Partial-order reduction keeps every finding: on every sample and rule fixture, the reduced
// exploration (DPOR, sleep sets, memory and lifetime races reported rather than explored) reports
// the same codes on the same lines as exploring every interleaving. A difference is a footprint
// that hides a dependence (as a non-blocking wait reading the fence key once did).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { simulate } from '../../../server/src/engine/simulate';
import { bindProgram, nodeFileHost } from '../../../server/src/language/program';
import { LineIndex } from '../../../server/src/common/source';
import type { EngineResult } from '../../../server/src/engine/api';

const ROOT = path.resolve(__dirname, '..', '..', '..');

function dmabufFiles(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) dmabufFiles(p, out);
    else if (p.endsWith('.dmabuf')) out.push(p);
  }
  return out.sort();
}

test('reduced exploration reports what exploring every interleaving reports, on every sample and fixture', () => {
  const files = [...dmabufFiles(path.join(ROOT, 'test', 'fixtures')), ...dmabufFiles(path.join(ROOT, 'samples'))];
  let compared = 0;
  const differ: string[] = [];
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    const program = bindProgram({ path: file, text }, { root: ROOT, host: nodeFileHost });
    const lines = new LineIndex(text);
    const keys = (r: EngineResult): string[] =>
      r.findings.filter((f) => f.code !== 'BUDGET').map((f) => `${f.scenario}:${f.location.file === file ? lines.position(f.location.span.start).line + 1 : f.location.file}:${f.code}`).sort();
    const reduced = simulate(program, {});
    const full = simulate(program, { reduction: false, budget: { maxStates: 100_000, maxMillis: 10_000 } });
    if ([reduced, full].some((r) => r.findings.some((f) => f.code === 'BUDGET'))) continue;
    compared++;
    if (JSON.stringify(keys(reduced)) !== JSON.stringify(keys(full))) differ.push(`${path.relative(ROOT, file)}: reduced ${keys(reduced).join(' ')} | full ${keys(full).join(' ')}`);
  }
  assert.ok(compared > 300, `only ${compared} of ${files.length} inputs compared`);
  assert.deepEqual(differ, []);
});
