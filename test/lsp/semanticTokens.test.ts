// Semantic tokens: names by what they resolve to, keywords, directions, numbers, comments.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { SemanticTokens, SemanticTokensLegend } from 'vscode-languageserver-protocol';
import { LspClient } from './harness';
import { SAMPLE } from './sample';

describe('semantic tokens', () => {
  let c: LspClient;
  before(async () => {
    c = await LspClient.start();
  });
  after(() => c.stop());

  test('decoded tokens classify the sample', async () => {
    const uri = await c.open('tokens.dmabuf', SAMPLE);
    const legend = c.init.capabilities.semanticTokensProvider?.legend as SemanticTokensLegend;
    assert.ok(legend);
    const { data } = await c.request<SemanticTokens>('textDocument/semanticTokens/full', { textDocument: { uri } });
    assert.equal(data.length % 5, 0);
    const lines = SAMPLE.split('\n');
    const tokens: { text: string; type: string; mods: string[] }[] = [];
    let line = 0;
    let char = 0;
    for (let i = 0; i < data.length; i += 5) {
      line += data[i];
      char = data[i] === 0 ? char + data[i + 1] : data[i + 1];
      const mods = legend.tokenModifiers.filter((_, bit) => data[i + 4] & (1 << bit));
      tokens.push({ text: lines[line].slice(char, char + data[i + 2]), type: legend.tokenTypes[data[i + 3]], mods });
    }
    const typeOf = (text: string, nth = 0): string | undefined => tokens.filter((t) => t.text === text)[nth]?.type;
    assert.equal(typeOf('platform'), 'keyword');
    assert.equal(typeOf('lab'), 'namespace');
    assert.equal(typeOf('arm64_soc'), 'namespace');
    assert.ok(tokens.find((t) => t.text === 'arm64_soc')?.mods.includes('defaultLibrary'));
    assert.equal(typeOf('dsp'), 'class');
    assert.equal(typeOf('g_dsp'), 'enum');
    assert.equal(typeOf('smmu'), 'interface');
    assert.equal(typeOf('buf'), 'variable');
    assert.ok(tokens.find((t) => t.text === 'buf')?.mods.includes('declaration'));
    assert.equal(typeOf('done'), 'event');
    assert.equal(typeOf('worker'), 'method');
    assert.equal(typeOf('upload'), 'function');
    assert.equal(typeOf('map_unlocked'), 'keyword');
    assert.equal(typeOf('to_device'), 'enumMember');
    assert.equal(typeOf('64KiB'), 'number');
    assert.equal(tokens[0].type, 'comment');
  });

  test('a kernel range is two versions around `..`, not one number, in a platform and in a scenario clause', async () => {
    const text = 'platform m extends arm64_soc {\n  kernel 6.1..mainline\n}\nscenario s on m kernel 6.12..7.1 { }\n';
    const uri = await c.open('range.dmabuf', text);
    const legend = c.init.capabilities.semanticTokensProvider?.legend as SemanticTokensLegend;
    const { data } = await c.request<SemanticTokens>('textDocument/semanticTokens/full', { textDocument: { uri } });
    const lines = text.split('\n');
    const seen: string[] = [];
    let line = 0;
    let char = 0;
    for (let i = 0; i < data.length; i += 5) {
      line += data[i];
      char = data[i] === 0 ? char + data[i + 1] : data[i + 1];
      seen.push(`${lines[line].slice(char, char + data[i + 2])}:${legend.tokenTypes[data[i + 3]]}`);
    }
    for (const t of ['kernel:keyword', '6.1:number', 'mainline:enumMember', '6.12:number', '7.1:number']) assert.ok(seen.includes(t), `${t} in ${seen.join(' ')}`);
    assert.ok(!seen.some((t) => t.includes('..')), 'no token spans the `..`');
  });

  test('a block comment over several lines becomes one token per line', async () => {
    const uri = await c.open('block.dmabuf', '/* one\ntwo\nthree */\n');
    const { data } = await c.request<SemanticTokens>('textDocument/semanticTokens/full', { textDocument: { uri } });
    assert.deepEqual(data, [0, 0, 6, 11, 0, 1, 0, 3, 11, 0, 1, 0, 8, 11, 0]);
  });
});
