// The time budget holds inside a step: work on a huge page-backed buffer is abandoned once the
// budget is spent (or the run is cancelled), the run so far keeps its findings, and the result
// says the budget ended it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { spend, StepAborted, watching } from '../../server/src/engine/deadline';
import { analyze } from '../../server/src/analysis';
import type { EngineOptions } from '../../server/src/engine/api';

const NO_FILES = { readFile: () => undefined, realpath: (p: string) => p };

function run(text: string, engine: EngineOptions) {
  const started = performance.now();
  const a = analyze({ path: '/t/budget.dmabuf', text }, { root: '/t', host: NO_FILES, engine });
  return { a, ms: performance.now() - started };
}

/**
 * A wrong unmap (DMAAPI-04) on a small buffer, then a 7 GiB GEM buffer: 1.8 million pages (with their holes, most of its RAM). The
 * tables are runs (a million entries cost one record), but a device with a segment boundary makes
 * dma-debug look at every DMA segment, and dma-direct leaves a million of them: work that still
 * grows with the buffer, which the budget must stop.
 */
const HUGE = `platform bounded extends x86_64_pc {
  device vd2 { bus platform; coherent yes; segment_boundary 64KiB }
}
scenario huge on bounded {
  small = heap system 32KiB
  sgt = dma_map vdec small from_device
  dma_unmap sgt bidirectional nents 1
  put small
  b = export igpu system 7GiB
  s = dma_map vd2 b to_device
  submit vd2 read s signal done
  wait done
  dma_unmap s
  put b
}
`;

test('spend() is free outside a watch and throws once the watch\'s deadline has passed', () => {
  for (let i = 0; i < 100_000; i++) spend();
  let clock = 0;
  const w = { deadline: 10, now: () => clock };
  assert.equal(watching(w, () => { for (let i = 0; i < 100_000; i++) spend(); return 'done'; }), 'done', 'before the deadline work goes on');
  clock = 11;
  assert.throws(() => watching(w, () => { for (let i = 0; i < 100_000; i++) spend(); }), (e) => e instanceof StepAborted && e.reason === 'budget');
  for (let i = 0; i < 100_000; i++) spend();
  assert.throws(() => watching({ ...w, deadline: 1e9, isCancelled: () => true }, () => spend(1_000_000)), (e) => e instanceof StepAborted && e.reason === 'cancelled');
});

test('a step on a 7 GiB GEM buffer stops at the time budget; earlier steps keep their findings', () => {
  const { a, ms } = run(HUGE, { budget: { maxStates: 20_000, maxMillis: 150 } });
  const s = a.engine.scenarios[0];
  assert.ok(ms < 150 + 400, `took ${ms.toFixed(0)} ms for a 150 ms budget`);
  assert.equal(s.exploration.cutShort, true);
  assert.equal(a.engine.cancelled, false);
  assert.deepEqual([...new Set(a.findings.map((f) => f.code))].sort(), ['BUDGET', 'DMAAPI-04']);
  const budget = a.findings.find((f) => f.code === 'BUDGET');
  assert.match(budget?.message ?? '', /150 ms time budget ran out before the default schedule ended/);
  assert.ok(s.trace.steps.length >= 4 && s.trace.steps.every((st) => st.call !== ''), 'the trace holds the finished steps only');
  assert.ok(s.trace.steps.some((st) => st.findings.includes('DMAAPI-04')));
});

test('cancelling inside such a step stops it promptly and marks the result cancelled', () => {
  let started = 0;
  const { a, ms } = run(HUGE, {
    budget: { maxStates: 20_000, maxMillis: 60_000 },
    isCancelled: () => (started ||= performance.now()) > 0 && performance.now() - started > 100,
  });
  assert.equal(a.engine.cancelled, true);
  assert.ok(ms < 100 + 400, `took ${ms.toFixed(0)} ms to cancel`);
  assert.ok(!a.findings.some((f) => f.code === 'BUDGET'), 'a cancelled run is not a budget cut');
});

test('a small scenario is untouched by the watch: the same findings with a generous budget', () => {
  const small = HUGE.split('\n').filter((l) => !/\bb\b|\bs\b|done/.test(l)).join('\n');
  const { a } = run(small, { budget: { maxStates: 20_000, maxMillis: 60_000 } });
  assert.equal(a.engine.scenarios[0].exploration.cutShort, false);
  assert.deepEqual(a.findings.map((f) => f.code), ['DMAAPI-04']);
});
