// Custom requests: dmabuf/scenarios, dmabuf/trace, dmabuf/runScenario, dmabuf/kernelC (and its
// workspace command for editors without custom requests).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { LspClient } from './harness';
import type { KernelCResult, ScenarioInfo, TraceResult } from '../../server/src/lsp/protocol';

const TEXT = `scenario good on arm64_soc {
  f = fence
  signal f
  wait f
}

scenario bad on arm64_soc {
  b = heap system 64KiB
  f = fence
  wait f
  put b
}

scenario iova on x86_64_pc kernel 6.18 {
  buf = alloc_pages 64KiB
  s = dma_iova_try_alloc nic 64KiB
  dma_iova_link s buf to_device
  dma_iova_sync s
  submit nic read iova s 0x1000 signal done
  wait done
  dma_iova_destroy s 64KiB to_device
  free buf
}

scenario vfio on x86_64_pc kernel 7.1 {
  b0 = export gpu vram 2MiB
  bind_vfio gpu
  b = export gpu vram 2MiB at 1MiB
  put b
  put b0
}
`;

describe('trace requests', () => {
  let c: LspClient;
  let uri: string;
  before(async () => {
    c = await LspClient.start();
    uri = await c.open('trace.dmabuf', TEXT);
    await c.settled(uri, 1);
  });
  after(() => c.stop());

  test('dmabuf/scenarios lists each scenario with its range, platform and verdict', async () => {
    const list = await c.request<ScenarioInfo[]>('dmabuf/scenarios', { uri });
    assert.deepEqual(list.map((s) => [s.name, s.platform, s.status, s.errors]), [['good', 'arm64_soc', 'pass', 0], ['bad', 'arm64_soc', 'fail', 1], ['iova', 'x86_64_pc', 'pass', 0], ['vfio', 'x86_64_pc', 'pass', 0]]);
    assert.deepEqual(list[1].range.start, { line: 6, character: 0 });
    assert.deepEqual(list[1].selectionRange.start, { line: 6, character: 9 });
  });

  test('dmabuf/trace returns the steps, findings with their trace step, and exploration stats', async () => {
    const t = await c.request<TraceResult | null>('dmabuf/trace', { uri, scenario: 'bad' });
    assert.ok(t);
    assert.equal(t.scenario, 'bad');
    assert.equal(t.platform, 'arm64_soc');
    assert.equal(t.version, 1);
    assert.ok(t.steps.length >= 2);
    assert.deepEqual(t.steps.map((s) => s.index), t.steps.map((_, i) => i + 1));
    const hang = t.findings.find((f) => f.code === 'HANG-01');
    assert.ok(hang);
    assert.equal(typeof hang.traceStep, 'number');
    assert.ok(t.steps[hang.traceStep! - 1].findings.includes('HANG-01'), 'the finding is at its step');
    assert.equal(typeof t.exploration.schedules, 'number');
    assert.equal(t.exploration.cutShort, false);
  });

  test('dmabuf/trace is null for an unknown scenario', async () => {
    assert.equal(await c.request('dmabuf/trace', { uri, scenario: 'nope' }), null);
  });

  test('dmabuf/runScenario runs one scenario and answers with its trace', async () => {
    const t = await c.request<TraceResult | null>('dmabuf/runScenario', { uri, scenario: 'good' });
    assert.ok(t);
    assert.equal(t.scenario, 'good');
    assert.deepEqual(t.findings, []);
    assert.ok(t.steps.some((s) => /dma_fence_signal/.test(s.call)));
    assert.equal(await c.request('dmabuf/runScenario', { uri, scenario: 'nope' }), null);
  });

  test('dmabuf/kernelC renders the scenario as the kernel calls it stands for', async () => {
    const r = await c.request<KernelCResult | null>('dmabuf/kernelC', { uri, scenario: 'bad' });
    assert.ok(r);
    assert.match(r.text, /scenario bad on arm64_soc/);
    assert.match(r.text, /DMA_HEAP_IOCTL_ALLOC/);
    assert.match(r.text, /dma_fence_wait\(f/);
    assert.match(r.text, /dma_buf_put\(b\)/);
    assert.match(r.text, /HANG-01/, 'the simulated outcome is noted');
    const viaCommand = await c.request<KernelCResult | null>('workspace/executeCommand', { command: 'dmabuf.server.kernelC', arguments: [uri, 'bad'] });
    assert.equal(viaCommand?.text, r.text);
  });

  test('dmabuf/kernelC writes a device use of an IOVA state as the state\'s address plus the offset', async () => {
    const r = await c.request<KernelCResult | null>('dmabuf/kernelC', { uri, scenario: 'iova' });
    assert.ok(r);
    assert.match(r.text, /nic_submit_job\(READ, s\.addr \+ 0x1000\)/);
    assert.doesNotMatch(r.text, /iova 0x1000 in s/);
  });

  test('dmabuf/kernelC writes an export from a device bound to vfio-pci as VFIO_DEVICE_FEATURE_DMA_BUF, and one before the bind as the driver\'s', async () => {
    const r = await c.request<KernelCResult | null>('dmabuf/kernelC', { uri, scenario: 'vfio' });
    assert.ok(r);
    assert.match(r.text, /b0 = dma_buf_export\(&exp_info\)/);
    assert.match(r.text, /b_range = \{ \.offset = 1048576, \.length = 2097152 \}/);
    assert.match(r.text, /b_fd = ioctl\(gpu_fd, VFIO_DEVICE_FEATURE/);
  });
});
