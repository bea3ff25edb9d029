// Runs instead of pages: chunk runs, sg tables as runs of entries, region runs and the coherency
// model's bridged spans describe exactly what the page-by-page model described (entry counts,
// addresses, merged segments), split only where entries differ, at a cost that does not grow
// with the buffer.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allocRam, buildTable, initDmaState } from '../../../../server/src/engine/kernel/dma-mapping/api';
import type { Chunk } from '../../../../server/src/engine/kernel/dma-mapping/api';
import { chunkCount, expandChunks } from '../../../../server/src/engine/kernel/dma-mapping/chunk-runs';
import { entryCount, entryOf, expandEntries, RunBuilder, sliceEntries } from '../../../../server/src/engine/kernel/dma-mapping/sgrun';
import { tableSummary } from '../../../../server/src/engine/kernel/dma-mapping/table-summary';
import { expandRegions, regionCount, sliceRegions } from '../../../../server/src/engine/regions';
import type { PhysRegion } from '../../../../server/src/engine/seam';
import { bridge, firstPieces, piecesIn } from '../../../../server/src/engine/time/bridged';
import { problems, run, scenario } from '../harness';
import { GiB, KiB, MiB, platform } from './helpers';

/** The table the page-by-page model built: one chunk at a time. */
function pageByPage(p: ReturnType<typeof platform>, chunks: readonly Chunk[], max: number) {
  return expandEntries(buildTable(p, expandChunks(chunks), max));
}

test('a GEM buffer is one run of pages, and its table has one entry per page as sg_alloc_table_from_pages builds it', () => {
  const p = platform('x86_64_pc');
  const dma = initDmaState(p);
  const small = allocRam(dma, p, 64 * KiB, 'pages');
  assert.ok(!('error' in small));
  assert.equal(small.length, 1);
  assert.equal(chunkCount(small), 16);
  const table = buildTable(p, small, 0xffff_ffff);
  assert.equal(table.length, 1, 'one run');
  assert.deepEqual(expandEntries(table), pageByPage(p, small, 0xffff_ffff), 'the same entries as page by page');
  const big = allocRam(initDmaState(p), p, 4 * GiB, 'pages');
  assert.ok(!('error' in big));
  assert.equal(big.length, 1);
  const bigTable = buildTable(p, big, 0xffff_ffff);
  assert.equal(entryCount(bigTable), 1_048_576, 'no two pages are contiguous: 1,048,576 entries of 4 KiB');
  assert.equal(bigTable.length, 1);
  assert.equal(entryOf(bigTable, 1_048_575)?.phys, big[0].phys - 1_048_575 * 8 * KiB, 'the last page, 1,048,575 strides below the first');
});

test('runs split where entries differ: a touching chunk merges into the first page, max_segment cuts long chunks', () => {
  const p = platform('x86_64_pc');
  const run: Chunk = { space: 'ram', phys: 0x1000_0000, size: 4 * KiB, count: 5, stride: -8 * KiB };
  const before: Chunk = { space: 'ram', phys: 0x1000_0000 - 64 * KiB, size: 64 * KiB };
  for (const chunks of [[before, run], [run, { space: 'ram', phys: 0x1000_0000 - 4 * 8 * KiB + 4 * KiB, size: 8 * KiB } as Chunk], [{ space: 'ram', phys: 0x2000_0000, size: 3 * MiB } as Chunk, run]]) {
    for (const max of [0xffff_ffff, 1 * MiB, 4 * KiB]) assert.deepEqual(expandEntries(buildTable(p, chunks, max)), pageByPage(p, chunks, max), `max ${max}`);
  }
});

test('the system heap is one run per order, its table equal to the chunk-by-chunk one', () => {
  const p = platform('x86_64_pc');
  const chunks = allocRam(initDmaState(p), p, 5 * MiB + 192 * KiB + 12 * KiB, 'system_heap');
  assert.ok(!('error' in chunks));
  assert.equal(chunks.length, 3);
  assert.equal(chunkCount(chunks), 5 + 3 + 3);
  for (const max of [0xffff_ffff, 64 * KiB]) assert.deepEqual(expandEntries(buildTable(p, chunks, max)), pageByPage(p, chunks, max));
});

test('the run builder folds entries made one by one and gives them back unchanged', () => {
  const entries = [0, 1, 2, 3].map((i) => ({ phys: 0x10_0000 - i * 0x2000, page: true, offset: 0, length: 4096, dmaAddress: 0x1000 + i * 0x1000, dmaLength: 4096, bounced: true }));
  const odd = { phys: 0x1, page: true, offset: 0, length: 100 };
  const b = new RunBuilder();
  for (const e of [...entries, odd]) b.push(e);
  assert.equal(b.runs.length, 2);
  assert.deepEqual(expandEntries(b.runs), [...entries, odd]);
  assert.deepEqual(expandEntries(sliceEntries(b.runs, 1, 3)), entries.slice(1, 3));
});

test('a table summary counts entries and DMA segments without expanding them', () => {
  const table = [{ phys: 0x1000, page: true, offset: 0, length: 4096, count: 262_144, stride: -8192 }];
  assert.equal(tableSummary(table, 1), '262,144 entries of 4 KiB, DMA-mapped as 1 segment of 4 KiB');
});

test('slicing a region run equals slicing its pieces', () => {
  const r: PhysRegion = { space: 'ram', addr: 0x10_0000, size: 4096, count: 10, stride: -8192 };
  for (const [off, size] of [[0, 40960], [100, 5000], [4096, 4096], [5000, 20], [4000, 30000]]) {
    assert.deepEqual(expandRegions(sliceRegions([r], off, size)), sliceRegions(expandRegions([r]), off, size), `${off}+${size}`);
  }
  assert.equal(regionCount(sliceRegions([r], 100, 5000)), 2);
});

test('the coherency model bridges a run over its holes and still counts and names its pieces', () => {
  const r: PhysRegion = { space: 'ram', addr: 0x10_0000, size: 4096, count: 1000, stride: -8192 };
  const b = bridge([r]);
  assert.equal(b.ranges.length, 1);
  const low = 0x10_0000 - 999 * 8192;
  assert.deepEqual(b.ranges[0], { start: low, end: 0x10_0000 + 4096 });
  assert.deepEqual(piecesIn(b, low, 0x10_0000 + 4096), { count: 1000, first: { start: low, end: low + 4096 } });
  assert.equal(piecesIn(b, low + 4096, low + 8192).count, 0, 'a hole holds no piece');
  assert.equal(piecesIn(b, low + 100, low + 8192 + 1).count, 2);
  const { ranges, total } = firstPieces(b, 4);
  assert.equal(total, 1000);
  assert.deepEqual(ranges[1], { start: low + 8192, end: low + 8192 + 4096 });
});

test('a 4 GiB GEM export maps through the IOMMU as 1,048,576 entries merged into 2 DMA segments (max_seg_size is UINT_MAX), in a few records', () => {
  const platformText = `platform big_hw {
  arch arm64
  ram 64GiB at 0x8000_0000
  iommu smmu { page_sizes 4KiB 2MiB 1GiB }
  device gpu2 { bus platform; coherent no; iommu smmu group g_gpu2; max_segment 4GiB; exporter gem }
  device isp { bus platform; coherent no; iommu smmu group g_isp; max_segment 4GiB }
}`;
  const text = scenario('b = export gpu2 system 4GiB\na = attach b isp\nt = map_unlocked a bidirectional\nsubmit isp read t signal done\nwait done\nunmap_unlocked t\ndetach a\nput b', 'big_hw', platformText, '6.2');
  const started = performance.now();
  const r = run(text);
  const ms = performance.now() - started;
  assert.deepEqual(problems(r), []);
  const mappings = [...r.state.dma.mappings.values()];
  assert.equal(mappings.length, 1);
  const m = mappings[0];
  assert.equal(m.origNents, 1_048_576);
  assert.equal(entryCount(m.entries), 1_048_576);
  // max_segment 4 GiB is clamped to UINT_MAX by dma_get_max_seg_size(): 4 GiB - 4 KiB, then one page.
  assert.equal(m.nents, 2);
  assert.equal(entryOf(m.entries, 0)?.dmaLength, 4 * GiB - 4 * KiB);
  assert.equal(entryOf(m.entries, 1)?.dmaLength, 4 * KiB);
  assert.ok(m.entries.length <= 4, `${m.entries.length} runs`);
  assert.ok(ms < 2000, `took ${ms.toFixed(0)} ms`);
});

test('an 8 GiB VRAM buffer that ttm moves to system pages for a static importer stays a few runs, through 131,072 DMA segments', () => {
  // The importer has no max_segment: dma_get_max_seg_size() is 64 KiB, so dma-iommu cuts the one
  // IOVA range into 131,072 segments, which a device access walks as one range.
  const platformText = `platform gib_hw {
  arch arm64
  ram 64GiB at 0x8000_0000
  iommu smmu { page_sizes 4KiB 2MiB 1GiB }
  host_bridge rc0 { p2p no }
  device gpu { bus pci rc0; coherent yes; iommu smmu group g_gpu; max_segment 4GiB; bar vram 32GiB; exporter ttm }
  device dev { bus platform; coherent no; iommu smmu group g_dev }
}`;
  const text = scenario('b = export gpu vram 8GiB\na = attach b dev\nt = map_unlocked a bidirectional\nsubmit dev read t signal done\nwait done\nunmap_unlocked t\ndetach a\nput b', 'gib_hw', platformText, '6.18');
  const r = run(text);
  assert.deepEqual(problems(r).map((p) => p.code), [], 'information only: the move and the pin at map');
  const m = [...r.state.dma.mappings.values()][0];
  assert.equal(entryCount(m.entries), 2 ** 21, 'one entry per 4 KiB system page');
  assert.equal(m.nents, 131_072);
  assert.ok(m.entries.length <= 4, `${m.entries.length} entry runs`);
  const access = r.accesses.find((a) => a.path);
  assert.ok(access?.path, 'the device read went through');
  assert.equal(regionCount(access.path.regions), 2 ** 21, 'every page read');
  assert.ok(access.path.regions.length <= 4, `${access.path.regions.length} region runs`);
  assert.equal(r.cache.find((e) => e.kind === 'copy')?.kind, 'copy', 'the move copied the data');
});

test('a segment boundary keeps page runs as runs: windows of pages merge into one DMA segment each, and a window that splits goes entry by entry', () => {
  // iommu_dma_map_sg() pads no entry here (4 KiB entries at 4 KiB-aligned IOVAs, 64 KiB boundary),
  // and __finalise_sg() starts a new segment at every boundary: 64 KiB segments when max_segment
  // allows them, max_segment-sized ones otherwise.
  const platformText = (max: string) => `platform bd_hw {
  arch arm64
  ram 64GiB at 0x8000_0000
  iommu smmu { page_sizes 4KiB 2MiB 1GiB }
  device gpu2 { bus platform; coherent yes; iommu smmu group g_gpu2; max_segment 4GiB; exporter gem }
  device bd { bus platform; coherent yes; iommu smmu group g_bd; max_segment ${max}; segment_boundary 64KiB }
}`;
  const mapped = (max: string) => {
    const text = scenario('b = export gpu2 system 64MiB\na = attach b bd\nt = map_unlocked a bidirectional\nsubmit bd read t signal done\nwait done\nunmap_unlocked t\ndetach a\nput b', 'bd_hw', platformText(max), '6.2');
    const r = run(text);
    assert.deepEqual(problems(r), []);
    return [...r.state.dma.mappings.values()][0]!;
  };
  const wide = mapped('1MiB');
  assert.equal(wide.origNents, 16_384);
  assert.equal(wide.nents, 1_024);
  for (const i of [0, 1, 1_023]) {
    const e = entryOf(wide.entries, i)!;
    assert.equal(e.dmaLength, 64 * KiB, `segment ${i}`);
    assert.equal(e.dmaAddress! % (64 * KiB), 0, `segment ${i} starts on a boundary`);
  }
  assert.equal(entryOf(wide.entries, 1)!.dmaAddress! - entryOf(wide.entries, 0)!.dmaAddress!, 64 * KiB);
  assert.ok(wide.entries.length <= 4, `${wide.entries.length} runs`);
  // max_segment below the boundary: four 16 KiB segments a window (entry by entry, same answer).
  const narrow = mapped('16KiB');
  assert.equal(narrow.nents, 4_096);
  assert.equal(entryOf(narrow.entries, 0)!.dmaLength, 16 * KiB);
  assert.equal(entryOf(narrow.entries, 4_095)!.dmaLength, 16 * KiB);
});
