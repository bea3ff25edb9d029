// The worker simulates a slice of the main thread's bound program (engineSlice.ts), received by
// structured clone: on every sample and rule fixture, each scenario simulated from its own slice
// gives exactly what simulating the whole program gives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { ScenarioResult } from '../../server/src/engine/api';
import { simulate } from '../../server/src/engine/simulate';
import { bindProgram, nodeFileHost } from '../../server/src/language/program';
import { engineSlice } from '../../server/src/lsp/engineSlice';

const ROOT = path.resolve(__dirname, '../..');

function dmabufFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.dmabuf'))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

const withoutTime = (r: ScenarioResult): unknown => ({ ...r, exploration: { ...r.exploration, millis: 0 } });
const OPTIONS = { budget: { maxStates: 5000, maxMillis: 60_000 } };

test('each scenario simulated from its cloned slice gives what the whole program gives', () => {
  const files = [...dmabufFiles(path.join(ROOT, 'samples')), ...dmabufFiles(path.join(ROOT, 'test/fixtures'))];
  assert.ok(files.length > 100, `found ${files.length} inputs`);
  let scenarios = 0;
  for (const file of files) {
    const program = bindProgram({ path: file, text: fs.readFileSync(file, 'utf8') }, { root: ROOT, host: nodeFileHost });
    const whole = simulate(program, OPTIONS).scenarios;
    program.scenarios.forEach((s, i) => {
      const [alone] = simulate(structuredClone(engineSlice(program, [s])), OPTIONS).scenarios;
      assert.deepEqual(withoutTime(alone), withoutTime(whole[i]), `${path.relative(ROOT, file)}: scenario ${s.name}`);
      scenarios++;
    });
  }
  assert.ok(scenarios > 200, `${scenarios} scenarios compared`);
});
