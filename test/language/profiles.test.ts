// The profile table (server/src/language/profiles.ts) is the one source of version-dependent
// behaviour: this test refuses a row without its citation, a `pr-only` row the code consults,
// a row naming a rule the catalogue lacks, and profiles out of order.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import {
  compareReleases,
  configRemoval,
  KERNEL_VERSIONS,
  MAINLINE,
  PROFILE_ROWS,
  profilesInRange,
  rowApplies,
  rowsBetween,
  since,
  type ProfileRow,
  type Release,
} from '../../server/src/language/profiles';
import { CONFIG_NAMES } from '../../server/src/language/ast';
import { allRules } from '../../server/src/engine/rule-docs/registry';
import { readmeProfileTable, rowBullet, ruleProfileSection } from '../../server/src/language/profile-docs';

const REPO = path.resolve(__dirname, '..', '..');
const ROWS: readonly ProfileRow[] = PROFILE_ROWS;
const EVIDENCE = new Set(['release-source', 'dev-tree', 'pr-only']);

test('every row has an id, rules, a change, a release, a commit, where it shows and an evidence class', () => {
  const ids = new Set<string>();
  for (const r of ROWS) {
    assert.match(r.id, /^[a-z0-9]+(-[a-z0-9.]+)*$/, `row id ${r.id}`);
    assert.ok(!ids.has(r.id), `row ${r.id} is listed twice`);
    ids.add(r.id);
    assert.match(r.since, /^\d+\.\d+$/, `${r.id}: the release it changed in`);
    for (const field of ['change', 'commit', 'where'] as const) assert.ok(r[field].trim().length > 10, `${r.id}: ${field} is missing`);
    assert.ok(EVIDENCE.has(r.evidence), `${r.id}: evidence ${r.evidence}`);
    assert.ok(r.rules.length > 0 || r.removesConfig, `${r.id}: names no rule it changes`);
  }
});

test('since() refuses a row known only from a pull request, whatever the profile', () => {
  const prOnly: ProfileRow = { ...ROWS[0], id: 'injected-pr-only', evidence: 'pr-only' };
  for (const v of KERNEL_VERSIONS) assert.throws(() => rowApplies(v, prOnly), /injected-pr-only is known only from a pull request/);
  const backed: ProfileRow = { ...prOnly, evidence: 'dev-tree', since: '6.16' };
  assert.deepEqual(KERNEL_VERSIONS.map((v) => rowApplies(v, backed)), [false, false, false, false, true, true, true, true]);
});

/** Every `.ts` file under a folder. */
function* sources(dir: string): Generator<string> {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) yield* sources(p);
    else if (e.name.endsWith('.ts')) yield p;
  }
}

// since('row'), ctx.since('row'), since(version, 'row'): the last string literal of the call.
const SINCE_CALL = /\bsince\(([^()]*?)['"`]([^'"`]+)['"`]\s*\)/g;

/** The rows the server's code asks since() about. */
function askedRows(): Set<string> {
  const asked = new Set<string>();
  for (const file of sources(path.join(REPO, 'server', 'src'))) {
    for (const m of fs.readFileSync(file, 'utf8').matchAll(SINCE_CALL)) asked.add(m[2]);
  }
  return asked;
}

test('every row is consulted by the server or says why no statement reaches it, never both', () => {
  const asked = askedRows();
  for (const r of ROWS) {
    if (asked.has(r.id)) {
      assert.equal(r.unreachable, undefined, `row ${r.id} is consulted by the engine but marked unreachable`);
    } else {
      assert.ok(r.unreachable && r.unreachable.trim().length > 20, `row ${r.id} changes no outcome: consult it with since('${r.id}') where a statement reaches it, or say in \`unreachable\` why none does`);
      assert.ok(rowBullet(r).includes(r.unreachable), `row ${r.id}'s reason is shown with the row`);
    }
  }
});

test('every since(…) the server asks names a row of the table that is backed by source', () => {
  const byId = new Map(ROWS.map((r) => [r.id, r]));
  const call = SINCE_CALL;
  const asked: string[] = [];
  for (const file of sources(path.join(REPO, 'server', 'src'))) {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(call)) {
      const where = `${path.relative(REPO, file)}:${text.slice(0, m.index).split('\n').length}`;
      const row = byId.get(m[2]);
      assert.ok(row, `${where} asks since('${m[2]}'), which is not a row of language/profiles.ts`);
      assert.notEqual(row.evidence, 'pr-only', `${where} asks row ${row.id}, known only from a pull request`);
      asked.push(m[2]);
    }
  }
  assert.ok(asked.length > 0, 'no since() call found: the scan is broken');
});

test('the rules a row names are catalogue IDs; a removed config is a language config', () => {
  const ids = new Set(allRules().map((r) => r.id));
  for (const r of ROWS) {
    for (const rule of r.rules) assert.ok(ids.has(rule), `row ${r.id} names ${rule}, which the rule catalogue lacks`);
    if (r.removesConfig) assert.ok(CONFIG_NAMES.includes(r.removesConfig), `row ${r.id} removes an unknown config`);
  }
});

test('profiles are in release order, mainline is the newest, and every row is placed among them', () => {
  for (let i = 1; i < KERNEL_VERSIONS.length; i++) {
    assert.ok(compareReleases(KERNEL_VERSIONS[i - 1], KERNEL_VERSIONS[i]) < 0, `${KERNEL_VERSIONS[i - 1]} before ${KERNEL_VERSIONS[i]}`);
  }
  assert.equal(MAINLINE, KERNEL_VERSIONS[KERNEL_VERSIONS.length - 1]);
  assert.equal(compareReleases('6.9' as Release, '6.12' as Release) < 0, true, 'numeric, not lexical');
  // Every row's change lies between 6.1 and mainline, so rowsBetween(6.1, mainline) lists it.
  assert.deepEqual(rowsBetween(KERNEL_VERSIONS[0], MAINLINE).map((r) => r.id), ROWS.map((r) => r.id));
});

test('ranges and removed configs follow the table', () => {
  assert.deepEqual(profilesInRange('6.12', '7.0'), ['6.12', '6.18', '6.19', '7.0']);
  assert.deepEqual(profilesInRange('7.1', '7.1'), ['7.1']);
  assert.equal(profilesInRange('7.1', '6.1'), undefined);
  assert.deepEqual(KERNEL_VERSIONS.filter((v) => configRemoval(v, 'DMABUF_MOVE_NOTIFY')), ['7.1']);
  for (const c of CONFIG_NAMES.filter((n) => n !== 'DMABUF_MOVE_NOTIFY')) {
    assert.deepEqual(KERNEL_VERSIONS.filter((v) => configRemoval(v, c)), [], `${c} exists on every profile`);
  }
  assert.equal(since('6.1', 'locking-convention'), false);
  assert.equal(since('6.2', 'locking-convention'), true);
});

test('a rule page lists exactly the rows that name the rule, each with release, commit, where and evidence class', () => {
  for (const rule of allRules()) {
    const section = ruleProfileSection(rule.id).join('\n');
    const rows = ROWS.filter((r) => r.rules.includes(rule.id));
    if (rows.length === 0) {
      assert.equal(section, '', `${rule.id} has no profile section`);
      continue;
    }
    for (const r of rows) {
      const line = rowBullet(r);
      assert.ok(section.includes(line), `${rule.id}'s page lists row ${r.id}`);
      for (const part of [r.since, r.commit, r.where, r.evidence]) assert.ok(line.includes(part), `${r.id}: ${part}`);
    }
  }
  assert.match(ruleProfileSection('MAP-02').join('\n'), /\*\*6\.16\*\*, profiles from 6\.18 \(`sgt-cache-dropped`\)/);
});

test('the README table "What each kernel profile changes" is the rows, and says what mainline is', () => {
  const readme = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8');
  const m = /<!-- profile-table:begin[^>]*-->\n([\s\S]*?)\n<!-- profile-table:end -->/.exec(readme);
  assert.ok(m, 'README.md has the profile-table markers');
  assert.equal(m[1], readmeProfileTable(), 'regenerate the README table from readmeProfileTable()');
  assert.match(readme, new RegExp(`\`mainline\`, which is the newest modelled profile \\(${MAINLINE.replace('.', '\\.')} today\\)`));
  const intro = readme.slice(readme.indexOf('## What each kernel profile changes'), m.index).replace(/\s+/g, ' ');
  for (const v of KERNEL_VERSIONS) assert.ok(intro.includes(`\`${v}\``), `the README names profile ${v}`);
});
