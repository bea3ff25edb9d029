// The two-step IOVA API (iommu/dma-iova.ts): what dma_iova_try_alloc() reserves, and the end of a state.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { codes, only, run, scenario } from '../harness';

test('dma_iova_try_alloc() reserves its range: a later streaming map of the same device gets other IOVAs', () => {
  const r = run(scenario('s = dma_iova_try_alloc nic 64KiB\n  b = heap system 64KiB\n  m = dma_map nic b to_device\n  dma_unmap m\n  put b\n  dma_iova_free s', 'x86_64_pc', '', '6.18'));
  const alloc = r.calls.find((c) => c.call.startsWith('dma_iova_try_alloc'))!;
  const at = Number(/at (0x[0-9a-f]+)/.exec(alloc.outcome)![1]);
  assert.ok(at < 2 ** 32, 'a PCI device gets IOVAs below 4 GiB first');
  const mapped = r.changes.find((c) => c.kind === 'sgt' && /mapped/.test(c.summary));
  assert.ok(mapped);
  const seg = JSON.stringify(mapped.state);
  const found = /"dmaAddress":(\d+)/.exec(seg);
  assert.ok(found, seg);
  const dma = Number(found[1]);
  assert.ok(dma + 65536 <= at || dma >= at + 65536, `the streaming map at ${dma.toString(16)} overlaps the reserved range at ${at.toString(16)}`);
  assert.deepEqual(codes(r), []);
});

test('without dma-iommu the state is the fallback, and nothing is left to end', () => {
  const r = run(scenario('s = dma_iova_try_alloc capture 64KiB', 'arm64_soc', '', '6.18'));
  assert.match(r.calls[0].outcome, /^false: capture does not use dma-iommu/);
  assert.deepEqual(codes(r), [], 'no LEAK-01 for a state that holds nothing');
});

test('a state never destroyed or freed leaks (LEAK-01); a destroy over a hole WARNs', () => {
  const leak = run(scenario('s = dma_iova_try_alloc nic 64KiB', 'x86_64_pc', '', '6.18'));
  assert.deepEqual(codes(leak), ['3:LEAK-01']);
  const hole = run(scenario('b = alloc_pages 16KiB\n  s = dma_iova_try_alloc nic 32KiB\n  dma_iova_link s b offset 16KiB to_device\n  dma_iova_sync s\n  dma_iova_destroy s 32KiB to_device\n  free b', 'x86_64_pc', '', '6.18'));
  const warn = only(hole, 'DMAAPI-17');
  assert.equal(warn.length, 1);
  assert.match(warn[0].message, /WARN_ON\(unmapped != size\)/);
});

test('a zero size WARNs and falls back', () => {
  const r = run(scenario('s = dma_iova_try_alloc nic 0', 'x86_64_pc', '', '6.18'));
  assert.deepEqual(codes(r), ['3:DMAAPI-17']);
  assert.match(r.calls[0].outcome, /^false: WARN_ON_ONCE\(!size\)/);
});
