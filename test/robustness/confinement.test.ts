// Confinement: opening a file never reaches outside its root, writes nothing and runs nothing.
// test/language/imports.test.ts has one example per refusal (.., absolute, backslash, symlinks,
// cycles); here the same guarantees are checked as properties over random import paths and over
// fuzz inputs, plus the trace webview's message guards over arbitrary values.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import childProcess from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { analyze } from '../../server/src/analysis';
import { bindProgram, nodeFileHost, type FileHost } from '../../server/src/language/program';
import { isHostToWebview, isWebviewToHost, RULE_CODE } from '../../client/src/webview/messages';
import { REPO, generate, FUZZ_KINDS } from './fuzz/generators';

const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'dmabuf-confine-')));
const root = path.join(base, 'root');
const outside = path.join(base, 'outside');
after(() => fs.rmSync(base, { recursive: true, force: true }));

const PLATFORM = 'platform p extends arm64_soc {\n}\n';
fs.mkdirSync(path.join(root, 'sub', 'deep'), { recursive: true });
fs.mkdirSync(outside, { recursive: true });
fs.writeFileSync(path.join(root, 'a.dmabuf'), PLATFORM);
fs.writeFileSync(path.join(root, 'sub', 'b.dmabuf'), 'import "../a.dmabuf"\n');
fs.writeFileSync(path.join(root, 'sub', 'deep', 'c.dmabuf'), 'import "../../main.dmabuf"\n');
fs.writeFileSync(path.join(outside, 'secret.dmabuf'), PLATFORM);
fs.symlinkSync(outside, path.join(root, 'link_out'));
fs.symlinkSync(path.join(outside, 'secret.dmabuf'), path.join(root, 'secret_link.dmabuf'));
fs.symlinkSync(path.join(root, 'sub'), path.join(root, 'link_in'));

function inside(p: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** nodeFileHost that remembers every file it was asked to read. */
function recordingHost(reads: string[]): FileHost {
  return {
    readFile: (p) => {
      reads.push(p);
      return nodeFileHost.readFile(p);
    },
    realpath: (p) => nodeFileHost.realpath(p),
  };
}

const SEGMENTS = ['..', '.', '', 'a.dmabuf', 'sub', 'deep', 'b.dmabuf', 'c.dmabuf', 'main.dmabuf', 'link_out', 'link_in', 'secret.dmabuf', 'secret_link.dmabuf', 'outside', 'root', '~', 'C:', '%2e%2e', '\\', '..\\..', '\u0000', 'é'];

const importPath = fc.tuple(fc.constantFrom('', '/', '//', './', '../', base + '/'), fc.array(fc.constantFrom(...SEGMENTS), { minLength: 1, maxLength: 6 })).map(([lead, segs]) => lead + segs.join('/'));

describe('imports over random paths', () => {
  test('no file outside the root is ever read, and every import that would leave it is an IMPORT error', () => {
    fc.assert(
      fc.property(fc.array(importPath, { minLength: 1, maxLength: 4 }), (specs) => {
        const text = specs.map((s) => `import "${s.replace(/\\/g, '\\\\').replace(/"/g, '')}"`).join('\n') + '\nscenario s on arm64_soc {\n  f = fence\n  signal f\n}\n';
        const reads: string[] = [];
        const program = bindProgram({ path: path.join(root, 'main.dmabuf'), text }, { root, host: recordingHost(reads) });
        for (const r of reads) {
          const real = nodeFileHost.realpath(r) ?? r;
          assert.ok(inside(real), `read ${r} (${real}) outside the root for ${JSON.stringify(specs)}`);
        }
        const importErrors = program.findings.filter((f) => f.code === 'IMPORT').length;
        const escapes = specs.filter((s) => {
          if (s.includes('\\') || s.includes('\u0000') || s.startsWith('/') || s.startsWith('~') || /^[A-Za-z]:/.test(s)) return true;
          const target = path.resolve(root, s);
          const real = nodeFileHost.realpath(target);
          return !inside(target) || (real !== undefined && !inside(real));
        }).length;
        assert.ok(importErrors >= escapes, `${escapes} escaping imports, ${importErrors} IMPORT errors for ${JSON.stringify(specs)}`);
      }),
      { numRuns: 300, seed: 99 },
    );
  });

  test('an import cycle through a symlinked folder is an error, not a loop', () => {
    const text = 'import "link_in/deep/c.dmabuf"\nscenario s on arm64_soc {\n}\n';
    fs.writeFileSync(path.join(root, 'main.dmabuf'), text);
    const program = bindProgram({ path: path.join(root, 'main.dmabuf'), text }, { root, host: nodeFileHost });
    assert.match(program.findings.map((f) => `${f.code} ${f.message}`).join('\n'), /IMPORT .*cycle/);
  });
});

describe('nothing written, nothing executed', () => {
  test('checking samples, fixtures and fuzz inputs never writes a file or starts a process', () => {
    const calls: string[] = [];
    const fsWriters = ['writeFileSync', 'writeFile', 'appendFileSync', 'appendFile', 'mkdirSync', 'mkdir', 'rmSync', 'rm', 'unlinkSync', 'unlink', 'renameSync', 'rename', 'copyFileSync', 'symlinkSync', 'createWriteStream', 'openSync'] as const;
    const spawners = ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'] as const;
    const saved = new Map<string, unknown>();
    const patch = (obj: Record<string, unknown>, name: string, label: string): void => {
      saved.set(label, obj[name]);
      obj[name] = (...args: unknown[]) => {
        calls.push(`${label}(${String(args[0])})`);
        throw new Error(`${label} called during analysis`);
      };
    };
    const fsObj = fs as unknown as Record<string, unknown>; // patched in place: the pipeline imports this same object
    const cpObj = childProcess as unknown as Record<string, unknown>;
    const texts: string[] = [];
    for (const dir of ['samples', path.join('test', 'fixtures')]) {
      for (const f of fs.readdirSync(path.join(REPO, dir), { recursive: true }) as string[]) {
        if (f.endsWith('.dmabuf')) texts.push(fs.readFileSync(path.join(REPO, dir, f), 'utf8').replace(/\b\d+\s*(MiB|GiB)\b/g, '64KiB'));
      }
    }
    for (const kind of FUZZ_KINDS) for (let i = 0; i < 10; i++) texts.push(generate(kind, 5, i));
    texts.push('import "/etc/passwd"\nimport "../../../../bin/sh"\nimport "$(touch /tmp/x)"\nimport "`rm -rf /`"\n');
    for (const name of fsWriters) patch(fsObj, name, `fs.${name}`);
    for (const name of spawners) patch(cpObj, name, `child_process.${name}`);
    try {
      for (const text of texts) {
        analyze({ path: path.join(root, 'main.dmabuf'), text }, { root, host: nodeFileHost, engine: { budget: { maxStates: 16, maxMillis: 1000 } } });
      }
    } finally {
      for (const name of fsWriters) fsObj[name] = saved.get(`fs.${name}`);
      for (const name of spawners) cpObj[name] = saved.get(`child_process.${name}`);
    }
    assert.ok(texts.length > 40, `${texts.length} files checked`);
    assert.deepEqual(calls, []);
  });
});

describe('trace webview messages', () => {
  test('the guards never throw and accept only the exact message shapes, whatever arrives', () => {
    const accepted = new Set<unknown>();
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.record({ type: fc.constantFrom('ready', 'run', 'reveal', 'openRuleDocs', 'load', 'notice', 'select', '__proto__'), step: fc.anything(), code: fc.anything(), text: fc.anything(), level: fc.anything() }, { requiredKeys: ['type'] }), fc.constantFrom('ready', 'run').map((type) => ({ type }))), (x) => {
        const fromWebview = isWebviewToHost(x);
        isHostToWebview(x);
        if (!fromWebview) return;
        const m = x as unknown as Record<string, unknown>;
        accepted.add(m.type);
        if (m.type === 'reveal') assert.ok(Number.isInteger(m.step) && (m.step as number) >= 1);
        else if (m.type === 'openRuleDocs') assert.ok(typeof m.code === 'string' && RULE_CODE.test(m.code) && !/[/\\.]/.test(m.code));
        else assert.deepEqual(Object.keys(m), ['type']);
      }),
      { numRuns: 2000, seed: 7 },
    );
    // The checks above run only on accepted messages: some of every shape must have been accepted.
    assert.deepEqual([...accepted].sort(), ['openRuleDocs', 'ready', 'reveal', 'run']);
  });

  test('the webview bundle has no eval, no HTML injection sinks and no remote URL', () => {
    const bundle = fs.readFileSync(path.join(REPO, 'dist', 'webview.js'), 'utf8');
    assert.doesNotMatch(bundle, /\beval\(|new Function\(|\.innerHTML\s*=|\.outerHTML\s*=|insertAdjacentHTML|document\.write/);
    const urls = [...bundle.matchAll(/https?:\/\/[^\s"'`)]+/g)].map((m) => m[0]);
    assert.deepEqual(urls.filter((u) => u !== 'http://www.w3.org/2000/svg'), [], 'only the SVG namespace');
  });
});
