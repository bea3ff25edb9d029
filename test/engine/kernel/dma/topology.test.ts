import assert from 'node:assert/strict';
import { test } from 'node:test';
import { p2pDistance } from '../../../../server/src/engine/kernel/dma-mapping/api';
import { platform } from './helpers';

test('two devices below one switch without ACS reach each other by bus address, distance 4', () => {
  const d = p2pDistance(platform('x86_64_pc'), 'gpu', 'nic');
  assert.equal(d.type, 'BUS_ADDR');
  assert.equal(d.distance, 4);
});

test('devices on different root ports need a whitelisted host bridge (P2P-05)', () => {
  const pc = platform('x86_64_pc');
  const refused = p2pDistance(pc, 'gpu', 'vdec');
  assert.equal(refused.type, 'NOT_SUPPORTED');
  assert.equal(refused.distance, -1);
  assert.match(refused.reason, /do not share an upstream bridge or whitelisted host bridge/);
  const allowed = p2pDistance(platform('p', 'platform p extends x86_64_pc { host_bridge rc { p2p yes } }'), 'gpu', 'vdec');
  assert.equal(allowed.type, 'THRU_HOST_BRIDGE');
  assert.ok(allowed.distance > 4);
});

test('ACS redirect on the switch sends traffic to the host bridge', () => {
  const acs = platform('p', 'platform p extends x86_64_pc { switch sw0 under rc { acs yes } }');
  const d = p2pDistance(acs, 'gpu', 'nic');
  assert.equal(d.type, 'NOT_SUPPORTED');
  assert.match(d.reason, /ACS redirect is set/);
  const whitelisted = platform('q', 'platform q extends x86_64_pc { host_bridge rc { p2p yes }; switch sw0 under rc { acs yes } }');
  const e = p2pDistance(whitelisted, 'gpu', 'nic');
  assert.equal(e.type, 'THRU_HOST_BRIDGE');
  assert.equal(e.distance, 4);
});

test('a platform device is not a PCI device', () => {
  const d = p2pDistance(platform('arm64_soc'), 'gpu', 'display');
  assert.equal(d.type, 'NOT_SUPPORTED');
  assert.match(d.reason, /display cannot be used for peer-to-peer DMA as it is not a PCI device/);
});

test('nested switches: below the same upper switch, still one common bridge', () => {
  const p = platform(
    'p',
    `platform p extends x86_64_pc {
       switch up under rc
       switch a under up
       switch b under up
       device x { bus pci a; bar m 1MiB }
       device y { bus pci b }
     }`,
  );
  const d = p2pDistance(p, 'x', 'y');
  assert.equal(d.type, 'BUS_ADDR');
  assert.equal(d.distance, 8);
});
