// A large analysis goes to the worker in pieces (engineHost.ts), so the main thread serialises it
// a piece per event-loop turn. The pieces must add up to the whole: every scenario's result, in
// order, as a single message would give; and a cancellation while pieces are coming must end it
// at once, leaving the worker ready for the next one.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { generateFile } from '../../bench/generators';
import type { ScenarioResult } from '../../server/src/engine/api';
import { simulate } from '../../server/src/engine/simulate';
import { bindProgram, type FileHost } from '../../server/src/language/program';
import { EngineHost, type JobSpec } from '../../server/src/lsp/engineHost';
import { engineSlice } from '../../server/src/lsp/engineSlice';
import { REPO } from './harness';

const PATH = '/virtual/pieces.dmabuf';
const host: FileHost = { readFile: () => undefined, realpath: (p) => p };
const budget = { maxStates: 5000, maxMillis: 60_000 };
const program = bindProgram({ path: PATH, text: generateFile(300).text }, { root: '/virtual', host });
const withoutTime = (r: ScenarioResult): unknown => ({ ...r, exploration: { ...r.exploration, millis: 0 } });

describe('an analysis posted in pieces', () => {
  const warnings: string[] = [];
  const engine = new EngineHost({
    workerPath: path.join(REPO, 'dist', 'worker.js'),
    testHooks: false,
    log: { info: () => undefined, warn: (m) => void warnings.push(m), error: (m) => void warnings.push(m) },
    onRestart: () => undefined,
    pieceSize: 3,
  });
  after(() => engine.dispose());
  const spec = (version: number): JobSpec => ({ uri: 'file:///pieces', version, program: engineSlice(program, program.scenarios), budget, purpose: 'document' });

  it('gives every scenario, in order, as simulating the whole program does', async () => {
    assert.ok(program.scenarios.length > 6, `${program.scenarios.length} scenarios: several pieces`);
    const outcome = await engine.run(spec(1)).done;
    assert.equal(outcome.kind, 'result');
    if (outcome.kind !== 'result') return;
    const whole = simulate(program, { budget }).scenarios;
    assert.deepEqual(outcome.message.scenarios.map(withoutTime), whole.map(withoutTime));
    assert.equal(outcome.message.cancelled, false);
  });

  it('a cancellation while pieces are still coming ends it at once, and the next analysis runs on the same worker', async () => {
    let cancelled = false;
    const job = engine.run(spec(2), (p) => {
      if (!cancelled && p.done >= 1) {
        cancelled = true;
        engine.cancelDocument('file:///pieces');
      }
    });
    assert.deepEqual(await job.done, { kind: 'dropped' });
    const next = await engine.run(spec(3)).done;
    assert.equal(next.kind, 'result');
    if (next.kind === 'result') assert.equal(next.message.scenarios.length, program.scenarios.length);
    assert.equal(engine.crashCount, 0);
    assert.deepEqual(warnings, [], 'the worker stopped by itself (no terminate after the grace period)');
  });
});
