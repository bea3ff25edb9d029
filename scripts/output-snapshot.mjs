// The CLI's output on every input the project keeps (samples, rule fixtures, the bench files), one
// snapshot file per input and format, so that a refactor can show it changes nothing:
//
//   node scripts/output-snapshot.mjs record DIR      writes DIR/<input>.{text,json,sarif,trace}
//   node scripts/output-snapshot.mjs compare A B     lists the snapshots that differ (exit 1 if any)
//
// `trace` holds `--trace NAME` (text and JSON) for every scenario of the input. The CLI runs in
// process (runCli, what dist/cli.js binds to the real process) so a full record takes seconds.
// Bench inputs are generated into one fixed temporary folder (their paths appear in the output):
// the ring model (race-free and buggy) and a file from the bench's generator.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [mode, a, b] = process.argv.slice(2);

// The CLI's sources are TypeScript: run again under tsx unless already there.
if (!process.env.OUTPUT_SNAPSHOT_TSX) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit', env: { ...process.env, OUTPUT_SNAPSHOT_TSX: '1' } });
  process.exit(r.status ?? 1);
}

if (mode === 'record' && a) await record(path.resolve(a));
else if (mode === 'compare' && a && b) process.exit(compare(path.resolve(a), path.resolve(b)));
else {
  console.error('usage: node scripts/output-snapshot.mjs record DIR | compare DIR_A DIR_B');
  process.exit(2);
}

function walk(dir, acc = []) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, acc);
    else if (e.name.endsWith('.dmabuf')) acc.push(p);
  }
  return acc.sort();
}

async function benchInputs(dir) {
  fs.mkdirSync(dir, { recursive: true });
  const ring = path.join(root, '..', 'shared', 'bench', 'ring-model.py');
  if (fs.existsSync(ring)) {
    for (const [name, extra] of [['ring-3x6x2', []], ['ring-3x6x2-bug', ['--bug']], ['ring-4x8x4', []]]) {
      const [n, m, bb] = name.split('-')[1].split('x');
      const r = spawnSync('python3', [ring, n, m, bb, path.join(dir, name), ...extra], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`ring-model.py failed: ${r.stderr}`);
      fs.rmSync(path.join(dir, `${name}.pml`), { force: true });
    }
  }
  const gen = await import(path.join(root, 'bench', 'generators.ts'));
  fs.writeFileSync(path.join(dir, 'generated-400.dmabuf'), (gen.generateFile ?? gen.default.generateFile)(400).text);
  return walk(dir);
}

async function record(out) {
  fs.rmSync(out, { recursive: true, force: true });
  const inputs = [...walk(path.join(root, 'samples')), ...walk(path.join(root, 'test', 'fixtures'))];
  const benchDir = path.join(os.tmpdir(), 'dmabuf-lab-snapshot-inputs');
  const bench = await benchInputs(benchDir);
  const { runCli } = await import(path.join(root, 'server', 'src', 'cli', 'run.ts'));
  const cli = (args, cwd) => {
    let stdout = '';
    let stderr = '';
    const code = runCli(args, { cwd, stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), version: '0.0.0-snapshot' });
    // Absolute paths (SARIF URIs, trace locations) name the checkout: written as <root>.
    return `${stdout}${stderr ? `--- stderr\n${stderr}` : ''}--- exit ${code}\n`.replaceAll(root, '<root>');
  };
  let count = 0;
  for (const file of [...inputs, ...bench]) {
    const isBench = file.startsWith(benchDir);
    const cwd = isBench ? benchDir : root;
    const rel = path.relative(cwd, file);
    const key = path.join(out, isBench ? 'bench' : '', rel);
    fs.mkdirSync(path.dirname(key), { recursive: true });
    const args = isBench ? ['--root', cwd] : [];
    for (const format of ['text', 'json', 'sarif']) fs.writeFileSync(`${key}.${format}`, cli([...args, '--format', format, rel], cwd));
    const names = [...fs.readFileSync(file, 'utf8').matchAll(/^\s*scenario\s+([A-Za-z_][A-Za-z0-9_]*)/gm)].map((m) => m[1]);
    let traces = '';
    for (const name of names) {
      traces += `=== ${name} (text)\n${cli([...args, '--trace', name, rel], cwd)}`;
      traces += `=== ${name} (json)\n${cli([...args, '--format', 'json', '--trace', name, rel], cwd)}`;
    }
    fs.writeFileSync(`${key}.trace`, traces);
    count++;
  }
  if (count === 0) {
    console.error('no inputs found: nothing was recorded');
    process.exit(1);
  }
  console.log(`recorded the CLI's output on ${count} inputs into ${out}`);
}

function snapshots(dir) {
  const acc = [];
  const go = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) go(p);
      else acc.push(path.relative(dir, p));
    }
  };
  go(dir);
  return acc.sort();
}

function compare(x, y) {
  const left = snapshots(x);
  const right = new Set(snapshots(y));
  if (left.length === 0) {
    console.error(`${x}: no snapshots`);
    return 2;
  }
  let differ = 0;
  const say = (line) => {
    if (differ < 60) console.log(line);
    else if (differ === 60) console.log('…');
  };
  for (const f of left) {
    if (!right.has(f)) {
      say(`only in ${x}: ${f}`);
      differ++;
      continue;
    }
    right.delete(f);
    if (!fs.readFileSync(path.join(x, f)).equals(fs.readFileSync(path.join(y, f)))) {
      say(`differs: ${f}`);
      differ++;
    }
  }
  for (const f of right) {
    say(`only in ${y}: ${f}`);
    differ++;
  }
  console.log(`${left.length} snapshots compared, ${differ} differ`);
  return differ ? 1 : 0;
}
