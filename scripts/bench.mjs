// `npm run bench`: runs every bench/*.bench.ts with tsx, one process each (so one benchmark's
// warm-up or garbage does not skew another), collects the figures each prints on a final
// `@@bench {json}` line, prints them as one table and merges them into bench/results.json.
// Benchmarks print figures; nothing here asserts timings.
//
//   npm run bench                      build, every bench → table + bench/results.json
//   npm run bench -- lsp engine        only the bench files whose names contain these words
//   npm run bench -- --quick           short variant (CI): figures go to bench/results.local.json
//                                      and are compared with bench/baseline.json; exit 1 only when
//                                      a figure is 3× worse than recorded
//   npm run bench -- --quick --record  record the short variant's figures as bench/baseline.json
//
// A figure is { name, value, unit, note? } and may add { id, budget, better, regress }: a budget is
// printed as ok/OVER beside it (a maximum when lower is better); `regress: false` keeps a figure
// out of the 3× comparison (see bench/report.ts).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const benchDir = path.join(root, 'bench');
const flags = process.argv.slice(2).filter((a) => a.startsWith('--'));
const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const quick = flags.includes('--quick');
const recordBaseline = flags.includes('--record');
const REGRESSION = 3;
const files = fs
  .readdirSync(benchDir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

// The full bench's own tools (SPIN and gcc for the pipeline's Promela twin), installed here rather
// than by scripts/setup.sh so that setting up for the demo stays quick; idempotent, and optional.
if (!quick && process.env.DMABUF_SKIP_BENCH_SETUP !== '1') spawnSync('bash', [path.join(benchDir, 'setup-bench.sh')], { cwd: root, stdio: 'inherit' });

// The LSP and bundle benches measure dist/: build it first (a clean clone has none).
if (!flags.includes('--no-build')) {
  const b = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
  if (b.status !== 0) process.exit(1);
}

const resultsPath = path.join(benchDir, recordBaseline ? 'baseline.json' : quick ? 'results.local.json' : 'results.json');
let results = {};
try {
  results = recordBaseline ? {} : JSON.parse(fs.readFileSync(resultsPath, 'utf8'));
} catch {
  results = {};
}

const rows = [];
let failed = 0;
for (const f of files) {
  console.log(`\n=== ${f}${quick ? ' (quick)' : ''}`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(benchDir, f), ...(quick ? ['--quick'] : [])], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20 });
  const out = r.stdout ?? '';
  const line = out.split('\n').reverse().find((l) => l.startsWith('@@bench '));
  process.stdout.write(out.split('\n').filter((l) => !l.startsWith('@@bench ')).join('\n'));
  if (r.status !== 0 || !line) {
    console.log(`\n${f}: failed (exit ${r.status})`);
    failed++;
    continue;
  }
  const figures = JSON.parse(line.slice('@@bench '.length));
  // The load average says how shared the machine was while the figures were taken.
  results[f.replace(/\.bench\.ts$/, '')] = { date: new Date().toISOString(), node: process.version, quick, loadavg: os.loadavg().map((l) => +l.toFixed(2)), figures };
  for (const fig of figures) rows.push({ bench: f.replace(/\.bench\.ts$/, ''), ...fig });
}

fs.writeFileSync(resultsPath, JSON.stringify(results, null, 2) + '\n');

/** Lower is better for times and sizes, higher for rates; other figures (counts) have no direction. */
const better = (fig) => fig.better ?? (/\/s$/.test(fig.unit) ? 'higher' : /^(ms|s|kB|KiB|MB|MiB|B)$/.test(fig.unit) ? 'lower' : undefined);
const status = (fig) => {
  if (fig.budget === undefined) return '';
  if (typeof fig.value !== 'number') return 'n/a';
  return (better(fig) === 'higher' ? fig.value >= fig.budget : fig.value <= fig.budget) ? 'ok' : 'OVER';
};
const w = (s, n) => String(s).padEnd(n);
const width = Math.max(10, ...rows.map((r) => r.name.length));
console.log(`\n${w('bench', 10)} ${w('figure', width)} ${w('value', 12)} ${w('unit', 8)} budget`);
for (const r of rows) {
  const budget = r.budget === undefined ? '' : `${better(r) === 'higher' ? '≥' : '≤'} ${r.budget} ${status(r)}`;
  console.log(`${w(r.bench, 10)} ${w(r.name, width)} ${w(typeof r.value === 'number' ? +r.value.toFixed(2) : r.value, 12)} ${w(r.unit, 8)} ${budget}${r.note ? `  (${r.note})` : ''}`);
}
const budgeted = rows.filter((r) => r.budget !== undefined);
const over = budgeted.filter((r) => status(r) !== 'ok');
console.log(`\nbudgets: ${budgeted.length - over.length} held, ${over.length} not held${over.length ? `: ${over.map((r) => r.name).join('; ')}` : ''}`);
console.log(`results ${quick || recordBaseline ? 'written to' : 'merged into'} ${path.relative(root, resultsPath)}`);

if (quick && !recordBaseline) {
  const baselinePath = path.join(benchDir, 'baseline.json');
  if (!fs.existsSync(baselinePath)) {
    console.log('no bench/baseline.json to compare with: record one with npm run bench -- --quick --record');
    failed++;
  } else {
    const base = JSON.parse(fs.readFileSync(baselinePath, 'utf8'));
    const key = (bench, fig) => `${bench}:${fig.id ?? fig.name}`;
    const recorded = new Map(Object.entries(base).flatMap(([bench, b]) => b.figures.map((fig) => [key(bench, fig), fig])));
    let regressions = 0;
    for (const r of rows) {
      const b = recorded.get(key(r.bench, r));
      const dir = better(r);
      if (!b || !dir || r.regress === false || typeof b.value !== 'number' || typeof r.value !== 'number' || b.value <= 0) continue;
      const worse = dir === 'lower' ? r.value / b.value : b.value / Math.max(r.value, 1e-9);
      if (worse >= REGRESSION) {
        regressions++;
        console.log(`REGRESSION ${r.bench}: ${r.name}: ${+r.value.toFixed(2)} ${r.unit} against ${+b.value.toFixed(2)} recorded (${worse.toFixed(1)}× worse)`);
      }
    }
    console.log(`${rows.length - regressions} passed, ${regressions} failed (3× regression check against bench/baseline.json)`);
    if (regressions) failed++;
  }
}
process.exit(failed ? 1 : 0);
