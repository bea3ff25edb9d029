import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTable, pagelessTable, sgChainChunks, sgMaxSingleAlloc, truncatedSingleEntry } from '../../../../server/src/engine/kernel/dma-mapping/api';
import type { Chunk } from '../../../../server/src/engine/kernel/dma-mapping/api';
import { expandEntries } from '../../../../server/src/engine/kernel/dma-mapping/sgrun';
import { GiB, KiB, platform } from './helpers';

const p = platform('x86_64_pc');
const page = (phys: number): Chunk => ({ space: 'ram', phys, size: 4 * KiB });

test('PFN-contiguous pages merge into one entry up to max_segment (SGT-07)', () => {
  const pages = [page(0x10000), page(0x11000), page(0x12000), page(0x20000)];
  assert.deepEqual(
    buildTable(p, pages, 0xffff_ffff).map((e) => [e.phys, e.length]),
    [
      [0x10000, 12 * KiB],
      [0x20000, 4 * KiB],
    ],
  );
  assert.deepEqual(buildTable(p, pages, 8 * KiB).map((e) => e.length), [8 * KiB, 4 * KiB, 4 * KiB]);
  const whole = buildTable(p, pages, 0xffff_ffff);
  assert.ok(whole.length > 0 && whole.every((e) => e.page && e.offset === 0));
});

test('a range of 4 GiB is split: one entry cannot describe it (SGT-04)', () => {
  const big: Chunk = { space: 'ram', phys: 0x1_0000_0000, size: 4 * GiB };
  const table = buildTable(p, [big], 0xffff_ffff);
  assert.deepEqual(table.map((e) => e.length), [0xffff_f000, 4 * KiB]);
  assert.equal(truncatedSingleEntry(big).length, 0, 'the buggy single entry wraps to 0');
});

test('page-less tables keep physical addresses but no struct page', () => {
  const bar: Chunk = { space: 'bar', owner: 'gpu.vram', phys: 0x40_0000_0000, size: 128 * KiB };
  const table = expandEntries(pagelessTable(p, [bar], 64 * KiB));
  assert.equal(table.length, 2);
  assert.ok(table.every((e) => !e.page && e.phys !== null));
});

test('tables longer than SG_MAX_SINGLE_ALLOC are chained (SGT-06)', () => {
  assert.equal(sgMaxSingleAlloc(p), 128);
  assert.equal(sgChainChunks(p, 128), 1);
  assert.equal(sgChainChunks(p, 129), 2);
  assert.equal(sgChainChunks(p, 255), 2);
  assert.equal(sgChainChunks(p, 256), 3);
  assert.equal(sgMaxSingleAlloc(platform('arm32_soc')), 204);
});
