// The fence constructs of issue #4 in the front end: what they parse to, where a `-` is allowed,
// and how the binder resolves fences in get/put and containers in signal/set_error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bindText, codesByLine, firstScenario, parseText } from './helpers';

const scen = (body: string) => `scenario s on x86_64_pc {\n${body}\n}\n`;

test('fence statements keep context, seqno, userspace, errno, timeouts and container members', () => {
  const { ast, findings } = parseText(scen('a = fence context ring seqno 7 userspace\nb = fence\nset_error a -5\nwait a, b timeout -1\nwait_resv x read timeout 0\nc = fence_array a, b any\nd = fence_chain a prev c'));
  assert.deepEqual(findings, []);
  const [a, b, e, w, wr, c, d] = firstScenario(ast).body;
  assert.ok(a.kind === 'Fence' && a.context?.name === 'ring' && a.seqno?.value === 7 && a.userspace === true);
  assert.ok(b.kind === 'Fence' && b.context === undefined && !b.userspace);
  assert.ok(e.kind === 'SetError' && e.error.value === -5 && e.error.text === '-5');
  assert.ok(w.kind === 'Wait' && w.fences.length === 2 && w.timeout?.value === -1);
  assert.ok(wr.kind === 'WaitResv' && wr.timeout?.value === 0);
  assert.ok(c.kind === 'FenceArray' && c.fences.map((f) => f.name).join() === 'a,b' && c.any);
  assert.ok(d.kind === 'FenceChain' && d.fence.name === 'a' && d.prev?.name === 'c');
});

test('a minus sign is accepted only where a signed integer is expected, and only next to its digits', () => {
  assert.deepEqual(codesByLine(parseText(scen('b = heap system -4KiB')).findings), ['2:SYNTAX']);
  assert.deepEqual(codesByLine(parseText(scen('f = fence\nset_error f - 5')).findings), ['3:SYNTAX']);
  assert.deepEqual(codesByLine(parseText(scen('f = fence\nset_error f 5MiB')).findings), ['3:SYNTAX']);
  assert.deepEqual(codesByLine(parseText(scen('b = heap system 1MiB\nf = fence\nwait f timeout -0x10')).findings), []);
});

test('get and put take a buffer or a fence; other kinds are NAME errors', () => {
  assert.deepEqual(codesByLine(bindText(scen('f = fence\nget f\nput f\nb = heap system 4KiB\nput b')).findings), []);
  assert.deepEqual(codesByLine(bindText(scen('d = domain vtd\nput d')).findings), ['3:NAME']);
});

test('arrays and chains need fences, and cannot be signalled or given an error by hand', () => {
  assert.deepEqual(codesByLine(bindText(scen('b = heap system 4KiB\na = fence\nx = fence_array a, b\nput b')).findings), ['4:NAME']);
  const p = bindText(scen('a = fence\nx = fence_array a\nc = fence_chain a prev x\nsignal c\nset_error x -5\nsignal a'));
  assert.deepEqual(codesByLine(p.findings), ['5:NAME', '6:NAME']);
  assert.match(p.findings[0].message, /fence chain: it signals when its fences do/);
  assert.match(p.findings[1].message, /fence array/);
});
