// Folding ranges: blocks (platform, device, scenario, thread) and comment runs.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FoldingRange } from 'vscode-languageserver-protocol';
import { LspClient } from './harness';
import { SAMPLE } from './sample';

describe('folding', () => {
  let c: LspClient;
  before(async () => {
    c = await LspClient.start();
  });
  after(() => c.stop());

  test('every block folds up to the line before its closing brace; comment runs fold', async () => {
    const text = `// line one\n// line two\n/* a\n   block */\n${SAMPLE}`;
    const uri = await c.open('fold.dmabuf', text);
    const ranges = await c.request<FoldingRange[]>('textDocument/foldingRange', { textDocument: { uri } });
    const blocks = ranges.filter((r) => r.kind === undefined).map((r) => [r.startLine, r.endLine]);
    const shift = 4;
    assert.deepEqual(blocks, [
      [1 + shift, 6 + shift], // platform lab
      [2 + shift, 5 + shift], // device dsp
      [9 + shift, 26 + shift], // scenario upload
      [19 + shift, 21 + shift], // thread worker
    ]);
    const comments = ranges.filter((r) => r.kind === 'comment').map((r) => [r.startLine, r.endLine]);
    assert.deepEqual(comments, [[0, 1], [2, 3]]);
  });
});
