// Source files under a folder, for the tests that read the code itself (import graph, citations).
import fs from 'node:fs';
import path from 'node:path';

/** Every `.ts` file under `dir`, recursively, in readdir order. */
export function tsFiles(dir: string, acc: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) tsFiles(p, acc);
    else if (p.endsWith('.ts')) acc.push(p);
  }
  return acc;
}
