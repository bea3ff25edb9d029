// In-process throughput of the pipeline's stages on generated files: parse + bind (MB/s, the
// front end the server runs on every keystroke) and the engine's steps per second (states
// visited per second over the scenarios of a generated file, default budget and reduction).
import { serialize } from 'node:v8';
import { generateFile } from './generators';
import { percentile, quick, record, round, type Figure } from './report';
import { simulate } from '../server/src/engine/simulate';
import { bindProgram, type FileHost } from '../server/src/language/program';

const host: FileHost = { readFile: () => undefined, realpath: (p) => p };
const figures: Figure[] = [];

function parseBind(lines: number, runs: number): void {
  const { text } = generateFile(lines);
  const bytes = Buffer.byteLength(text);
  const times: number[] = [];
  for (let i = 0; i < runs + 2; i++) {
    const t0 = performance.now();
    bindProgram({ path: '/bench/front.dmabuf', text }, { root: '/bench', host });
    if (i >= 2) times.push(performance.now() - t0); // the first runs warm the JIT up
  }
  const median = percentile(times, 50);
  const mbs = bytes / 1e6 / (median / 1000);
  console.log(`  parse+bind ${lines} lines (${(bytes / 1024).toFixed(0)} KiB): median ${median.toFixed(1)} ms → ${mbs.toFixed(2)} MB/s`);
  figures.push(
    { id: `front.mbs@${lines}`, name: `parse+bind throughput, ${lines} lines`, value: round(mbs, 2), unit: 'MB/s', better: 'higher', regress: true },
    { id: `front.ms@${lines}`, name: `parse+bind of ${lines} lines (median)`, value: round(median, 1), unit: 'ms', better: 'lower', regress: true },
  );
}

function engineSteps(lines: number): void {
  const { text } = generateFile(lines);
  const program = bindProgram({ path: '/bench/engine.dmabuf', text }, { root: '/bench', host });
  simulate({ ...program, scenarios: program.scenarios.slice(0, 6) }); // warm-up
  const t0 = performance.now();
  const r = simulate(program);
  const ms = performance.now() - t0;
  const states = r.scenarios.reduce((n, s) => n + s.exploration.states, 0);
  // What the worker posts to the server's main thread per scenario (structured clone): the main
  // thread deserialises all of it on every analysis, and keeps it (doc.engine).
  const kb = serialize(r.scenarios).length / 1000 / r.scenarios.length;
  console.log(`  engine on ${lines} lines: ${r.scenarios.length} scenarios, ${states} states in ${ms.toFixed(0)} ms; ${kb.toFixed(1)} kB of results per scenario`);
  figures.push(
    { id: `engine.steps@${lines}`, name: `engine steps per second (${lines}-line file)`, value: round(states / (ms / 1000), 0), unit: 'steps/s', better: 'higher', regress: true },
    { id: `engine.ms@${lines}`, name: `engine time on a ${lines}-line file`, value: round(ms, 0), unit: 'ms', better: 'lower', regress: true },
  );
}

parseBind(2000, quick ? 5 : 15);
parseBind(20000, quick ? 3 : 7);
engineSteps(quick ? 200 : 2000);
record(figures);
