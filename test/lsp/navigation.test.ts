// Go to definition, find references and rename over the protocol.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import type { Location, Range, WorkspaceEdit } from 'vscode-languageserver-protocol';
import { LspClient, positionOf } from './harness';
import { SAMPLE } from './sample';

describe('navigation', () => {
  let c: LspClient;
  let uri: string;
  before(async () => {
    c = await LspClient.start();
    uri = await c.open('nav.dmabuf', SAMPLE);
  });
  after(() => c.stop());

  const at = (needle: string, delta = 0, nth = 0): { textDocument: { uri: string }; position: { line: number; character: number } } => ({
    textDocument: { uri },
    position: positionOf(SAMPLE, needle, delta, nth),
  });

  test('definition of a scenario name goes to its binding', async () => {
    const loc = await c.request<Location | null>('textDocument/definition', at('put buf', 4));
    assert.ok(loc);
    assert.equal(loc.uri, uri);
    assert.deepEqual(loc.range.start, positionOf(SAMPLE, 'buf ='));
  });

  test('definition of a device goes to the platform that declares it', async () => {
    const loc = await c.request<Location | null>('textDocument/definition', at('buf dsp', 4));
    assert.ok(loc);
    assert.deepEqual(loc.range.start, positionOf(SAMPLE, 'dsp {'));
  });

  test('definition of a built-in platform opens the shipped platform file', async () => {
    const loc = await c.request<Location | null>('textDocument/definition', at('arm64_soc'));
    assert.ok(loc);
    assert.match(fileURLToPath(loc.uri), /platforms[\\/]arm64_soc\.dmabuf$/);
  });

  test('references list every use, with or without the declaration', async () => {
    const all = await c.request<Location[]>('textDocument/references', { ...at('buf ='), context: { includeDeclaration: true } });
    const lines = all.map((l) => l.range.start.line).sort((a, b) => a - b);
    assert.deepEqual(lines, [10, 11, 13, 14, 16, 26]);
    const uses = await c.request<Location[]>('textDocument/references', { ...at('buf ='), context: { includeDeclaration: false } });
    assert.equal(uses.length, 5);
  });

  test('rename edits every occurrence and nothing else', async () => {
    const prep = await c.request<{ range: Range; placeholder: string } | null>('textDocument/prepareRename', at('att =', 0));
    assert.equal(prep?.placeholder, 'att');
    const edit = await c.request<WorkspaceEdit | null>('textDocument/rename', { ...at('att ='), newName: 'isp_att' });
    const edits = edit?.changes?.[uri] ?? [];
    assert.equal(edits.length, 3);
    assert.ok(edits.every((e) => e.newText === 'isp_att'));
    // Applying the edits gives a document where every `att` became `isp_att`.
    const lines = SAMPLE.split('\n');
    for (const e of [...edits].sort((a, b) => b.range.start.character - a.range.start.character)) {
      const l = lines[e.range.start.line];
      lines[e.range.start.line] = l.slice(0, e.range.start.character) + e.newText + l.slice(e.range.end.character);
    }
    const renamed = lines.join('\n');
    assert.match(renamed, /isp_att = attach buf dsp/);
    assert.match(renamed, /map_unlocked isp_att to_device/);
    assert.match(renamed, /detach isp_att/);
    assert.doesNotMatch(renamed, /\batt\b/);
  });

  test('rename refuses built-in names and invalid identifiers', async () => {
    assert.equal(await c.request('textDocument/prepareRename', at('arm64_soc')), null);
    await assert.rejects(c.request('textDocument/rename', { ...at('att ='), newName: '9lives' }), /not a valid name/);
  });
});
