// Buffers and references: export (EXP-01, P2P-08), heap alloc (HEAP-01), get/put, release with
// outstanding attachments (LIFE-02) or a vmap (LIFE-03), use after release (LIFE-01), leaks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { codes, lineOf, only, problems, run, scenario } from './harness';

test('EXP-01: export from a device whose driver has no dma_buf_ops fails with -EINVAL, and the name holds the error', () => {
  const text = scenario(['b = export nic system 1MiB', 'a = attach b gpu'].join('\n'));
  const r = run(text);
  assert.deepEqual(only(r, 'EXP-01').map((f) => f.line), [lineOf(text, 'export nic')]);
  assert.match(only(r, 'EXP-01')[0].message, /-EINVAL/);
  // Using the failed name is LIFE-05, once, at the use.
  assert.deepEqual(only(r, 'LIFE-05').map((f) => f.line), [lineOf(text, 'attach b gpu')]);
});

test('EXP-01 silent: export from a gem or ttm device succeeds and is balanced by put', () => {
  const r = run(scenario(['b = export igpu system 1MiB', 'v = export gpu vram 1MiB', 'put b', 'put v'].join('\n')));
  assert.deepEqual(problems(r), []);
  assert.equal(r.state.buf.buffers.size, 2);
  for (const b of r.state.buf.buffers.values()) assert.ok(b.released);
});

test('P2P-08: exporting an mmio BAR (doorbell registers) as memory is an error; a memory BAR is not', () => {
  const bad = scenario('d = export gpu doorbell 4KiB\nput d');
  assert.deepEqual(codes(run(bad)), [`${lineOf(bad, 'doorbell')}:P2P-08`]);
  assert.deepEqual(codes(run(scenario('v = export gpu vram 4KiB\nput v'))), []);
});

test('HEAP-01: a zero-length heap allocation returns -EINVAL; a non-zero one is rounded up to pages', () => {
  const bad = scenario('b = heap system 0');
  assert.deepEqual(codes(run(bad)), [`${lineOf(bad, 'heap system 0')}:HEAP-01`]);
  const r = run(scenario('b = heap cma 100\nput b'));
  assert.deepEqual(problems(r), []);
  const b = [...r.state.buf.buffers.values()][0];
  assert.equal(b.size, 4096);
  assert.equal(b.chunks.length, 1, 'cma is one physical range');
});

test('LIFE-01: using a buffer after the last put is a use-after-free; get/put pairs are fine', () => {
  const bad = scenario('b = heap system 64KiB\nput b\nv = vmap_unlocked b');
  const r = run(bad);
  assert.deepEqual(only(r, 'LIFE-01').map((f) => f.line), [lineOf(bad, 'vmap_unlocked')]);
  const good = run(scenario('b = heap system 64KiB\nget b\nput b\nv = vmap_unlocked b\nvunmap_unlocked v\nput b'));
  assert.deepEqual(problems(good), []);
});

test('LIFE-02: the last put with an attachment still on the list WARNs; detach first is silent', () => {
  const bad = scenario('b = export igpu system 1MiB\na = attach b vdec\nput b');
  const r = run(bad);
  assert.deepEqual(only(r, 'LIFE-02').map((f) => f.line), [lineOf(bad, 'put b')]);
  // The never-detached attachment is also still held at the end (LEAK-01 at the attach).
  assert.deepEqual(only(r, 'LEAK-01').map((f) => f.line), [lineOf(bad, 'attach b vdec')]);
  const good = run(scenario('b = export igpu system 1MiB\na = attach b vdec\ndetach a\nput b'));
  assert.deepEqual(problems(good), []);
});

test('LIFE-03: the last put with a vmap outstanding BUGs and has no effect; vunmap first is silent', () => {
  const bad = scenario('b = heap system 64KiB\nv = vmap_unlocked b\nput b\nvunmap_unlocked v\nput b');
  const r = run(bad);
  assert.deepEqual(codes(r), [`${lineOf(bad, 'put b')}:LIFE-03`]);
  assert.ok([...r.state.buf.buffers.values()][0].released, 'the later put released it: the BUG changed nothing');
  assert.deepEqual(codes(run(scenario('b = heap system 64KiB\nv = vmap_unlocked b\nvunmap_unlocked v\nput b'))), []);
});

test('LEAK-01: a reference never put is reported at the statement that created the buffer', () => {
  const text = scenario('b = heap system 64KiB\nget b\nput b');
  const r = run(text);
  assert.deepEqual(codes(r), [`${lineOf(text, 'heap system')}:LEAK-01`]);
  assert.match(r.findings[0].message, /1 reference/);
});
