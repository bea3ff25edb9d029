// Runs a fuzz campaign in child processes (worker.ts) under a watchdog: an input that makes the
// pipeline hang cannot hang the campaign. The child is killed, the input is recorded as a hang
// (it can be regenerated from the seed and index), and a new child carries on after it.
import { spawn } from 'node:child_process';
import path from 'node:path';
import type { FuzzKind } from './generators';
import { generate } from './generators';
import type { Done, Failure } from './worker';
import { kindOf } from './worker';

export interface CampaignOptions {
  readonly seed: number;
  readonly count: number;
  /** Child processes in parallel. */
  readonly jobs: number;
  /** An input that shows no progress for this long is a hang. */
  readonly hangMs: number;
  /** Wall-clock budget per analysis (a property: slower is a violation). */
  readonly budgetMs: number;
  readonly onProgress?: (done: number) => void;
}

export interface KindStats {
  inputs: number;
  chars: number;
  millis: number;
  maxMillis: number;
  scenarios: number;
  states: number;
  cutShort: number;
}

export interface CampaignResult {
  readonly inputs: number;
  readonly byKind: Record<FuzzKind, KindStats>;
  readonly codes: Map<string, number>;
  readonly failures: Failure[];
  readonly hangs: { i: number; kind: FuzzKind; input: string }[];
  readonly crashes: string[];
  readonly millis: number;
  /** Per-input wall times, for percentiles. */
  readonly times: number[];
}

const WORKER = path.join(__dirname, 'worker.ts');

function emptyStats(): KindStats {
  return { inputs: 0, chars: 0, millis: 0, maxMillis: 0, scenarios: 0, states: 0, cutShort: 0 };
}

export async function runCampaign(o: CampaignOptions): Promise<CampaignResult> {
  const started = Date.now();
  const result: CampaignResult = {
    inputs: 0,
    byKind: { tokens: emptyStats(), grammar: emptyStats(), mutation: emptyStats() },
    codes: new Map(),
    failures: [],
    hangs: [],
    crashes: [],
    millis: 0,
    times: [],
  };
  const per = Math.ceil(o.count / o.jobs);
  const ranges: [number, number][] = [];
  for (let a = 0; a < o.count; a += per) ranges.push([a, Math.min(o.count, a + per)]);
  await Promise.all(ranges.map(([a, b]) => runRange(o, a, b, result)));
  return { ...result, millis: Date.now() - started };
}

/** Runs [from, to) in a child, restarting after a hang or a crash. */
async function runRange(o: CampaignOptions, from: number, to: number, result: CampaignResult): Promise<void> {
  let next = from;
  while (next < to) {
    const { culprit, resumeAt, finished, exit } = await runChild(o, next, to, result);
    if (finished) return;
    if (culprit === undefined) {
      // Died between inputs: nothing to blame, carry on (but never loop on the same spot).
      result.crashes.push(`child ${exit} after input ${resumeAt - 1}`);
      next = Math.max(resumeAt, next + 1);
      continue;
    }
    // The child died or hung on `culprit`: record it and skip that input.
    const i = culprit;
    const kind = kindOf(o.seed, i);
    if (exit === 'hang') result.hangs.push({ i, kind, input: generate(kind, o.seed, i) });
    else result.crashes.push(`input ${i} (${kind}): child ${exit}`);
    next = i + 1;
  }
}

function runChild(o: CampaignOptions, from: number, to: number, result: CampaignResult): Promise<{ culprit?: number; resumeAt: number; finished: boolean; exit: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--max-old-space-size=1536', '--import', 'tsx', WORKER, String(o.seed), String(from), String(to), String(o.budgetMs)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: path.resolve(__dirname, '..', '..', '..'),
    });
    let lastStarted: number | undefined;
    let lastDone = from - 1;
    let buffered = '';
    let stderr = '';
    let hung = false;
    let timer: NodeJS.Timeout | undefined;
    const arm = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        hung = true;
        child.kill('SIGKILL');
      }, o.hangMs);
    };
    arm();
    child.stderr.on('data', (b: Buffer) => void (stderr = (stderr + b.toString()).slice(-4000)));
    child.stdout.on('data', (b: Buffer) => {
      buffered += b.toString();
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (line.startsWith('S ')) {
          lastStarted = Number(line.slice(2));
          arm();
        } else if (line.startsWith('D ')) {
          const d = JSON.parse(line.slice(2)) as Done;
          lastDone = d.i;
          record(result, d);
          o.onProgress?.(result.inputs);
        } else if (line.startsWith('V ')) {
          result.failures.push(JSON.parse(line.slice(2)) as Failure);
        }
      }
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const finished = !hung && code === 0 && lastDone === to - 1;
      const exit = hung ? 'hang' : `exited (code ${code}, signal ${signal})${stderr ? `: ${stderr.trim().split('\n').slice(-3).join(' | ')}` : ''}`;
      const culprit = lastStarted !== undefined && lastStarted > lastDone ? lastStarted : undefined;
      resolve({ culprit, resumeAt: lastDone + 1, finished, exit });
    });
  });
}

function record(result: CampaignResult, d: Done): void {
  (result as { inputs: number }).inputs++;
  const k = result.byKind[d.kind];
  k.inputs++;
  k.chars += d.chars;
  k.millis += d.ms;
  k.maxMillis = Math.max(k.maxMillis, d.ms);
  k.scenarios += d.scenarios;
  k.states += d.states;
  if (d.cutShort) k.cutShort++;
  result.times.push(d.ms);
  for (const c of d.codes) result.codes.set(c, (result.codes.get(c) ?? 0) + 1);
}

/** A human summary of a campaign: counts per kind, percentiles, codes seen, failures. */
export function summarise(r: CampaignResult): string {
  const lines: string[] = [];
  const sorted = [...r.times].sort((a, b) => a - b);
  const pct = (p: number): string => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))].toFixed(1) : '-');
  lines.push(`inputs: ${r.inputs} in ${(r.millis / 1000).toFixed(1)} s; per input p50 ${pct(50)} ms, p99 ${pct(99)} ms, max ${sorted.length ? sorted[sorted.length - 1].toFixed(0) : '-'} ms`);
  for (const [kind, k] of Object.entries(r.byKind)) {
    lines.push(
      `  ${kind.padEnd(9)} ${String(k.inputs).padStart(7)} inputs, ${String(Math.round(k.chars / Math.max(1, k.inputs))).padStart(5)} chars avg, ` +
        `${String(k.scenarios).padStart(6)} scenarios simulated, ${String(k.states).padStart(8)} states, ${k.cutShort} cut short by the budget, ` +
        `avg ${(k.millis / Math.max(1, k.inputs)).toFixed(1)} ms, max ${k.maxMillis.toFixed(0)} ms`,
    );
  }
  const codes = [...r.codes].sort((a, b) => b[1] - a[1]);
  lines.push(`codes (inputs reporting each): ${codes.map(([c, n]) => `${c} ${n}`).join(', ')}`);
  lines.push(`failures: ${r.failures.length} property violations, ${r.hangs.length} hangs, ${r.crashes.length} child crashes`);
  return lines.join('\n');
}
