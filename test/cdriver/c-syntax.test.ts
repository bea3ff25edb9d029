// Loading tree-sitter's C grammar (WebAssembly) and listing a file's functions.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { functionsOf, loadCParser } from '../../server/src/cdriver/c-syntax';

test('the C grammar loads and lists function definitions, static or not, through pointer declarators', async () => {
  const parser = await loadCParser();
  const tree = parser.parse(['#include <linux/dma-buf.h>', 'static int foo_map(struct foo *f) { return 0; }', 'struct sg_table *foo_get(void) { return NULL; }', ''].join('\n'));
  assert.ok(tree);
  const fns = functionsOf(tree);
  assert.deepEqual(fns.map((f) => [f.name, f.isStatic, f.skipped]), [['foo_map', true, undefined], ['foo_get', false, undefined]]);
});

test('a function that does not parse is skipped with the line and text that failed', async () => {
  const parser = await loadCParser();
  const tree = parser.parse('int broken(void) {\n  x = = 3;\n  return 0;\n}\n');
  assert.ok(tree);
  const [fn] = functionsOf(tree);
  assert.ok(fn?.skipped, 'skipped');
  assert.match(fn.skipped, /^line 2 does not parse as C/);
});
