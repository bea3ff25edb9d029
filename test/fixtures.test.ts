// Every .dmabuf under test/fixtures/ and samples/ is checked both ways against its `//~ CODE`
// comments: each expected code is reported on its line, and no error or warning is reported
// anywhere it is not expected (information findings may appear freely).
//
// Version matrix: a fixture whose header has `//! kernels 6.1,6.12,6.18,7.1` (the CLI's --kernels
// list) runs as that matrix, and one whose platform has a `kernel A..B` range runs as its matrix.
// There `//~ CODE@6.1..6.12` is expected on those profiles and absent on the others, a bare
// `//~ CODE` on every profile; the check runs both ways on each profile of the matrix.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { analyze } from '../server/src/analysis';
import type { KernelVersion } from '../server/src/language/profiles';
import { parseVersionList } from '../server/src/language/versionList';
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

/** Expected codes by 1-based line, from trailing `//~ CODE1 CODE2` comments (a code may carry `@VERSIONS`). */
export function expectations(text: string): Map<number, string[]> {
  const out = new Map<number, string[]>();
  text.split(/\r?\n|\r/).forEach((line, i) => {
    const m = /\/\/~((?:\s+[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*(?:@[0-9a-z.,]+)?)+)\s*$/.exec(line);
    if (m) out.set(i + 1, m[1].trim().split(/\s+/));
  });
  return out;
}

/** The `//! kernels LIST` header: the matrix the fixture runs under. */
export function headerKernels(text: string): readonly KernelVersion[] | undefined {
  const m = /^\/\/!\s*kernels\s+(\S+)\s*$/m.exec(text);
  if (!m) return undefined;
  const list = parseVersionList(m[1]);
  if (!list.ok) throw new Error(`//! kernels ${m[1]}: ${list.error}`);
  return list.versions;
}

/**
 * The expectations that hold on one profile of a matrix: `CODE@LIST` where LIST names it, bare
 * `CODE` always. Without a matrix (`version` undefined) a `@` is an error in the fixture.
 */
export function expectationsOn(expected: Map<number, string[]>, version: KernelVersion | undefined): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const [line, codes] of expected) {
    const on: string[] = [];
    for (const token of codes) {
      const at = token.indexOf('@');
      if (at < 0) {
        on.push(token);
        continue;
      }
      if (version === undefined) throw new Error(`line ${line}: \`${token}\` names profiles, but the fixture runs under no version matrix (add //! kernels LIST or a kernel range)`);
      const list = parseVersionList(token.slice(at + 1));
      if (!list.ok) throw new Error(`line ${line}: \`${token}\`: ${list.error}`);
      if (list.versions.includes(version)) on.push(token.slice(0, at));
    }
    if (on.length) out.set(line, on);
  }
  return out;
}

/** The findings of one profile of a matrix: those that happen on it (a finding without versions is of no matrix: always). */
export function findingsOn(findings: readonly Finding[], version: KernelVersion | undefined): Finding[] {
  return version === undefined ? [...findings] : findings.filter((f) => !f.versions || f.versions.includes(version));
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

test('the fixture runner reads //~ CODE@VERSIONS and the //! kernels header', () => {
  const text = '//! kernels 6.1,6.12,6.18,7.1\nx //~ MAP-02@6.1..6.12 LEAK-01\ny //~ LIFE-04@6.18,mainline\n';
  const e = expectations(text);
  assert.deepEqual([...e.entries()], [[2, ['MAP-02@6.1..6.12', 'LEAK-01']], [3, ['LIFE-04@6.18,mainline']]]);
  assert.deepEqual(headerKernels(text), ['6.1', '6.12', '6.18', '7.1']);
  assert.deepEqual([...expectationsOn(e, '6.12').entries()], [[2, ['MAP-02', 'LEAK-01']]]);
  assert.deepEqual([...expectationsOn(e, '7.1').entries()], [[2, ['LEAK-01']], [3, ['LIFE-04']]]);
  assert.throws(() => expectationsOn(e, undefined), /no version matrix/);
  assert.equal(headerKernels('scenario s on x86_64_pc {}\n'), undefined);
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
    const kernels = headerKernels(text);
    const { findings, program, engine } = analyze({ path: file, text }, { root: ROOT, host: nodeFileHost, ...(kernels ? { kernels } : {}) });
    const linesOf: LinesOf = (f) => program.files.get(f)?.source.lines;
    // The matrix: the header's, else every profile a scenario ran on (a platform's kernel range).
    const matrix = kernels ?? [...new Set(engine.scenarios.flatMap((s) => s.versions ?? []))];
    const expected = expectations(text);
    const problems: string[] = [];
    for (const version of matrix.length ? matrix : [undefined]) {
      const mismatches = compare(file, expectationsOn(expected, version), findingsOn(findings, version), linesOf);
      if (mismatches.length) problems.push(describe(version ? `${rel} on ${version}` : rel, mismatches));
    }
    assert.ok(problems.length === 0, problems.join('\n'));
  });
}
