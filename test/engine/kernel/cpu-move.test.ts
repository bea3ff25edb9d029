// CPU access (CPU-02, CPU-04, CPU-06, DMAAPI-06, VMAP-01), device access rules of the dma-buf layer
// (COH-04, MOVE-01), exporter moves (MOVE-02) and the implicit waits (CPU-03, MAP-05).
import { since, type RowId } from '../../../server/src/language/profiles';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Stmt } from '../../../server/src/language/ast';
import { kernelModel } from '../../../server/src/engine/kernel/index';
import { kernelC, scenarioKernelC } from '../../../server/src/engine/kernel-c';
import { bind, codes, lineOf, only, problems, run, scenario, type Run } from './harness';
import { isKernelStmt } from '../../../server/src/language/statements';

function warnOrWorse(r: Run): string[] {
  return problems(r).map((f) => `${f.line}:${f.code}`);
}

const MOVE_NOTIFY = 'platform p extends x86_64_pc { config DMABUF_MOVE_NOTIFY yes }';

test('CPU-02: an unbracketed write through the mmap of a heap buffer mapped by a non-coherent device is an error', () => {
  const text = scenario('b = heap system 1MiB\ni = attach b camera\ns = map_unlocked i bidirectional\nv = mmap b\ncpu write v at 0 size 4KiB\nmunmap v\nunmap_unlocked s\ndetach i\nput b', 'arm64_soc');
  const r = run(text);
  assert.deepEqual(codes(r), [`${lineOf(text, 'cpu write')}:CPU-02`]);
  assert.equal(r.findings[0].severity, 'error');
  const path = r.accesses[0].path!;
  assert.equal(path.cacheable, true);
  assert.equal(path.regions.reduce((n, x) => n + x.size, 0), 4096);
});

test('CPU-02 is a warning on a coherent platform, and silent inside a bracket', () => {
  const coherent = run(scenario('b = heap system 64KiB\ni = attach b vdec\ns = map_unlocked i bidirectional\nv = mmap b\ncpu write v\nmunmap v\nunmap_unlocked s\ndetach i\nput b'));
  assert.deepEqual(coherent.findings.map((f) => `${f.code}:${f.severity}`), ['CPU-02:warning']);
  const bracketed = run(
    scenario('b = heap system 1MiB\ni = attach b display\ns = map_unlocked i to_device\nv = mmap b\nbegin_cpu b write\ncpu write v\nend_cpu b write\nmunmap v\nunmap_unlocked s\ndetach i\nput b', 'arm64_soc'),
  );
  assert.deepEqual(problems(bracketed), []);
});

test('CPU-04: a write inside a read bracket, and an END with other flags than the START', () => {
  const text = scenario('b = heap system 64KiB\nh = attach b dc0\ns = map_unlocked h bidirectional\nv = mmap b\nbegin_cpu b read\ncpu write v\nend_cpu b write\nmunmap v\nunmap_unlocked s\ndetach h\nput b', 'arm32_soc');
  const r = run(text);
  assert.deepEqual(only(r, 'CPU-04').map((f) => f.line), [lineOf(text, 'cpu write'), lineOf(text, 'end_cpu')]);
  assert.ok(only(r, 'CPU-04').every((f) => f.severity === 'error'));
});

test('CPU-06: begin_cpu while holding the resv lock; amdgpu reserves inside, so for ttm reads it deadlocks', () => {
  const heap = run(scenario('b = heap system 64KiB\nlock b\nbegin_cpu b read\nend_cpu b read\nunlock b\nput b'));
  assert.deepEqual(only(heap, 'CPU-06').length, 2);
  assert.equal(heap.hangs.length, 0);
  const ttm = run(scenario('b = export gpu system 64KiB\nlock b\nbegin_cpu b read'));
  assert.equal(only(ttm, 'CPU-06').length, 1);
  assert.equal(ttm.hangs.length, 1);
});

test('DMAAPI-06: bracketed CPU access while a raw dma_map of the pages is device-owned; dma_sync for_cpu first is silent', () => {
  const bad = scenario('b = heap system 12KiB\nv = vmap_unlocked b\ns = dma_map camera b from_device\nbegin_cpu b read\ncpu read v\nend_cpu b read\ndma_unmap s\nvunmap_unlocked v\nput b', 'arm64_soc');
  const r = run(bad);
  assert.deepEqual(warnOrWorse(r), [`${lineOf(bad, 'cpu read')}:DMAAPI-06`]);
  // No attachment is mapped, so the heap's brackets do no maintenance (CPU-08, information).
  assert.equal(only(r, 'CPU-08').length, 2);
  const good = run(scenario('b = heap system 12KiB\nv = vmap_unlocked b\ns = dma_map camera b from_device\ndma_sync s for_cpu\nbegin_cpu b read\ncpu read v\nend_cpu b read\ndma_unmap s\nvunmap_unlocked v\nput b', 'arm64_soc'));
  assert.deepEqual(warnOrWorse(good), []);
});

test('VMAP-01: vunmap twice hits BUG_ON(vmapping_counter == 0); vmap without the lock in 6.2 is an error', () => {
  const text = scenario('b = heap system 64KiB\nv = vmap_unlocked b\nvunmap_unlocked v\nvunmap_unlocked v\nput b');
  const r = run(text);
  assert.deepEqual(codes(r), [`${lineOf(text, 'vunmap_unlocked v') + 1}:VMAP-01`]);
  const locked = scenario('b = heap system 64KiB\nv = vmap b\nvunmap_unlocked v\nput b');
  assert.deepEqual(codes(run(locked)), [`${lineOf(locked, 'v = vmap b')}:VMAP-01`]);
});

test('COH-04: a gem importer\'s job inside a begin/end bracket; after end_cpu it is silent', () => {
  const bad = scenario('b = export soc_gpu system 1MiB\na = attach b display\ns = map_unlocked a bidirectional\nbegin_cpu b write\nsubmit display read s\nend_cpu b write\nunmap_unlocked s\ndetach a\nput b', 'arm64_soc');
  const r = run(bad);
  assert.deepEqual(warnOrWorse(r), [`${lineOf(bad, 'submit')}:COH-04`]);
  assert.equal(only(r, 'COH-04')[0].severity, 'error');
  assert.equal(only(r, 'CPU-05').length, 1, 'gem has no begin/end_cpu_access');
  const good = run(scenario('b = export soc_gpu system 1MiB\na = attach b display\ns = map_unlocked a bidirectional\nbegin_cpu b write\nend_cpu b write\nsubmit display read s\nunmap_unlocked s\ndetach a\nput b', 'arm64_soc'));
  assert.deepEqual(warnOrWorse(good), []);
});

test('MOVE-01: a job through a mapping made before a move; re-mapping after the move is silent', () => {
  const head = 'bo = export gpu vram 4MiB\na = attach bo nic dynamic peer2peer\nlock bo\ns = map a bidirectional\nunlock bo\nlock bo\nmove bo system\nunlock bo\n';
  const bad = scenario(`${head}submit nic read s\nlock bo\nunmap s\nunlock bo\ndetach a\nput bo`, 'p', MOVE_NOTIFY);
  const r = run(bad);
  assert.deepEqual(codes(r), [`${lineOf(bad, 'submit')}:MOVE-01`]);
  assert.deepEqual(r.moves, [{ device: 'gpu' }]);
  const good = run(scenario(`${head}lock bo\nunmap s\ns2 = map a bidirectional\nunlock bo\nsubmit nic read s2\nlock bo\nunmap s2\nunlock bo\ndetach a\nput bo`, 'p', MOVE_NOTIFY));
  assert.deepEqual(problems(good), []);
});

test('MOVE-02: the exporter moves without holding the resv lock', () => {
  const text = scenario('bo = export gpu vram 4MiB\nmove bo system\nput bo');
  assert.deepEqual(codes(run(text)), [`${lineOf(text, 'move bo')}:MOVE-02`]);
});

test('a pinned buffer does not move (MAP-04 information), and the move returns no copy', () => {
  // Up to 6.15 a static importer pins the dynamic exporter's buffer at attach (6.16 pins at map).
  const r = run(scenario('bo = export gpu system 4MiB\na = attach bo vdec\nlock bo\nmove bo vram\nunlock bo\ndetach a\nput bo', 'x86_64_pc', '', '6.12'));
  assert.deepEqual(problems(r).map((f) => f.code), []);
  assert.equal(only(r, 'MAP-04').length, 1);
  assert.deepEqual(r.moves, []);
});

test('waitsBefore: begin_cpu write waits READ usage (all fences), read waits WRITE; static map waits KERNEL', () => {
  const program = bind(scenario('b = heap system 64KiB\na = attach b vdec\nbegin_cpu b write\nbegin_cpu b read\ns = map_unlocked a to_device\nd = attach b nic dynamic\nt = map_unlocked d to_device'));
  const sc = program.scenarios[0];
  const k = kernelModel.init(sc.platform!, sc);
  const ctx = {
    platform: sc.platform!,
    scenario: sc,
    agent: 'cpu',
    since: (row: RowId) => since(sc.platform!.kernel, row),
    cite: () => '',
    sym: (id: never) => program.refs.get(id)!,
    report: () => undefined,
    change: () => undefined,
    call: () => undefined,
    cache: () => undefined,
    resvHolder: () => undefined,
    hang: () => undefined,
    inSignallingSection: () => false,
  };
  const waits: string[] = [];
  for (const stmt of sc.body as Stmt[]) {
    for (const w of kernelModel.waitsBefore(k, ctx as never, stmt)) waits.push(`${stmt.kind}:${w.usage}`);
    if (isKernelStmt(stmt)) kernelModel.execute(k, ctx as never, stmt);
  }
  assert.deepEqual(waits, ['BeginCpu:read', 'BeginCpu:write', 'Map:kernel']);
});

test('kernel C: each statement names the kernel call it stands for', () => {
  const program = bind(scenario('b = heap system 64KiB\na = attach b nic dynamic peer2peer\ns = map a to_device\nbegin_cpu b rw'));
  const [heap, attach, map, begin] = program.scenarios[0].body;
  assert.match(kernelC(heap), /DMA_HEAP_IOCTL_ALLOC/);
  assert.match(kernelC(attach), /dma_buf_dynamic_attach\(b, nic_dev, &importer_ops, priv\)/);
  assert.match(kernelC(attach), /allow_peer2peer = true/);
  assert.equal(kernelC(map), 's = dma_buf_map_attachment(a, DMA_TO_DEVICE);');
  assert.match(kernelC(begin), /dma_buf_begin_cpu_access\(b, DMA_BIDIRECTIONAL\).*DMA_BUF_SYNC_START \| DMA_BUF_SYNC_RW/);
  assert.match(scenarioKernelC(program.scenarios[0]), /^\/\* scenario s on x86_64_pc \(Linux 6\.18, x86_64\) \*\//);
});
