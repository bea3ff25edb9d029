// The swiotlb slot allocator: first fit from the bottom of the pool, page-aligned for requests of
// a page or more, never across a 256 KiB segment, never over a slot in use; and one map call's
// many bounced entries are allocated in time linear in their number.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initDmaState } from '../../../../server/src/engine/kernel/dma-mapping/api';
import { SWIOTLB_MAX_MAPPING, slotSearch, takeSlot } from '../../../../server/src/engine/kernel/dma-mapping/swiotlb';
import { KiB, MiB, platform } from './helpers';

function pool() {
  const dma = initDmaState(platform('arm64_soc'));
  return { dma, base: dma.swiotlb.base };
}

test('first fit: the lowest free, aligned range that stays inside one segment', () => {
  const { dma, base } = pool();
  dma.swiotlb.slots.push({ addr: base, size: 2 * KiB, orig: 0, mappingId: 1 });
  dma.swiotlb.slots.push({ addr: base + 8 * KiB, size: 4 * KiB, orig: 0, mappingId: 1 });
  const search = slotSearch(dma);
  assert.equal(takeSlot(dma, search, 2 * KiB), base + 2 * KiB, 'a small request takes the next 2 KiB slot');
  assert.equal(takeSlot(dma, search, 4 * KiB), base + 4 * KiB, 'a page request is page aligned');
  assert.equal(takeSlot(dma, search, 4 * KiB), base + 12 * KiB, 'and skips the slot in use');
  assert.equal(takeSlot(dma, search, 2 * KiB), base + 16 * KiB);
  assert.equal(takeSlot(dma, search, SWIOTLB_MAX_MAPPING), base + SWIOTLB_MAX_MAPPING, 'a full segment starts at the next segment');
  assert.equal(takeSlot(dma, search, 2 * KiB), base + 18 * KiB, 'a later small request still fills the first hole');
  assert.equal(takeSlot(dma, search, SWIOTLB_MAX_MAPPING + 1), undefined, 'over 256 KiB never fits');
});

test('a full pool gives no slot', () => {
  const { dma } = pool();
  const search = slotSearch(dma);
  const segments = dma.swiotlb.size / SWIOTLB_MAX_MAPPING;
  for (let i = 0; i < segments; i++) assert.notEqual(takeSlot(dma, search, SWIOTLB_MAX_MAPPING), undefined);
  assert.equal(takeSlot(dma, search, 2 * KiB), undefined);
});

test('bouncing every page of a 64 MiB pool is fast (was cubic in the page count: the fuzz hang)', () => {
  const { dma, base } = pool();
  const search = slotSearch(dma);
  const started = performance.now();
  const pages = (64 * MiB) / (4 * KiB);
  let last = 0;
  for (let i = 0; i < pages; i++) {
    const slot = takeSlot(dma, search, 4 * KiB);
    assert.equal(slot, base + i * 4 * KiB);
    last = slot;
  }
  assert.equal(takeSlot(dma, search, 4 * KiB), undefined, 'then the pool is full');
  const ms = performance.now() - started;
  assert.equal(last, base + 64 * MiB - 4 * KiB);
  assert.ok(ms < 1000, `16,384 page slots took ${ms.toFixed(0)} ms`);
});
