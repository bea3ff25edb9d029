// Version-dependent dma-buf core behaviour (language/profiles.ts rows sgt-cache-dropped,
// attach-premap-dropped, move-notify-always): the state a fixture cannot show, such as where the
// pin is taken (attach or map) and whether a second map is a second real mapping.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bind, only, problems, run, scenario } from './harness';
import { kernelC, scenarioKernelC } from '../../../server/src/engine/kernel-c';

const at = (v: string, configs = ''): string => `platform p extends x86_64_pc { kernel ${v}\n${configs} }`;

test('attach-premap-dropped: a static importer of ttm is pinned at attach up to 6.15, at map from 6.16', () => {
  const attachOnly = 'bo = export gpu system 1MiB\natt = attach bo vdec';
  const old = run(scenario(attachOnly, 'p', at('6.12')));
  const bo12 = [...old.state.buf.buffers.values()][0];
  const att12 = [...old.state.buf.attachments.values()][0];
  assert.equal(bo12.pins, 1, '6.12: pinned at attach');
  assert.equal(att12.corePinned, true);
  assert.ok(att12.cached?.atAttach, '6.12: pre-mapped at attach');
  assert.deepEqual(only(old, 'ATT-03').length, 1);

  const now = run(scenario(attachOnly, 'p', at('6.18')));
  assert.equal([...now.state.buf.buffers.values()][0].pins, 0, '6.18: attach does not pin');
  const att18 = [...now.state.buf.attachments.values()][0];
  assert.equal(att18.corePinned, false);
  assert.equal(att18.cached, undefined, '6.18: nothing mapped at attach');
  assert.deepEqual(only(now, 'ATT-03'), []);

  const mapped = run(scenario(`${attachOnly}\nsgt = map_unlocked att to_device`, 'p', at('6.18')));
  assert.equal([...mapped.state.buf.buffers.values()][0].pins, 1, '6.18: pinned at map');
  assert.equal([...mapped.state.buf.sgts.values()][0].pinnedOnMap, true);
  assert.deepEqual(only(mapped, 'MAP-04').map((f) => f.severity), ['information']);

  const unmapped = run(scenario(`${attachOnly}\nsgt = map_unlocked att to_device\nunmap_unlocked sgt`, 'p', at('6.18')));
  assert.equal([...unmapped.state.buf.buffers.values()][0].pins, 0, '6.18: unmap unpins');
});

test('move-notify-always: a dynamic importer of ttm without the config is pinned at map on 7.0, never on 7.1', () => {
  const body = 'bo = export gpu system 1MiB\natt = attach bo nic dynamic\nlock bo\nsgt = map att to_device\nunlock bo';
  for (const [v, pins] of [['6.18', 1], ['7.0', 1], ['7.1', 0]] as const) {
    const r = run(scenario(body, 'p', at(v)));
    assert.equal([...r.state.buf.buffers.values()][0].pins, pins, `${v}: pin count after map`);
    assert.equal(only(r, 'MAP-04').length, pins, `${v}: MAP-04`);
  }
  // With the config on, 6.18 does not pin a dynamic importer either.
  const on = run(scenario(body, 'p', at('6.18', 'config DMABUF_MOVE_NOTIFY yes')));
  assert.equal([...on.state.buf.buffers.values()][0].pins, 0);
});

test('sgt-cache-dropped: a second GEM map is the cached table on 6.12 and a second real mapping on 6.18; unmap unmaps', () => {
  const body = 'buf = export igpu system 1MiB\natt = attach buf vdec\na = map_unlocked att to_device\nb = map_unlocked att to_device';
  const old = run(scenario(body, 'p', at('6.12')));
  const [a12, b12] = [...old.state.buf.sgts.values()];
  assert.equal(a12.mappingId, b12.mappingId, '6.12: the same cached table');
  assert.equal(a12.cached, true);
  const now = run(scenario(body, 'p', at('6.18')));
  assert.deepEqual(problems(now).filter((f) => f.code !== 'LEAK-01'), [], 'no -EBUSY (the scenario stops before teardown)');
  const [a18, b18] = [...now.state.buf.sgts.values()];
  assert.notEqual(a18.mappingId, b18.mappingId, '6.18: two mappings');
  assert.equal(a18.cached, false);
  assert.deepEqual(only(now, 'MAP-03'), [], 'a fresh table per map is not a double map of one table');

  const unmapped = run(scenario(`${body}\nunmap_unlocked a`, 'p', at('6.18')));
  const mapping = unmapped.state.dma.mappings.get([...unmapped.state.buf.sgts.values()][0].mappingId);
  assert.equal(mapping?.live, false, '6.18: unmap really unmaps');
  const cachedUnmap = run(scenario(`${body}\nunmap_unlocked a`, 'p', at('6.12')));
  const kept = cachedUnmap.state.dma.mappings.get([...cachedUnmap.state.buf.sgts.values()][0].mappingId);
  assert.equal(kept?.live, true, '6.12: the cached table stays mapped until detach');
});

test('iommu-domain-alloc-removed: `domain` is iommu_paging_domain_alloc(dev) from 6.13, in the trace and the kernel C', () => {
  const body = 'd = domain vtd';
  const old = run(scenario(body, 'p', at('6.12')));
  assert.match(old.calls[0].call, /^iommu_domain_alloc\(&pci_bus_type\)$/);
  const now = run(scenario(body, 'p', at('6.18')));
  assert.match(now.calls[0].call, /^iommu_paging_domain_alloc\(\w+->dev\)$/);
  const sc = (v: string) => bind(scenario(body, 'p', at(v))).scenarios[0];
  assert.match(scenarioKernelC(sc('6.12')), /d = iommu_domain_alloc\(&platform_bus_type\)/);
  assert.match(scenarioKernelC(sc('6.18')), /d = iommu_paging_domain_alloc\(dev\)/);
  const move = bind(scenario('bo = export gpu vram 1MiB\nlock bo\nmove bo system\nunlock bo', 'p', at('7.1'))).scenarios[0];
  assert.match(scenarioKernelC(move), /dma_buf_invalidate_mappings\(bo\)/);
  assert.match(kernelC(move.body[2]), /dma_buf_move_notify\(bo\)/, 'without a profile: the call the language was written for');
});
