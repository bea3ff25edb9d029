// Document symbols: platforms with devices, scenarios with threads and the objects they create.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { DocumentSymbol } from 'vscode-languageserver-protocol';
import { LspClient } from './harness';
import { SAMPLE } from './sample';

describe('document symbols', () => {
  let c: LspClient;
  before(async () => {
    c = await LspClient.start();
  });
  after(() => c.stop());

  test('outline: platform → devices, scenario → objects and threads', async () => {
    const uri = await c.open('symbols.dmabuf', SAMPLE);
    const symbols = await c.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri } });
    assert.deepEqual(symbols.map((s) => s.name), ['lab', 'upload']);
    const [lab, upload] = symbols;
    assert.equal(lab.detail, 'platform extends arm64_soc');
    assert.deepEqual(lab.children?.map((s) => s.name), ['dsp']);
    assert.equal(lab.children?.[0].detail, 'device');
    const names = upload.children?.map((s) => s.name);
    assert.deepEqual(names, ['buf', 'att', 'sgt', 'va', 'done', 'worker']);
    const worker = upload.children?.find((s) => s.name === 'worker');
    assert.equal(worker?.detail, 'thread');
    assert.deepEqual(worker?.children?.map((s) => s.name), ['f']);
    assert.equal(upload.range.start.line, 9);
    assert.equal(upload.range.end.line, 27);
    assert.equal(upload.selectionRange.start.character, 'scenario '.length);
  });
});
