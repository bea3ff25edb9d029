// dma_alloc_coherent() placement as dma-direct and dma-iommu make it, and dma_get_sgtable() of it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allocBelow, allocCma, allocRam, cmaFits } from '../../../../server/src/engine/kernel/dma-mapping/memory';
import { initDmaState } from '../../../../server/src/engine/kernel/dma-mapping/api';
import { codes, run, scenario } from '../harness';
import { GiB, MiB, platform } from './helpers';

const WITH_CMA = (at: string, size = '64MiB'): string => `platform p extends arm64_soc {\n  cma ${size} at ${at}\n}\n`;

/** The physical address the call's outcome names ("... CPU mapping of 0x..."). */
function placedAt(outcome: string): number {
  const m = /mapping of (0x[0-9a-f]+)/.exec(outcome);
  assert.ok(m, `no address in: ${outcome}`);
  return Number(m[1]);
}

test('the CMA area has its own top-down cursor, and the RAM cursor skips the reserved area', () => {
  const p = platform('p', WITH_CMA('0x2_0000_0000'));
  const dma = initDmaState(p);
  const a = allocCma(dma, 1 * MiB);
  assert.ok(a && !('error' in a));
  assert.equal(a[0].phys, 0x2_0000_0000 + 64 * MiB - 1 * MiB);
  // RAM ends at 0x2_8000_0000: 2 GiB above the area, then the area, then below it.
  const big = allocRam(dma, 2 * GiB + 1 * MiB, 'contiguous');
  assert.ok(!('error' in big));
  assert.ok(big[0].phys + big[0].size <= 0x2_0000_0000, 'an allocation that would reach into the area continues below it');
  assert.deepEqual(allocCma(dma, 64 * MiB), { error: '-ENOMEM' }, 'the area is 64 MiB and 1 MiB is taken');
  assert.equal(allocCma(initDmaState(platform('arm64_soc')), 1 * MiB), undefined, 'no area declared');
});

test('cmaFits() is dma_coherent_ok(): the area must hold the size below the mask', () => {
  const low = initDmaState(platform('p', WITH_CMA('0xc000_0000')));
  assert.equal(cmaFits(low, 8 * MiB, 2 ** 32), true);
  assert.equal(cmaFits(low, 128 * MiB, 2 ** 32), false, 'larger than the area');
  const high = initDmaState(platform('p', WITH_CMA('0x1_8000_0000')));
  assert.equal(cmaFits(high, 8 * MiB, 2 ** 32), false, 'above a 32-bit mask');
});

test('allocBelow() takes memory under the limit while the RAM cursor is above it, and the cursor later skips it', () => {
  const p = platform('arm64_soc');
  const dma = initDmaState(p);
  const a = allocBelow(dma, 1 * MiB, 2 ** 32);
  assert.ok(!('error' in a));
  assert.equal(a[0].phys + a[0].size, 2 ** 32);
  const b = allocBelow(dma, 1 * MiB, 2 ** 32);
  assert.ok(!('error' in b));
  assert.equal(b[0].phys + b[0].size, a[0].phys, 'the next one sits below');
  // RAM is 0x8000_0000..0x2_8000_0000; 6 GiB from the top reaches 4 GiB, the next 1 MiB must skip the 2 MiB taken.
  const top = allocRam(dma, 6 * GiB, 'contiguous');
  assert.ok(!('error' in top));
  const next = allocRam(dma, 1 * MiB, 'contiguous');
  assert.ok(!('error' in next));
  assert.ok(next[0].phys + next[0].size <= b[0].phys, 'the RAM cursor does not hand out what allocBelow() took');
});

test('a 32-bit device without an IOMMU gets coherent memory below 4 GiB (ZONE_DMA32 retry); one behind the SMMU anywhere', () => {
  const r = run(scenario('ring = dma_alloc_coherent capture 64KiB\n  big = dma_alloc_coherent display 64KiB\n  free ring\n  free big', 'arm64_soc'));
  const [ring, big] = r.calls.filter((c) => c.call.startsWith('dma_alloc_coherent'));
  assert.ok(ring.ok && big.ok);
  assert.ok(placedAt(ring.outcome) + 64 * 1024 <= 2 ** 32, ring.outcome);
  assert.ok(placedAt(big.outcome) >= 2 ** 32, 'the display maps through the SMMU: top of RAM');
  assert.match(ring.outcome, /uncached/, 'capture does not snoop: the CPU mapping is uncached');
  assert.deepEqual(codes(r), []);
});

test('more than 4 MiB without a CMA area that holds it is NULL (the allocator\'s MAX_PAGE_ORDER WARN); a use is LIFE-05', () => {
  const text = (platformText: string, on: string): string => scenario('ring = dma_alloc_coherent capture 8MiB\n  cpu write ring\n  free ring', on, platformText);
  const bad = run(text('', 'arm64_soc'));
  const call = bad.calls.find((c) => c.call.startsWith('dma_alloc_coherent'));
  assert.ok(call && !call.ok);
  assert.match(call.outcome, /largest block is 4 MiB/);
  assert.deepEqual(codes(bad), ['4:LIFE-05'], 'the CPU write of the NULL name');
  const aboveMask = run(text(WITH_CMA('0x1_8000_0000'), 'p'));
  assert.match(aboveMask.calls.find((c) => c.call.startsWith('dma_alloc_coherent'))!.outcome, /below capture's 32-bit mask/);
  const good = run(text(WITH_CMA('0xc000_0000'), 'p'));
  const ok = good.calls.find((c) => c.call.startsWith('dma_alloc_coherent'))!;
  assert.ok(ok.ok);
  assert.ok(placedAt(ok.outcome) >= 0xc000_0000 && placedAt(ok.outcome) < 0xc400_0000, 'from the CMA area');
  assert.deepEqual(codes(good), []);
});

test('dma_get_sgtable() is one entry for dma-direct (SGT-04 from 4 GiB) and the page runs for dma-iommu', () => {
  const direct = run(scenario('m = dma_alloc_coherent capture 3MiB\n  t = dma_get_sgtable m\n  free m', 'arm64_soc'));
  assert.match(direct.calls.find((c) => c.call.startsWith('dma_get_sgtable'))!.outcome, /one entry of 3 MiB/);
  const iommu = run(scenario('m = dma_alloc_coherent display 5MiB\n  t = dma_get_sgtable m\n  free m', 'arm64_soc'));
  assert.match(iommu.calls.find((c) => c.call.startsWith('dma_get_sgtable'))!.outcome, /dma-iommu: a table of its \d+ page runs/);
  assert.deepEqual(codes(iommu), []);
});
