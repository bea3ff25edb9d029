// `npm run bench`: runs every bench/*.bench.ts with tsx, one process each (so one benchmark's
// warm-up or garbage does not skew another), collects the figures each prints on a final
// `@@bench {json}` line, prints them as one table and merges them into bench/results.json.
// Benchmarks print figures; nothing here asserts timings.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const benchDir = path.join(root, 'bench');
const only = process.argv.slice(2);
const files = fs
  .readdirSync(benchDir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

const resultsPath = path.join(benchDir, 'results.json');
let results = {};
try {
  results = JSON.parse(fs.readFileSync(resultsPath, 'utf8'));
} catch {
  results = {};
}

const rows = [];
let failed = 0;
for (const f of files) {
  console.log(`\n=== ${f}`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(benchDir, f)], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20 });
  const out = r.stdout ?? '';
  const line = out.split('\n').reverse().find((l) => l.startsWith('@@bench '));
  process.stdout.write(out.split('\n').filter((l) => !l.startsWith('@@bench ')).join('\n'));
  if (r.status !== 0 || !line) {
    console.log(`\n${f}: failed (exit ${r.status})`);
    failed++;
    continue;
  }
  const figures = JSON.parse(line.slice('@@bench '.length));
  results[f.replace(/\.bench\.ts$/, '')] = { date: new Date().toISOString(), node: process.version, figures };
  for (const fig of figures) rows.push({ bench: f.replace(/\.bench\.ts$/, ''), ...fig });
}

fs.writeFileSync(resultsPath, JSON.stringify(results, null, 2) + '\n');
const w = (s, n) => String(s).padEnd(n);
const width = Math.max(10, ...rows.map((r) => r.name.length));
console.log(`\n${w('bench', 10)} ${w('figure', width)} ${w('value', 12)} unit`);
for (const r of rows) console.log(`${w(r.bench, 10)} ${w(r.name, width)} ${w(typeof r.value === 'number' ? +r.value.toFixed(2) : r.value, 12)} ${r.unit}${r.note ? `  (${r.note})` : ''}`);
console.log(`\nresults merged into ${path.relative(root, resultsPath)}`);
process.exit(failed ? 1 : 0);
