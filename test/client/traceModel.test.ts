import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  NO_FILTER,
  StateIndex,
  arrowsInWindow,
  changedKeys,
  fenceArrows,
  firstFailingPosition,
  lanesOf,
  objectsOf,
  positionOfStep,
  touches,
  visibleRows,
} from '../../client/src/webview/model';
import { cameraTrace, longTrace, step } from './traceFixtures';

describe('trace view lanes', () => {
  it('puts the CPU first, then threads, then device queues, each in order of first appearance', () => {
    const lanes = lanesOf(cameraTrace());
    assert.deepEqual(
      lanes.map((l) => [l.agent, l.label, l.kind]),
      [
        ['cpu', 'CPU', 'cpu'],
        ['thread:t1', 'thread t1', 'thread'],
        ['dev:camera', 'camera', 'device'],
        ['dev:display', 'display', 'device'],
      ],
    );
  });

  it('has one lane for an agent that never appears twice', () => {
    assert.equal(lanesOf([step(1, 'cpu', 'a'), step(2, 'cpu', 'b')]).length, 1);
  });
});

describe('trace view filters', () => {
  const steps = cameraTrace();

  it('shows every step without a filter', () => {
    assert.deepEqual(visibleRows(steps, NO_FILTER), [0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('hides the steps of a hidden agent', () => {
    const rows = visibleRows(steps, { ...NO_FILTER, hiddenAgents: new Set(['cpu']) });
    assert.deepEqual(rows.map((r) => steps[r].agent), ['dev:camera', 'dev:display', 'thread:t1']);
  });

  it('keeps only failing steps when asked', () => {
    assert.deepEqual(visibleRows(steps, { ...NO_FILTER, failingOnly: true }), [3]);
  });

  it('follows one object through its changes, fences and the calls that name it', () => {
    assert.deepEqual(visibleRows(steps, { ...NO_FILTER, object: 'frame' }), [5, 6, 7]);
    assert.deepEqual(visibleRows(steps, { ...NO_FILTER, object: 'att' }), [1, 2, 3]);
  });

  it('matches object names as whole words only', () => {
    const s = step(1, 'cpu', 'dma_buf_detach(att10)');
    assert.equal(touches(s, 'att1'), false);
    assert.equal(touches(s, 'att10'), true);
    assert.equal(touches(step(2, 'cpu', 'put(xatt, att)'), 'att'), true);
  });

  it('lists the objects to filter by', () => {
    assert.deepEqual(objectsOf(steps), ['att', 'buf', 'frame', 'sgt']);
  });
});

describe('trace view fence arrows', () => {
  const steps = cameraTrace();

  it('draws one arrow from the signalling step to each waiting step', () => {
    const arrows = fenceArrows(steps, visibleRows(steps, NO_FILTER));
    assert.deepEqual(
      arrows.map((a) => [a.fence, a.fromRow, a.toRow, a.fromAgent, a.toAgent]),
      [
        ['frame', 5, 6, 'dev:camera', 'dev:display'],
        ['frame', 5, 7, 'dev:camera', 'cpu'],
      ],
    );
  });

  it('draws no arrow when the signalling step is filtered out', () => {
    const rows = visibleRows(steps, { ...NO_FILTER, hiddenAgents: new Set(['dev:camera']) });
    assert.deepEqual(fenceArrows(steps, rows), []);
  });

  it('keeps the arrows that cross the visible window and drops the others', () => {
    const arrows = fenceArrows(steps, visibleRows(steps, NO_FILTER));
    assert.equal(arrowsInWindow(arrows, 0, 4).length, 0);
    assert.equal(arrowsInWindow(arrows, 6, 6).length, 2, 'both arrows cross row 6');
    assert.equal(arrowsInWindow(arrows, 7, 20).length, 1);
  });
});

describe('trace view state inspector', () => {
  const steps = cameraTrace();
  const index = new StateIndex(steps);

  it('shows every object that exists at the step, the ones it changed first', () => {
    const snap = index.snapshotAt(1);
    assert.deepEqual(
      snap.map((o) => [o.object, o.changedHere]),
      [
        ['att', true],
        ['buf', true],
      ],
    );
    assert.deepEqual(snap.find((o) => o.object === 'buf')?.changedKeys, ['attachments']);
  });

  it('keeps an unchanged object at its last state and says since which step', () => {
    const buf = index.snapshotAt(4).find((o) => o.object === 'buf');
    assert.equal(buf?.changedHere, false);
    assert.equal(buf?.step, 2);
    assert.deepEqual(buf?.changedKeys, []);
  });

  it('highlights every key of a new object', () => {
    const sgt = index.snapshotAt(2).find((o) => o.object === 'sgt');
    assert.deepEqual(sgt?.changedKeys, ['nents', 'entries']);
  });

  it('reports keys that went away', () => {
    assert.deepEqual(changedKeys({ a: 1, b: 2 }, { a: 1 }), ['b']);
    assert.deepEqual(changedKeys({ e: [{ x: 1 }] }, { e: [{ x: 2 }] }), ['e']);
    assert.deepEqual(changedKeys({ a: 1 }, { a: 1 }), []);
  });

  it('shows nothing before the first change', () => {
    assert.deepEqual(new StateIndex([step(1, 'cpu', 'x'), ...steps]).snapshotAt(0), []);
  });
});

describe('trace view selection helpers', () => {
  it('starts at the first step with a finding', () => {
    assert.equal(firstFailingPosition(cameraTrace()), 3);
  });

  it('falls back to the first failed call, then to none', () => {
    assert.equal(firstFailingPosition([step(1, 'cpu', 'a'), step(2, 'cpu', 'b', { ok: false, outcome: '-EINVAL' })]), 1);
    assert.equal(firstFailingPosition([step(1, 'cpu', 'a')]), -1);
  });

  it('finds a step by its 1-based index even when indices skip', () => {
    const steps = [step(1, 'cpu', 'a'), step(3, 'cpu', 'b')];
    assert.equal(positionOfStep(steps, 1), 0);
    assert.equal(positionOfStep(steps, 3), 1);
    assert.equal(positionOfStep(steps, 2), -1);
  });
});

describe('trace view at 10,000 steps', () => {
  it('filters, lays out arrows and answers the inspector fast enough to stay smooth', () => {
    const steps = longTrace(10_000);
    const t0 = performance.now();
    const rows = visibleRows(steps, NO_FILTER);
    const arrows = fenceArrows(steps, rows);
    const index = new StateIndex(steps);
    const built = performance.now() - t0;
    const t1 = performance.now();
    for (let i = 0; i < 100; i++) index.snapshotAt((i * 97) % steps.length);
    const perSnapshot = (performance.now() - t1) / 100;
    const t2 = performance.now();
    for (let first = 0; first < rows.length; first += 40) arrowsInWindow(arrows, first, first + 40);
    const perWindow = (performance.now() - t2) / (rows.length / 40);
    const filtered = visibleRows(steps, { ...NO_FILTER, object: 'buf3' });
    assert.equal(rows.length, 10_000);
    assert.ok(arrows.length > 900, `expected about one arrow per fence, got ${arrows.length}`);
    assert.equal(filtered.length, Math.floor(10_000 / 7) + (10_000 % 7 >= 3 ? 1 : 0));
    // Budgets far above what it takes, so a loaded CI machine does not flake, yet far below
    // what would make scrolling (16 ms a frame) or a click stutter.
    assert.ok(built < 500, `building the view took ${built.toFixed(1)} ms`);
    assert.ok(perSnapshot < 5, `one inspector snapshot took ${perSnapshot.toFixed(3)} ms`);
    assert.ok(perWindow < 2, `arrows for one window took ${perWindow.toFixed(3)} ms`);
  });
});
