// Engine benchmarks: exploration of generated hand-over models with and without partial-order
// reduction, and the engine's time on a generated 2,000-line file. Prints figures; asserts nothing.
// Run through `npm run bench` (scripts/bench.mjs), which collects the final `@@bench` line.
import { bindProgram, type FileHost } from '../server/src/language/program';
import { simulate } from '../server/src/engine/simulate';
import type { EngineOptions } from '../server/src/engine/api';

interface Figure {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly note?: string;
}

const host: FileHost = { readFile: () => undefined, realpath: () => undefined };
const figures: Figure[] = [];

function devices(n: number): string {
  const ds = Array.from({ length: n }, (_, i) => `  device d${i} {\n    bus pci rc\n    coherent yes\n    iommu vtd group gd${i}\n  }`).join('\n');
  return `platform ring${n} extends x86_64_pc {\n${ds}\n}\n`;
}

/** N devices × M jobs: each job waits on the previous device's fence and hands the buffer on. */
function ring(n: number, m: number): string {
  const lines = [devices(n), `scenario ring on ring${n} {`, '  b = heap system 64KiB'];
  // Later mappings skip CPU sync: overlapping bidirectional mappings would otherwise be DMAAPI-10.
  for (let i = 0; i < n; i++) lines.push(`  s${i} = dma_map d${i} b bidirectional${i ? ' skip_cpu_sync' : ''}`);
  let prev = '';
  for (let j = 0; j < m; j++) {
    for (let i = 0; i < n; i++) {
      const f = `f${i}_${j}`;
      lines.push(`  submit d${i} write s${i}${prev ? ` after ${prev}` : ''} signal ${f}`);
      prev = f;
    }
  }
  lines.push(`  wait ${prev}`);
  for (let i = 0; i < n; i++) lines.push(`  dma_unmap s${i}`);
  lines.push('  put b', '}');
  return lines.join('\n');
}

/** T threads, each feeding its own device M jobs on its own buffer: independent pipelines. */
function pipelines(t: number, m: number): string {
  const lines = [devices(t), `scenario pipes on ring${t} {`];
  for (let i = 0; i < t; i++) lines.push(`  b${i} = heap system 64KiB`, `  s${i} = dma_map d${i} b${i} bidirectional`);
  for (let i = 0; i < t; i++) {
    lines.push(`  thread t${i} {`);
    let prev = '';
    for (let j = 0; j < m; j++) {
      lines.push(`    submit d${i} write s${i}${prev ? ` after ${prev}` : ''} signal p${i}_${j}`);
      prev = `p${i}_${j}`;
    }
    lines.push(`    wait ${prev}`, `    dma_unmap s${i}`, `    put b${i}`, '  }');
  }
  lines.push('}');
  return lines.join('\n');
}

function measure(label: string, text: string, options: EngineOptions): { states: number; schedules: number; ms: number; cut: boolean; findings: number } {
  const program = bindProgram({ path: `/bench/${label}.dmabuf`, text }, { root: '/bench', host });
  const front = program.findings.filter((f) => f.severity === 'error');
  if (front.length) throw new Error(`${label}: ${front[0].code} ${front[0].message}`);
  const t0 = performance.now();
  const r = simulate(program, options);
  const ms = performance.now() - t0;
  const states = r.scenarios.reduce((n, s) => n + s.exploration.states, 0);
  const schedules = r.scenarios.reduce((n, s) => n + s.exploration.schedules, 0);
  const cut = r.scenarios.some((s) => s.exploration.cutShort);
  const findings = r.findings.filter((f) => f.severity !== 'information').length;
  return { states, schedules, ms, cut, findings };
}

// The quick variant (CI's regression gate) cuts the unreduced runs at 20,000 states: enough for
// their throughput, which is what it compares; the full run shows how far reduction gets.
const quick = process.argv.includes('--quick');

function model(label: string, text: string): void {
  const budget = { maxStates: quick ? 20_000 : 200_000, maxMillis: 30_000 };
  for (const reduction of [true, false]) {
    const tag = `${label} ${reduction ? 'POR' : 'no-POR'}`;
    const r = measure(label, text, { reduction, budget });
    const note = r.cut ? 'budget cut' : 'exhaustive';
    console.log(`${tag.padEnd(28)} ${String(r.schedules).padStart(7)} schedules ${String(r.states).padStart(8)} states ${r.ms.toFixed(0).padStart(7)} ms  ${(r.states / (r.ms / 1000)).toFixed(0).padStart(8)} states/s  ${note}, ${r.findings} findings`);
    figures.push({ name: `${tag}: time to verdict`, value: r.ms, unit: 'ms', note });
    figures.push({ name: `${tag}: schedules`, value: r.schedules, unit: 'runs' });
    figures.push({ name: `${tag}: states`, value: r.states, unit: 'states' });
    figures.push({ name: `${tag}: throughput`, value: r.states / (r.ms / 1000), unit: 'states/s' });
  }
}

/** A file of many ordinary scenarios, about 2,000 lines. */
function bigFile(lines: number): string {
  const bodies = [
    ['buf = heap system 1MiB', 'att = attach buf camera', 'sgt = map_unlocked att bidirectional', 'va = mmap buf', 'begin_cpu buf write', 'cpu write va', 'end_cpu buf write', 'submit camera read sgt signal done', 'wait done', 'munmap va', 'unmap_unlocked sgt', 'detach att', 'put buf'],
    ['img = export soc_gpu system 4MiB', 'att = attach img display', 'sgt = map_unlocked att bidirectional', 'submit soc_gpu write img implicit signal rendered', 'submit display read sgt implicit signal shown', 'wait shown', 'unmap_unlocked sgt', 'detach att', 'put img'],
    ['f = fence', 'thread irq {', '  begin_signalling', '  alloc atomic', '  signal f', '  end_signalling', '}', 'wait f'],
  ];
  const out: string[] = [];
  let n = 0;
  while (out.length < lines) {
    const body = bodies[n % bodies.length];
    out.push(`scenario s${n} on arm64_soc {`, ...body.map((l) => `  ${l}`), '}', '');
    n++;
  }
  return out.join('\n');
}

model('ring 3x6', ring(3, 6));
if (!quick) model('ring 4x8', ring(4, 8));
model('pipelines 3x4', pipelines(3, 4));

const big = bigFile(quick ? 500 : 2000);
const lineCount = big.split('\n').length;
const tBind = performance.now();
const program = bindProgram({ path: '/bench/big.dmabuf', text: big }, { root: '/bench', host });
const bindMs = performance.now() - tBind;
const t1 = performance.now();
const res = simulate(program, {});
const simMs = performance.now() - t1;
console.log(`generated file: ${lineCount} lines, ${program.scenarios.length} scenarios: bind ${bindMs.toFixed(0)} ms, engine ${simMs.toFixed(0)} ms, ${res.findings.filter((f) => f.severity !== 'information').length} findings`);
figures.push({ name: `${lineCount}-line file: front end`, value: bindMs, unit: 'ms' });
figures.push({ name: `${lineCount}-line file: engine (${program.scenarios.length} scenarios)`, value: simMs, unit: 'ms' });

console.log(`@@bench ${JSON.stringify(figures)}`);
