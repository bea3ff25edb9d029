// The coherency model's transitions (kernel-rules.md §8.2) and detections (§8.3), driven directly; last, the
// messages two bounced pipelines get through the whole engine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PhysRegion } from '../../../server/src/engine/seam';
import { applyEffect, cpuRead, cpuWrite, deviceRead, deviceWrite, freshMemory, newCoherency, type Coherency } from '../../../server/src/engine/time/coherency';
import { kernelModel } from '../../../server/src/engine/kernel';
import { runText, scen } from './helpers';

const BUF: PhysRegion[] = [{ space: 'ram', addr: 0x1000, size: 0x2000 }];
const SLOT: PhysRegion[] = [{ space: 'swiotlb', addr: 0x100000, size: 0x2000 }];
const nonCoherent = { regions: BUF, coherent: false };
const coherent = { regions: BUF, coherent: true };
const cpu = { regions: BUF, coherent: false, cacheable: true };

function fresh(arch: 'arm64' | 'arm32' | 'x86_64'): Coherency {
  const c = newCoherency(arch);
  freshMemory(c, BUF);
  return c;
}

const codes = (ps: readonly { code: string; cause: string }[]) => ps.map((p) => `${p.code}:${p.cause}`);

test('a CPU write left dirty in the cache is invisible to a non-coherent device (COH-02)', () => {
  const c = fresh('arm64');
  cpuWrite(c, cpu);
  assert.deepEqual(codes(deviceRead(c, nonCoherent)), ['COH-02:stale-cache']);
});

test('cleaning the lines (sync_for_device) makes the CPU write visible to the device', () => {
  const c = fresh('arm64');
  cpuWrite(c, cpu);
  applyEffect(c, { kind: 'clean', regions: BUF });
  assert.deepEqual(deviceRead(c, nonCoherent), []);
});

test('a coherent device snoops the dirty line: no stale read without any maintenance', () => {
  const c = fresh('arm64');
  cpuWrite(c, cpu);
  assert.deepEqual(deviceRead(c, coherent), []);
});

test('a clean CPU line read after a non-coherent device write is stale (COH-01)', () => {
  const c = fresh('arm32');
  cpuRead(c, cpu); // fills the line
  deviceWrite(c, nonCoherent);
  assert.deepEqual(codes(cpuRead(c, cpu)), ['COH-01:stale-cache']);
});

test('invalidating after the device finished (sync_for_cpu) gives the CPU the device data', () => {
  const c = fresh('arm64');
  cpuRead(c, cpu);
  deviceWrite(c, nonCoherent);
  applyEffect(c, { kind: 'invalidate', regions: BUF });
  assert.deepEqual(cpuRead(c, cpu), []);
});

test('on arm64 an invalidate before the device write does not protect a later read (speculative fill)', () => {
  const c = fresh('arm64');
  applyEffect(c, { kind: 'invalidate', regions: BUF });
  deviceWrite(c, nonCoherent);
  assert.deepEqual(codes(cpuRead(c, cpu)), ['COH-01:speculative-fill']);
});

test('on arm32 the same sequence reads the device data (no speculative fill is modelled there)', () => {
  const c = fresh('arm32');
  applyEffect(c, { kind: 'invalidate', regions: BUF });
  deviceWrite(c, nonCoherent);
  assert.deepEqual(cpuRead(c, cpu), []);
});

test('invalidating dirty lines loses the CPU write (COH-03), once', () => {
  const c = fresh('arm32');
  cpuWrite(c, cpu);
  assert.deepEqual(codes(applyEffect(c, { kind: 'invalidate', regions: BUF })), ['COH-03:invalidate']);
  // The loss is counted at the invalidate; later readers are not blamed again.
  assert.deepEqual(deviceRead(c, nonCoherent), []);
});

test('a non-coherent device writing under dirty CPU lines loses its data to the eviction (COH-03)', () => {
  const c = fresh('arm64');
  cpuWrite(c, cpu);
  assert.deepEqual(codes(deviceWrite(c, nonCoherent).problems), ['COH-03:eviction']);
});

test('a coherent device write invalidates the CPU copy: the next CPU read sees it', () => {
  const c = fresh('arm64');
  cpuRead(c, cpu);
  deviceWrite(c, coherent);
  assert.deepEqual(cpuRead(c, cpu), []);
});

test('a write-combined CPU mapping goes straight to memory', () => {
  const c = fresh('arm64');
  cpuWrite(c, { ...cpu, cacheable: false });
  assert.deepEqual(deviceRead(c, nonCoherent), []);
});

test('device writes into a bounce slot reach the original only at copy-back (DMAAPI-15 cause)', () => {
  const c = fresh('arm64');
  applyEffect(c, { kind: 'bounceToDevice', from: BUF, to: SLOT });
  deviceWrite(c, { regions: SLOT, coherent: false });
  assert.deepEqual(codes(deviceRead(c, nonCoherent)), ['COH-02:bounce']);
  applyEffect(c, { kind: 'bounceToCpu', from: SLOT, to: BUF });
  assert.deepEqual(deviceRead(c, nonCoherent), []);
  assert.deepEqual(cpuRead(c, cpu), []);
});

test('CPU writes after the bounce copy are not in the slot the device reads (COH-02 bounce)', () => {
  const c = fresh('x86_64');
  applyEffect(c, { kind: 'bounceToDevice', from: BUF, to: SLOT });
  cpuWrite(c, cpu);
  assert.deepEqual(codes(deviceRead(c, { regions: SLOT, coherent: true })), ['COH-02:bounce']);
});

test('a copy-back over newer CPU data loses it (COH-03 copy-back)', () => {
  const c = fresh('arm64');
  applyEffect(c, { kind: 'bounceToDevice', from: BUF, to: SLOT });
  cpuWrite(c, cpu);
  assert.deepEqual(codes(applyEffect(c, { kind: 'bounceToCpu', from: SLOT, to: BUF })), ['COH-03:copy-back']);
});

test('an exporter copy carries versions to the new place', () => {
  const c = fresh('arm64');
  const to: PhysRegion[] = [{ space: 'bar', owner: 'gpu.vram', addr: 0, size: 0x2000 }];
  cpuWrite(c, cpu);
  applyEffect(c, { kind: 'clean', regions: BUF });
  applyEffect(c, { kind: 'copy', from: BUF, to });
  assert.deepEqual(deviceRead(c, { regions: to, coherent: false }), []);
});

test('thousands of scattered pages are handled in one sweep', () => {
  const c = newCoherency('arm64');
  const pages: PhysRegion[] = Array.from({ length: 8192 }, (_, i) => ({ space: 'ram', addr: 0x10000000 - i * 0x2000, size: 0x1000 }));
  freshMemory(c, pages);
  const t0 = performance.now();
  cpuWrite(c, { regions: pages, coherent: false, cacheable: true });
  assert.equal(deviceRead(c, { regions: pages, coherent: false }).length, 8192);
  applyEffect(c, { kind: 'clean', regions: pages });
  assert.deepEqual(deviceRead(c, { regions: pages, coherent: false }), []);
  assert.ok(performance.now() - t0 < 5000);
});

test('COH-02 and DMAAPI-15 on a bounced mapping say which side of the bounce the device read', () => {
  const messages = (body: string) => runText(scen(body, 'arm64_soc'), kernelModel).findings.filter((f) => f.code === 'COH-02' || f.code === 'DMAAPI-15').map((f) => `${f.code} ${f.message}`);
  // capture writes its bounce slot; soc_gpu, not bounced, reads the original pages.
  const original = messages('frame = heap system 64KiB\ncap = attach frame capture\ngpu_att = attach frame soc_gpu\ncap_sgt = map_unlocked cap from_device\ngpu_sgt = map_unlocked gpu_att to_device\nsubmit capture write cap_sgt implicit signal captured\nsubmit soc_gpu read gpu_sgt implicit signal sampled\nwait sampled\nunmap_unlocked gpu_sgt\nunmap_unlocked cap_sgt\ndetach gpu_att\ndetach cap\nput frame');
  assert.equal(original.length, 2, original.join('\n'));
  assert.ok(original.some((m) => /^COH-02 .* The device works on the original pages while the newest data sits in a swiotlb bounce slot:/.test(m)), original.join('\n'));
  assert.ok(original.some((m) => /^DMAAPI-15 soc_gpu reads the original pages, but the newest data only exists in a swiotlb bounce slot\./.test(m)), original.join('\n'));
  // The CPU writes after the bounce copy at map; capture reads its stale slot.
  const slot = messages('buf = heap system 64KiB\nva = vmap_unlocked buf\nsgt = dma_map capture buf to_device\ncpu write va\nsubmit capture read sgt signal f\nwait f\ndma_unmap sgt\nvunmap_unlocked va\nput buf');
  assert.equal(slot.length, 2, slot.join('\n'));
  assert.ok(slot.some((m) => /^COH-02 .* The device works on a swiotlb bounce slot while the newest data is in the original pages/.test(m)), slot.join('\n'));
  assert.ok(slot.some((m) => /^DMAAPI-15 capture reads a swiotlb bounce slot, but the newest data only exists outside it/.test(m)), slot.join('\n'));
});
