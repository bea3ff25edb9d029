// The TextMate grammar: scope assertions (test/grammar/*.test.dmabuf, run by vscode-tmgrammar-test)
// and a check that every keyword the parser recognises in the samples, fixtures and built-in
// platforms gets a scope of its own from the grammar.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import * as oniguruma from 'vscode-oniguruma';
import * as vsctm from 'vscode-textmate';
import { parse } from '../../server/src/language/parser';
import { sourceText } from '../../server/src/common/source';
import type { Span } from '../../server/src/language/ast';

const REPO = path.resolve(__dirname, '..', '..');
const GRAMMAR = path.join(REPO, 'syntaxes', 'dmabuf.tmLanguage.json');

test('scope assertions in test/grammar/*.test.dmabuf hold', () => {
  const bin = path.join(REPO, 'node_modules', 'vscode-tmgrammar-test', 'dist', 'unit.js');
  const r = spawnSync(process.execPath, [bin, '-g', GRAMMAR, '--config', 'language-configuration.json', 'test/grammar/*.test.dmabuf'], {
    cwd: REPO,
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /scopes\.test\.dmabuf run successfuly/);
});

test('language-configuration.json declares comments, brackets and auto-closing pairs', () => {
  const conf = JSON.parse(fs.readFileSync(path.join(REPO, 'language-configuration.json'), 'utf8'));
  assert.equal(conf.comments.lineComment, '//');
  assert.deepEqual(conf.comments.blockComment, ['/*', '*/']);
  assert.deepEqual(conf.brackets, [['{', '}']]);
  assert.ok(conf.autoClosingPairs.some((p: { open: string }) => p.open === '{'));
  assert.ok(new RegExp(conf.indentationRules.increaseIndentPattern).test('device gpu {'));
  assert.ok(new RegExp(conf.indentationRules.decreaseIndentPattern).test('  }'));
});

async function loadGrammar(): Promise<vsctm.IGrammar> {
  const wasm = fs.readFileSync(path.join(REPO, 'node_modules', 'vscode-oniguruma', 'release', 'onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({ createOnigScanner: (p) => new oniguruma.OnigScanner(p), createOnigString: (s) => new oniguruma.OnigString(s) }),
    loadGrammar: async (scope) => (scope === 'source.dmabuf' ? vsctm.parseRawGrammar(fs.readFileSync(GRAMMAR, 'utf8'), GRAMMAR) : null),
  });
  const grammar = await registry.loadGrammar('source.dmabuf');
  assert.ok(grammar);
  return grammar;
}

function walk(dir: string, acc: string[] = []): string[] {
  if (!fs.existsSync(dir)) return acc;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, acc);
    else if (e.name.endsWith('.dmabuf') && !e.name.endsWith('.test.dmabuf')) acc.push(p);
  }
  return acc;
}

/** Spans of every keyword the parser recognised: statement/item keywords and keyword-valued words. */
function keywordSpans(node: unknown, out: Span[] = []): Span[] {
  if (typeof node !== 'object' || node === null) return out;
  const rec = node as Record<string, unknown>;
  if (rec.kind === 'Word' || rec.kind === 'Bool') out.push(rec.span as Span);
  if (rec.keyword && typeof rec.keyword === 'object') out.push(rec.keyword as Span);
  for (const [k, v] of Object.entries(rec)) if (k !== 'keyword' && k !== 'span') keywordSpans(v, out);
  return out;
}

test('every keyword the parser recognises in samples, fixtures and built-ins is scoped by the grammar', async () => {
  const grammar = await loadGrammar();
  const files = [...walk(path.join(REPO, 'samples')), ...walk(path.join(REPO, 'test', 'fixtures')), ...walk(path.join(REPO, 'server', 'src', 'language', 'platforms'))];
  assert.ok(files.length > 0);
  const unscoped: string[] = [];
  let checked = 0;
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    const src = sourceText(file, text);
    const { ast } = parse(src);
    const lines = text.split(/\r?\n/);
    const tokensByLine: vsctm.IToken[][] = [];
    let state = vsctm.INITIAL;
    for (const line of lines) {
      const r = grammar.tokenizeLine(line, state);
      tokensByLine.push(r.tokens);
      state = r.ruleStack;
    }
    for (const span of keywordSpans(ast)) {
      checked++;
      const pos = src.lines.position(span.start);
      const tok = tokensByLine[pos.line]?.find((t) => t.startIndex <= pos.character && pos.character < t.endIndex);
      if (!tok || tok.scopes.length < 2) {
        unscoped.push(`${path.relative(REPO, file)}:${pos.line + 1}:${pos.character + 1} \`${text.slice(span.start, span.end)}\``);
      }
    }
  }
  assert.ok(checked > 100, `only ${checked} keywords found: the walk is broken`);
  assert.deepEqual(unscoped, []);
});
