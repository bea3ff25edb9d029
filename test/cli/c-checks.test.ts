// dmabuf-check on a .dmabuf with `check` items: findings on the C lines in text, JSON and SARIF, the
// path as a note, --show-scenario, the exit status, and the real binary (which loads the grammar).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { runCli } from '../../server/src/cli/run';
import { loadCParser } from '../../server/src/cdriver/c-syntax';

const REPO = path.resolve(__dirname, '..', '..');
const CLI = path.join(REPO, 'dist', 'cli.js');
let ws: string;

before(async () => {
  ws = fs.mkdtempSync(path.join(os.tmpdir(), 'dmabuf-c-'));
  for (const f of fs.readdirSync(path.join(REPO, 'test', 'c'))) fs.copyFileSync(path.join(REPO, 'test', 'c', f), path.join(ws, f));
  fs.writeFileSync(path.join(ws, 'missing.dmabuf'), 'check "nowhere.c" on arm64_soc {\n  dev = camera\n}\n');
  fs.writeFileSync(path.join(ws, 'lonely.c'), 'int f(void) { return 0; }\n');
  await loadCParser();
});
after(() => fs.rmSync(ws, { recursive: true, force: true }));

function run(args: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = runCli(args, { cwd: ws, stdout: (s) => (out += s), stderr: (s) => (err += s), version: '0.0.0-test' });
  return { code, out, err };
}

test('text: each finding on its C line, the path as a note, exit 1', () => {
  const r = run(['importer.dmabuf']);
  assert.equal(r.code, 1);
  assert.match(r.out, /^gem_import\.c:13:11: error LEAK-01 The attachment `attach` is never detached/m);
  assert.match(r.out, /^ {4}gem_import\.c:13:11: note: in foo_import_leaky\(\), when `dma_buf_attach\(\)` at line 13 succeeds, when `dma_buf_map_attachment_unlocked\(\)` at line 17 fails, then `goto err_out`$/m);
  assert.match(r.out, /^cpu_access\.c:32:2: error LIFE-01 /m);
  assert.match(r.out, /10 errors, 1 warning, [0-9]+ information in 4 files checked/);
  assert.match(r.out, /^vb2_import\.c:22:2: error DMAAPI-04 /m);
  assert.doesNotMatch(r.out, /foo_import_fixed|imp_get_fixed\(\), .*error/);
});

test('--show-scenario prints the scenario each finding\'s path became', () => {
  const r = run(['--show-scenario', 'importer.dmabuf']);
  assert.match(r.out, /^ {4}\| scenario foo_import_leaky_path_\d+ on arm64_soc kernel 6\.12 \{$/m);
  assert.match(r.out, /^ {4}\| {3}attach_ = attach dmabuf soc_gpu$/m);
});

test('JSON: the C file with 1-based positions, the function and the path', () => {
  const r = run(['--format', 'json', 'importer.dmabuf']);
  const json = JSON.parse(r.out) as { files: { path: string; diagnostics: { code: string; line: number; function?: string; path?: string[] }[] }[] };
  const c = json.files.find((f) => f.path === 'gem_import.c');
  assert.ok(c);
  const leak = c.diagnostics.find((d) => d.code === 'LEAK-01' && d.line === 13);
  assert.ok(leak);
  assert.equal(leak.function, 'foo_import_leaky');
  assert.ok(leak.path?.some((p) => /fails/.test(p)));
});

test('SARIF: results located in the C file, with the path in the message and properties', () => {
  const r = run(['--format', 'sarif', 'importer.dmabuf']);
  const sarif = JSON.parse(r.out) as { runs: { results: { ruleId: string; message: { text: string }; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[]; properties?: { function?: string } }[] }[] };
  const res = sarif.runs[0]!.results.find((x) => x.ruleId === 'LIFE-01');
  assert.ok(res);
  assert.equal(res.locations[0]!.physicalLocation.artifactLocation.uri, 'cpu_access.c');
  assert.equal(res.locations[0]!.physicalLocation.region.startLine, 32);
  assert.equal(res.properties?.function, 'imp_get');
  assert.match(res.message.text, /in imp_get\(\), when `dma_buf_get\(\)` at line 12 succeeds/);
});

test('SARIF: the path is a code flow, each branch point on its C line in order, the finding\'s call last', () => {
  const r = run(['--format', 'sarif', 'importer.dmabuf']);
  type Loc = { location: { physicalLocation: { region: { startLine: number } }; message: { text: string } } };
  const sarif = JSON.parse(r.out) as { runs: { results: { ruleId: string; locations: { physicalLocation: { region: { startLine: number } } }[]; properties?: { function?: string; path?: string[] }; codeFlows?: { threadFlows: { locations: Loc[] }[] }[] }[] }[] };
  const res = sarif.runs[0]!.results.find((x) => x.ruleId === 'LIFE-01')!;
  const steps = res.codeFlows![0]!.threadFlows[0]!.locations;
  assert.deepEqual(steps.slice(0, -1).map((l) => l.location.message.text), res.properties!.path);
  // Each condition names its line, and the flow puts it there.
  for (const l of steps.slice(0, -1)) {
    const named = /at line (\d+)/.exec(l.location.message.text)?.[1];
    if (named) assert.equal(l.location.physicalLocation.region.startLine, Number(named), l.location.message.text);
  }
  assert.equal(steps.at(-1)!.location.physicalLocation.region.startLine, res.locations[0]!.physicalLocation.region.startLine);
});

test('a C file given on its own is checked through the check that names it, and only it is reported', () => {
  const r = run(['vb2_import.c']);
  assert.equal(r.code, 1, r.err);
  assert.match(r.out, /^vb2_import\.c:22:2: error DMAAPI-04 /m);
  assert.doesNotMatch(r.out, /gem_import\.c|cpu_access\.c/);
  assert.match(r.out, /1 error, 0 warnings, 0 information in 1 file checked/);
  const none = run(['lonely.c']);
  assert.equal(none.code, 2);
  assert.match(none.err, /^dmabuf-check: lonely\.c: no `check` of a \.dmabuf file under --root names it$/m);
});

test('a C file that cannot be read is a clear error and exit 2', () => {
  const r = run(['missing.dmabuf']);
  assert.equal(r.code, 2);
  assert.match(r.err, /^dmabuf-check: nowhere\.c: cannot read \(ENOENT\)$/m);
});

test('dist/cli.js loads the C grammar itself', () => {
  if (!fs.existsSync(CLI)) spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: REPO, stdio: 'ignore' });
  const r = spawnSync(process.execPath, [CLI, 'importer.dmabuf'], { cwd: ws, encoding: 'utf8' });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stdout, /^gem_import\.c:70:2: error LIFE-04 /m);
});
