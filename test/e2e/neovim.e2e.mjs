#!/usr/bin/env node
// End-to-end: the language server driven by a real third-party LSP client, Neovim's built-in one
// (Debian's neovim 0.7, installed by .ci/run via test/e2e/setup-e2e.sh), headless. It opens a
// scenario file, waits for the engine's diagnostic, asks for a hover and shuts the server down.
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
// A fence nobody signals: the engine reports HANG-01 at the wait (front-end findings alone would
// not prove the worker path works).
const file = path.join(ws, 'hang.dmabuf');
fs.writeFileSync(file, 'scenario forgotten_signal on arm64_soc {\n  f = fence\n  wait f\n}\n');

let passed = 0;
let failed = 0;
const check = (name, ok, detail = '') => {
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? 'ok' : 'FAIL'} - ${name}${ok || !detail ? '' : `: ${detail}`}`);
};

const xdg = Object.fromEntries(['CACHE', 'STATE', 'DATA', 'CONFIG'].map((k) => [`XDG_${k}_HOME`, path.join(tmp, 'xdg', k.toLowerCase())]));
const started = Date.now();
const run = spawnSync(nvim, ['--headless', '--clean', '-n', '-i', 'NONE', '-u', 'NONE', '-c', `luafile ${path.join(repo, 'test', 'e2e', 'nvim', 'lsp-check.lua')}`], {
  env: {
    ...process.env,
    ...xdg,
    DMABUF_FILE: file,
    DMABUF_SERVER: `${process.execPath} ${server} --stdio`,
    DMABUF_EXPECT_CODE: 'HANG-01',
    DMABUF_HOVER_LINE: '2',
    DMABUF_HOVER_COL: '3',
    DMABUF_HOVER_EXPECT: 'dma_fence_wait',
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
check('nvim ran the check script and reported JSON', result !== undefined, `exit ${run.status}, stdout ${JSON.stringify(run.stdout)}, stderr ${JSON.stringify(run.stderr)}`);
if (result) {
  const hang = (result.diagnostics ?? []).find((d) => d.code === 'HANG-01');
  check('the engine diagnostic reached Neovim at the wait', hang !== undefined && hang.lnum === 2 && hang.severity === 1 && hang.source === 'dmabuf', JSON.stringify(result.diagnostics));
  check('hover on `wait` names dma_fence_wait', typeof result.hover === 'string' && result.hover.includes('dma_fence_wait'), JSON.stringify(result.hover));
  check('the server shut down cleanly (exit code 0)', result.server_exit?.code === 0, JSON.stringify(result.server_exit));
  check('the whole check passed inside nvim', result.ok === true && run.status === 0, result.error ?? `nvim exit ${run.status}`);
  console.log(`neovim.e2e: nvim ${result.nvim}, diagnostics after ${result.diagnostics_ms} ms, hover after ${result.hover_ms} ms, ${wall} ms wall`);
}
fs.rmSync(tmp, { recursive: true, force: true });
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
