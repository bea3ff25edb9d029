// dmabuf-check under a version matrix (--kernels): each finding once with the profiles it happens
// on, in text, JSON and SARIF; --trace NAME@KERNEL; usage errors for bad profile lists.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import Ajv from 'ajv-draft-04';
import { parseArgs } from '../../server/src/cli/args';
import { runCli } from '../../server/src/cli/run';
import { describeVersions, parseVersionList } from '../../server/src/language/versionList';

const REPO = path.resolve(__dirname, '..', '..');
let ws: string;

function run(args: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = runCli(args, { cwd: ws, stdout: (s) => (out += s), stderr: (s) => (err += s), version: '0.0.0-test' });
  return { code, out, err };
}

// MAP-01 from 6.2 (the locking convention): fine on 6.1.
const LOCKING = `platform pc_lockdep extends x86_64_pc {
  config LOCKDEP yes
}
scenario map_without_lock on pc_lockdep {
  buf = heap system 64KiB
  att = attach buf nic
  sgt = map att to_device
  unmap_unlocked sgt
  detach att
  put buf
}
scenario broken on x86_64_pc {
  get nothing
}
`;

before(() => {
  ws = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'dmabuf-matrix-')));
  fs.writeFileSync(path.join(ws, 'lock.dmabuf'), LOCKING);
});
after(() => fs.rmSync(ws, { recursive: true, force: true }));

test('profile lists: commas or spaces, ranges, mainline, table order, errors that name the profiles', () => {
  assert.deepEqual(parseVersionList('7.1, 6.1,6.12'), { ok: true, versions: ['6.1', '6.12', '7.1'] });
  assert.deepEqual(parseVersionList('6.12..mainline'), { ok: true, versions: ['6.12', '6.18', '6.19', '7.0', '7.1'] });
  assert.deepEqual(parseVersionList('6.1..6.2 6.2'), { ok: true, versions: ['6.1', '6.2'] });
  assert.match((parseVersionList('6.3') as { error: string }).error, /unknown kernel profile `6.3` \(use 6.1, 6.2, 6.6, .* or mainline \(7.1\)\)/);
  assert.match((parseVersionList('6.12..6.1') as { error: string }).error, /backwards/);
  assert.equal(parseVersionList(' , ').ok, false);
  const args = parseArgs(['--kernels', '6.1,6.12', '--trace', 's@mainline', 'a']);
  assert.deepEqual(args, { ok: true, args: { format: 'text', trace: 's', traceVersion: '7.1', kernels: ['6.1', '6.12'], paths: ['a'], help: false, version: false } });
  assert.deepEqual(parseArgs(['--kernels=6.5', 'a']).ok, false);
  assert.deepEqual(parseArgs(['--trace', 's@6.5', 'a']).ok, false);
});

test('versions read as a kernel engineer says them', () => {
  const matrix = ['6.1', '6.12', '6.18', '7.1'];
  assert.equal(describeVersions(['6.1', '6.12'], matrix), '6.1–6.12; fine on 6.18, 7.1');
  assert.equal(describeVersions(matrix, matrix), '6.1–7.1, every profile');
  assert.equal(describeVersions(['6.1', '7.1'], matrix, 'not on'), '6.1, 7.1; not on 6.12, 6.18');
  assert.equal(describeVersions(['6.12'], ['6.12']), '6.12');
});

test('text: each finding once, naming its profiles; front-end findings happen on all; exit 1', () => {
  const r = run(['--kernels', '6.1,6.2,6.6', 'lock.dmabuf']);
  assert.equal(r.code, 1);
  const lines = r.out.split('\n');
  assert.equal(lines.filter((l) => l.includes(' MAP-01 ')).length, 1);
  assert.match(r.out, /^lock\.dmabuf:7:3: error MAP-01 \[6\.2–6\.6; fine on 6\.1\] dma_buf_map_attachment\(\) without holding/m);
  assert.match(r.out, /^lock\.dmabuf:13:7: error NAME \[6\.1–6\.6, every profile\] /m);
});

test('without --kernels the output carries no versions at all', () => {
  const r = run(['--format', 'json', 'lock.dmabuf']);
  assert.ok(!r.out.includes('"versions"'));
  assert.ok(!run(['lock.dmabuf']).out.includes('['));
});

test('json: "versions" per diagnostic, in table order', () => {
  const r = run(['--format', 'json', '--kernels', '6.6,6.1', 'lock.dmabuf']);
  const diags = JSON.parse(r.out).files[0].diagnostics as { code: string; versions?: string[] }[];
  assert.deepEqual(diags.map((d) => [d.code, d.versions]), [
    ['MAP-01', ['6.6']],
    ['NAME', ['6.1', '6.6']],
  ]);
});

test('sarif: versions in the result properties and the message; still valid SARIF 2.1.0', () => {
  const r = run(['--format', 'sarif', '--kernels', '6.1..6.2', 'lock.dmabuf']);
  const log = JSON.parse(r.out);
  const schema = JSON.parse(fs.readFileSync(path.join(REPO, 'node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'));
  const validate = new Ajv({ allErrors: true, strict: false, validateFormats: false, unicodeRegExp: false }).compile(schema);
  assert.ok(validate(JSON.parse(r.out)), JSON.stringify(validate.errors, null, 2));
  const map01 = log.runs[0].results.find((x: { ruleId: string }) => x.ruleId === 'MAP-01');
  assert.deepEqual(map01.properties.versions, ['6.2']);
  assert.match(map01.message.text, /^\[Linux 6\.2; fine on 6\.1\] /);
});

test('--trace under a matrix: the first profile with an error by default, NAME@KERNEL for another', () => {
  const first = run(['--kernels', '6.1,6.2', '--trace', 'map_without_lock', 'lock.dmabuf']);
  assert.match(first.out, /trace of scenario map_without_lock on pc_lockdep \(Linux 6\.2\): /);
  const chosen = run(['--kernels', '6.1,6.2', '--trace', 'map_without_lock@6.1', 'lock.dmabuf']);
  assert.match(chosen.out, /trace of scenario map_without_lock on pc_lockdep \(Linux 6\.1\): /);
  const json = JSON.parse(run(['--format', 'json', '--kernels', '6.1,6.2', '--trace', 'map_without_lock@6.1', 'lock.dmabuf']).out);
  assert.equal(json.trace.kernel, '6.1');
  const off = run(['--kernels', '6.1,6.2', '--trace', 'map_without_lock@6.12', 'lock.dmabuf']);
  assert.equal(off.code, 2);
  assert.match(off.err, /runs on 6\.1, 6\.2, not 6\.12/);
  const single = run(['--trace', 'map_without_lock@6.12', 'lock.dmabuf']);
  assert.equal(single.code, 2);
  assert.match(single.err, /not checked under a version matrix/);
  assert.doesNotMatch(run(['--trace', 'map_without_lock', 'lock.dmabuf']).out, /\(Linux /);
});

// A config some profile of --kernels lacks: a NAME on those profiles only, at the config line;
// what the bind said against the platform's own profile (overridden by the matrix) is not repeated.
const MOVE_NOTIFY = (kernel: string) => `platform p extends arm64_soc {
  kernel ${kernel}
  config DMABUF_MOVE_NOTIFY yes
}
scenario s on p {
  b = heap system 64KiB
  put b
}
`;

test('--kernels: a config a profile of the matrix lacks is a NAME on that profile, fine on the others', () => {
  fs.writeFileSync(path.join(ws, 'mn618.dmabuf'), MOVE_NOTIFY('6.18'));
  fs.writeFileSync(path.join(ws, 'mn71.dmabuf'), MOVE_NOTIFY('7.1'));
  const r = run(['--format', 'json', '--kernels', '6.18,7.1', 'mn618.dmabuf']);
  const diags = JSON.parse(r.out).files[0].diagnostics as { code: string; versions?: string[]; message: string; line: number }[];
  assert.deepEqual(diags.map((d) => [d.code, d.versions, d.line]), [['NAME', ['7.1'], 3]]);
  assert.match(diags[0].message, /profile 7\.1 of the version matrix has no CONFIG_DMABUF_MOVE_NOTIFY: it was removed in 7\.1 by 609fc8766d68/);
  assert.equal(run(['--kernels', '6.18', 'mn618.dmabuf']).code, 0, 'no profile of the matrix lacks it');
  // The platform says 7.1 (which lacks the config), but the matrix runs it on 6.12 and 6.18 only.
  assert.equal(run(['--kernels', '6.12,6.18', 'mn71.dmabuf']).code, 0);
  assert.match(run(['mn71.dmabuf']).out, /error NAME kernel 7\.1 has no CONFIG_DMABUF_MOVE_NOTIFY/, 'without a matrix, the platform\'s own profile');
});
