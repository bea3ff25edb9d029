// Completion by context: statement keywords, binding keywords after `NAME =`, names in scope of
// the right kind, the platform's devices / groups / IOMMUs, directions, usages, configs.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { completionLabels, LspClient } from './harness';

const BASE = `platform lab extends arm64_soc {
  device dsp {
    bus platform
    iommu smmu group g_dsp
  }
}

scenario s on lab {
  buf = heap system 64KiB
  att = attach buf dsp
  f = fence
@
}
`;

describe('completion', () => {
  let c: LspClient;
  let version = 1;
  let uri: string;
  before(async () => {
    c = await LspClient.start();
    uri = await c.open('complete.dmabuf', BASE.replace('@', ''));
  });
  after(() => c.stop());

  /** Completes where `@` is in `line`, placed at the marked line of BASE (or replacing BASE when `whole`). */
  const complete = (line: string, whole?: string): Promise<string[]> => completionLabels(c, uri, ++version, whole ?? BASE.replace('@', line));

  test('an empty statement line offers statement keywords', async () => {
    const labels = await complete('  @');
    for (const k of ['put', 'submit', 'begin_cpu', 'wait', 'thread']) assert.ok(labels.includes(k), `missing ${k}`);
  });

  test('after `NAME =` the binding keywords', async () => {
    const labels = await complete('  sgt = @');
    for (const k of ['map', 'map_unlocked', 'attach', 'heap', 'vmap', 'fence']) assert.ok(labels.includes(k), `missing ${k}`);
    assert.ok(!labels.includes('put'));
  });

  test('names of the right kind bound earlier in the scenario', async () => {
    assert.deepEqual(await complete('  sgt = map @'), ['att']);
    assert.deepEqual(await complete('  put @'), ['buf', 'f']); // a buffer (dma_buf_put) or a fence (dma_fence_put)
    assert.deepEqual(await complete('  wait @'), ['f']);
  });

  test('directions after the attachment of a map', async () => {
    assert.deepEqual((await complete('  sgt = map att @')).sort(), ['bidirectional', 'from_device', 'to_device']);
  });

  test("the platform's devices, including the ones of the base platform", async () => {
    const labels = await complete('  a2 = attach buf @');
    assert.ok(labels.includes('dsp'));
    assert.ok(labels.includes('display'), 'inherited from arm64_soc');
  });

  test('groups after attach_domain D group, IOMMUs after domain', async () => {
    const groups = await complete('  d = domain smmu\n  attach_domain d group @');
    assert.ok(groups.includes('g_dsp') && groups.includes('g_display'));
    assert.deepEqual(await complete('  d = domain @'), ['smmu']);
  });

  test('iommufd: IOASes after ioas_map and ioas_attach DEV, buffers after the IOAS, IOASes after `iova` of a job', async () => {
    assert.deepEqual(await complete('  as = ioas smmu\n  ioas_map @'), ['as']);
    assert.deepEqual(await complete('  as = ioas smmu\n  ioas_attach dsp @'), ['as']);
    assert.deepEqual(await complete('  as = ioas smmu\n  ioas_map as @'), ['buf']);
    assert.ok((await complete('  as = ioas smmu\n  submit dsp read iova @')).includes('as'));
  });

  test('vfio-pci: on|off after memory_decode DEV, mmio after a dma_map_phys direction', async () => {
    assert.deepEqual((await complete('  memory_decode dsp @')).sort(), ['off', 'on']);
    const labels = await complete('  m = dma_map_phys dsp buf to_device @');
    assert.ok(labels.includes('mmio'), labels.join(' '));
    assert.ok((await complete('  m = dma_map_phys dsp buf at 0 size 4KiB @')).includes('to_device'), 'a range shifts the direction by four words');
  });

  test('how a job walks its table after `walk`', async () => {
    assert.deepEqual((await complete('  t = map_unlocked att to_device\n  submit dsp read t walk @')).sort(), ['nents', 'orig_nents', 'pointer']);
    assert.ok((await complete('  t = map_unlocked att to_device\n  submit dsp read t @')).includes('walk'));
  });

  test('usages in resv add, CPU directions in begin_cpu', async () => {
    assert.deepEqual((await complete('  resv buf add f @')).sort(), ['bookkeep', 'kernel', 'read', 'write']);
    assert.deepEqual((await complete('  begin_cpu buf @')).sort(), ['read', 'rw', 'write']);
    // `none` parses (CPU-01, DMAAPI-01 show what the kernel does with it) but is never offered.
    assert.deepEqual((await complete('  sgt2 = dma_map dsp buf @')).sort(), ['bidirectional', 'from_device', 'to_device']);
  });

  test('platform and device items, configs and booleans', async () => {
    const items = await complete('', 'platform p {\n  @\n}\n');
    for (const k of ['arch', 'config', 'device', 'iommu', 'host_bridge']) assert.ok(items.includes(k), `missing ${k}`);
    assert.ok((await complete('', 'platform p {\n  config @\n}\n')).includes('DMA_API_DEBUG'));
    assert.deepEqual(await complete('', 'platform p {\n  config LOCKDEP @\n}\n'), ['yes', 'no']);
    assert.deepEqual(await complete('', 'platform p {\n  kernel @\n}\n'), ['6.1', '6.2', '6.6', '6.12', '6.18', '6.19', '7.0', '7.1', 'mainline']);
    const dev = await complete('', 'platform p {\n  device d {\n    @\n  }\n}\n');
    for (const k of ['bus', 'coherent', 'dma_mask', 'bar', 'exporter']) assert.ok(dev.includes(k), `missing ${k}`);
  });

  test('top level: import, platform, scenario; platforms after `on`', async () => {
    assert.deepEqual((await complete('', '@\n')).sort(), ['check', 'import', 'platform', 'scenario']);
    const platforms = await complete('', 'scenario x on @\n');
    for (const p of ['x86_64_pc', 'arm64_soc', 'arm32_soc']) assert.ok(platforms.includes(p), `missing ${p}`);
  });

  test("a scenario's `kernel` clause: the keyword after the platform, then profiles; after `A..` the profiles from A on", async () => {
    assert.deepEqual(await complete('', 'scenario x on arm64_soc @\n'), ['kernel']);
    assert.deepEqual(await complete('', 'scenario x on arm64_soc kernel @\n'), ['6.1', '6.2', '6.6', '6.12', '6.18', '6.19', '7.0', '7.1', 'mainline']);
    assert.deepEqual(await complete('', 'scenario x on arm64_soc kernel 6.12..@\n'), ['6.12', '6.18', '6.19', '7.0', '7.1', 'mainline']);
    assert.deepEqual(await complete('', 'platform p {\n  kernel 6.18..@\n}\n'), ['6.18', '6.19', '7.0', '7.1', 'mainline']);
    assert.deepEqual(await complete('', 'platform p {\n  kernel 6.18 @\n}\n'), []);
  });

  test('nothing inside a comment', async () => {
    assert.deepEqual(await complete('  // put @'), []);
  });
});
