// Happens-before and races: unordered conflicting accesses are RACE-01 whichever way the run went,
// ordered ones are silent, and the message names the missing edge.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fakeKernel } from './fake-kernel';
import { problems, runText, scen } from './helpers';
import { relatedRange } from '../../language/helpers';

const run = (body: string, platform = 'x86_64_pc') => runText(scen(body, platform), fakeKernel);

test('a CPU read after a device write with no wait races (RACE-01 at the read, CPU-03 named)', () => {
  const r = run('b = heap system 64KiB\nv = vmap b\ns = dma_map vdec b from_device\nsubmit vdec write s signal done\ncpu read v\nwait done\nput b');
  assert.deepEqual(problems(r.findings), ['6:RACE-01']);
  const race = r.findings.find((f) => f.code === 'RACE-01')!;
  assert.match(race.message, /CPU-03/);
  assert.equal(relatedRange(race, 0).start.line + 1, 5);
});

test('waiting on the job fence before the read orders them: silent', () => {
  const r = run('b = heap system 64KiB\nv = vmap b\ns = dma_map vdec b from_device\nsubmit vdec write s signal done\nwait done\ncpu read v\nput b');
  assert.deepEqual(problems(r.findings), []);
});

test('a CPU write in a thread and a device read submitted by main race; after a fence they do not', () => {
  const bad = run('b = heap system 64KiB\nv = vmap b\ns = dma_map vdec b to_device\nthread t {\n  cpu write v\n}\nsubmit vdec read s signal done\nwait done\nput b');
  assert.deepEqual(problems(bad.findings), ['8:RACE-01']);
  const good = run('b = heap system 64KiB\nv = vmap b\ns = dma_map vdec b to_device\nw = fence\nthread t {\n  cpu write v\n  signal w\n}\nsubmit vdec read s after w signal done\nwait done\nput b');
  assert.deepEqual(problems(good.findings), []);
});

test('implicit sync on both sides orders two device jobs', () => {
  const r = run('b = heap system 64KiB\ns1 = dma_map gpu b bidirectional\ns2 = dma_map vdec b bidirectional\nsubmit gpu write s1 implicit signal w\nsubmit vdec read s2 implicit signal r\nwait r\nput b');
  assert.deepEqual(problems(r.findings), []);
});

test('a producer that never adds its fence races with an implicit consumer (RESV-03 named)', () => {
  const r = run('b = heap system 64KiB\ns1 = dma_map gpu b bidirectional\ns2 = dma_map vdec b bidirectional\nsubmit gpu write s1 signal w\nsubmit vdec read s2 implicit signal r\nwait r, w\nput b');
  assert.deepEqual(problems(r.findings), ['6:RACE-01']);
  assert.match(r.findings[0].message, /RESV-03/);
});

test('a producer whose fence is only BOOKKEEP races with an implicit consumer (RESV-09 named)', () => {
  const r = run('b = heap system 64KiB\ns1 = dma_map gpu b bidirectional\ns2 = dma_map vdec b bidirectional\nsubmit gpu write s1 signal w\nlock b\nresv b add w bookkeep\nunlock b\nsubmit vdec read s2 implicit signal r\nwait r, w\nput b');
  assert.deepEqual(problems(r.findings), ['9:RACE-01']);
  assert.match(r.findings[0].message, /RESV-09/);
});

test('promoting the BOOKKEEP fence with import_sync_file makes the consumer wait', () => {
  const r = run('b = heap system 64KiB\ns1 = dma_map gpu b bidirectional\ns2 = dma_map vdec b bidirectional\nsubmit gpu write s1 signal w\nlock b\nresv b add w bookkeep\nunlock b\nimport_sync_file b w write\nsubmit vdec read s2 implicit signal r\nwait r\nput b');
  assert.deepEqual(problems(r.findings), []);
});

test('begin_cpu waits for the implicit fence (CPU-03 edge), so a bracketed read after an implicit job is ordered', () => {
  const r = run('b = heap system 64KiB\nv = vmap b\ns = dma_map gpu b from_device\nsubmit gpu write s implicit signal w\nbegin_cpu b read\ncpu read v\nend_cpu b read\nput b');
  assert.deepEqual(problems(r.findings), []);
});

test('reads never race with reads', () => {
  const r = run('b = heap system 64KiB\nv = vmap b\ns = dma_map vdec b to_device\nsubmit vdec read s signal done\ncpu read v\nwait done\nput b');
  assert.deepEqual(problems(r.findings), []);
});

test('a non-coherent device reading a dirty CPU write after a fence still reads stale data (COH-02)', () => {
  const r = run('b = heap system 64KiB\nv = vmap b\ns = dma_map camera b to_device\ncpu write v\nsubmit camera read s signal done\nwait done\nput b', 'arm64_soc');
  assert.deepEqual(problems(r.findings), ['6:COH-02']);
  const ok = run('b = heap system 64KiB\nv = vmap b\ns = dma_map camera b to_device\ncpu write v\ndma_sync s for_device\nsubmit camera read s signal done\nwait done\nput b', 'arm64_soc');
  assert.deepEqual(problems(ok.findings), []);
});
