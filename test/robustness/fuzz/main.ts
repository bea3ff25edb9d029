// `npm run fuzz`: the long campaign (100,000 inputs by default) with counts printed, failing
// inputs written to a folder under the system temp dir, exit 1 on any failure.
// Options: --count N, --seed N|random, --jobs N, --hang-ms N, --budget-ms N.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCampaign, summarise } from './campaign';

function option(name: string, fallback: string): string {
  const args = process.argv.slice(2);
  const i = args.indexOf(`--${name}`);
  if (i >= 0 && i + 1 < args.length) return args[i + 1];
  const eq = args.find((a) => a.startsWith(`--${name}=`));
  return eq ? eq.slice(name.length + 3) : fallback;
}

async function main(): Promise<void> {
  const seedText = option('seed', process.env.FUZZ_SEED ?? '20240611');
  const seed = seedText === 'random' ? Math.floor(Math.random() * 2 ** 31) : Number(seedText);
  const count = Number(option('count', '100000'));
  const jobs = Number(option('jobs', String(Math.max(1, os.availableParallelism()))));
  const hangMs = Number(option('hang-ms', '60000'));
  const budgetMs = Number(option('budget-ms', '10000'));
  console.log(`fuzz: seed ${seed}, ${count} inputs, ${jobs} jobs, budget ${budgetMs} ms per analysis, hang after ${hangMs} ms without progress`);
  let shown = 0;
  const r = await runCampaign({
    seed,
    count,
    jobs,
    hangMs,
    budgetMs,
    onProgress: (done) => {
      const tenth = Math.floor((done * 10) / count);
      if (tenth > shown) {
        shown = tenth;
        console.log(`  ${done} / ${count}`);
      }
    },
  });
  console.log(summarise(r));
  const bad = r.failures.length + r.hangs.length + r.crashes.length;
  if (bad > 0) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `dmabuf-fuzz-${seed}-`));
    for (const f of r.failures) {
      fs.writeFileSync(path.join(dir, `${f.kind}-${f.i}.dmabuf`), f.input);
      fs.writeFileSync(path.join(dir, `${f.kind}-${f.i}.min.dmabuf`), f.minimised);
      fs.writeFileSync(path.join(dir, `${f.kind}-${f.i}.txt`), f.violations.join('\n\n') + '\n');
      console.log(`  ${f.kind} #${f.i}: ${f.violations[0].split('\n')[0].slice(0, 200)}`);
    }
    for (const h of r.hangs) {
      fs.writeFileSync(path.join(dir, `${h.kind}-${h.i}.hang.dmabuf`), h.input);
      console.log(`  ${h.kind} #${h.i}: no progress for ${hangMs} ms`);
    }
    for (const c of r.crashes) console.log(`  crash: ${c}`);
    console.log(`failing inputs written to ${dir} (reproduce one: --seed ${seed}, input index as named)`);
  }
  console.log(`${r.inputs - r.failures.length} passed, ${bad} failed`);
  process.exit(bad > 0 ? 1 : 0);
}

void main();
