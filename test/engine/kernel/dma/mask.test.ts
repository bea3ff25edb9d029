// dma_set_mask DEV BITS (dma_set_mask_and_coherent()): the mask a driver sets governs the maps made
// for the device after it — dma-direct bounces what the new mask cannot reach, dma-iommu allocates
// IOVAs below it — and a refused mask changes nothing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyze } from '../../../../server/src/analysis';
import type { SgEntry } from '../../../../server/src/common/trace';

const NO_FILES = { readFile: () => undefined, realpath: (p: string) => p };

function run(body: string): ReturnType<typeof analyze> {
  const text = `scenario s on arm64_soc {\n${body}\n}\n`;
  return analyze({ path: '/virtual/mask.dmabuf', text }, { root: '/virtual', host: NO_FILES });
}

function codes(a: ReturnType<typeof analyze>): string[] {
  return a.findings.map((f) => `${f.code} ${f.severity}`);
}

/** The entries of `sgt` after the step that mapped it. */
function entriesOf(a: ReturnType<typeof analyze>, call: RegExp): readonly SgEntry[] {
  const step = a.engine.scenarios[0].trace.steps.find((s) => call.test(s.call));
  assert.ok(step, `no step calls ${call}`);
  const state = step.changes.find((c) => c.kind === 'sgt')?.state as { entries?: SgEntry[] } | undefined;
  assert.ok(state?.entries?.length, 'the map recorded no entries');
  return state.entries;
}

const MAP = '  buf = heap system 64KiB\n  sgt = dma_map DEV buf to_device\n  dma_unmap sgt\n  put buf';

test('a wider mask set by the driver ends the bounce the platform mask needed', () => {
  const before = run(MAP.replace('DEV', 'capture'));
  assert.ok(codes(before).includes('DMAAPI-13 information'), 'the 32-bit capture engine bounces a buffer above 4 GiB');
  const after = run(`  dma_set_mask capture 64\n${MAP.replace('DEV', 'capture')}`);
  assert.deepEqual(codes(after), [], 'with a 64-bit mask it reaches the buffer directly');
});

test('dma-iommu allocates IOVAs below a narrow mask the driver set', () => {
  const wide = entriesOf(run(MAP.replace('DEV', 'display')), /^dma_map_sgtable/);
  assert.ok(wide.some((e) => (e.dmaAddress ?? 0) >= 2 ** 30), 'with its platform mask the IOVAs lie above 1 GiB');
  const narrow = run(`  dma_set_mask display 30\n${MAP.replace('DEV', 'display')}`);
  assert.deepEqual(codes(narrow), [], 'dma-iommu accepts every mask');
  for (const e of entriesOf(narrow, /^dma_map_sgtable/)) assert.ok((e.dmaAddress ?? Infinity) + (e.dmaLength ?? 0) <= 2 ** 30, `IOVA ${e.dmaAddress} is beyond the 30-bit mask`);
});

test('a refused mask leaves the old one: the map still bounces as before, and is the error', () => {
  const a = run(`  dma_set_mask capture 30\n${MAP.replace('DEV', 'capture')}`);
  assert.deepEqual(codes(a), ['DMAAPI-02 warning', 'DMAAPI-02 error', 'DMAAPI-13 information']);
  const set = a.engine.scenarios[0].trace.steps.find((s) => s.call.startsWith('dma_set_mask_and_coherent'));
  assert.equal(set?.outcome, '-EIO');
  assert.equal(set?.ok, false);
});
