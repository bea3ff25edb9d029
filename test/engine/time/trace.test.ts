// The trace of the reported interleaving: one step per action, device jobs as their own agent,
// arrows for waits and signals, and findings pointing at the step where they happen.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fakeKernel } from './fake-kernel';
import { lineOfSpan, runText, scen } from './helpers';

test('device jobs run as dev:NAME at their own step, with wait and signal arrows', () => {
  const text = scen('b = heap system 64KiB\ns = dma_map vdec b to_device\nf = fence\nsubmit vdec read s after f signal done\nsignal f\nwait done\nput b');
  const r = runText(text, fakeKernel);
  const steps = r.scenarios[0].trace.steps;
  assert.deepEqual(steps.map((s) => s.agent), ['cpu', 'cpu', 'cpu', 'cpu', 'cpu', 'dev:vdec', 'cpu', 'cpu']);
  assert.deepEqual(steps.map((s) => s.index), [1, 2, 3, 4, 5, 6, 7, 8]);
  const job = steps[5];
  assert.deepEqual(job.waitsOn, ['f']);
  assert.deepEqual(job.signals, ['done']);
  assert.equal(lineOfSpan(text, job.location.span), 5);
  assert.deepEqual(steps[6].waitsOn, ['done']);
  assert.match(steps[4].call, /dma_fence_signal\(f\)/);
  assert.ok(job.changes.some((c) => c.kind === 'fence' && c.object === 'done' && /signalled/.test(c.summary)));
});

test('a finding\'s traceStep is the step that raised it, and that step lists its code', () => {
  const r = runText(scen('f = fence\nsignal f\nsignal f'), fakeKernel);
  const f = r.findings.find((x) => x.code === 'FENCE-01')!;
  assert.equal(f.traceStep, 3);
  assert.deepEqual(r.scenarios[0].trace.steps[2].findings, ['FENCE-01']);
  assert.equal(r.scenarios[0].trace.steps[2].ok, false);
});

test('reservation changes show the fences with their usage', () => {
  const r = runText(scen('b = heap system 4KiB\nf = fence\nlock b\nresv b add f write\nunlock b\nsignal f\nput b'), fakeKernel);
  const add = r.scenarios[0].trace.steps[3];
  const resv = add.changes.find((c) => c.kind === 'resv')!;
  assert.match(resv.summary, /f:write/);
  assert.deepEqual((resv.state as { fences: unknown[] }).fences, [{ fence: 'f', usage: 'write', signalled: false }]);
});
