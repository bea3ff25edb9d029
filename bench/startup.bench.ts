// CLI start-up: `node dist/cli.js` on an empty file against `node -e 0`, the cost of Node itself.
// The two are run alternately so that a change in the machine's load hits both alike; the figure
// is the difference of their medians (budget: the CLI adds at most 30 ms to Node's own start).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { percentile, quick, record, round } from './report';

const CLI = path.resolve(__dirname, '..', 'dist', 'cli.js');
const RUNS = quick ? 12 : 40;

function wallMs(args: readonly string[]): number {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { stdio: 'ignore' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}`);
  return ms;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dmabuf-startup-'));
const empty = path.join(dir, 'empty.dmabuf');
fs.writeFileSync(empty, '');
const node: number[] = [];
const cli: number[] = [];
try {
  wallMs(['-e', '0']);
  wallMs([CLI, empty]); // warm the file cache for both
  for (let i = 0; i < RUNS; i++) {
    node.push(wallMs(['-e', '0']));
    cli.push(wallMs([CLI, empty]));
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
const nodeMs = percentile(node, 50);
const cliMs = percentile(cli, 50);
console.log(`  node -e 0: median ${nodeMs.toFixed(1)} ms; node dist/cli.js empty.dmabuf: median ${cliMs.toFixed(1)} ms (${RUNS} runs each, alternated)`);
record([
  { id: 'startup.node', name: 'node -e 0 (Node itself), median', value: round(nodeMs), unit: 'ms', better: 'lower', regress: false },
  { id: 'startup.cli', name: 'node dist/cli.js on an empty file, median', value: round(cliMs), unit: 'ms', better: 'lower', regress: false },
  {
    id: 'startup.cli-over-node',
    name: 'CLI start-up over Node\'s own (difference of medians)',
    value: round(cliMs - nodeMs),
    unit: 'ms',
    better: 'lower',
    budget: 30,
    regress: false,
  },
]);
