// `npm run package`: builds the bundles, stages exactly what the installed extension uses in a
// temporary folder, and packs that folder into a .vsix with @vscode/vsce. Staging keeps vsce from
// walking the repository (node_modules, .e2e/ with code-server: minutes on a busy machine) and
// makes the content a whitelist. Dependencies are bundled by esbuild, so --no-dependencies.
// Prints every file with its size, the totals, and a closing `VSIX <path> <bytes>` line.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const out = path.join(root, `${pkg.name}-${pkg.version}.vsix`);

/** What goes in: the bundles (the C-check worker with its tree-sitter .wasm files too), rule pages and platforms the server reads, grammar, snippets, walkthrough, media. */
const REQUIRED = ['package.json', 'dist/extension.js', 'dist/server.js', 'dist/webview.js'];
const OPTIONAL = [
  'README.md', 'LICENSE', 'CHANGELOG.md', 'language-configuration.json', '.vscodeignore',
  'dist/worker.js', 'dist/c-worker.js', 'dist/tree-sitter.wasm', 'dist/tree-sitter-c.wasm', 'dist/docs', 'dist/platforms', 'syntaxes', 'snippets', 'media', 'walkthrough',
];

function run(cmd, args, cwd = root) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) {
    process.stderr.write(r.stdout + r.stderr);
    console.error(`package: ${args.slice(0, 2).map((a) => path.basename(a)).join(' ')} failed (exit ${r.status})`);
    process.exit(1);
  }
  return r.stdout + r.stderr;
}

function walk(dir, base = dir, acc = []) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, base, acc);
    else acc.push(path.relative(base, p));
  }
  return acc;
}

// vsce (and its ~250 packages) only packs the .vsix: it is installed on first use into the
// git-ignored .e2e/ rather than by npm ci, so that setting up for the demo stays quick.
const VSCE_VERSION = '3.9.2';
function ensureVsce() {
  const prefix = path.join(root, '.e2e', 'vsce');
  const bin = path.join(prefix, 'node_modules', '@vscode', 'vsce', 'vsce');
  if (fs.existsSync(bin)) return bin;
  console.log(`package: installing @vscode/vsce@${VSCE_VERSION} into .e2e/vsce (first use only)`);
  fs.mkdirSync(prefix, { recursive: true });
  fs.writeFileSync(path.join(prefix, 'package.json'), '{"private":true}\n');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  run(npm, ['install', '--no-audit', '--no-fund', `@vscode/vsce@${VSCE_VERSION}`], prefix);
  if (!fs.existsSync(bin)) {
    console.error(`package: @vscode/vsce@${VSCE_VERSION} did not install into ${prefix}`);
    process.exit(1);
  }
  return bin;
}

const t0 = Date.now();
run(process.execPath, [path.join(root, 'scripts', 'build.mjs')]);
const missing = REQUIRED.filter((f) => !fs.existsSync(path.join(root, f)));
if (missing.length) {
  console.error(`package: missing ${missing.join(', ')} (the build did not produce them)`);
  process.exit(1);
}
const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'dmabuf-vsix-'));
try {
  for (const f of [...REQUIRED, ...OPTIONAL]) {
    const from = path.join(root, f);
    if (!fs.existsSync(from)) continue;
    // Source maps stay out: they double the size and the installed extension never reads them.
    fs.cpSync(from, path.join(stage, f), { recursive: true, filter: (src) => !src.endsWith('.map') });
  }
  fs.rmSync(out, { force: true });
  const vsce = ensureVsce();
  // A private project without LICENSE file or repository field: say so rather than be prompted.
  run(process.execPath, [vsce, 'package', '--no-dependencies', '--skip-license', '--allow-missing-repository', '--out', out], stage);
  let unpacked = 0;
  const files = walk(stage).filter((f) => f !== '.vscodeignore').sort();
  for (const f of files) {
    const size = fs.statSync(path.join(stage, f)).size;
    unpacked += size;
    console.log(`  ${String(size).padStart(9)}  ${f}`);
  }
  const size = fs.statSync(out).size;
  console.log(`${files.length} files, ${(unpacked / 1024).toFixed(0)} KiB unpacked, ${(size / 1024).toFixed(0)} KiB packed, in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  console.log(`VSIX ${out} ${size}`);
} finally {
  fs.rmSync(stage, { recursive: true, force: true });
}
