import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { MAX_IMPORT_BYTES, type FileHost } from '../../server/src/language/imports';
import { bindProgram, nodeFileHost } from '../../server/src/language/program';
import { programLines, rememberLines, summary } from './helpers';

let tmp: string;
let root: string;

function write(rel: string, text: string): string {
  const p = path.join(root, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, text);
  return p;
}

function check(rel: string, text: string, host: FileHost = nodeFileHost): string[] {
  const p = write(rel, text);
  const program = bindProgram({ path: p, text }, { root, host });
  rememberLines(program.findings, programLines(program));
  return summary(program.findings);
}

before(() => {
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'dmabuf-imports-')));
  root = path.join(tmp, 'ws');
  fs.mkdirSync(root);
  write('lib/board.dmabuf', 'platform board extends arm64_soc { kernel 6.1 }\n');
  fs.writeFileSync(path.join(tmp, 'outside.dmabuf'), 'platform outside { }\n');
});
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const USE_BOARD = '\nscenario s on board { f = fence }\n';

test('an import makes the platforms of another file visible', () => {
  assert.deepEqual(check('main.dmabuf', `import "lib/board.dmabuf"${USE_BOARD}`), []);
});

test('without the import the platform is unknown', () => {
  assert.match(check('main.dmabuf', USE_BOARD)[0], /NAME unknown platform `board`/);
});

test('a missing file is an IMPORT error at the import; the file is still checked', () => {
  const f = check('main.dmabuf', 'import "lib/nope.dmabuf"\nscenario s on x86_64_pc { get x }');
  assert.deepEqual(f.map((s) => s.split(' ')[0]), ['1:IMPORT', '2:NAME']);
  assert.match(f[0], /cannot find `lib\/nope.dmabuf`/);
});

test('`..` that leaves the root is refused even if the file exists', () => {
  assert.match(check('main.dmabuf', 'import "../outside.dmabuf"')[0], /1:IMPORT .*leads outside the root folder/);
});

test('`..` that stays inside the root is fine', () => {
  assert.deepEqual(check('sub/main.dmabuf', `import "../lib/board.dmabuf"${USE_BOARD}`), []);
});

test('absolute paths are refused', () => {
  assert.match(check('main.dmabuf', `import "${path.join(root, 'lib/board.dmabuf')}"`)[0], /is absolute/);
});

test('backslashes are refused', () => {
  assert.match(check('main.dmabuf', 'import "lib\\\\board.dmabuf"')[0], /contains a backslash/);
});

test('a symbolic link that leads outside the root is refused', () => {
  fs.symlinkSync(path.join(tmp, 'outside.dmabuf'), path.join(root, 'link.dmabuf'));
  assert.match(check('main.dmabuf', 'import "link.dmabuf"')[0], /through a symbolic link.*outside the root folder/);
});

test('a symbolic link to a folder outside the root is refused', () => {
  fs.mkdirSync(path.join(tmp, 'elsewhere'));
  fs.writeFileSync(path.join(tmp, 'elsewhere', 'p.dmabuf'), 'platform p { }');
  fs.symlinkSync(path.join(tmp, 'elsewhere'), path.join(root, 'linkdir'));
  assert.match(check('main.dmabuf', 'import "linkdir/p.dmabuf"')[0], /through a symbolic link/);
});

test('a cycle A → B → A is reported at the main file\'s import, without looping', () => {
  write('cyc/b.dmabuf', 'import "a.dmabuf"\nplatform pb { }');
  const f = check('cyc/a.dmabuf', 'import "b.dmabuf"\nplatform pa { }');
  assert.equal(f.length, 1);
  assert.match(f[0], /1:IMPORT .*import cycle/);
});

test('a deeper cycle (A → B → C → B) is reported at A\'s import, naming the chain', () => {
  write('deep/b.dmabuf', 'import "c.dmabuf"');
  write('deep/c.dmabuf', 'import "b.dmabuf"');
  const f = check('deep/a.dmabuf', 'import "b.dmabuf"');
  assert.equal(f.length, 1);
  assert.match(f[0], /1:IMPORT `deep\/b.dmabuf` → `deep\/c.dmabuf`: import cycle/);
});

test('a diamond (two imports reaching one file) is not a cycle', () => {
  write('dia/l.dmabuf', 'import "shared.dmabuf"');
  write('dia/r.dmabuf', 'import "shared.dmabuf"');
  write('dia/shared.dmabuf', 'platform shared extends x86_64_pc { }');
  assert.deepEqual(check('dia/main.dmabuf', 'import "l.dmabuf"\nimport "r.dmabuf"\nscenario s on shared { }'), []);
});

test('errors inside an imported file are reported at the import that leads there', () => {
  write('bad/lib.dmabuf', 'platform broken {\n  arch vax\n  device d { bus pci nowhere }\n}');
  write('bad/mid.dmabuf', 'import "lib.dmabuf"');
  const f = check('bad/main.dmabuf', '\nimport "mid.dmabuf"');
  assert.equal(f.length, 1);
  assert.match(f[0], /^2:IMPORT imported file `bad\/lib.dmabuf` has errors: 2:8: SYNTAX .*\(and 1 more\)/);
});

test('a file over the size limit is refused', () => {
  write('big.dmabuf', `// ${'x'.repeat(MAX_IMPORT_BYTES)}`);
  assert.match(check('main.dmabuf', 'import "big.dmabuf"')[0], /larger than 2 MiB/);
});

test('a folder or unreadable file is an IMPORT error, not a crash', () => {
  fs.mkdirSync(path.join(root, 'adir.dmabuf'));
  assert.match(check('main.dmabuf', 'import "adir.dmabuf"')[0], /cannot read/);
});

test('the host serves unsaved contents: the language server passes its open documents', () => {
  const unsaved = new Map([[path.join(root, 'virtual.dmabuf'), 'platform unsaved extends x86_64_pc { }']]);
  const host: FileHost = {
    readFile: (p) => unsaved.get(p) ?? nodeFileHost.readFile(p),
    realpath: (p) => (unsaved.has(p) ? p : nodeFileHost.realpath(p)),
  };
  assert.deepEqual(check('main.dmabuf', 'import "virtual.dmabuf"\nscenario s on unsaved { }', host), []);
});

test('imported scenarios are not bound or run: only platforms become visible', () => {
  write('withscen.dmabuf', 'platform wp extends x86_64_pc { }\nscenario hidden on nowhere { get nothing }');
  const p = write('main2.dmabuf', 'import "withscen.dmabuf"\nscenario s on wp { }');
  const prog = bindProgram({ path: p, text: fs.readFileSync(p, 'utf8') }, { root, host: nodeFileHost });
  assert.deepEqual(prog.findings, []);
  assert.deepEqual(prog.scenarios.map((s) => s.name), ['s']);
  assert.ok(prog.files.has(path.join(root, 'withscen.dmabuf')));
});

test('a chain of imports deeper than the limit stops with an IMPORT error', () => {
  for (let i = 0; i < 80; i++) write(`chain/c${i}.dmabuf`, `import "c${i + 1}.dmabuf"`);
  write('chain/c80.dmabuf', 'platform end { }');
  const f = check('chain/main.dmabuf', 'import "c0.dmabuf"');
  assert.equal(f.length, 1);
  assert.match(f[0], /nested more than 64 deep/);
});
