// The version matrix in the language server: `dmabuf.kernels` (an array or a string) runs every
// scenario under each profile; one diagnostic per merged finding names its profiles (message
// prefix and data.versions); dmabuf/trace takes a profile; the result cache keys include the matrix.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { LspClient } from './harness';
import type { DiagnosticData, TraceResult } from '../../server/src/lsp/protocol';
import { normaliseSettings } from '../../server/src/lsp/settings';

// A static pair mapped without the resv lock: MAP-01 from 6.2 (at the map and the unmap), fine on 6.1.
const UNLOCKED = 'scenario s on arm64_soc {\n  b = heap system 64KiB\n  a = attach b display\n  m = map a to_device\n  unmap m\n  detach a\n  put b\n}\n';

test('dmabuf.kernels: an array or a string of profiles and ranges; invalid or empty is off', () => {
  assert.deepEqual(normaliseSettings({ kernels: ['7.1', '6.1'] }).kernels, ['6.1', '7.1']);
  assert.deepEqual(normaliseSettings({ kernels: '6.1, 6.12..6.19' }).kernels, ['6.1', '6.12', '6.18', '6.19']);
  assert.deepEqual(normaliseSettings({ kernels: 'mainline' }).kernels, ['7.1']);
  assert.equal(normaliseSettings({ kernels: [] }).kernels, undefined);
  assert.equal(normaliseSettings({ kernels: '' }).kernels, undefined);
  assert.equal(normaliseSettings({ kernels: '6.3' }).kernels, undefined);
  assert.equal(normaliseSettings({ kernels: [6.1] }).kernels, undefined);
  assert.equal('kernels' in normaliseSettings({}), false);
});

describe('version matrix over LSP', () => {
  let c: LspClient;
  let uri: string;
  before(async () => {
    c = await LspClient.start({ settings: { kernels: ['6.1', '6.2', '6.12'], kernelProfile: '6.1' } });
    uri = await c.open('matrix.dmabuf', UNLOCKED);
  });
  after(() => c.stop());

  test('one diagnostic per merged finding, naming its profiles; dmabuf.kernels overrides kernelProfile', async () => {
    const diags = await c.diagnosticsAfterAnalysis(uri, 1);
    const map01 = diags.filter((d) => d.code === 'MAP-01');
    assert.equal(map01.length, 2, 'the map and the unmap, each once (not once per profile)');
    for (const d of map01) {
      assert.match(String(d.message), /^\[6\.2–6\.12; fine on 6\.1\] /);
      assert.deepEqual((d.data as DiagnosticData).versions, ['6.2', '6.12']);
    }
  });

  test('front-end findings happen on every profile of the matrix', async () => {
    const bad = await c.open('matrix-name.dmabuf', 'scenario n on arm64_soc {\n  put nothing\n}\n');
    const name = (await c.diagnosticsAfterAnalysis(bad, 1)).find((d) => d.code === 'NAME');
    assert.ok(name);
    assert.match(String(name.message), /^\[6\.1–6\.12, every profile\] /);
    assert.deepEqual((name.data as DiagnosticData).versions, ['6.1', '6.2', '6.12']);
  });

  test('dmabuf/trace takes a profile; by default the first with an error', async () => {
    const first = await c.request<TraceResult | null>('dmabuf/trace', { uri, scenario: 's' });
    assert.ok(first);
    assert.equal(first.kernel, '6.2');
    assert.deepEqual(first.kernels, ['6.1', '6.2', '6.12']);
    assert.ok(first.findings.some((f) => f.code === 'MAP-01'));
    const on61 = await c.request<TraceResult | null>('dmabuf/trace', { uri, scenario: 's', kernel: '6.1' });
    assert.ok(on61);
    assert.equal(on61.kernel, '6.1');
    assert.ok(!on61.findings.some((f) => f.code === 'MAP-01'), 'MAP-01 does not happen on 6.1');
    assert.equal(await c.request<TraceResult | null>('dmabuf/trace', { uri, scenario: 's', kernel: '6.18' }), null);
  });

  test('changing the matrix re-checks: the cache keys include it', async () => {
    const before = c.statusLog.length;
    c.settings = { kernels: '6.1' };
    await c.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await c.waitFor('re-check on 6.1 alone', () => c.statusLog.slice(before).find((s) => s.uri === uri && s.state !== 'checking'));
    assert.ok(!c.lastDiagnostics(uri)!.diagnostics.some((d) => d.code === 'MAP-01'), 'a matrix of 6.1 alone has no MAP-01');
    const later = c.statusLog.length;
    c.settings = {};
    await c.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await c.waitFor('re-check without a matrix', () => c.statusLog.slice(later).find((s) => s.uri === uri && s.state !== 'checking'));
    const plain = c.lastDiagnostics(uri)!.diagnostics.filter((d) => d.code === 'MAP-01');
    assert.equal(plain.length, 2);
    for (const d of plain) {
      assert.doesNotMatch(String(d.message), /^\[/);
      assert.equal((d.data as DiagnosticData).versions, undefined);
    }
  });
});
