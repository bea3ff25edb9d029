// Imports in the editor: unsaved text of an open imported file is what the importer sees, an
// edit there re-checks the importer, and navigation/rename cross the file boundary.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Location, WorkspaceEdit } from 'vscode-languageserver-protocol';
import { LspClient, positionOf } from './harness';

const HW = 'platform board extends arm64_soc {\n  device dsp {\n    bus platform\n    iommu smmu group g_dsp\n  }\n}\n';
const MAIN = 'import "hw.dmabuf"\n\nscenario s on board {\n  b = heap system 64KiB\n  a = attach b dsp\n  detach a\n  put b\n}\n';

describe('imports', () => {
  let c: LspClient;
  let hw: string;
  let main: string;
  before(async () => {
    c = await LspClient.start();
    hw = await c.open('hw.dmabuf', HW);
    main = await c.open('main.dmabuf', MAIN);
    await c.settled(main, 1);
  });
  after(() => c.stop());

  test('the imported platform resolves', async () => {
    const d = c.lastDiagnostics(main);
    assert.deepEqual(d?.diagnostics.filter((x) => x.severity === 1), []);
  });

  test('definition of an imported device opens the imported file', async () => {
    const loc = await c.request<Location | null>('textDocument/definition', { textDocument: { uri: main }, position: positionOf(MAIN, 'dsp') });
    assert.equal(loc?.uri, hw);
    assert.deepEqual(loc?.range.start, positionOf(HW, 'dsp'));
  });

  test('rename of an imported device edits both files', async () => {
    const edit = await c.request<WorkspaceEdit | null>('textDocument/rename', { textDocument: { uri: main }, position: positionOf(MAIN, 'dsp'), newName: 'vpu' });
    assert.equal(edit?.changes?.[hw]?.length, 1);
    assert.equal(edit?.changes?.[main]?.length, 1);
  });

  test('an unsaved edit of the imported file re-checks the importer against the new text', async () => {
    const before = c.diagnosticsLog.length;
    await c.change(hw, 2, HW.replace('device dsp', 'device vpu'));
    const d = await c.waitFor('importer re-published', () => c.diagnosticsLog.slice(before).find((x) => x.uri === main && x.diagnostics.some((y) => y.code === 'NAME')));
    assert.match(String(d.diagnostics.find((y) => y.code === 'NAME')?.message), /dsp/);
  });
});
