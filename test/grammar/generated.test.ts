// The grammar's statement keywords are generated from the statement table (scripts/grammar.ts,
// run by the build): the committed grammar must be what the generator writes, so a statement added
// to the table without a build cannot ship uncoloured.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { alternation, generateGrammar } from '../../scripts/grammar';
import { SPECS, STATEMENT_KEYWORDS, type AnySlot } from '../../server/src/language/statements';

const GRAMMAR = path.resolve(__dirname, '..', '..', 'syntaxes', 'dmabuf.tmLanguage.json');

test('the committed grammar is the generated one (run `npm run build` after changing the statement table)', () => {
  const committed = fs.readFileSync(GRAMMAR, 'utf8');
  assert.equal(committed, generateGrammar(committed));
});

test('the grammar colours every statement keyword of the table as a kernel call or a thread', () => {
  const statements = JSON.stringify(JSON.parse(fs.readFileSync(GRAMMAR, 'utf8')).repository.statements);
  for (const kw of STATEMENT_KEYWORDS) assert.match(statements, new RegExp(`[(|]${kw}[|)]`), kw);
});

test('every operand value word of the table (directions, usages, accesses…) has a constant scope', () => {
  const constants: { match: string }[] = JSON.parse(fs.readFileSync(GRAMMAR, 'utf8')).repository.constants.patterns;
  const values = SPECS.flatMap((spec) => {
    const slots: readonly AnySlot[] = spec.slots;
    return slots.flatMap((s) => (s.take === 'word' ? s.words : []));
  });
  for (const w of new Set(values)) assert.ok(constants.some((c) => new RegExp(`^${c.match}$`).test(w)), `no constants pattern matches \`${w}\``);
});

test('an alternation puts a keyword before the keywords it extends', () => {
  assert.equal(alternation(['map', 'map_unlocked', 'wait', 'wait_resv', 'export', 'export_sync_file']), 'map_unlocked|map|wait_resv|wait|export_sync_file|export');
});
