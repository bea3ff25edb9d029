// `npm run fuzz`: the long fuzz campaign of test/robustness/fuzz (100,000 inputs through the
// parser, binder and engine; counts printed; exit 1 on any failure). Arguments are passed on:
//   npm run fuzz -- --count 5000 --seed random --jobs 2
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(repo, 'test', 'robustness', 'fuzz', 'main.ts'), ...process.argv.slice(2)], {
  cwd: repo,
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
