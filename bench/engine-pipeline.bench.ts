// Exploration of long runs: the N-stage pipeline of ring-model.py (one device job per stage and
// frame, a buffer reused every B frames). Three questions:
//   - does the time grow linearly with the run's length? 16 stages × 8 buffers, 128 to 4,096 jobs,
//     one run each (race-free: one schedule), ms and ms per job;
//   - 16×64×8 (1,024 jobs) with the default budget (2 s), race-free and with the dropped wait:
//     time, answered completely (no BUDGET) or not, race found or not;
//   - 8×16×4 in process, parse to verdict, against SPIN compiling and running the same model in
//     Promela (skipped, with the reason, when spin or gcc is missing or under --quick).
// Prints figures; asserts nothing. Run through `npm run bench` (scripts/bench.mjs).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { quick, record, round, type Figure } from './report';
import { ringModel, type RingModel } from './ring-model';
import { simulate } from '../server/src/engine/simulate';
import { DEFAULT_BUDGET, type EngineOptions } from '../server/src/engine/api';
import { bindProgram, type FileHost } from '../server/src/language/program';

const host: FileHost = { readFile: () => undefined, realpath: (p) => p };
const figures: Figure[] = [];

interface Verdict {
  readonly ms: number;
  readonly states: number;
  readonly schedules: number;
  readonly complete: boolean;
  readonly raced: boolean;
}

/** Parse, bind and explore: no state survives from one call to the next. */
function verdict(m: RingModel, options: EngineOptions = {}): Verdict {
  const t0 = performance.now();
  const program = bindProgram({ path: `/bench/${m.name}.dmabuf`, text: m.text }, { root: '/bench', host });
  const r = simulate(program, options);
  const ms = performance.now() - t0;
  const front = program.findings.find((f) => f.severity === 'error');
  if (front) throw new Error(`${m.name}: ${front.code} ${front.message}`);
  return {
    ms,
    states: r.scenarios.reduce((n, s) => n + s.exploration.states, 0),
    schedules: r.scenarios.reduce((n, s) => n + s.exploration.schedules, 0),
    complete: !r.findings.some((f) => f.code === 'BUDGET'),
    raced: r.findings.some((f) => f.code === 'RACE-01'),
  };
}

function model(stages: number, frames: number, buffers: number, bug: boolean): RingModel | undefined {
  const m = ringModel(stages, frames, buffers, bug);
  if (typeof m !== 'string') return m;
  console.log(`  pipeline ${stages}x${frames}x${buffers}${bug ? ' (bug)' : ''}: skipped, ${m}`);
  return undefined;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Time against the run's length: the same pipeline with more frames. */
function scaling(): void {
  const warm = model(16, 8, 8, false);
  if (warm) for (let i = 0; i < 3; i++) verdict(warm); // JIT warm-up, so the first row is not the compiler's
  let prev: { jobs: number; ms: number } | undefined;
  for (const frames of [8, 24, 64, 256]) {
    const m = model(16, frames, 8, false);
    if (!m) continue;
    // A budget that never cuts: the figure is how long the whole answer takes. Median of three
    // (the machine is shared; one run can be twice another).
    const runs = [0, 1, 2].map(() => verdict(m, { budget: { maxMillis: 120_000, maxStates: 1_000_000 } }));
    const v = runs.sort((a, b) => a.ms - b.ms)[1];
    const perJob = v.ms / m.jobs;
    // The setup (16 × 8 attachments mapped) is the same in every row: the cost of one more job is
    // the slope between rows, constant when exploration is linear.
    const slope = prev ? ` (+${((v.ms - prev.ms) / (m.jobs - prev.jobs)).toFixed(3)} ms per added job)` : '';
    prev = { jobs: m.jobs, ms: v.ms };
    console.log(`  ${String(m.jobs).padStart(5)} jobs (16x${frames}x8): ${v.ms.toFixed(0).padStart(6)} ms  ${perJob.toFixed(3)} ms/job${slope}  ${v.states} states, ${v.schedules} schedule(s)${v.complete ? '' : ', cut short'}`);
    figures.push(
      { id: `pipe.ms@${m.jobs}`, name: `pipeline 16x${frames}x8 (${m.jobs} jobs): time to verdict`, value: round(v.ms, 0), unit: 'ms', better: 'lower', regress: true },
      { id: `pipe.perJob@${m.jobs}`, name: `pipeline 16x${frames}x8 (${m.jobs} jobs): time per job`, value: round(perJob, 3), unit: 'ms', better: 'lower', regress: true },
    );
  }
}

/** The issue's case: 1,024 jobs within the default budget, as a user gets it. */
function budgetRows(): void {
  for (const bug of [false, true]) {
    const m = model(16, 64, 8, bug);
    if (!m) continue;
    const v = verdict(m);
    const tag = `16x64x8 pipeline${bug ? ', dropped wait' : ', race-free'}`;
    console.log(`  ${tag}: ${v.ms.toFixed(0)} ms, ${v.states} states, ${v.schedules} schedule(s), ${v.complete ? 'complete' : 'cut short by the budget (BUDGET)'}, ${v.raced ? 'race found' : 'no race'}`);
    const id = `pipe16x64x8${bug ? '.bug' : ''}`;
    figures.push(
      { id: `${id}.ms`, name: `${tag}: time to verdict`, value: round(v.ms, 0), unit: 'ms', better: 'lower', budget: DEFAULT_BUDGET.maxMillis, regress: true },
      { id: `${id}.complete`, name: `${tag}: answered completely (no BUDGET)`, value: v.complete ? 1 : 0, unit: 'yes', better: 'higher', budget: 1, regress: false, note: `${v.states} states, ${v.schedules} schedules` },
    );
    if (bug) figures.push({ id: `${id}.found`, name: `${tag}: race found (RACE-01)`, value: v.raced ? 1 : 0, unit: 'yes', better: 'higher', budget: 1, regress: false });
  }
}

interface SpinRun {
  readonly ms: number;
  readonly verdict: string;
}

/** spin -a, gcc, ./pan in the model's folder: SPIN's time to verdict. A string says why not. */
function spin(m: RingModel): SpinRun | string {
  for (const [tool, arg] of [['spin', '-V'], ['gcc', '--version']]) {
    const r = spawnSync(tool, [arg], { encoding: 'utf8' });
    if (r.error) return `${tool} is not installed (scripts/setup.sh installs it: bench/setup-bench.sh)`;
  }
  const cwd = path.dirname(m.pml);
  const run = (cmd: string, args: string[]): string => {
    const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 64 << 20 });
    if (r.status !== 0 && cmd !== './pan') throw new Error(`${cmd} failed: ${r.stderr || r.stdout}`);
    return r.stdout;
  };
  const t0 = performance.now();
  run('spin', ['-a', path.basename(m.pml)]);
  // Safety only (assertions, no cycle detection), optimised: the verification the model asks for.
  run('gcc', ['-O2', '-DSAFETY', '-o', 'pan', 'pan.c']);
  const out = run('./pan', []);
  const ms = performance.now() - t0;
  const violated = /assertion violated/.test(out);
  const states = /(\d+) states, stored/.exec(out)?.[1];
  return { ms, verdict: violated ? 'assertion violated' : `no error${states ? `, ${states} states stored` : ''}` };
}

/** The 8x16x4 pipeline: our parse-to-verdict against SPIN's compile and run on the same model. */
function againstSpin(): void {
  const m = model(8, 16, 4, false);
  if (!m) return;
  // In a process that has run the engine before (the language server's case; the first run of a
  // fresh process is mostly the JIT compiling, shown apart). Nothing is cached across runs: each
  // parses, binds and explores from the text.
  const cold = verdict(m).ms;
  for (let i = 0; i < 5; i++) verdict(m);
  const times: number[] = [];
  let last: Verdict | undefined;
  for (let i = 0; i < 15; i++) times.push((last = verdict(m)).ms);
  const ours = median(times);
  console.log(`  8x16x4 in process: median ${ours.toFixed(1)} ms parse to verdict over 15 runs (${last!.states} states, ${last!.complete ? 'complete' : 'cut short'}, ${last!.raced ? 'race' : 'no race'}); first run in the process ${cold.toFixed(0)} ms`);
  figures.push(
    { id: 'pipe8x16x4.ms', name: '8x16x4 pipeline in process: parse to verdict (median of 15, warm)', value: round(ours, 1), unit: 'ms', better: 'lower', regress: true },
    { id: 'pipe8x16x4.cold', name: '8x16x4 pipeline: first run in a fresh process (JIT cold)', value: round(cold, 0), unit: 'ms', better: 'lower', regress: false },
  );
  const s = quick ? 'skipped under --quick (it takes seconds and depends on the C compiler)' : spin(m);
  if (typeof s === 'string') {
    console.log(`  SPIN figure skipped: ${s}`);
    figures.push({ id: 'pipe8x16x4.spinSpeedup', name: '8x16x4 pipeline: SPIN compile+run / our time', value: null, unit: '×', better: 'higher', budget: 100, regress: false, note: `skipped: ${s}` });
    return;
  }
  // The issue asks for our time ≤ 1/100 of SPIN's: shown as SPIN's time over ours, ≥ 100.
  const speedup = s.ms / ours;
  console.log(`  SPIN (spin -a, gcc -O2 -DSAFETY, ./pan): ${s.ms.toFixed(0)} ms, ${s.verdict}; ours / SPIN = 1/${speedup.toFixed(0)}`);
  figures.push(
    { id: 'pipe8x16x4.spin', name: '8x16x4 pipeline: SPIN compile+run', value: round(s.ms, 0), unit: 'ms', better: 'lower', regress: false, note: s.verdict },
    { id: 'pipe8x16x4.spinSpeedup', name: '8x16x4 pipeline: SPIN compile+run / our time', value: round(speedup, 0), unit: '×', better: 'higher', budget: 100, regress: false, note: `ours = 1/${speedup.toFixed(0)} of SPIN's` },
  );
}

scaling();
budgetRows();
againstSpin();
record(figures);
