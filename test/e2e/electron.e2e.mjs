// The Mocha suite (test/suite) in desktop VS Code through @vscode/test-electron. It runs when
// VSCODE_EXECUTABLE_PATH names a VS Code executable or when VS Code can be downloaded; otherwise
// it exits 77 (skipped) with one line saying why. On machines without either, the same suite runs
// inside code-server (test/e2e/code-server.e2e.mjs).
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
const { runTests } = require('@vscode/test-electron');
const NETWORK = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENETUNREACH']);

const exe = process.env.VSCODE_EXECUTABLE_PATH || undefined;
if (!fs.existsSync(path.join(ROOT, 'dist', 'extension.js')) || !fs.existsSync(path.join(ROOT, 'dist', 'server.js'))) {
  console.log('electron suite: dist/ is not built (npm run build)');
  console.log('0 passed, 1 failed');
  process.exit(1);
}
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dmabuf-electron-'));
const ws = path.join(tmp, 'ws');
fs.cpSync(path.join(ROOT, 'test', 'e2e', 'vscode', 'workspace'), ws, { recursive: true });
let code = 1;
try {
  await runTests({
    vscodeExecutablePath: exe,
    extensionDevelopmentPath: ROOT,
    extensionTestsPath: path.join(ROOT, 'test', 'suite', 'index.js'),
    launchArgs: [ws, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes',
      `--user-data-dir=${path.join(tmp, 'user-data')}`, `--extensions-dir=${path.join(tmp, 'extensions')}`],
  });
  console.log('1 passed, 0 failed');
  code = 0;
} catch (err) {
  const e = /** @type {{ code?: string, hostname?: string }} */ (err ?? {});
  if (!exe && e.code && NETWORK.has(e.code)) {
    console.log(`SKIP electron suite: no VS Code here and it cannot be downloaded (${e.code}${e.hostname ? ` ${e.hostname}` : ''}); ` +
      'set VSCODE_EXECUTABLE_PATH to run it. The same suite runs in code-server: test/e2e/code-server.e2e.mjs');
    code = 77;
  } else {
    console.log(`electron suite failed: ${err instanceof Error ? err.message : String(err)}`);
    console.log('0 passed, 1 failed');
  }
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
process.exit(code);
