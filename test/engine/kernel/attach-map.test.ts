// Attach/detach (ATT-03, ATT-04, P2P-01, P2P-03, P2P-04, LIFE-04), pin (PIN-01), map/unmap
// (MAP-01, MAP-02, MAP-03, MAP-06, MAP-08, LIFE-05).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { codes, lineOf, only, problems, run, scenario } from './harness';

const MOVE_NOTIFY = 'platform p extends x86_64_pc { config DMABUF_MOVE_NOTIFY yes }';
const V61 = 'platform p extends x86_64_pc { kernel 6.1 }';
/** The last LTS before 6.16: attach pre-maps and pins, and a GEM exporter caches its mapping. */
const CACHING = '6.12';

test('ATT-04: attach while holding the resv lock deadlocks the caller; attach before lock does not', () => {
  const bad = scenario('b = export igpu system 1MiB\nlock b\na = attach b vdec\nunlock b');
  const r = run(bad);
  assert.deepEqual(only(r, 'ATT-04').map((f) => f.line), [lineOf(bad, 'attach b vdec')]);
  assert.equal(r.hangs.length, 1);
  const good = run(scenario('b = export igpu system 1MiB\na = attach b vdec\nlock b\nunlock b\ndetach a\nput b'));
  assert.deepEqual(problems(good), []);
  assert.equal(good.hangs.length, 0);
});

test('ATT-04: detach while holding the resv lock deadlocks too', () => {
  const bad = scenario('b = export igpu system 1MiB\na = attach b vdec\nlock b\ndetach a\nunlock b\nput b');
  const r = run(bad);
  assert.deepEqual(only(r, 'ATT-04').map((f) => f.line), [lineOf(bad, 'detach a')]);
});

test('ATT-03 + P2P-04: a static importer of VRAM is pinned into system memory and pre-mapped at attach', () => {
  const text = scenario('bo = export gpu vram 16MiB\natt = attach bo vdec\nsgt = map_unlocked att to_device\nunmap_unlocked sgt\ndetach att\nput bo', 'x86_64_pc', '', CACHING);
  const r = run(text);
  assert.deepEqual(problems(r), []);
  const attLine = lineOf(text, 'attach bo vdec');
  assert.deepEqual(r.findings.map((f) => `${f.line}:${f.code}:${f.severity}`).sort(), [
    `${attLine}:ATT-03:information`,
    `${attLine}:P2P-04:information`,
  ]);
  assert.ok(r.cache.some((e) => e.kind === 'copy'), 'the migration copies VRAM to system pages');
  const bo = [...r.state.buf.buffers.values()][0];
  assert.equal(bo.placement, 'system');
  assert.equal(bo.pins, 0, 'detach unpinned');
});

test('P2P-01: peer2peer on a static attach is ignored (information)', () => {
  const text = scenario('bo = export gpu vram 1MiB\natt = attach bo nic peer2peer\ndetach att\nput bo');
  const r = run(text);
  assert.equal(only(r, 'P2P-01')[0].severity, 'information');
  assert.deepEqual(problems(r), []);
});

test('P2P-03: the exporter drops peer2peer for an unreachable importer; the reachable NIC keeps it', () => {
  const far = run(scenario('bo = export gpu vram 1MiB\natt = attach bo vdec dynamic peer2peer\ndetach att\nput bo'));
  assert.equal(only(far, 'P2P-03').length, 1);
  assert.equal([...far.state.buf.attachments.values()][0].peer2peer, false);
  const near = run(scenario('bo = export gpu vram 1MiB\natt = attach bo nic dynamic peer2peer\ndetach att\nput bo'));
  assert.equal(only(near, 'P2P-03').length, 0);
  assert.equal([...near.state.buf.attachments.values()][0].peer2peer, true);
});

test('LIFE-04: detach with a live heap mapping leaks it (LEAK-01 at the map); unmap first is silent', () => {
  const bad = scenario('b = heap system 64KiB\na = attach b vdec\ns = map_unlocked a to_device\ndetach a\nput b');
  const r = run(bad);
  // The mapping is never unmapped: it also leaks, at its map statement.
  assert.deepEqual(codes(r), [`${lineOf(bad, 'detach a')}:LIFE-04`, `${lineOf(bad, 's = map')}:LEAK-01`]);
  const good = run(scenario('b = heap system 64KiB\na = attach b vdec\ns = map_unlocked a to_device\nunmap_unlocked s\ndetach a\nput b'));
  assert.deepEqual(codes(good), []);
});

test('PIN-01: pin on a static attachment WARNs; a dynamic importer pinning under the lock is silent', () => {
  const bad = scenario('b = heap system 64KiB\na = attach b vdec\nlock b\npin a\nunpin a\nunlock b\ndetach a\nput b');
  const r = run(bad);
  assert.deepEqual(only(r, 'PIN-01').map((f) => f.line), [lineOf(bad, 'pin a'), lineOf(bad, 'unpin a')]);
  const good = run(scenario('bo = export gpu vram 1MiB\na = attach bo nic dynamic\nlock bo\npin a\nunpin a\nunlock bo\ndetach a\nput bo'));
  assert.deepEqual(problems(good), []);
});

test('PIN-01: pin without the resv lock, and an unbalanced unpin', () => {
  const text = scenario('bo = export gpu system 1MiB\na = attach bo nic dynamic\npin a\nlock bo\nunpin a\nunpin a\nunlock bo\ndetach a\nput bo');
  const r = run(text);
  assert.deepEqual(only(r, 'PIN-01').map((f) => f.line), [lineOf(text, 'pin a'), lineOf(text, 'unpin a') + 1]);
});

test('MAP-01: map without the lock is an error from 6.2 on; in 6.1 only for dynamic pairs', () => {
  const body = 'b = heap system 64KiB\na = attach b vdec\ns = map a to_device\nunmap s\ndetach a\nput b';
  const r62 = run(scenario(body));
  assert.deepEqual(only(r62, 'MAP-01').map((f) => f.line), [5, 6]);
  const r61 = run(scenario(body, 'p', V61));
  assert.deepEqual(only(r61, 'MAP-01'), []);
  const dyn61 = run(scenario('bo = export gpu system 1MiB\na = attach bo nic dynamic\ns = map a to_device\nlock bo\nunmap s\nunlock bo\ndetach a\nput bo', 'p', V61));
  assert.deepEqual(only(dyn61, 'MAP-01').map((f) => f.line), [5]);
});

test('MAP-01: map_unlocked while holding the lock deadlocks; the locked variant under the lock is silent', () => {
  const bad = scenario('b = heap system 64KiB\na = attach b vdec\nlock b\ns = map_unlocked a to_device');
  const r = run(bad);
  assert.deepEqual(codes(r).filter((c) => c.endsWith('MAP-01')), [`${lineOf(bad, 'map_unlocked')}:MAP-01`]);
  assert.equal(r.hangs.length, 1);
  const good = run(scenario('b = heap system 64KiB\na = attach b vdec\nlock b\ns = map a to_device\nunmap s\nunlock b\ndetach a\nput b'));
  assert.deepEqual(codes(good), []);
});

test('MAP-02: a second direction on a cached gem mapping is -EBUSY; BIDIRECTIONAL first covers every direction', () => {
  const bad = scenario('b = export igpu system 1MiB\na = attach b vdec\ntx = map_unlocked a to_device\nrx = map_unlocked a from_device\nunmap_unlocked tx\ndetach a\nput b', 'x86_64_pc', '', CACHING);
  const r = run(bad);
  assert.deepEqual(codes(r), [`${lineOf(bad, 'from_device')}:MAP-02`]);
  assert.equal(r.state.failed.get([...r.program.refs.values()].find((s) => s.name === 'rx')!.id), '-EBUSY');
  const good = run(scenario('b = export igpu system 1MiB\na = attach b vdec\nall = map_unlocked a bidirectional\ntx = map_unlocked a to_device\nunmap_unlocked tx\nunmap_unlocked all\ndetach a\nput b', 'x86_64_pc', '', CACHING));
  assert.deepEqual(codes(good), []);
});

test('MAP-08: using a failed map is an error at the use', () => {
  const text = scenario('b = export igpu system 1MiB\na = attach b vdec\ntx = map_unlocked a to_device\nrx = map_unlocked a from_device\nsubmit vdec write rx\nunmap_unlocked tx\ndetach a\nput b', 'x86_64_pc', '', CACHING);
  const r = run(text);
  assert.deepEqual(only(r, 'MAP-08').map((f) => f.line), [lineOf(text, 'submit vdec')]);
});

test('MAP-03: mapping a heap attachment twice without unmap; map/unmap/map is silent', () => {
  const bad = scenario('b = heap system 64KiB\na = attach b vdec\ns1 = map_unlocked a to_device\ns2 = map_unlocked a to_device\nunmap_unlocked s2\nunmap_unlocked s1\ndetach a\nput b');
  const r = run(bad);
  // One violation, one code: unmapping both names afterwards is the consequence, not a new finding.
  assert.deepEqual(codes(r), [`${lineOf(bad, 's2 = map')}:MAP-03`]);
  const good = run(scenario('b = heap system 64KiB\na = attach b vdec\ns1 = map_unlocked a to_device\nunmap_unlocked s1\ns2 = map_unlocked a to_device\nunmap_unlocked s2\ndetach a\nput b'));
  assert.deepEqual(codes(good), []);
});

test('LIFE-05: a job through a table after unmap', () => {
  const bad = scenario('b = heap system 64KiB\na = attach b vdec\ns = map_unlocked a to_device\nunmap_unlocked s\nsubmit vdec read s\ndetach a\nput b');
  const r = run(bad);
  assert.deepEqual(codes(r), [`${lineOf(bad, 'submit')}:LIFE-05`]);
  assert.equal(r.accesses[0].path, undefined);
});

test('MAP-06: kmap of a page-less P2P table oopses; kmap of a driver\'s own dma_map table is fine', () => {
  const text = scenario(
    ['bo = export gpu vram 2MiB', 'a = attach bo nic dynamic peer2peer', 'lock bo', 's = map a bidirectional', 'unlock bo', 'kmap s', 'lock bo', 'unmap s', 'unlock bo', 'detach a', 'put bo'].join('\n'),
    'p',
    MOVE_NOTIFY,
  );
  const r = run(text);
  assert.deepEqual(codes(r), [`${lineOf(text, 'kmap s')}:MAP-06`]);
  assert.match(r.findings[0].message, /no struct page/);
  const own = run(scenario('b = heap system 64KiB\ns = dma_map vdec b to_device\nkmap s\ndma_unmap s\nput b'));
  assert.deepEqual(codes(own), []);
});

test('MAP-04: without MOVE_NOTIFY a dynamic importer\'s map pins the buffer into system memory', () => {
  const r = run(scenario('bo = export gpu vram 2MiB\na = attach bo nic dynamic peer2peer\nlock bo\ns = map a bidirectional\nunmap s\nunlock bo\ndetach a\nput bo'));
  assert.deepEqual(problems(r), []);
  assert.equal(only(r, 'P2P-04').length, 1);
  const sgt = [...r.state.buf.sgts.values()][0];
  assert.equal(sgt.pageless, false);
  assert.equal(sgt.pinnedOnMap, true);
});
