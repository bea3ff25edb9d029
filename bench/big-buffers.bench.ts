// Big buffers (the issue "no verdict for a 4 GiB GEM buffer"): each scenario of
// ../shared/bench/big-buffers.dmabuf (a 16 GiB system heap, a 4 GiB GEM export, 16 GiB of VRAM for
// a P2P importer) checked in process (engine time, median) and through the CLI on a file of its
// own (wall time and peak RSS of the process), with whether the budget cut it short. The input
// lives outside the repository, as the ring models do (scripts/output-snapshot.mjs): without it
// the figures are skipped. bench/gib-paths.dmabuf, the project's own, takes the paths that used to
// go page by page or segment by segment (a ttm move of 8 GiB to system pages, swiotlb bounces, a
// device with a 64 KiB segment boundary, an explicit iommu_map of 4 GiB): figures without budgets.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { percentile, quick, record, round, type Figure } from './report';
import { simulate } from '../server/src/engine/simulate';
import { bindProgram, type FileHost } from '../server/src/language/program';

const root = process.cwd();
const inputs = [
  { file: path.join(root, '..', 'shared', 'bench', 'big-buffers.dmabuf'), budgets: true },
  { file: path.join(root, 'bench', 'gib-paths.dmabuf'), budgets: false },
];
const cli = path.join(root, 'dist', 'cli.js');
const host: FileHost = { readFile: () => undefined, realpath: (p) => p };
const figures: Figure[] = [];

/** The platform part of the file and one text per scenario (platform + that scenario). */
function split(text: string): { name: string; text: string }[] {
  const at = text.indexOf('\nscenario ');
  const platform = text.slice(0, at + 1);
  return text
    .slice(at + 1)
    .split(/\n(?=scenario )/)
    .map((s) => ({ name: /^scenario (\S+)/.exec(s)?.[1] ?? '?', text: platform + s }));
}

function engineMs(name: string, text: string): { ms: number; cutShort: boolean } {
  const program = bindProgram({ path: `/bench/${name}.dmabuf`, text }, { root: '/bench', host });
  const times: number[] = [];
  let cutShort = false;
  for (let i = 0; i < (quick ? 3 : 7); i++) {
    const t0 = performance.now();
    const r = simulate(program);
    if (i > 0) times.push(performance.now() - t0); // the first run warms the JIT up
    cutShort ||= r.scenarios.some((s) => s.exploration.cutShort);
  }
  return { ms: percentile(times, 50), cutShort };
}

/** Wall time and peak RSS of `node dist/cli.js FILE` (peak RSS from /usr/bin/time -f %M when present). */
function cliRun(file: string): { wallMs: number; rssMb: number | null; budget: boolean } {
  const time = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
  const t0 = performance.now();
  const r = time
    ? spawnSync(time, ['-f', '@@rss %M', process.execPath, cli, file], { encoding: 'utf8' })
    : spawnSync(process.execPath, [cli, file], { encoding: 'utf8' });
  const wallMs = performance.now() - t0;
  const rss = /@@rss (\d+)/.exec(r.stderr ?? '');
  return { wallMs, rssMb: rss ? Number(rss[1]) / 1024 : null, budget: /\bBUDGET\b/.test(r.stdout ?? '') };
}

for (const { file: input, budgets } of inputs) {
  if (!fs.existsSync(input)) {
    console.log(`  ${input} is absent: its figures are skipped`);
    continue;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dmabuf-big-'));
  for (const { name, text } of split(fs.readFileSync(input, 'utf8'))) {
    const engine = engineMs(name, text);
    const file = path.join(dir, `${name}.dmabuf`);
    fs.writeFileSync(file, text);
    const c = cliRun(file);
    const cut = engine.cutShort || c.budget;
    console.log(
      `  ${name}: engine ${engine.ms.toFixed(1)} ms, CLI ${c.wallMs.toFixed(0)} ms wall, peak RSS ${c.rssMb === null ? '?' : c.rssMb.toFixed(0)} MB${cut ? ', BUDGET (cut short)' : ', no BUDGET'}`,
    );
    const note = cut ? 'the budget cut it short (BUDGET)' : undefined;
    figures.push(
      { id: `big.engine.ms@${name}`, name: `engine time, ${name} (median)`, value: round(engine.ms, 1), unit: 'ms', better: 'lower', ...(budgets ? { budget: 100 } : {}), regress: true, ...(note ? { note } : {}) },
      { id: `big.cli.ms@${name}`, name: `dmabuf-check wall time, ${name}`, value: round(c.wallMs, 0), unit: 'ms', better: 'lower', ...(budgets ? { budget: 1000 } : {}), regress: false },
      {
        id: `big.cli.rss@${name}`,
        name: `dmabuf-check peak RSS, ${name}`,
        value: c.rssMb === null ? null : round(c.rssMb, 0),
        unit: 'MB',
        better: 'lower',
        ...(budgets ? { budget: 250 } : {}),
        regress: false,
        ...(c.rssMb === null ? { note: '/usr/bin/time is absent' } : {}),
      },
    );
  }
  fs.rmSync(dir, { recursive: true, force: true });
}
record(figures);
