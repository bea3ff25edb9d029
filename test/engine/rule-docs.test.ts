// The rule catalogue (server/src/engine/rule-docs/): every fixture a rule's docs name exists on
// disk (the docs pages list them, and test/fixtures/README.md maps rules to them), IDs are unique,
// and RuleId, derived from the docs, rejects a code no doc defines.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { allRules, ruleDoc, type RuleId } from '../../server/src/engine/rule-docs/registry';

const ROOT = path.resolve(__dirname, '..', '..');

test('every fixture path a rule doc names exists', () => {
  const named = allRules().flatMap((r) => r.fixtures.map((f) => ({ id: r.id, f })));
  assert.ok(named.length > 100, `only ${named.length} fixture paths found in the rule docs: the walk is broken`);
  const missing = named.filter(({ f }) => !fs.statSync(path.join(ROOT, f), { throwIfNoEntry: false })?.isFile());
  assert.deepEqual(missing, [], 'rule docs name fixtures that do not exist');
});

test('fixture paths are relative to the repository root and are .dmabuf files', () => {
  for (const r of allRules()) {
    for (const f of r.fixtures) {
      assert.ok(!path.isAbsolute(f) && !f.includes('\\') && !f.split('/').includes('..'), `${r.id}: ${f}`);
      assert.ok(f.endsWith('.dmabuf'), `${r.id}: ${f}`);
    }
  }
});

test('rule IDs are unique and each resolves to its doc', () => {
  const ids = allRules().map((r) => r.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const id of ids) assert.equal(ruleDoc(id)?.id, id);
});

test('RuleId is the union of the documented codes', () => {
  const ok: RuleId = 'MAP-02';
  // @ts-expect-error a misspelt code is not a RuleId (checked by `tsc --noEmit` over test/)
  const misspelt: RuleId = 'MAP-2';
  assert.ok(ruleDoc(ok));
  assert.equal(ruleDoc(misspelt), undefined);
});
