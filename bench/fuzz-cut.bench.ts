// How often a scenario the fuzz campaign's grammar generator writes is cut short by the default
// exploration budget (20,000 states, 2,000 ms), i.e. how often a user would get a BUDGET finding
// instead of a complete answer on scenarios of that shape. The fuzz campaign itself runs with a
// 16-state budget (test/robustness/fuzz/oracle.ts: it checks robustness, not verdicts), so its
// own "cut short" count says nothing about users; this figure does. Budget: under 10 %.
import { analyze } from '../server/src/analysis';
import { DEFAULT_BUDGET } from '../server/src/engine/api';
import { nodeFileHost } from '../server/src/language/program';
import { generate } from '../test/robustness/fuzz/generators';
import { percentile, quick, record, round } from './report';

const PROGRAMS = quick ? 20 : 80;
const SEED = 7;
let scenarios = 0;
let cut = 0;
const times: number[] = [];
for (let i = 0; i < PROGRAMS; i++) {
  const text = generate('grammar', SEED, i);
  const t0 = performance.now();
  const a = analyze({ path: '/virtual/fuzz.dmabuf', text }, { root: '/virtual', host: nodeFileHost, engine: { budget: DEFAULT_BUDGET } });
  times.push(performance.now() - t0);
  for (const s of a.engine.scenarios) {
    scenarios++;
    if (s.exploration.cutShort) cut++;
  }
}
const share = scenarios ? (100 * cut) / scenarios : NaN;
console.log(`  ${PROGRAMS} grammar programs (seed ${SEED}): ${scenarios} scenarios, ${cut} cut short by the default budget (${share.toFixed(1)} %); p95 ${percentile(times, 95).toFixed(0)} ms per program`);
record([
  {
    id: 'fuzz.grammar.cut-share',
    name: `fuzz grammar scenarios cut short by the default budget (${PROGRAMS} programs)`,
    value: scenarios ? round(share) : null,
    unit: '%',
    better: 'lower',
    budget: 10,
    regress: false,
    ...(scenarios ? {} : { note: 'the generator wrote no scenario' }),
  },
  { id: 'fuzz.grammar.p95', name: 'fuzz grammar program, parse to verdict, p95', value: round(percentile(times, 95)), unit: 'ms', better: 'lower', regress: false },
]);
