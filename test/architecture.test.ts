// The shape the guide fixes, checked: no import cycles among server/src and client/src modules
// (type-only imports included: a type cycle means a type lives in the wrong file), and the
// pipeline's direction (the engine never imports the language server or the CLI; common/ imports
// nothing of the stages it serves).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { tsFiles } from './files';

const ROOT = path.resolve(__dirname, '..');


const IMPORT = /(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\sfrom\s+)?['"](\.[^'"]+)['"]/g;

/** Relative imports of each file, resolved to files. */
function importGraph(dirs: readonly string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const f of dirs.flatMap((d) => tsFiles(path.join(ROOT, d)))) {
    const deps = new Set<string>();
    for (const m of fs.readFileSync(f, 'utf8').matchAll(IMPORT)) {
      const t = path.resolve(path.dirname(f), m[1]);
      const found = [`${t}.ts`, path.join(t, 'index.ts')].find((c) => fs.existsSync(c));
      if (found) deps.add(found);
    }
    graph.set(f, [...deps]);
  }
  return graph;
}

/** One cycle per back edge of a depth-first walk. */
function cycles(graph: Map<string, string[]>): string[][] {
  const out: string[][] = [];
  const state = new Map<string, 1 | 2>();
  const stack: string[] = [];
  const visit = (n: string): void => {
    state.set(n, 1);
    stack.push(n);
    for (const d of graph.get(n) ?? []) {
      if (state.get(d) === 1) out.push(stack.slice(stack.indexOf(d)).map((f) => path.relative(ROOT, f)));
      else if (!state.has(d)) visit(d);
    }
    stack.pop();
    state.set(n, 2);
  };
  for (const f of [...graph.keys()].sort()) if (!state.has(f)) visit(f);
  return out;
}

const graph = importGraph(['server/src', 'client/src']);

test('the import graph was read', () => {
  assert.ok(graph.size > 100, `only ${graph.size} modules found`);
  const edges = [...graph.values()].reduce((n, d) => n + d.length, 0);
  assert.ok(edges > graph.size, `only ${edges} imports found: the import pattern is broken`);
});

test('no import cycles (type-only imports included)', () => {
  assert.deepEqual(cycles(graph), []);
});

test('the cycle finder finds a planted cycle', () => {
  const a = path.join(ROOT, 'a.ts');
  const b = path.join(ROOT, 'b.ts');
  assert.deepEqual(cycles(new Map([[a, [b]], [b, [a]]])), [['a.ts', 'b.ts']]);
});

test('the pipeline runs one way: the engine and the front end import no consumer', () => {
  const consumers = ['server/src/lsp', 'server/src/cli', 'client/src'].map((d) => path.join(ROOT, d) + path.sep);
  const producers = ['server/src/engine', 'server/src/language', 'server/src/common'].map((d) => path.join(ROOT, d) + path.sep);
  const wrong: string[] = [];
  for (const [f, deps] of graph) {
    if (!producers.some((p) => f.startsWith(p))) continue;
    for (const d of deps) if (consumers.some((c) => d.startsWith(c))) wrong.push(`${path.relative(ROOT, f)} -> ${path.relative(ROOT, d)}`);
  }
  assert.deepEqual(wrong, []);
});

test('common/ imports nothing of the stages it serves', () => {
  const common = path.join(ROOT, 'server/src/common') + path.sep;
  const wrong: string[] = [];
  for (const [f, deps] of graph) {
    if (!f.startsWith(common)) continue;
    for (const d of deps) if (!d.startsWith(common)) wrong.push(`${path.relative(ROOT, f)} -> ${path.relative(ROOT, d)}`);
  }
  assert.deepEqual(wrong, []);
});
