import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import Ajv from 'ajv-draft-04';
import { parseArgs } from '../../server/src/cli/args';
import { findDmabufFiles, runCli } from '../../server/src/cli/run';
import { formatTrace } from '../../server/src/cli/trace';
import type { ScenarioResult } from '../../server/src/engine/api';
import { LineIndex } from '../../server/src/common/source';

const REPO = path.resolve(__dirname, '..', '..');
const CLI = path.join(REPO, 'dist', 'cli.js');
let ws: string;

function write(rel: string, text: string | Buffer): string {
  const p = path.join(ws, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, text);
  return p;
}

function run(args: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = runCli(args, { cwd: ws, stdout: (s) => (out += s), stderr: (s) => (err += s), version: '0.0.0-test' });
  return { code, out, err };
}

function runBinary(args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ws, encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

const CLEAN = 'scenario ok on x86_64_pc {\n  f = fence\n  signal f\n  wait f\n}\n';
const BROKEN = 'scenario bad on x86_64_pc {\n  get nothing\n  wait\n}\n';

before(() => {
  ws = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'dmabuf-cli-')));
  write('clean.dmabuf', CLEAN);
  write('dir/b/bad.dmabuf', BROKEN);
  write('dir/a/clean2.dmabuf', CLEAN);
  write('dir/a/notes.txt', 'not a scenario');
  write('dir/node_modules/x.dmabuf', BROKEN);
  write('dir/.git/y.dmabuf', BROKEN);
  if (!fs.existsSync(CLI)) spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: REPO, stdio: 'ignore' });
});
after(() => fs.rmSync(ws, { recursive: true, force: true }));

test('arguments: formats, options with = or a separate value, usage errors', () => {
  const ok = parseArgs(['--format=json', '--root', 'r', '--trace', 's', 'a', '--', '--weird']);
  assert.deepEqual(ok, { ok: true, args: { format: 'json', trace: 's', root: 'r', paths: ['a', '--weird'], help: false, version: false } });
  assert.deepEqual(parseArgs(['--format', 'xml', 'a']), { ok: false, error: 'unknown format `xml` (use text, json or sarif)' });
  assert.equal(parseArgs([]).ok, false);
  assert.equal(parseArgs(['--root']).ok, false);
  assert.equal(parseArgs(['-x', 'a']).ok, false);
  assert.equal(parseArgs(['--help']).ok, true);
});

test('text: file:line:col: severity CODE message, 1-based, then a summary; exit 1 on an error', () => {
  const r = run(['dir/b/bad.dmabuf']);
  assert.equal(r.code, 1);
  assert.deepEqual(r.out.trimEnd().split('\n'), [
    'dir/b/bad.dmabuf:2:7: error NAME unknown name `nothing`: `get` needs a buffer or a fence',
    'dir/b/bad.dmabuf:3:7: error SYNTAX expected a fence after `wait`, found the end of the line',
    '2 errors, 0 warnings, 0 information in 1 file checked',
  ]);
  assert.equal(r.err, '');
});

test('exit 0 when no finding is an error', () => {
  const r = run(['clean.dmabuf']);
  assert.equal(r.code, 0);
  assert.match(r.out, /^0 errors, 0 warnings, 0 information in 1 file checked$/m);
});

test('folders are searched recursively for *.dmabuf, sorted, skipping node_modules and .git', () => {
  assert.deepEqual(findDmabufFiles(path.join(ws, 'dir')).map((f) => path.relative(ws, f)), ['dir/a/clean2.dmabuf', 'dir/b/bad.dmabuf']);
  const r = run(['--format', 'json', 'dir']);
  assert.deepEqual(JSON.parse(r.out).files.map((f: { path: string }) => f.path), ['dir/a/clean2.dmabuf', 'dir/b/bad.dmabuf']);
});

test('json: exactly the spec\'s shape', () => {
  const r = run(['--format', 'json', 'clean.dmabuf', 'dir/b/bad.dmabuf']);
  assert.equal(r.code, 1);
  const j = JSON.parse(r.out);
  assert.deepEqual(Object.keys(j), ['version', 'files']);
  assert.equal(j.version, 1);
  assert.deepEqual(j.files[0], { path: 'clean.dmabuf', diagnostics: [] });
  assert.deepEqual(j.files[1].diagnostics[0], {
    code: 'NAME',
    severity: 'error',
    line: 2,
    column: 7,
    endLine: 2,
    endColumn: 14,
    message: 'unknown name `nothing`: `get` needs a buffer or a fence',
    scenario: 'bad',
    traceStep: null,
  });
});

test('sarif: valid SARIF 2.1.0 with rules documented from the registry and located results', () => {
  const imp = write('imp/main.dmabuf', 'import "missing.dmabuf"\n' + BROKEN);
  const r = run(['--format', 'sarif', path.relative(ws, imp), 'clean.dmabuf']);
  assert.equal(r.code, 1);
  const log = JSON.parse(r.out);
  const schema = JSON.parse(fs.readFileSync(path.join(REPO, 'node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'));
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false, unicodeRegExp: false });
  const validate = ajv.compile(schema);
  assert.equal(validate({ version: '2.1.0', runs: [{}] }), false, 'the validator rejects a run without a tool');
  const valid = validate(JSON.parse(r.out));
  assert.ok(valid, JSON.stringify(validate.errors, null, 2));
  const run0 = log.runs[0];
  assert.equal(run0.tool.driver.name, 'dmabuf-check');
  assert.deepEqual(run0.tool.driver.rules.map((x: { id: string }) => x.id), ['IMPORT', 'NAME', 'SYNTAX']);
  assert.match(run0.tool.driver.rules[1].shortDescription.text, /^NAME: /);
  const first = run0.results[0];
  assert.equal(first.ruleId, 'IMPORT');
  assert.equal(first.level, 'error');
  assert.deepEqual(first.locations[0].physicalLocation, {
    artifactLocation: { uri: 'imp/main.dmabuf', uriBaseId: '%SRCROOT%' },
    region: { startLine: 1, startColumn: 8, endLine: 1, endColumn: 24 },
  });
  assert.equal(run0.results[0].ruleIndex, 0);
});

test('sarif: related locations are carried', () => {
  const p = write('rel.dmabuf', 'scenario r on x86_64_pc {\n  f = fence\n  f = fence\n}\n');
  const log = JSON.parse(run(['--format', 'sarif', path.relative(ws, p)]).out);
  const res = log.runs[0].results[0];
  assert.equal(res.relatedLocations[0].message.text, 'first bound here');
  assert.equal(res.relatedLocations[0].physicalLocation.region.startLine, 2);
});

test('usage errors and missing paths exit 2 with a message on stderr', () => {
  const u = run(['--format', 'xml', 'clean.dmabuf']);
  assert.equal(u.code, 2);
  assert.match(u.err, /unknown format/);
  const m = run(['nowhere.dmabuf']);
  assert.equal(m.code, 2);
  assert.match(m.err, /^dmabuf-check: nowhere.dmabuf: no such file or folder$/m);
  const mixed = run(['clean.dmabuf', 'nowhere.dmabuf']);
  assert.equal(mixed.code, 2, 'a missing path wins over a clean file');
  assert.match(mixed.out, /in 1 file checked/);
  assert.equal(run(['--root', 'nowhere', 'clean.dmabuf']).code, 2);
});

test('--root bounds imports', () => {
  write('lib/p.dmabuf', 'platform libp extends x86_64_pc { }');
  const main = write('app/main.dmabuf', 'import "../lib/p.dmabuf"\nscenario s on libp { }');
  assert.equal(run([path.relative(ws, main)]).code, 0);
  const r = run(['--root', 'app', path.relative(ws, main)]);
  assert.equal(r.code, 1);
  assert.match(r.out, /error IMPORT .*leads outside the root folder/);
});

test('budget flags: --max-states, --max-ms, --no-budget; a BUDGET finding names the flag to raise', () => {
  assert.deepEqual(parseArgs(['--max-states', '5', '--max-ms=250', 'a']), { ok: true, args: { format: 'text', maxStates: 5, maxMillis: 250, paths: ['a'], help: false, version: false } });
  const none = parseArgs(['--no-budget', 'a']);
  assert.ok(none.ok && none.args.maxStates === Infinity && none.args.maxMillis === Infinity);
  for (const bad of [['--max-states', '0'], ['--max-ms', '-3'], ['--max-ms', '1.5'], ['--max-states', 'many']]) {
    const r = parseArgs([...bad, 'a']);
    assert.ok(!r.ok && /give a whole number/.test(r.error), `${bad.join(' ')} is refused`);
  }
  // Locks taken in opposite orders by two threads: only a later interleaving deadlocks.
  const racy = write('budget/racy.dmabuf', 'scenario r on arm64_soc {\n  a = heap system 4KiB\n  b = heap system 4KiB\n  thread t {\n    lock b\n    lock a\n    unlock a\n    unlock b\n  }\n  lock a\n  lock b\n  unlock b\n  unlock a\n  put a\n  put b\n}\n');
  const cut = run(['--max-states', '2', racy]);
  assert.match(cut.out, /information BUDGET .*Raise the state budget \(--max-states N, or --no-budget\) to explore further\./);
  const full = run(['--no-budget', racy]);
  assert.doesNotMatch(full.out, /BUDGET/, 'without a budget the exploration completes');
  assert.match(full.out, /error HANG-01/, 'and finds the deadlock, which the cut exploration missed');
  assert.doesNotMatch(cut.out, /HANG-01/);
});

test('--help and --version', () => {
  assert.match(run(['--help']).out, /^Usage: dmabuf-check \[options\] PATH/);
  assert.equal(run(['--version']).out, 'dmabuf-check 0.0.0-test\n');
});

test('the trace printer shows steps, agents, calls, outcomes and sg entries', () => {
  // Line 5 of the file: the printer computes it from the offset.
  const lines = new LineIndex('\n\n\n\n  dma_buf_map\n');
  const loc = { file: '/w/x.dmabuf', span: { start: 6, end: 13 } };
  const result: ScenarioResult = {
    name: 'p2p',
    platform: 'x86_64_pc',
    location: loc,
    findings: [],
    exploration: { schedules: 3, states: 17, cutShort: false, millis: 1 },
    trace: {
      scenario: 'p2p',
      platform: 'x86_64_pc',
      steps: [
        {
          index: 1,
          agent: 'cpu',
          call: 'dma_buf_map_attachment(a, DMA_TO_DEVICE)',
          outcome: '0',
          ok: true,
          location: loc,
          findings: ['MAP-04'],
          changes: [
            {
              object: 's',
              kind: 'sgt',
              summary: 'mapped 2 entries',
              state: {
                mapping: {
                  entries: [
                    { phys: 0x1000, page: true, offset: 0, length: 4096, dmaAddress: 0xfffff000, dmaLength: 4096 },
                    { phys: null, page: false, offset: 0, length: 65536, dmaAddress: 0xe000_0000, busAddress: true },
                  ],
                },
              },
            },
          ],
        },
      ],
    },
  };
  assert.equal(
    formatTrace(result, (f) => path.basename(f), (f) => (f === '/w/x.dmabuf' ? lines : undefined)),
    [
      'trace of scenario p2p on x86_64_pc: 1 step (3 schedules, 17 states explored)',
      '#1 cpu x.dmabuf:5  dma_buf_map_attachment(a, DMA_TO_DEVICE) → 0',
      '    sgt s: mapped 2 entries',
      '      [0] page phys 0x1000 offset 0 length 4096 dma 0xfffff000 dma_len 4096',
      '      [1] no-page phys none offset 0 length 65536 dma 0xe0000000 dma_len 65536 bus-address',
      '    findings: MAP-04',
      '',
    ].join('\n'),
  );
});

test('the trace printer summarises a table as the kernel built it: entries, DMA segments; --entries lists the entries', () => {
  const lines = new LineIndex('map\n');
  const loc = { file: '/w/x.dmabuf', span: { start: 0, end: 3 } };
  // 512 pages of 4 KiB merged by dma-iommu into one 2 MiB segment; the snapshot spells out 64.
  const entries = Array.from({ length: 64 }, (_, i) => ({ phys: 0x10_0000 + i * 0x1000, page: true, offset: 0, length: 4096, ...(i === 0 ? { dmaAddress: 0xffe0_0000, dmaLength: 0x20_0000 } : {}) }));
  const mapping = { nents: 1, table: '512 entries of 4 KiB, DMA-mapped as 1 segment of 2 MiB', entries, moreEntries: 448 };
  const result: ScenarioResult = {
    name: 's',
    platform: 'p',
    location: loc,
    findings: [],
    exploration: { schedules: 1, states: 2, cutShort: false, millis: 1 },
    trace: { scenario: 's', platform: 'p', steps: [{ index: 1, agent: 'cpu', call: 'dma_buf_map_attachment(a, DMA_TO_DEVICE)', outcome: '0', ok: true, location: loc, findings: [], changes: [{ object: 't', kind: 'sgt', summary: 'mapped 512 entries', state: { mapping } }] }] },
  };
  const print = (withEntries: boolean) => formatTrace(result, (f) => path.basename(f), () => lines, undefined, withEntries).split('\n');
  const short = print(false);
  assert.deepEqual(short.slice(2), [
    '    sgt t: mapped 512 entries',
    '      table: 512 entries of 4 KiB, DMA-mapped as 1 segment of 2 MiB',
    '      segment [0] dma 0xffe00000 dma_len 2097152',
    '(sg tables are summarised; --entries lists their entries)',
    '',
  ]);
  const long = print(true);
  assert.equal(long.filter((l) => /^ {6}\[\d+\] page phys/.test(l)).length, 64);
  assert.ok(long.includes('      … 448 more entries'));
  assert.ok(!long.some((l) => l.includes('--entries lists')));
});

test('--entries needs a text trace to list entries in', () => {
  assert.match(String((parseArgs(['--entries', 'a']) as { error: string }).error), /--entries .* with --trace/);
  assert.match(String((parseArgs(['--entries', '--trace', 's', '--format', 'json', 'a']) as { error: string }).error), /JSON trace always has them/);
  assert.deepEqual(parseArgs(['--entries', '--trace', 's', 'a']), { ok: true, args: { format: 'text', trace: 's', entries: true, paths: ['a'], help: false, version: false } });
});

test('--trace of an unknown scenario is a usage error', () => {
  const r = run(['--trace', 'nosuch', 'clean.dmabuf']);
  assert.equal(r.code, 2);
  assert.match(r.err, /--trace nosuch: no scenario of that name/);
});

test('--trace prints the named scenario\'s trace after the diagnostics', () => {
  const r = run(['--trace', 'ok', 'clean.dmabuf']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^trace of scenario ok on x86_64_pc: \d+ steps/m);
  assert.match(r.out, /^#1 /m);
  const j = JSON.parse(run(['--format', 'json', '--trace', 'ok', 'clean.dmabuf']).out);
  assert.equal(j.trace.scenario, 'ok');
});

test('dist/cli.js: exit codes 0/1/2 as a real process', () => {
  assert.ok(fs.existsSync(CLI), 'dist/cli.js is built');
  assert.equal(runBinary(['clean.dmabuf']).code, 0);
  assert.equal(runBinary(['dir']).code, 1);
  const u = runBinary(['--nope']);
  assert.equal(u.code, 2);
  assert.match(u.err, /unknown option/);
});

test('dist/cli.js: unreadable input is a one-line message, never a stack trace', { skip: fs.existsSync('/proc/self/mem') ? false : 'needs /proc' }, () => {
  const r = runBinary(['/proc/self/mem']);
  assert.equal(r.code, 2);
  assert.match(r.err, /^dmabuf-check: \/proc\/self\/mem: cannot read \(\w+\)\n$/);
  assert.doesNotMatch(r.err, /\n\s+at /);
});

test('dist/cli.js: binary garbage is SYNTAX errors (exit 1), not a crash', () => {
  const bytes = Buffer.alloc(4096);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 131 + 7) & 0xff;
  write('garbage.dmabuf', bytes);
  const r = runBinary(['garbage.dmabuf']);
  assert.equal(r.code, 1);
  assert.match(r.out, /error SYNTAX/);
  assert.equal(r.err, '');
});

test('dist/cli.js: built-in platforms are found beside the bundle', () => {
  const r = runBinary(['--format', 'json', 'clean.dmabuf']);
  assert.deepEqual(JSON.parse(r.out).files[0].diagnostics, []);
  assert.ok(fs.existsSync(path.join(REPO, 'dist', 'platforms', 'x86_64_pc.dmabuf')));
});
