// Bundles the extension client, the language server, its engine worker, the CLI and the trace webview.
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import { spawnSync } from 'node:child_process';

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
  { ...common, entryPoints: ['server/src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
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

if (watch) {
  for (const b of builds) (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
  if (fs.existsSync('dist/cli.js')) fs.chmodSync('dist/cli.js', 0o755);
  // One Markdown page per rule next to the server: the target of each diagnostic's codeDescription.
  await esbuild.build({ ...common, sourcemap: false, entryPoints: ['scripts/gen-rule-docs.ts'], outfile: 'dist/.gen/gen-rule-docs.js' });
  const gen = spawnSync(process.execPath, ['dist/.gen/gen-rule-docs.js', 'dist/docs/rules'], { stdio: 'inherit' });
  fs.rmSync('dist/.gen', { recursive: true, force: true });
  if (gen.status !== 0) process.exit(1);
}
