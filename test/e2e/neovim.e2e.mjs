#!/usr/bin/env node
// End-to-end: the language server driven by a real third-party LSP client, Neovim's built-in one
// (Debian's neovim 0.7, installed by .ci/run via test/e2e/setup-e2e.sh), headless. Each case opens
// a scenario file, waits for the engine's diagnostics, asks for a hover and shuts the server down.
// Exit 0 pass, 1 fail, 77 skip (nvim missing outside CI). Prints "N passed, N failed".
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const nvim = ['/usr/bin/nvim', '/usr/local/bin/nvim'].find((p) => fs.existsSync(p)) ?? (spawnSync('sh', ['-c', 'command -v nvim'], { encoding: 'utf8' }).stdout.trim() || undefined);
if (!nvim) {
  if (process.env.CI) {
    console.log('neovim.e2e: nvim is not installed, and CI must run this test (run test/e2e/setup-e2e.sh)');
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
  console.log('neovim.e2e: skipped: nvim is not installed (test/e2e/setup-e2e.sh installs Debian neovim)');
  process.exit(77);
}
const server = path.join(repo, 'dist', 'server.js');
if (!fs.existsSync(server)) spawnSync(process.execPath, [path.join(repo, 'scripts', 'build.mjs')], { cwd: repo, stdio: 'inherit' });

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dmabuf-nvim-'));
const ws = path.join(tmp, 'ws');
fs.mkdirSync(ws);

let passed = 0;
let failed = 0;
const check = (name, ok, detail = '') => {
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? 'ok' : 'FAIL'} - ${name}${ok || !detail ? '' : `: ${detail}`}`);
};

/** The 0-based line of the first line of `text` containing `needle`. */
const lineOf = (text, needle) => text.split('\n').findIndex((l) => l.includes(needle));

const cases = [
  {
    // The shipped sample of an unbracketed CPU write: its //~ lines say CPU-02 and COH-02.
    name: 'sample broken-unbracketed-cpu-write-arm64',
    file: 'broken-unbracketed-cpu-write-arm64.dmabuf',
    text: fs.readFileSync(path.join(repo, 'samples', 'broken-unbracketed-cpu-write-arm64.dmabuf'), 'utf8'),
    expect: [
      ['CPU-02', 'cpu write va'],
      ['COH-02', 'submit camera read sgt'],
    ],
    // Hover on `sgt` in the submit: the sg_table the camera reads through, from the simulation.
    // (a Lua pattern: no alternation)
    hover: { needle: 'submit camera read sgt', column: '  submit camera read '.length, pattern: 'sg_table', also: /\| phys \| page \|.*dmaAddress/, label: 'the simulated sg_table of `sgt`' },
  },
  {
    // A fence nobody signals: HANG-01 only the engine can find.
    name: 'a hang',
    file: 'hang.dmabuf',
    text: 'scenario forgotten_signal on arm64_soc {\n  f = fence\n  wait f\n}\n',
    expect: [['HANG-01', 'wait f']],
    hover: { needle: 'wait f', column: 3, pattern: 'dma_fence_wait', label: 'the kernel call of `wait`' },
  },
];

const xdg = Object.fromEntries(['CACHE', 'STATE', 'DATA', 'CONFIG'].map((k) => [`XDG_${k}_HOME`, path.join(tmp, 'xdg', k.toLowerCase())]));
for (const c of cases) {
  const file = path.join(ws, c.file);
  fs.writeFileSync(file, c.text);
  const started = Date.now();
  const run = spawnSync(nvim, ['--headless', '--clean', '-n', '-i', 'NONE', '-u', 'NONE', '-c', `luafile ${path.join(repo, 'test', 'e2e', 'nvim', 'lsp-check.lua')}`], {
    env: {
      ...process.env,
      ...xdg,
      DMABUF_FILE: file,
      DMABUF_SERVER: `${process.execPath} ${server} --stdio`,
      DMABUF_EXPECT_CODE: c.expect.map(([code]) => code).join(','),
      DMABUF_HOVER_LINE: String(lineOf(c.text, c.hover.needle)),
      DMABUF_HOVER_COL: String(c.hover.column),
      DMABUF_HOVER_EXPECT: c.hover.pattern,
    },
    encoding: 'utf8',
    timeout: 90_000,
  });
  const wall = Date.now() - started;
  const line = (run.stdout ?? '').split('\n').find((l) => l.startsWith('{'));
  let result;
  try {
    result = line ? JSON.parse(line) : undefined;
  } catch {
    result = undefined;
  }
  check(`${c.name}: nvim ran the check script and reported JSON`, result !== undefined, `exit ${run.status}, stdout ${JSON.stringify(run.stdout)}, stderr ${JSON.stringify(run.stderr)}`);
  if (!result) continue;
  for (const [code, needle] of c.expect) {
    const d = (result.diagnostics ?? []).find((x) => x.code === code);
    check(`${c.name}: ${code} reached Neovim on its line`, d !== undefined && d.lnum === lineOf(c.text, needle) && d.source === 'dmabuf', JSON.stringify(result.diagnostics));
  }
  check(`${c.name}: hover shows ${c.hover.label}`, typeof result.hover === 'string' && new RegExp(c.hover.pattern).test(result.hover) && (!c.hover.also || c.hover.also.test(result.hover)), JSON.stringify(result.hover));
  check(`${c.name}: the server shut down cleanly (exit code 0)`, result.server_exit?.code === 0, JSON.stringify(result.server_exit));
  check(`${c.name}: the whole check passed inside nvim`, result.ok === true && run.status === 0, result.error ?? `nvim exit ${run.status}`);
  console.log(`neovim.e2e: ${c.name}: nvim ${result.nvim}, diagnostics after ${result.diagnostics_ms} ms, hover after ${result.hover_ms} ms, ${wall} ms wall`);
}
fs.rmSync(tmp, { recursive: true, force: true });
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
