// The vfio-pci exporter and iommufd import (exporters/vfio.ts, iommu/iommufd.ts): the state a revoke
// leaves, what a map returns, and what iommufd keeps.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { codes, run, scenario } from '../harness';

const SHARE = 'bind_vfio gpu\n  b = export gpu vram 2MiB\n  att = attach b nic dynamic peer2peer\n  lock b\n  sgt = map att to_device\n  unlock b';
const END = 'lock b\n  unmap sgt\n  unlock b\n  detach att\n  put b';

test('a BUS_ADDR pair gets the BAR\'s bus addresses and a table with no CPU entries', () => {
  const r = run(scenario(`${SHARE}\n  ${END}`, 'x86_64_pc', '', '7.1'));
  assert.deepEqual(codes(r), []);
  const map = r.calls.find((c) => c.call.startsWith('dma_buf_map_attachment'))!;
  assert.match(map.outcome, /no CPU entries: orig_nents 0, nents 1/);
  const mapped = r.changes.find((c) => c.kind === 'sgt' && /dma_buf_phys_vec_to_sgt: PCI bus addresses/.test(c.summary));
  assert.ok(mapped, 'the mapping says which kind of address it holds');
});

test('on 7.1 a revoke waits for the unmap, and the buffer comes back when the last table is unmapped', () => {
  const r = run(scenario(`${SHARE}\n  vfio_reset gpu\n  ${END}`, 'x86_64_pc', '', '7.1'));
  assert.deepEqual(codes(r), []);
  const reset = r.calls.find((c) => c.call.includes('VFIO_DEVICE_RESET'))!;
  assert.match(reset.outcome, /waiting for sgt to be unmapped/);
  const restored = r.changes.findIndex((c) => c.kind === 'buffer' && /restored/.test(c.summary));
  const unmapped = r.changes.findIndex((c) => c.kind === 'sgt' && /^unmapped/.test(c.summary));
  assert.ok(unmapped >= 0 && restored > unmapped, 'restored after the unmap, not at the reset');
});

test('on 7.0 the same reset does not wait: the buffer is revoked and restored at once', () => {
  const r = run(scenario(`${SHARE}\n  vfio_reset gpu\n  ${END}`, 'pc_mn', 'platform pc_mn extends x86_64_pc {\n  config DMABUF_MOVE_NOTIFY yes\n}', '7.0'));
  assert.deepEqual(codes(r), []);
  const reset = r.calls.find((c) => c.call.includes('VFIO_DEVICE_RESET'))!;
  assert.match(reset.outcome, /revoked, dma_buf_move_notify\(\), reset, b: restored/);
});

test('memory decode off leaves the buffer revoked in its snapshot until decode is on again', () => {
  const r = run(scenario('bind_vfio gpu\n  b = export gpu vram 2MiB\n  memory_decode gpu off\n  memory_decode gpu on\n  put b', 'x86_64_pc', '', '7.1'));
  const states = r.changes.filter((c) => c.kind === 'buffer').map((c) => (c.state as { revoked?: string }).revoked);
  assert.deepEqual(states.slice(0, 3), ['no', 'yes (memory decode off)', 'no']);
});

test('an export from a device not bound to vfio-pci is its own driver\'s, and memory_decode needs vfio-pci', () => {
  const r = run(scenario('b = export gpu vram 2MiB at 1MiB\n  memory_decode gpu off\n  put b', 'x86_64_pc', '', '7.1'));
  assert.match(r.calls[0].call, /^dma_buf_export/);
  assert.deepEqual(codes(r), ['4:NAME']);
});

test('iommufd keeps a reference per area: the user\'s put does not release the buffer, the unmap does', () => {
  const r = run(
    scenario(
      'bind_vfio gpu\n  bind_vfio nic\n  device_claim_dma_owner nic\n  a = ioas vtd\n  ioas_attach nic a\n  b = export gpu vram 2MiB\n  ioas_map a b iova 0x1000_0000\n  put b\n  ioas_unmap a 0x1000_0000 2MiB',
      'x86_64_pc',
      '',
      '7.1',
    ),
  );
  assert.deepEqual(codes(r), []);
  const put = r.calls.find((c) => c.call === 'dma_buf_put(b)')!;
  assert.equal(put.outcome, 'void');
  const unmap = r.calls.find((c) => c.call.includes('IOMMU_IOAS_UNMAP'))!;
  assert.match(unmap.call, /dma_buf_release\(\)$/);
});

test('through a whitelisted host bridge the importer gets one IOVA run, cut into UINT_MAX-byte entries as 6.19/7.0 fill_sg_entry() does', () => {
  const platform = 'platform pc_wl extends x86_64_pc {\n  host_bridge rc { p2p yes }\n}';
  const r = run(scenario('bind_vfio gpu\n  b = export gpu vram 6GiB\n  att = attach b vdec dynamic peer2peer\n  lock b\n  sgt = map att to_device\n  unlock b\n  lock b\n  unmap sgt\n  unlock b\n  detach att\n  put b', 'pc_wl', platform, '7.1'));
  assert.deepEqual(codes(r), []);
  const map = r.calls.find((c) => c.call.startsWith('dma_buf_map_attachment'))!;
  assert.match(map.outcome, /orig_nents 0, nents 2/);
  const mapped = r.changes.find((c) => c.kind === 'sgt' && /one IOVA run/.test(c.summary));
  assert.ok(mapped, 'dma_iova_link with DMA_ATTR_MMIO, one run');
  const lengths = [...JSON.stringify(mapped.state).matchAll(/"dmaLength":(\d+)/g)].map((m) => Number(m[1]));
  assert.deepEqual(lengths, [0xffff_ffff, 6 * 2 ** 30 - 0xffff_ffff]);
  const addrs = [...JSON.stringify(mapped.state).matchAll(/"dmaAddress":(\d+)/g)].map((m) => Number(m[1]));
  assert.equal(addrs[1] - addrs[0], 0xffff_ffff, 'the second entry continues the first in the IOVA run');
});
