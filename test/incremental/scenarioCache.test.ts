// The worker's per-scenario cache must give, after any edit, exactly what simulating the edited
// file from scratch gives: a reused result moved to the scenario's new place is deep-equal to a
// fresh one (exploration time aside), and only the scenarios an edit touched are simulated again.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateFile } from '../../bench/generators';
import type { ScenarioResult } from '../../server/src/engine/api';
import { simulate } from '../../server/src/engine/simulate';
import { simulateMatrix } from '../../server/src/engine/matrix';
import type { BoundProgram } from '../../server/src/language/bound';
import { bindProgram, type FileHost } from '../../server/src/language/program';
import { ScenarioCache } from '../../server/src/lsp/scenarioCache';

const PATH = '/virtual/cache.dmabuf';
const host: FileHost = { readFile: () => undefined, realpath: (p) => p };
const OPTIONS = { budget: { maxStates: 5000, maxMillis: 60_000 } };

function bindText(text: string): BoundProgram {
  return bindProgram({ path: PATH, text }, { root: '/virtual', host });
}

function fresh(program: BoundProgram, i: number): ScenarioResult {
  return simulate({ ...program, scenarios: [program.scenarios[i]] }, OPTIONS).scenarios[0];
}

function withoutTime(r: ScenarioResult): unknown {
  return { ...r, exploration: { ...r.exploration, millis: 0 } };
}

/** Fills a cache from `before`, then checks every scenario of `after` against a fresh simulation. */
function check(before: string, after: string): { hits: string[]; misses: string[] } {
  const cache = new ScenarioCache();
  const p0 = bindText(before);
  p0.scenarios.forEach((s, i) => cache.store(p0, s, OPTIONS, fresh(p0, i)));
  const p1 = bindText(after);
  const hits: string[] = [];
  const misses: string[] = [];
  p1.scenarios.forEach((s, i) => {
    const cached = cache.lookup(p1, s, OPTIONS);
    if (!cached) return void misses.push(s.name);
    hits.push(s.name);
    assert.deepEqual(withoutTime(cached), withoutTime(fresh(p1, i)), `the reused result of ${s.name} is what a fresh simulation gives`);
  });
  return { hits, misses };
}

const base = generateFile(140).text;
const names = bindText(base).scenarios.map((s) => s.name);

describe('per-scenario engine cache', () => {
  it('re-simulates only the scenario whose text changed, and moves the later ones', () => {
    const at = base.indexOf('// ISP writes the frame');
    const { hits, misses } = check(base, `${base.slice(0, at)}(edited) ${base.slice(at)}`);
    assert.deepEqual(misses, [names[0]]);
    assert.deepEqual(hits, names.slice(1));
  });

  it('moves results down when lines are inserted above them', () => {
    const second = base.indexOf('scenario ', base.indexOf('scenario ') + 1);
    const { hits, misses } = check(base, `${base.slice(0, second)}\n// a note\n\n${base.slice(second)}`);
    assert.deepEqual(misses, []);
    assert.equal(hits.length, names.length);
  });

  it('reuses later results when an edit adds names (and so renumbers the later symbols)', () => {
    const at = base.indexOf('  cam = attach frame camera');
    const { hits, misses } = check(base, `${base.slice(0, at)}  spare = heap system 64KiB\n  put spare\n${base.slice(at)}`);
    assert.deepEqual(misses, [names[0]]);
    assert.deepEqual(hits, names.slice(1));
  });

  it('simulates again every scenario on a platform whose declaration changed or moved', () => {
    const edited = base.replace('config DMABUF_DEBUG yes', 'config DMABUF_DEBUG no');
    const p = bindText(base);
    const onLocal = p.scenarios.filter((s) => s.platform?.name === 'soc_debug').map((s) => s.name);
    assert.ok(onLocal.length > 0, 'the generated file has scenarios on its own platform');
    const { misses } = check(base, edited);
    assert.deepEqual(misses, onLocal);
    const moved = check(base, `\n${base}`);
    assert.deepEqual(moved.misses, onLocal);
  });

  it('moves a result twice without reading its trace in between (the trace moves when read)', () => {
    const cache = new ScenarioCache();
    const p0 = bindText(base);
    p0.scenarios.forEach((s, i) => cache.store(p0, s, OPTIONS, fresh(p0, i)));
    const second = base.indexOf('scenario ', base.indexOf('scenario ') + 1);
    const once = `${base.slice(0, second)}\n// a note\n${base.slice(second)}`;
    const p1 = bindText(once);
    p1.scenarios.forEach((s) => assert.ok(cache.lookup(p1, s, OPTIONS), `${s.name} reused`));
    const twice = `// a header\n\n\n${once}`;
    const p2 = bindText(twice);
    // Scenarios on the file's own platform are simulated again (its declaration moved): not counted.
    let reused = 0;
    p2.scenarios.forEach((s, i) => {
      const cached = cache.lookup(p2, s, OPTIONS);
      if (s.platform?.symbol.file === PATH) return;
      assert.ok(cached, `${s.name} reused again`);
      reused++;
      assert.deepEqual(withoutTime(cached), withoutTime(fresh(p2, i)), `${s.name} after two moves is what a fresh simulation gives`);
    });
    assert.ok(reused > 0);
  });

  it('does not mix results of different engine options', () => {
    const cache = new ScenarioCache();
    const p = bindText(base);
    cache.store(p, p.scenarios[0], OPTIONS, fresh(p, 0));
    assert.ok(cache.lookup(p, p.scenarios[0], OPTIONS));
    assert.equal(cache.lookup(p, p.scenarios[0], { ...OPTIONS, kernel: '6.1' }), undefined);
    assert.equal(cache.lookup(p, p.scenarios[0], { budget: { maxStates: 10, maxMillis: 60_000 } }), undefined);
  });
});

describe('per-scenario engine cache under a version matrix', () => {
  const KERNELS = ['6.1', '6.2', '6.12'] as const;
  const MATRIX = { ...OPTIONS, kernels: KERNELS };
  const matrixFresh = (program: BoundProgram, i: number): ScenarioResult =>
    simulateMatrix({ ...program, scenarios: [program.scenarios[i]] }, KERNELS, OPTIONS).scenarios[0];
  /** Exploration time aside, in every profile's run too. */
  const timeless = (r: ScenarioResult): unknown => ({ ...(withoutTime(r) as object), runs: r.runs?.map((x) => ({ ...x, result: withoutTime(x.result) })) });

  it('keys include the matrix, and a moved matrix result equals a fresh one, every profile\'s run with it', () => {
    const cache = new ScenarioCache();
    const p0 = bindText(base);
    p0.scenarios.forEach((s, i) => cache.store(p0, s, MATRIX, matrixFresh(p0, i)));
    assert.equal(cache.lookup(p0, p0.scenarios[0], OPTIONS), undefined, 'no matrix: another key');
    assert.equal(cache.lookup(p0, p0.scenarios[0], { ...OPTIONS, kernels: ['6.1'] }), undefined, 'another matrix: another key');
    const second = base.indexOf('scenario ', base.indexOf('scenario ') + 1);
    const p1 = bindText(`${base.slice(0, second)}\n// a note\n\n${base.slice(second)}`);
    const cached = cache.lookup(p1, p1.scenarios[1], MATRIX);
    assert.ok(cached?.runs);
    assert.deepEqual(timeless(cached), timeless(matrixFresh(p1, 1)));
    assert.deepEqual(cached.runs.map((r) => r.result.trace), matrixFresh(p1, 1).runs?.map((r) => r.result.trace));
  });
});
