// Bundles the extension client, the language server, its engine and C-check workers, the CLI and the trace webview.
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';

const watch = process.argv.includes('--watch');
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  loader: { '.dmabuf': 'text', '.md': 'text' },
};
const builds = [
  // Minified (names kept, source map beside it): VS Code loads this into every window's extension
  // host, and the budget is 1 MB; unminified, vscode-languageclient alone nearly fills it.
  { ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'], minify: true, keepNames: true },
  { ...common, entryPoints: ['server/src/lsp/main.ts'], outfile: 'dist/server.js' },
  { ...common, entryPoints: ['server/src/lsp/worker/main.ts'], outfile: 'dist/worker.js' },
  // The C-check worker (dmabuf.checkC): its own bundle, with the tree-sitter runtime it loads.
  { ...common, entryPoints: ['server/src/lsp/cworker/main.ts'], outfile: 'dist/c-worker.js' },
  // The CLI is a small launcher (dist/cli.js) that runs the checker (dist/cli-main.js) from V8's
  // code cache, written below: most of its start-up over Node's own was compiling the checker.
  { ...common, entryPoints: ['server/src/cli/launch.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  { ...common, entryPoints: ['server/src/cli/main.ts'], outfile: 'dist/cli-main.js', minify: true, keepNames: true },
  { ...common, entryPoints: ['client/src/webview/main.ts'], outfile: 'dist/webview.js', platform: 'browser', format: 'iife', target: 'es2020' },
].filter((b) => fs.existsSync(b.entryPoints[0]));

// The grammar's statement keywords come from the statement table (scripts/grammar.ts): regenerate
// them first, so the bundles and the packaged grammar agree.
await esbuild.build({ ...common, sourcemap: false, entryPoints: ['scripts/gen-grammar.ts'], outfile: 'dist/.gen/gen-grammar.js' });
const grammar = spawnSync(process.execPath, ['dist/.gen/gen-grammar.js', 'syntaxes/dmabuf.tmLanguage.json'], { stdio: 'inherit' });
fs.rmSync('dist/.gen/gen-grammar.js', { force: true });
if (grammar.status !== 0) process.exit(1);

// The built-in platforms are read at run time beside the bundles (server/src/language/builtins.ts).
fs.mkdirSync('dist/platforms', { recursive: true });
for (const f of fs.readdirSync('server/src/language/platforms').filter((n) => n.endsWith('.dmabuf'))) {
  fs.copyFileSync(`server/src/language/platforms/${f}`, `dist/platforms/${f}`);
}

// tree-sitter's runtime and C grammar (server/src/cdriver/c-syntax.ts) are read beside the bundles too.
fs.copyFileSync('node_modules/web-tree-sitter/tree-sitter.wasm', 'dist/tree-sitter.wasm');
fs.copyFileSync('node_modules/tree-sitter-c/tree-sitter-c.wasm', 'dist/tree-sitter-c.wasm');

if (watch) {
  for (const b of builds) (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
  if (fs.existsSync('dist/cli.js')) {
    fs.chmodSync('dist/cli.js', 0o755);
    // The code cache: V8's code for what a start compiles (an empty file checked: the parser, the
    // binder, the built-in platforms, the output), from a run of this very Node.
    fs.rmSync('dist/cli-main.js.cache', { force: true });
    const empty = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dmabuf-cache-')), 'empty.dmabuf');
    fs.writeFileSync(empty, '');
    const warm = spawnSync(process.execPath, ['dist/cli.js', empty], { env: { ...process.env, DMABUF_WRITE_CODE_CACHE: '1' }, stdio: 'ignore' });
    fs.rmSync(path.dirname(empty), { recursive: true, force: true });
    if (warm.status !== 0 || !fs.existsSync('dist/cli-main.js.cache')) console.log('build: the CLI code cache was not written; the CLI starts without it');
  }
  // One Markdown page per rule next to the server: the target of each diagnostic's codeDescription.
  await esbuild.build({ ...common, sourcemap: false, entryPoints: ['scripts/gen-rule-docs.ts'], outfile: 'dist/.gen/gen-rule-docs.js' });
  const gen = spawnSync(process.execPath, ['dist/.gen/gen-rule-docs.js', 'dist/docs/rules'], { stdio: 'inherit' });
  fs.rmSync('dist/.gen', { recursive: true, force: true });
  if (gen.status !== 0) process.exit(1);
}
