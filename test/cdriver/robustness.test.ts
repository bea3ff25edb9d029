// Bad or hostile C never crashes, hangs or floods the C checker: garbage, deep nesting, many branches.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { functionsOf, loadCParser } from '../../server/src/cdriver/c-syntax';
import { functionPaths, MAX_PATHS } from '../../server/src/cdriver/paths';

test('garbage parses to no function, or to skipped ones, without throwing', async () => {
  const parser = await loadCParser();
  for (const text of ['', '}}}{{{', '#define X(', 'int f( { dma_buf_put(b); ', '\u0000\u0001binary', 'int f(void) { goto nowhere; dma_buf_put(b); }']) {
    const tree = parser.parse(text);
    assert.ok(tree);
    for (const fn of functionsOf(tree)) if (!fn.skipped) functionPaths(fn.body);
  }
});

test('deep nesting and a goto loop stay bounded', async () => {
  const parser = await loadCParser();
  const nested = `void f(struct dma_buf *b, int x) { ${'if (x) { '.repeat(150)}dma_buf_put(b);${' }'.repeat(150)} }`;
  const looping = 'void g(struct dma_buf *b) { again: get_dma_buf(b); goto again; }';
  for (const text of [nested, looping]) {
    const tree = parser.parse(text);
    assert.ok(tree);
    const [fn] = functionsOf(tree);
    assert.ok(fn && !fn.skipped);
    const r = functionPaths(fn.body);
    assert.ok(r.paths.length > 0 && r.paths.length <= MAX_PATHS);
  }
});
