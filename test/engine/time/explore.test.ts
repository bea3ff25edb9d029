// Exploration of interleavings: deadlocks that need an unlucky order are found, results are
// reproducible, partial-order reduction explores fewer states for the same verdict, and the budget
// cut is reported.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fakeKernel } from './fake-kernel';
import { codes, problems, runText, scen } from './helpers';
import { lineOfFinding } from '../../language/helpers';
import fs from 'node:fs';
import path from 'node:path';
import { kernelModel } from '../../../server/src/engine/kernel';

const ABBA = 'a = heap system 4KiB\nb = heap system 4KiB\nthread t {\n  lock b\n  lock a\n  unlock a\n  unlock b\n}\nlock a\nlock b\nunlock b\nunlock a\nput a\nput b';

test('locks taken in opposite orders deadlock in some interleaving (HANG-01), not in the default one', () => {
  const r = runText(scen(ABBA), fakeKernel);
  assert.deepEqual(problems(r.findings).sort(), ['11:HANG-01', '6:HANG-01']);
  assert.ok(r.scenarios[0].exploration.schedules > 1);
  // The reported trace is the violating interleaving, and its steps carry the codes.
  const steps = r.scenarios[0].trace.steps;
  assert.ok(steps.some((s) => s.findings.includes('HANG-01')));
});

test('taking the locks in the same order never deadlocks', () => {
  const r = runText(scen(ABBA.replace('lock b\n  lock a\n  unlock a\n  unlock b', 'lock a\n  lock b\n  unlock b\n  unlock a')), fakeKernel);
  assert.deepEqual(problems(r.findings), []);
});

test('without reduction the same verdict, with more states explored', () => {
  const red = runText(scen(ABBA), fakeKernel);
  const full = runText(scen(ABBA), fakeKernel, { reduction: false });
  assert.deepEqual(codes(full.findings), codes(red.findings));
  assert.ok(full.scenarios[0].exploration.states > red.scenarios[0].exploration.states, `${full.scenarios[0].exploration.states} vs ${red.scenarios[0].exploration.states}`);
});

test('the same input gives the same findings and the same trace', () => {
  const a = runText(scen(ABBA), fakeKernel);
  const b = runText(scen(ABBA), fakeKernel);
  assert.deepEqual(JSON.stringify(a.findings), JSON.stringify(b.findings));
  assert.deepEqual(JSON.stringify(a.scenarios[0].trace), JSON.stringify(b.scenarios[0].trace));
  assert.equal(a.scenarios[0].exploration.states, b.scenarios[0].exploration.states);
});

test('a budget too small to finish is reported as BUDGET information at the scenario name', () => {
  const threads = Array.from({ length: 5 }, (_, i) => `thread t${i} {\n  lock a\n  unlock a\n}`).join('\n');
  const r = runText(scen(`a = heap system 4KiB\n${threads}\nput a`), fakeKernel, { budget: { maxStates: 40 } });
  const s = r.scenarios[0];
  assert.equal(s.exploration.cutShort, true);
  const budget = r.findings.find((f) => f.code === 'BUDGET');
  assert.ok(budget);
  assert.equal(budget.severity, 'information');
  assert.equal(lineOfFinding(budget), 1);
  const big = runText(scen(`a = heap system 4KiB\n${threads}\nput a`), fakeKernel, { budget: { maxStates: 1_000_000, maxMillis: 60_000 } });
  assert.equal(big.scenarios[0].exploration.cutShort, false);
  assert.ok(!big.findings.some((f) => f.code === 'BUDGET'));
});

test('cancellation stops the engine and says so', () => {
  let polls = 0;
  const r = runText(scen(ABBA), fakeKernel, { isCancelled: () => ++polls > 3 });
  assert.equal(r.cancelled, true);
});

test('locking twice in one agent is a self-deadlock (HANG-01, RESV-07 named); what it would release is not leaked', () => {
  const r = runText(scen('a = heap system 4KiB\nlock a\nlock a\nunlock a\nput a'), fakeKernel);
  assert.deepEqual(problems(r.findings), ['4:HANG-01']);
  assert.match(r.findings[0].message, /RESV-07/);
});

test('unlocking a lock another agent holds, or nobody holds, is RESV-07', () => {
  const r = runText(scen('a = heap system 4KiB\nunlock a\nput a'), fakeKernel);
  assert.deepEqual(problems(r.findings), ['3:RESV-07']);
});

test('adding a fence without the reservation lock is RESV-04; with it, silent', () => {
  const bad = runText(scen('a = heap system 4KiB\nf = fence\nresv a add f write\nsignal f\nput a'), fakeKernel);
  assert.deepEqual(problems(bad.findings), ['4:RESV-04']);
  const good = runText(scen('a = heap system 4KiB\nf = fence\nlock a\nresv a add f write\nunlock a\nsignal f\nput a'), fakeKernel);
  assert.deepEqual(problems(good.findings), []);
});

test('a lock still held at the end is LEAK-01 at the lock; an unreleased buffer at its creation', () => {
  const r = runText(scen('a = heap system 4KiB\nlock a'), fakeKernel);
  assert.deepEqual(problems(r.findings), ['2:LEAK-01', '3:LEAK-01']);
});

test('objects a hung agent would have released are not reported as leaked', () => {
  const r = runText(scen('a = heap system 4KiB\nf = fence\nwait f\nput a'), fakeKernel);
  assert.deepEqual(problems(r.findings), ['4:HANG-01']);
});

test('a device job waiting on a fence nobody signals stalls its queue (HANG-01 at the submit)', () => {
  const r = runText(scen('a = heap system 4KiB\ns = dma_map vdec a to_device\nf = fence\nsubmit vdec read s after f signal done\nput a'), fakeKernel);
  assert.deepEqual(problems(r.findings), ['5:HANG-01']);
});

test('a race is reported once per pair of statements, at the later one of the reported run', () => {
  const r = runText(scen('b = heap system 64KiB\nv = vmap b\nthread t {\n  cpu write v\n}\ncpu write v\nput b'), fakeKernel);
  const races = r.findings.filter((f) => f.code === 'RACE-01');
  assert.equal(races.length, 1);
  assert.ok(races[0].traceStep !== undefined);
  assert.ok(r.scenarios[0].trace.steps[races[0].traceStep! - 1].findings.includes('RACE-01'));
});

test('memory conflicts are reported, not explored: on the fixtures whose exploration they used to widen, every finding of full exploration is found', () => {
  const dir = path.join(__dirname, '..', '..', 'fixtures');
  // The fixtures whose explored schedules the rule changed (race, move, pin, map-05, resv, sync-file).
  const files = ['race/race-01-bad', 'race/race-01-resv-02-bad', 'race/race-01-resv-09-bad', 'map/map-05-bad', 'map/map-05-pipelined-pin-bad', 'move/move-01-good', 'move/move-02-bad', 'pin/pin-02-bad', 'resv/resv-08-bad', 'syncf/syncf-01-bad', 'cpu/cpu-03-bad'];
  let compared = 0;
  for (const f of files) {
    const text = fs.readFileSync(path.join(dir, `${f}.dmabuf`), 'utf8');
    const reduced = runText(text, kernelModel);
    const full = runText(text, kernelModel, { reduction: false, budget: { maxStates: 200_000, maxMillis: 60_000 } });
    assert.ok(!full.findings.some((x) => x.code === 'BUDGET'), `${f}: full exploration finished`);
    assert.deepEqual(codes(reduced.findings).sort(), codes(full.findings).sort(), f);
    assert.ok(full.scenarios[0].exploration.states >= reduced.scenarios[0].exploration.states, f);
    compared++;
  }
  assert.equal(compared, files.length);
});

test('lifetime races: a job through a table, unordered with an unmap that only ends the table, is LIFE-05 from the clocks, in one schedule; a waited job is silent', () => {
  // x86_64_pc's devices are coherent: the unmap does no cache maintenance, so the explorer does not try both orders.
  const racy = 'b = heap system 64KiB\na = attach b vdec\nt = map_unlocked a bidirectional\nsubmit vdec write t signal f\nunmap_unlocked t\ndetach a\nwait f\nput b';
  const r = runText(scen(racy), kernelModel);
  assert.deepEqual(problems(r.findings), ['5:LIFE-05']);
  assert.equal(r.scenarios[0].exploration.schedules, 1);
  assert.match(r.findings.find((f) => f.code === 'LIFE-05')!.message, /may use `t` after dma_buf_unmap_attachment\(\): nothing orders the job before the unmap/);
  // Full exploration runs the job after the unmap and reports the same code at the same place.
  const full = runText(scen(racy), kernelModel, { reduction: false });
  assert.deepEqual(problems(full.findings), ['5:LIFE-05']);
  assert.ok(full.scenarios[0].exploration.schedules > 1);
  const waited = racy.replace('unmap_unlocked t\ndetach a\nwait f', 'wait f\nunmap_unlocked t\ndetach a');
  assert.deepEqual(problems(runText(scen(waited), kernelModel).findings), []);
});

test('lifetime races: the put that releases a buffer under an unordered job through a live table is LIFE-01, as the job-after order reports it', () => {
  const racy = 'b = heap system 64KiB\na = attach b vdec\nt = map_unlocked a bidirectional\nsubmit vdec write t signal f\nput b\nwait f';
  const reduced = runText(scen(racy), kernelModel);
  const full = runText(scen(racy), kernelModel, { reduction: false });
  assert.ok(codes(reduced.findings).includes('5:LIFE-01'), codes(reduced.findings).join(' '));
  assert.deepEqual(codes(reduced.findings).sort(), codes(full.findings).sort());
});

test('lifetime races: on the buggy pipeline (one dropped wait), one schedule finds every LIFE-05 and race pair that exploring both orders of each lifetime conflict finds', () => {
  // ring-model.py 3 3 1 --bug, written out: the last stage of the last frame waits for nothing.
  const stages = ['d0', 'd1', 'd2'];
  const lines: string[] = ['b0 = heap system 64KiB'];
  for (const d of stages) lines.push(`a_${d} = attach b0 ${d}`, `t_${d} = map_unlocked a_${d} bidirectional`);
  for (let j = 0; j < 3; j++) {
    stages.forEach((d, k) => {
      const after = k > 0 ? (j === 2 && k === 2 ? '' : ` after f${k - 1}_${j}`) : j > 0 ? ` after f2_${j - 1}` : '';
      lines.push(`submit ${d} write t_${d}${after} signal f${k}_${j}`);
    });
  }
  lines.push('wait f2_2');
  for (const d of stages) lines.push(`unmap_unlocked t_${d}`, `detach a_${d}`);
  lines.push('put b0');
  const platform = `platform ring_hw {\n  arch arm64\n  ram 8GiB at 0x8000_0000\n  iommu smmu { page_sizes 4KiB 2MiB 1GiB }\n${stages.map((d) => `  device ${d} { bus platform; coherent yes; iommu smmu group g_${d}; max_segment 4GiB }`).join('\n')}\n}\n`;
  const text = `${platform}scenario ring on ring_hw kernel 6.2 {\n${lines.map((l) => `  ${l}`).join('\n')}\n}\n`;
  const reduced = runText(text, kernelModel);
  // The oracle: the same engine with every lifetime conflict an ordinary one, both orders explored.
  const explored = { ...kernelModel, endsOnlyItsObject: undefined };
  const full = runText(text, explored, { budget: { maxStates: 500_000, maxMillis: 60_000 } });
  assert.equal(reduced.scenarios[0].exploration.schedules, 1);
  assert.ok(full.scenarios[0].exploration.schedules > 10, `${full.scenarios[0].exploration.schedules} schedules`);
  assert.ok(!full.findings.some((f) => f.code === 'BUDGET'));
  const life = (fs: typeof full.findings) => codes(fs.filter((f) => f.code === 'LIFE-05')).sort();
  assert.deepEqual(life(reduced.findings), life(full.findings));
  // Every racing pair of statements full exploration reports is named by a reduced finding (at it or in its related places).
  const pairs = (fs: typeof full.findings) => fs.filter((f) => f.code === 'RACE-01').map((f) => [f.location.span.start, ...f.related.map((r) => r.location.span.start)]);
  const reducedPlaces = pairs(reduced.findings);
  for (const p of pairs(full.findings)) assert.ok(reducedPlaces.some((q) => p.every((x) => q.includes(x))), `race ${p.join(',')} not named`);
});
