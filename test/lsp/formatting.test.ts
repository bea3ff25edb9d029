// Formatting: canonical indentation and spacing, comments kept, idempotent.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { TextEdit } from 'vscode-languageserver-protocol';
import { formatText } from '../../server/src/lsp/features/formatting';
import { LspClient, REPO } from './harness';
import { SAMPLE } from './sample';

const MESSY = `// header comment   
platform   lab extends arm64_soc{
      device dsp {
  bus platform
          coherent no   // not snooped
    }
}



scenario s on lab {
buf=heap system 64KiB
    att = attach buf dsp ; sgt = map_unlocked att to_device
  /* a block
       comment kept verbatim */
  thread t {
  f = fence
      signal f
  }
  submit dsp read sgt after f,g
      }
`;

const CANONICAL = `// header comment
platform lab extends arm64_soc {
  device dsp {
    bus platform
    coherent no // not snooped
  }
}

scenario s on lab {
  buf = heap system 64KiB
  att = attach buf dsp; sgt = map_unlocked att to_device
  /* a block
       comment kept verbatim */
  thread t {
    f = fence
    signal f
  }
  submit dsp read sgt after f, g
}
`;

describe('formatting', () => {
  let c: LspClient;
  before(async () => {
    c = await LspClient.start();
  });
  after(() => c.stop());

  test('textDocument/formatting returns the canonical layout', async () => {
    const uri = await c.open('fmt.dmabuf', MESSY);
    const edits = await c.request<TextEdit[]>('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 4, insertSpaces: true } });
    assert.equal(edits.length, 1);
    assert.equal(edits[0].newText, CANONICAL);
    assert.deepEqual(edits[0].range.start, { line: 0, character: 0 });
  });

  test('an already formatted document gets no edits', async () => {
    const uri = await c.open('fmt-ok.dmabuf', CANONICAL);
    assert.deepEqual(await c.request('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } }), []);
  });

  test('idempotent on every sample, fixture and the shared test document, and keeps every token', () => {
    const files = [...walk(path.join(REPO, 'samples')), ...walk(path.join(REPO, 'test', 'fixtures'))];
    assert.ok(files.length > 0, 'no sample or fixture found');
    let formatted = 0;
    for (const text of [SAMPLE, MESSY, ...files.map((f) => fs.readFileSync(f, 'utf8'))]) {
      const once = formatText(text);
      if (once === undefined) continue; // unterminated comment or string: left alone
      formatted++;
      assert.equal(formatText(once), once);
      assert.deepEqual(words(once), words(text), 'formatting changed the tokens');
    }
    // Texts left alone pass without a check: most of them must have been formatted.
    assert.ok(formatted > files.length / 2, `only ${formatted} of ${files.length + 2} texts were formatted`);
  });

  test('CRLF files keep CRLF; unterminated comments are not formatted', () => {
    assert.equal(formatText('scenario s on arm64_soc {\r\nf = fence\r\n}\r\n'), 'scenario s on arm64_soc {\r\n  f = fence\r\n}\r\n');
    assert.equal(formatText('scenario s on x {\n /* open\n'), undefined);
  });
});

function words(text: string): string[] {
  return text.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/[^\n]*/g, ' ').split(/[\s,;={}]+/).filter(Boolean);
}

function walk(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p) : p.endsWith('.dmabuf') ? [p] : [];
  });
}
