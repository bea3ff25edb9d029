// dma_map / dma_unmap / dma_sync through scenarios, with the kernel half driven by the harness.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mappingOfSymbol } from '../../../../server/src/engine/kernel/dma-mapping/api';
import { expandEntries } from '../../../../server/src/engine/kernel/dma-mapping/sgrun';
import { codes, lineOf, only, problems, run, scenario } from '../harness';

function mappingOf(r: ReturnType<typeof run>, name: string) {
  const sym = r.program.symbols.find((s) => s.name === name && s.kind === 'sgt');
  assert.ok(sym, `no sgt ${name}`);
  const m = mappingOfSymbol(r.state.dma, sym.id);
  assert.ok(m, `no mapping for ${name}`);
  return m;
}

test('dma-iommu merges discontiguous pages into one IOVA segment: nents < orig_nents (SGT-02)', () => {
  const r = run(scenario('buf = heap system 32KiB\nsgt = dma_map vdec buf from_device\ndma_unmap sgt\nput buf'));
  assert.deepEqual(problems(r), []);
  const m = mappingOf(r, 'sgt');
  assert.equal(m.origNents, 8);
  assert.equal(m.nents, 1);
  assert.equal(m.entries[0].dmaLength, 32 * 1024);
  assert.ok(m.entries.slice(1).every((e) => e.dmaLength === 0), 'trailing entries carry no DMA segment');
  assert.ok((m.entries[0].dmaAddress ?? 0) < 0x1_0000_0000, 'PCI devices get 32-bit IOVAs first');
});

test('DMAAPI-04 fires for the merged count and a different direction, silent with the map\'s parameters', () => {
  const bad = scenario('buf = heap system 32KiB\nsgt = dma_map vdec buf from_device\ndma_unmap sgt bidirectional nents 1\nput buf');
  const r = run(bad);
  const f = only(r, 'DMAAPI-04');
  assert.equal(f.length, 1);
  assert.equal(f[0].line, lineOf(bad, 'dma_unmap'));
  assert.match(f[0].message, /different entry count \[map count=8\] \[unmap count=1\]/);
  assert.match(f[0].message, /\[mapped with DMA_FROM_DEVICE\] \[unmapped with DMA_BIDIRECTIONAL\]/);
  assert.match(f[0].message, /the kernel is silent/);
  const good = run(scenario('buf = heap system 32KiB\nsgt = dma_map vdec buf from_device\ndma_unmap sgt from_device nents 8\nput buf'));
  assert.deepEqual(only(good, 'DMAAPI-04'), []);
});

test('DMAAPI-07: syncing with another direction than the map is reported with dma-debug\'s text', () => {
  const bad = scenario('buf = heap system 64KiB\nsgt = dma_map camera buf from_device\ndma_sync sgt for_cpu to_device\ndma_unmap sgt\nput buf', 'p', 'platform p extends arm64_soc { config DMA_API_DEBUG yes }');
  const f = only(run(bad), 'DMAAPI-07');
  assert.equal(f.length, 1);
  assert.match(f[0].message, /syncs DMA memory with different direction/);
  assert.match(f[0].message, /CONFIG_DMA_API_DEBUG prints/);
  const good = scenario('buf = heap system 64KiB\nsgt = dma_map camera buf from_device\ndma_sync sgt for_cpu\ndma_sync sgt for_device\ndma_unmap sgt\nput buf', 'arm64_soc');
  assert.deepEqual(problems(run(good)), []);
});

test('arm64 cleans at map and invalidates at sync_for_cpu; arm32 invalidates at map for FROM_DEVICE', () => {
  const arm64 = run(scenario('buf = heap system 4KiB\nsgt = dma_map camera buf from_device\ndma_sync sgt for_cpu\ndma_unmap sgt\nput buf', 'arm64_soc'));
  assert.deepEqual(arm64.cache.map((c) => c.kind), ['clean', 'invalidate', 'invalidate']);
  const arm32 = run(scenario('buf = heap system 4KiB\nsgt = dma_map vi buf from_device\ndma_unmap sgt\nput buf', 'arm32_soc'));
  assert.deepEqual(arm32.cache.map((c) => c.kind), ['invalidate', 'invalidate']);
  const toDev = run(scenario('buf = heap system 4KiB\nsgt = dma_map vi buf to_device\ndma_unmap sgt\nput buf', 'arm32_soc'));
  assert.deepEqual(toDev.cache.map((c) => c.kind), ['clean'], 'unmap of TO_DEVICE needs no invalidate');
  const skip = run(scenario('buf = heap system 4KiB\nsgt = dma_map camera buf bidirectional skip_cpu_sync\ndma_unmap sgt skip_cpu_sync\nput buf', 'arm64_soc'));
  assert.deepEqual(skip.cache, [], 'DMA_ATTR_SKIP_CPU_SYNC: no maintenance at map or unmap');
  // The attribute is per call: an unmap with attrs 0 invalidates, whatever the map passed.
  const mapSkipOnly = run(scenario('buf = heap system 4KiB\nsgt = dma_map camera buf bidirectional skip_cpu_sync\ndma_unmap sgt\nput buf', 'arm64_soc'));
  assert.deepEqual(mapSkipOnly.cache.map((c) => c.kind), ['invalidate'], 'dma_unmap_sgtable(..., 0) after a map with the attribute');
  const coherent = run(scenario('buf = heap system 4KiB\nsgt = dma_map gpu buf bidirectional\ndma_unmap sgt\nput buf', 'arm64_soc'));
  assert.deepEqual(coherent.cache, [], 'coherent devices get no maintenance');
});

test('a 32-bit device bounces through swiotlb (DMAAPI-13 information) and the copies follow the direction', () => {
  const r = run(scenario('buf = heap system 8KiB\nsgt = dma_map capture buf bidirectional\ndma_sync sgt for_cpu\ndma_unmap sgt\nput buf', 'arm64_soc'));
  assert.deepEqual(problems(r), []);
  const info = only(r, 'DMAAPI-13');
  assert.equal(info.length, 1);
  assert.equal(info[0].severity, 'information');
  const m = mappingOf(r, 'sgt');
  assert.ok(m.bounced);
  assert.ok(m.entries.length > 0 && m.entries.every((e) => e.bounced && (e.dmaAddress ?? 0) < 0x8000_0000 + 64 * 1024 * 1024));
  assert.deepEqual(
    r.cache.map((c) => c.kind),
    ['bounceToDevice', 'clean', 'invalidate', 'bounceToCpu', 'invalidate', 'bounceToCpu'],
  );
  assert.equal(r.state.dma.swiotlb.slots.length, 0, 'unmap releases the slots');
});

test('a driver-built table respects the device: max_segment and dma_max_mapping_size()', () => {
  const p = 'platform p extends arm64_soc { device cap2 { bus platform; coherent no; dma_mask 32; max_segment 1MiB } }';
  const r = run(scenario('buf = heap cma 1MiB\nsgt = dma_map cap2 buf to_device\ndma_unmap sgt\nput buf', 'p', p));
  assert.deepEqual(problems(r), []);
  assert.deepEqual(expandEntries(mappingOf(r, 'sgt').entries).map((e) => e.length), [256 * 1024, 256 * 1024, 256 * 1024, 256 * 1024], 'swiotlb limit: 256 KiB');
  const r64 = run(scenario('buf = heap cma 1MiB\nsgt = dma_map capture buf to_device\ndma_unmap sgt\nput buf', 'arm64_soc'));
  assert.equal(mappingOf(r64, 'sgt').origNents, 16, 'the default 64 KiB segment limit');
});

test('swiotlb cannot bounce one segment over 256 KiB: DMAAPI-14, -EIO, nothing mapped', () => {
  // The system heap's table has a 1 MiB entry whatever the importer can take (HEAP-02).
  const text = scenario('buf = heap system 1MiB\natt = attach buf capture\nsgt = map_unlocked att to_device\ndetach att\nput buf', 'arm64_soc');
  const r = run(text);
  const f = only(r, 'DMAAPI-14');
  assert.equal(f.length, 1);
  assert.match(f[0].message, /swiotlb buffer is full \(sz: 1048576 bytes\), total 32768 \(slots\), used 0 \(slots\)/);
  assert.equal(f[0].line, lineOf(text, 'map_unlocked'));
  assert.equal(r.state.dma.mappings.size, 0);
  assert.equal(r.state.dma.swiotlb.slots.length, 0);
});

test('without swiotlb an unreachable address is a mapping error (DMAAPI-13 error)', () => {
  const r = run(scenario('buf = heap system 4KiB\nsgt = dma_map capture buf to_device\nput buf', 'p', 'platform p extends arm64_soc { config SWIOTLB no }'));
  const f = only(r, 'DMAAPI-13');
  assert.equal(f.length, 1);
  assert.equal(f[0].severity, 'error');
  assert.match(f[0].message, /DMA addr 0x[0-9a-f]{16}\+4096 overflow \(mask 0xffffffff, bus limit 0\)/);
});

test('using a failed dma_map is DMAAPI-03, once per use', () => {
  const text = scenario('buf = heap system 4KiB\nsgt = dma_map capture buf to_device\ndma_sync sgt for_device\ndma_unmap sgt\nput buf', 'p', 'platform p extends arm64_soc { config SWIOTLB no }');
  const r = run(text);
  assert.deepEqual(only(r, 'DMAAPI-03').map((f) => f.line), [lineOf(text, 'dma_sync'), lineOf(text, 'dma_unmap')]);
});

test('DMAAPI-10: a second non-TO_DEVICE mapping of the same memory without SKIP_CPU_SYNC', () => {
  const bad = scenario('buf = heap system 64KiB\na = dma_map camera buf bidirectional\nb = dma_map display buf from_device\ndma_unmap b\ndma_unmap a\nput buf', 'arm64_soc');
  const f = only(run(bad), 'DMAAPI-10');
  assert.equal(f.length, 1);
  assert.equal(f[0].severity, 'warning');
  assert.match(f[0].message, /cacheline tracking EEXIST, overlapping mappings aren't supported/);
  const skip = scenario('buf = heap system 64KiB\na = dma_map camera buf bidirectional\nb = dma_map display buf from_device skip_cpu_sync\ndma_unmap b\ndma_unmap a\nput buf', 'arm64_soc');
  assert.deepEqual(only(run(skip), 'DMAAPI-10'), []);
  const toDevice = scenario('buf = heap system 64KiB\na = dma_map camera buf to_device\nb = dma_map display buf to_device\ndma_unmap b\ndma_unmap a\nput buf', 'arm64_soc');
  assert.deepEqual(only(run(toDevice), 'DMAAPI-10'), []);
});

test('SGT-05: a segment longer than the device takes; warning with the PCI default, error when declared', () => {
  const def = run(scenario('buf = heap cma 1MiB\natt = attach buf vdec\nsgt = map_unlocked att to_device\nunmap_unlocked sgt\ndetach att\nput buf'));
  const w = only(def, 'SGT-05');
  assert.equal(w.length, 1);
  assert.equal(w[0].severity, 'warning');
  assert.match(w[0].message, /mapping sg segment longer than device claims to support \[len=1048576\] \[max=65536\]/);
  const declared = run(scenario('buf = heap cma 1MiB\natt = attach buf dev\nsgt = map_unlocked att to_device\nunmap_unlocked sgt\ndetach att\nput buf', 'p', 'platform p extends x86_64_pc { device dev { bus pci rc; max_segment 64KiB; iommu vtd group g_dev } }'));
  assert.equal(only(declared, 'SGT-05')[0]?.severity, 'error');
  const fits = run(scenario('buf = heap cma 1MiB\nsgt = dma_map vdec buf to_device\ndma_unmap sgt\nput buf'));
  assert.deepEqual(only(fits, 'SGT-05'), []);
});

test('double unmap and use after unmap are LIFE-05', () => {
  const text = scenario('buf = heap system 4KiB\nsgt = dma_map vdec buf to_device\ndma_unmap sgt\ndma_unmap sgt\nput buf');
  const r = run(text);
  assert.deepEqual(codes(r), [`${lineOf(text, 'dma_unmap sgt') + 1}:LIFE-05`]);
  assert.match(only(r, 'LIFE-05')[0].message, /tries to free DMA memory it has not allocated/);
});

test('a dma_map never unmapped is DMAAPI-05 at its statement', () => {
  const text = scenario('buf = heap system 4KiB\nsgt = dma_map vdec buf to_device\nput buf');
  assert.deepEqual(only(run(text), 'DMAAPI-05').map((f) => f.line), [lineOf(text, 'dma_map')]);
});

test('DMAAPI-08: a device write into a TO_DEVICE mapping faults with an IOMMU, is silent without', () => {
  const iommu = scenario('buf = heap system 64KiB\nsgt = dma_map camera buf to_device\nsubmit camera write sgt\ndma_unmap sgt\nput buf', 'arm64_soc');
  const r = run(iommu);
  assert.equal(only(r, 'DMAAPI-08').length, 1);
  assert.match(only(r, 'DMAAPI-08')[0].message, /Unhandled context fault/);
  assert.equal(r.accesses[0].path, undefined, 'the faulting write does not reach memory');
  const direct = run(scenario('buf = heap system 4KiB\nsgt = dma_map vi buf to_device\nsubmit vi write sgt\ndma_unmap sgt\nput buf', 'arm32_soc'));
  assert.equal(only(direct, 'DMAAPI-08').length, 1);
  assert.ok(direct.accesses[0].path, 'without an IOMMU the write lands');
  const ok = run(scenario('buf = heap system 64KiB\nsgt = dma_map camera buf from_device\nsubmit camera write sgt\ndma_unmap sgt\nput buf', 'arm64_soc'));
  assert.deepEqual(problems(ok), []);
});

test('COH-04: a device access while the CPU owns the mapping', () => {
  const text = scenario('buf = heap system 4KiB\nsgt = dma_map camera buf bidirectional\ndma_sync sgt for_cpu\nsubmit camera read sgt\ndma_unmap sgt\nput buf', 'arm64_soc');
  const f = only(run(text), 'COH-04');
  assert.equal(f.length, 1);
  assert.equal(f[0].severity, 'error');
  const fixed = scenario('buf = heap system 4KiB\nsgt = dma_map camera buf bidirectional\ndma_sync sgt for_cpu\ndma_sync sgt for_device\nsubmit camera read sgt\ndma_unmap sgt\nput buf', 'arm64_soc');
  assert.deepEqual(only(run(fixed), 'COH-04'), []);
});

test('P2PDMA pages through a switch get bus addresses and no IOMMU mapping; NOT_SUPPORTED is -EREMOTEIO', () => {
  const r = run(scenario('vram = export gpu vram 1MiB\nsgt = dma_map nic vram to_device\ndma_unmap sgt\nput vram'));
  assert.deepEqual(problems(r), []);
  const m = mappingOf(r, 'sgt');
  assert.ok(m.entries.length > 0 && m.entries.every((e) => e.busAddress && e.dmaAddress === e.phys));
  assert.ok(m.entries.every((e) => (e.phys ?? 0) >= 0x40_0000_0000), 'BAR addresses');
  const refused = run(scenario('vram = export gpu vram 1MiB\nsgt = dma_map vdec vram to_device\nput vram'));
  assert.equal(only(refused, 'P2P-06').length, 1);
  assert.equal(refused.calls.find((c) => c.call.startsWith('dma_map_sgtable'))?.outcome, '-EREMOTEIO');
});
