// The C corpus (test/c/): every `check` of every .dmabuf there is run path by path, and the errors and
// warnings must land exactly on the C lines marked `//~ CODE` (information is not marked). Bad
// functions carry the marks; their fixed twins carry none, so they must stay silent.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { analyze } from '../../server/src/analysis';
import { bindProgram, nodeFileHost } from '../../server/src/language/program';
import { loadCParser } from '../../server/src/cdriver/c-syntax';
import { checkC, fromAnalysis } from '../../server/src/cdriver/check';
import { scenarioSpans } from '../../server/src/cli/c-checks';

const DIR = path.join(__dirname, '..', 'c');
const specs = fs.readdirSync(DIR).filter((f) => f.endsWith('.dmabuf')).map((f) => path.join(DIR, f));

function expected(text: string): string[] {
  const out: string[] = [];
  text.split('\n').forEach((line, i) => {
    const m = /\/\/~\s+(.*)$/.exec(line);
    if (m) for (const code of m[1]!.trim().split(/\s+/)) out.push(`${i + 1}:${code}`);
  });
  return out.sort();
}

test('the C corpus has checks to run', () => {
  assert.ok(specs.length > 0, `no .dmabuf in ${DIR}`);
});

for (const spec of specs) {
  const text = fs.readFileSync(spec, 'utf8');
  const program = bindProgram({ path: spec, text }, { root: DIR, host: nodeFileHost });
  test(`${path.basename(spec)} binds without findings and names C files`, () => {
    assert.deepEqual(program.findings.map((f) => f.message), []);
    assert.ok(program.checks.length > 0);
  });
  for (const check of program.checks) {
    test(`${check.decl.path}: findings on exactly the //~ lines`, async () => {
      const parser = await loadCParser();
      const c = fs.readFileSync(path.join(DIR, check.decl.path), 'utf8');
      const tree = parser.parse(c);
      assert.ok(tree);
      const r = checkC(check, text, tree, (t) => fromAnalysis(analyze({ path: spec, text: t }, { root: DIR, host: nodeFileHost })), scenarioSpans(program));
      assert.deepEqual(r.skipped, [], 'every function is checked');
      assert.ok(r.scenarios.length > 0, 'paths were extracted');
      const got = r.findings.filter((f) => f.severity !== 'information').map((f) => `${c.slice(0, f.start).split('\n').length}:${f.code}`);
      assert.deepEqual([...new Set(got)].sort(), expected(c));
    });
  }
}
