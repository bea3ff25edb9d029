// CodeLens: "Run scenario" and "Show trace" above each scenario, with the client's command ids.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CodeLens } from 'vscode-languageserver-protocol';
import { LspClient } from './harness';

const TEXT = `scenario good on arm64_soc {
  f = fence
  signal f
  wait f
}

scenario bad on arm64_soc {
  f = fence
  wait f
}
`;

describe('code lens', () => {
  let c: LspClient;
  before(async () => {
    c = await LspClient.start();
  });
  after(() => c.stop());

  test('two lenses per scenario, with [uri, scenario] arguments and the verdict once simulated', async () => {
    const uri = await c.open('lens.dmabuf', TEXT);
    await c.settled(uri, 1);
    const lenses = await c.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
    assert.equal(lenses.length, 4);
    const run = lenses.filter((l) => l.command?.command === 'dmabuf.runScenario');
    const trace = lenses.filter((l) => l.command?.command === 'dmabuf.showTrace');
    assert.deepEqual(run.map((l) => l.command?.arguments), [[uri, 'good'], [uri, 'bad']]);
    assert.deepEqual(trace.map((l) => l.command?.arguments), [[uri, 'good'], [uri, 'bad']]);
    assert.deepEqual(run.map((l) => l.range.start.line), [0, 6]);
    assert.match(run[0].command!.title, /Run scenario ✓/);
    assert.match(run[1].command!.title, /Run scenario ✗ 1 error/);
    assert.equal(trace[0].command!.title, 'Show trace');
  });
});
