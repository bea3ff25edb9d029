// What keeps the server's memory down after a large file: one copy of each string in the
// engine's results, and a full collection once a thread has been idle after a burst of work.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IdleCollector } from '../../server/src/lsp/idleCollect';
import { StringPool } from '../../server/src/lsp/stringPool';

test('the string pool leaves results equal and shares one copy of each string', () => {
  // Strings built at run time are distinct objects, as after a structured clone.
  const copy = (s: string): string => s.split('').join('');
  const shared = { state: copy('ram'), list: [copy('cpu'), copy('cpu')] };
  const make = (): unknown => ({ file: copy('/w/a.dmabuf'), steps: [shared, shared, { agent: copy('cpu'), n: 3, ok: true, none: null }] });
  const pool = new StringPool();
  const a = pool.intern(make()) as { file: string; steps: { agent?: string; list?: string[] }[] };
  const b = pool.intern(make()) as typeof a;
  assert.deepEqual(a, make(), 'interning changes no value');
  // (JavaScript cannot compare string identity; the pool's count of distinct strings shows it.)
  assert.equal(pool.size, 3, 'one entry each for the path, "ram" and "cpu"');
  assert.equal(b.file, '/w/a.dmabuf');
  assert.deepEqual(a.steps[2], { agent: 'cpu', n: 3, ok: true, none: null });
  assert.equal(a.steps[0], a.steps[1], 'shared objects stay shared');
});

test('the idle collector collects once, after the thread has been idle, and only with --expose-gc', async () => {
  const g = globalThis as { gc?: () => void };
  const saved = g.gc;
  let collections = 0;
  const countingGc = (): void => void collections++;
  try {
    g.gc = countingGc;
    const idle = new IdleCollector(30);
    idle.busy();
    await new Promise((r) => setTimeout(r, 15));
    idle.busy(); // more work: the wait starts again
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(collections, 0, 'not while work keeps coming');
    await new Promise((r) => setTimeout(r, 40));
    assert.equal(collections, 1);
    await new Promise((r) => setTimeout(r, 40));
    assert.equal(collections, 1, 'once per burst of work, not again while idle');
    idle.dispose();

    // Without --expose-gc there is no gc when the collector is made (at the server's and the
    // worker's start). The counting gc installed afterwards is what a collector that looked
    // again later would call: it must stay uncalled.
    g.gc = undefined;
    const without = new IdleCollector(1);
    g.gc = countingGc;
    without.busy();
    await new Promise((r) => setTimeout(r, 10));
    assert.equal(collections, 1, 'without gc exposed nothing runs');
    without.dispose();
  } finally {
    g.gc = saved;
  }
});
