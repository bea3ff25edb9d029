// Sizes of what we ship, from the build the runner just made: the extension bundle (loaded into
// VS Code's extension host, budget 1 MB), the server, its engine worker, the CLI and the webview.
import fs from 'node:fs';
import path from 'node:path';
import { record, type Figure } from './report';

const DIST = path.resolve(__dirname, '..', 'dist');
const bundles: { file: string; label: string; budget?: number }[] = [
  { file: 'extension.js', label: 'extension bundle', budget: 1000 },
  { file: 'server.js', label: 'server bundle' },
  { file: 'worker.js', label: 'engine worker bundle' },
  { file: 'cli.js', label: 'CLI bundle' },
  { file: 'webview.js', label: 'trace webview bundle' },
];
const figures: Figure[] = bundles.map(({ file, label, budget }) => {
  const p = path.join(DIST, file);
  const kb = fs.existsSync(p) ? fs.statSync(p).size / 1000 : null;
  console.log(`  ${file}: ${kb === null ? 'missing' : `${kb.toFixed(1)} kB`}`);
  return {
    id: `bundle.${file}`,
    name: `${label} (dist/${file})`,
    value: kb === null ? null : Math.round(kb * 10) / 10,
    unit: 'kB',
    better: 'lower',
    regress: true,
    ...(budget !== undefined ? { budget } : {}),
    ...(kb === null ? { note: 'not built' } : {}),
  };
});
record(figures);
