import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allocBar, allocRam, buildTable, chunkRegions, initDmaState } from '../../../../server/src/engine/kernel/dma-mapping/api';
import { chunkCount, expandChunks } from '../../../../server/src/engine/kernel/dma-mapping/chunk-runs';
import { entryCount } from '../../../../server/src/engine/kernel/dma-mapping/sgrun';
import { GiB, KiB, MiB, platform } from './helpers';

test('RAM is handed out from the top down, above the 64 MiB swiotlb pool at the bottom', () => {
  const p = platform('arm64_soc');
  const dma = initDmaState(p);
  assert.equal(dma.swiotlb.base, 0x8000_0000);
  assert.equal(dma.swiotlb.size, 64 * MiB);
  const a = allocRam(dma, p, 1 * MiB, 'contiguous');
  assert.ok(!('error' in a));
  assert.deepEqual(a, [{ space: 'ram', phys: 0x8000_0000 + 8 * GiB - 1 * MiB, size: 1 * MiB }]);
  const b = allocRam(dma, p, 4 * KiB, 'contiguous');
  assert.ok(!('error' in b));
  assert.equal(b[0].phys, a[0].phys - 4 * KiB, 'the next buffer sits just below');
});

test('the system heap uses 1 MiB, 64 KiB and 4 KiB chunks, largest first, never adjacent', () => {
  const p = platform('x86_64_pc');
  const dma = initDmaState(p);
  const runs = allocRam(dma, p, 1 * MiB + 128 * KiB + 8 * KiB, 'system_heap');
  assert.ok(!('error' in runs));
  const chunks = expandChunks(runs);
  assert.deepEqual(chunks.map((c) => c.size), [1 * MiB, 64 * KiB, 64 * KiB, 4 * KiB, 4 * KiB]);
  assert.equal(runs.length, 3, 'one run per allocation order');
  for (const c of chunks) assert.equal(c.phys % c.size, 0, 'buddy chunks are naturally aligned');
  const table = buildTable(p, runs, 0xffff_ffff);
  assert.equal(entryCount(table), chunks.length, 'no two chunks merge into one sg entry');
});

test('gem/ttm system pages are single discontiguous pages', () => {
  const p = platform('x86_64_pc');
  const dma = initDmaState(p);
  const pages = allocRam(dma, p, 16 * KiB, 'pages');
  assert.ok(!('error' in pages));
  assert.equal(chunkCount(pages), 4);
  assert.equal(pages.length, 1, 'one run of pages');
  assert.equal(entryCount(buildTable(p, pages, 0xffff_ffff)), 4);
});

test('an allocation that would reach the swiotlb pool fails with -ENOMEM and changes nothing', () => {
  const p = platform('arm32_soc');
  const dma = initDmaState(p);
  const top = dma.ramTop;
  assert.deepEqual(allocRam(dma, p, 2 * GiB, 'contiguous'), { error: '-ENOMEM' });
  assert.equal(dma.ramTop, top);
});

test('BARs get naturally aligned windows above RAM; VRAM is allocated bottom up', () => {
  const p = platform('x86_64_pc');
  const dma = initDmaState(p);
  const vram = dma.bars.get('gpu.vram');
  const bell = dma.bars.get('gpu.doorbell');
  assert.ok(vram && bell);
  assert.equal(vram.base, 0x40_0000_0000);
  assert.equal(vram.base % (8 * GiB), 0);
  assert.ok(bell.base >= vram.base + 8 * GiB && bell.mmio);
  const a = allocBar(dma, p, 'gpu', 'vram', 1 * MiB);
  const b = allocBar(dma, p, 'gpu', 'vram', 1 * MiB);
  assert.ok(!('error' in a) && !('error' in b));
  assert.equal(a.phys, vram.base);
  assert.equal(b.phys, vram.base + 1 * MiB);
  assert.deepEqual(chunkRegions([a]), [{ space: 'bar', owner: 'gpu.vram', addr: vram.base, size: 1 * MiB }]);
  assert.deepEqual(allocBar(dma, p, 'gpu', 'vram', 8 * GiB), { error: '-ENOMEM' });
});

test('arm32 BARs sit in a 32-bit window below RAM', () => {
  const p = platform('p', 'platform p extends arm32_soc { device pcidev { bus platform; bar mem 16MiB } }');
  const dma = initDmaState(p);
  const bar = dma.bars.get('pcidev.mem');
  assert.ok(bar);
  assert.equal(bar.base, 0x4000_0000);
});
