// Every .dmabuf under test/fixtures/ and samples/ is checked both ways against its `//~ CODE`
// comments: each expected code is reported on its line, and no error or warning is reported
// anywhere it is not expected (information findings may appear freely).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { analyze } from '../server/src/analysis';
import { nodeFileHost } from '../server/src/language/program';
import type { Finding } from '../server/src/common/findings';
import { renderMessage, type LinesOf } from '../server/src/common/edge';
import { LineIndex } from '../server/src/common/source';

const ROOT = path.resolve(__dirname, '..');

function walk(dir: string, acc: string[] = []): string[] {
  if (!fs.existsSync(dir)) return acc;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, acc);
    else if (e.isFile() && e.name.endsWith('.dmabuf')) acc.push(p);
  }
  return acc;
}

/** Expected codes by 1-based line, from trailing `//~ CODE1 CODE2` comments. */
export function expectations(text: string): Map<number, string[]> {
  const out = new Map<number, string[]>();
  text.split(/\r?\n|\r/).forEach((line, i) => {
    const m = /\/\/~((?:\s+[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*)+)\s*$/.exec(line);
    if (m) out.set(i + 1, m[1].trim().split(/\s+/));
  });
  return out;
}

interface Mismatch {
  line: number;
  expected: string[];
  actual: string[];
  missing: string[];
  unexpected: string[];
}

/** `linesOf`: the line index of each file the findings' offsets point into. */
export function compare(file: string, expected: Map<number, string[]>, findings: readonly Finding[], linesOf: LinesOf): Mismatch[] {
  const lines = linesOf(file);
  const actualByLine = new Map<number, Finding[]>();
  for (const f of findings) {
    // A finding located in another file can never be expected by this file's comments.
    const line = f.location.file === file && lines ? lines.position(f.location.span.start).line + 1 : -1;
    actualByLine.set(line, [...(actualByLine.get(line) ?? []), f]);
  }
  const shown = [...new Set([...expected.keys(), ...actualByLine.keys()])].sort((a, b) => a - b);
  const out: Mismatch[] = [];
  for (const line of shown) {
    const exp = expected.get(line) ?? [];
    const act = actualByLine.get(line) ?? [];
    const missing = exp.filter((code) => !act.some((f) => f.code === code));
    const unexpected = act.filter((f) => f.severity !== 'information' && !exp.includes(f.code)).map((f) => `${f.code} (${f.severity}): ${renderMessage(f, linesOf)}`);
    if (missing.length || unexpected.length) {
      out.push({ line, expected: exp, actual: act.map((f) => `${f.code}/${f.severity}`), missing, unexpected });
    }
  }
  return out;
}

function describe(rel: string, m: Mismatch[]): string {
  return [
    `${rel}: findings do not match the //~ expectations`,
    ...m.map((x) =>
      [
        `  line ${x.line === -1 ? '(another file)' : x.line}: expected [${x.expected.join(' ')}], got [${x.actual.join(' ')}]`,
        ...x.missing.map((c) => `    missing ${c}`),
        ...x.unexpected.map((u) => `    unexpected ${u}`),
      ].join('\n'),
    ),
  ].join('\n');
}

const fixtures = walk(path.join(ROOT, 'test', 'fixtures'));
const samples = walk(path.join(ROOT, 'samples'));
const files = [...fixtures, ...samples].sort();

test('the fixture runner finds the rule fixtures and the samples', () => {
  // Zero files would make every per-file test below vanish and the run pass: that is a failure.
  assert.ok(fixtures.length > 0, `no .dmabuf file under ${path.join(ROOT, 'test', 'fixtures')}`);
  assert.ok(samples.length > 0, `no .dmabuf file under ${path.join(ROOT, 'samples')}`);
});

test('the fixture runner reads //~ expectations', () => {
  const e = expectations('a\nsubmit x read y //~ COH-01 RACE-01\n// just a comment\nwait f //~ SYNTAX\n');
  assert.deepEqual([...e.entries()], [[2, ['COH-01', 'RACE-01']], [4, ['SYNTAX']]]);
});

test('the fixture runner fails on a missing or unexpected code, not on information', () => {
  const at = (line: number, code: string, severity: Finding['severity']): Finding => ({
    code,
    severity,
    message: 'm',
    related: [],
    location: { file: 'f', span: { start: (line - 1) * 2, end: (line - 1) * 2 + 1 } },
  });
  const ten = new LineIndex('x\n'.repeat(10));
  const linesOf: LinesOf = (file) => (file === 'f' ? ten : undefined);
  const expected = new Map([[2, ['NAME']]]);
  assert.equal(compare('f', expected, [at(2, 'NAME', 'error'), at(5, 'MAP-04', 'information')], linesOf).length, 0);
  assert.deepEqual(compare('f', expected, [], linesOf).map((m) => m.missing), [['NAME']]);
  assert.deepEqual(compare('f', expected, [at(2, 'NAME', 'error'), at(3, 'LEAK-01', 'warning')], linesOf).map((m) => m.line), [3]);
});

for (const file of files) {
  const rel = path.relative(ROOT, file);
  test(`fixture ${rel}`, () => {
    const text = fs.readFileSync(file, 'utf8');
    const { findings, program } = analyze({ path: file, text }, { root: ROOT, host: nodeFileHost });
    const mismatches = compare(file, expectations(text), findings, (f) => program.files.get(f)?.source.lines);
    assert.ok(mismatches.length === 0, describe(rel, mismatches));
  });
}
