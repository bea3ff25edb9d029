// The editor on a driver's own exporter: completion inside `exporter NAME { … }` and after a
// device's `exporter`, hover on the description's name, its lines and its values, and a
// diagnostic that points back at the description.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Diagnostic, Hover, MarkupContent } from 'vscode-languageserver-protocol';
import { completionLabels, LspClient, positionOf } from './harness';

const TEXT = `platform accel_pc extends x86_64_pc {
  exporter accel {
    ops attach detach map_dma_buf unmap_dma_buf release
    peer2peer require
    bar_entries pageless
  }
  device npu { bus pci sw0; coherent yes; bar dram 1GiB; exporter accel }
}
scenario s on accel_pc {
  buf = export npu dram 64KiB
  m = mmap buf
  put buf
}
`;

describe('exporter descriptions in the editor', () => {
  let c: LspClient;
  let uri: string;
  let version = 1;
  before(async () => {
    c = await LspClient.start();
    uri = await c.open('exporters.dmabuf', TEXT);
    await c.settled(uri, 1);
  });
  after(() => c.stop());

  const hover = async (needle: string, delta = 0): Promise<string> => {
    const h = await c.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: positionOf(TEXT, needle, delta) });
    assert.ok(h, `a hover at "${needle}"`);
    return (h.contents as MarkupContent).value;
  };

  /** Completes at `@` in `text` (the document is changed to it). */
  const complete = (text: string): Promise<string[]> => completionLabels(c, uri, ++version, text);

  test('hover on the description names its dma_buf_ops and what they do', async () => {
    const v = await hover('accel {');
    assert.match(v, /struct dma_buf_ops accel_dmabuf_ops: `\.attach`, `\.detach`, `\.map_dma_buf`/);
    assert.match(v, /refuses importers without it \(-EOPNOTSUPP\)/);
    assert.match(v, /no ops->mmap: mmap of the fd fails/);
  });

  test('hover on a line and on a value of the description', async () => {
    assert.match(await hover('peer2peer require'), /ops->attach and attach->peer2peer/);
    assert.match(await hover('require', 1), /-EOPNOTSUPP/);
    assert.match(await hover('map_dma_buf unmap'), /struct dma_buf_ops\.map_dma_buf/);
  });

  test('mmap of the buffer reports EXP-04 with the description as related information', async () => {
    const diags = await c.diagnosticsAfterAnalysis(uri, 1);
    const exp04 = diags.find((d: Diagnostic) => d.code === 'EXP-04');
    assert.ok(exp04, JSON.stringify(diags.map((d: Diagnostic) => d.code)));
    assert.equal(exp04.range.start.line, 10);
    assert.ok(exp04.relatedInformation?.some((r) => r.location.range.start.line === 1 && /exporter accel described here/.test(r.message)));
  });

  test('completion offers the description lines, their values and the callbacks not yet listed', async () => {
    const lines = await complete(TEXT.replace('    bar_entries pageless\n', '    @\n'));
    for (const w of ['ops', 'cache_sgt_mapping', 'map_attrs', 'table', 'bar_entries', 'peer2peer', 'cpu_access', 'cpu_mapping', 'entry_offset']) assert.ok(lines.includes(w), `missing ${w}`);
    assert.deepEqual(await complete(TEXT.replace('bar_entries pageless', 'bar_entries @')), ['pageless', 'pageless_for_all', 'pages']);
    const ops = await complete(TEXT.replace('ops attach detach map_dma_buf unmap_dma_buf release', 'ops attach detach @'));
    assert.ok(ops.includes('pin') && ops.includes('map_dma_buf') && !ops.includes('attach'), ops.join(','));
  });

  test('a device\'s exporter offers the built-ins and the platform\'s descriptions', async () => {
    const labels = await complete(TEXT.replace('exporter accel }', 'exporter @ }'));
    assert.deepEqual(labels, ['gem', 'ttm', 'none', 'accel']);
  });
});
