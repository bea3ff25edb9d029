// The interval map under the coherency model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { query, queryMany, update, updateMany, zipRuns, type RunMap } from '../../../server/src/engine/time/runmap';

const same = (a: number, b: number) => a === b;

test('gaps read as the default and neighbours with equal values merge', () => {
  const m: RunMap<number> = { runs: [] };
  update(m, 10, 20, 0, same, () => 1);
  update(m, 20, 30, 0, same, () => 1);
  assert.deepEqual(m.runs, [{ start: 10, end: 30, value: 1 }]);
  assert.deepEqual(query(m, 0, 40, 0), [
    { start: 0, end: 10, value: 0 },
    { start: 10, end: 30, value: 1 },
    { start: 30, end: 40, value: 0 },
  ]);
});

test('an update inside a run splits it in three', () => {
  const m: RunMap<number> = { runs: [{ start: 0, end: 100, value: 1 }] };
  update(m, 40, 60, 0, same, (v) => v + 1);
  assert.deepEqual(m.runs, [
    { start: 0, end: 40, value: 1 },
    { start: 40, end: 60, value: 2 },
    { start: 60, end: 100, value: 1 },
  ]);
});

test('updateMany applies per-item data across run boundaries in one pass', () => {
  const m: RunMap<number> = { runs: [{ start: 0, end: 50, value: 1 }, { start: 50, end: 100, value: 2 }] };
  updateMany(m, [{ start: 10, end: 20, data: 7 }, { start: 45, end: 55, data: 8 }, { start: 90, end: 120, data: 9 }], 0, same, (_v, d) => d);
  assert.deepEqual(queryMany(m, [{ start: 0, end: 120 }], 0), [
    { start: 0, end: 10, value: 1 },
    { start: 10, end: 20, value: 7 },
    { start: 20, end: 45, value: 1 },
    { start: 45, end: 55, value: 8 },
    { start: 55, end: 90, value: 2 },
    { start: 90, end: 120, value: 9 },
  ]);
});

test('zipRuns pairs two run lists over the same ranges', () => {
  const a = [{ start: 0, end: 10, value: 'x' }, { start: 10, end: 20, value: 'y' }];
  const b = [{ start: 0, end: 5, value: 1 }, { start: 5, end: 20, value: 2 }];
  assert.deepEqual(zipRuns(a, b).map((z) => `${z.start}-${z.end}:${z.a}${z.b}`), ['0-5:x1', '5-10:x2', '10-20:y2']);
});
