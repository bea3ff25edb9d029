// Fences, waits, locks and hangs with a kernel half that models nothing: the time half alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fakeKernel } from './fake-kernel';
import { problems, runText, scen } from './helpers';

test('a wait on a fence that is signalled first completes', () => {
  const r = runText(scen('f = fence\nsignal f\nwait f'));
  assert.deepEqual(problems(r.findings), []);
  assert.equal(r.scenarios[0].trace.steps.length, 3);
});

test('a wait on a fence nobody signals hangs at the wait (HANG-01, FENCE-04 in the message)', () => {
  const r = runText(scen('f = fence\nwait f'));
  assert.deepEqual(problems(r.findings), ['3:HANG-01']);
  assert.match(r.findings[0].message, /FENCE-04/);
  assert.match(r.findings[0].message, /nothing left in the scenario signals/);
});

test('a thread signalling the fence unblocks the main wait, whichever runs first', () => {
  const r = runText(scen('f = fence\nthread t {\n  signal f\n}\nwait f'));
  assert.deepEqual(problems(r.findings), []);
});

test('signalling twice is FENCE-01 at the second signal', () => {
  const r = runText(scen('f = fence\nsignal f\nsignal f'));
  assert.deepEqual(problems(r.findings), ['4:FENCE-01']);
  assert.equal(r.findings[0].severity, 'warning');
});

test('waiting inside a signalling section is FENCE-05; a GFP_KERNEL allocation too, GFP_ATOMIC is fine', () => {
  const r = runText(scen('f = fence\ng = fence\nsignal g\nbegin_signalling\nwait g\nalloc kernel\nalloc atomic\nsignal f\nend_signalling'));
  assert.deepEqual(problems(r.findings), ['6:FENCE-05', '7:FENCE-05']);
});

test('the same work outside a signalling section is silent', () => {
  const r = runText(scen('f = fence\ng = fence\nsignal g\nwait g\nalloc kernel\nbegin_signalling\nalloc atomic\nsignal f\nend_signalling'));
  assert.deepEqual(problems(r.findings), []);
});

test('two threads waiting on each other\'s fences hang (a cycle of waits)', () => {
  const r = runText(scen('a = fence\nb = fence\nthread t {\n  wait a\n  signal b\n}\nwait b\nsignal a'));
  assert.deepEqual(problems(r.findings).sort(), ['5:HANG-01', '8:HANG-01']);
  assert.ok(r.findings.some((f) => /cycle of waits/.test(f.message)));
});

test('waiting on a thread that is stuck on a fence nobody signals is a hang, not a cycle of waits', () => {
  const r = runText(scen('a = fence\nb = fence\nthread t {\n  wait a\n  signal b\n}\nwait b'));
  assert.deepEqual(problems(r.findings).sort(), ['5:HANG-01', '8:HANG-01']);
  const messages = r.findings.map((f) => f.message);
  assert.ok(messages.some((m) => /^cpu waits for b, which only thread:t could signal, and thread:t is blocked too\. /.test(m)), messages.join('\n'));
  assert.ok(messages.every((m) => !/cycle of waits/.test(m)), messages.join('\n'));
});

test('taking a reservation lock or waiting on a reservation inside a signalling section is FENCE-05', () => {
  const r = runText(scen('b = heap system 4KiB\nf = fence\nbegin_signalling\nlock b\nunlock b\nwait_resv b write\nsignal f\nend_signalling\nput b'), fakeKernel);
  assert.deepEqual(problems(r.findings), ['5:FENCE-05', '7:FENCE-05']);
  const ok = runText(scen('b = heap system 4KiB\nf = fence\nlock b\nunlock b\nwait_resv b write\nbegin_signalling\nsignal f\nend_signalling\nput b'), fakeKernel);
  assert.deepEqual(problems(ok.findings), []);
});

test('an export_sync_file of a buffer with no pending fences is a signalled stub: waiting on it completes', () => {
  const r = runText(scen('b = heap system 4KiB\ns = export_sync_file b rw\nwait s\nput b'), fakeKernel);
  assert.deepEqual(problems(r.findings), []);
  assert.match(r.scenarios[0].trace.steps[1].outcome, /stub/);
});
