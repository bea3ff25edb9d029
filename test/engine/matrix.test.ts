// The version matrix (engine/matrix.ts): each scenario under every profile, merged so that a finding
// is reported once with the profiles it happens on, and profiles that answer every row the scenario
// asked about alike share one run.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EngineOptions, EngineProgram, EngineResult } from '../../server/src/engine/api';
import { mergeFindings, simulateMatrix } from '../../server/src/engine/matrix';
import { simulate } from '../../server/src/engine/simulate';
import type { Finding } from '../../server/src/common/findings';
import type { KernelVersion } from '../../server/src/language/profiles';
import { bindText } from '../language/helpers';

/** simulate, counting its calls and the profiles they ran on. */
function counting(): { run: (p: EngineProgram, o: EngineOptions) => EngineResult; calls: (KernelVersion | undefined)[] } {
  const calls: (KernelVersion | undefined)[] = [];
  return { calls, run: (p, o) => (calls.push(o.kernel), simulate(p, o)) };
}

// Asks no profile row: a heap buffer exported and released.
const NO_ROWS = `scenario quiet on x86_64_pc {
  buf = heap system 64KiB
  put buf
}
`;

// A map without the resv lock asks 'locking-convention' (6.2): 6.1 answers no, the rest yes. The
// static pair's map is MAP-01 from 6.2 only (lockdep on).
const LOCKING = `platform pc_lockdep extends x86_64_pc {
  config LOCKDEP yes
}
scenario map_without_lock on pc_lockdep {
  buf = heap system 64KiB
  att = attach buf nic
  sgt = map att to_device
  unmap_unlocked sgt
  detach att
  put buf
}
`;

const ALL: KernelVersion[] = ['6.1', '6.2', '6.6', '6.12', '6.18', '6.19', '7.0', '7.1'];

test('a matrix over profiles that change nothing the scenario touches costs one run', () => {
  const { run, calls } = counting();
  const r = simulateMatrix(bindText(NO_ROWS), ALL, {}, run);
  assert.equal(calls.length, 1);
  assert.deepEqual(r.scenarios[0].versions, ALL);
  assert.deepEqual(r.scenarios[0].runs?.map((x) => x.sharedWith ?? x.version), ALL.map(() => '6.1'));
});

test('a scenario whose rows answer differently runs once per distinct answer set', () => {
  const { run, calls } = counting();
  const r = simulateMatrix(bindText(LOCKING), ['7.1', '6.1', '6.12', '6.2'], {}, run);
  assert.deepEqual(calls, ['6.1', '6.2']);
  const s = r.scenarios[0];
  assert.deepEqual(s.versions, ['6.1', '6.2', '6.12', '7.1']);
  assert.deepEqual(s.runs?.map((x) => `${x.version}${x.sharedWith ? `=${x.sharedWith}` : ''}`), ['6.1', '6.2', '6.12=6.2', '7.1=6.2']);
  const map01 = r.findings.filter((f) => f.code === 'MAP-01');
  assert.equal(map01.length, 1);
  assert.deepEqual(map01[0].versions, ['6.2', '6.12', '7.1']);
  // The trace shown is that of the first profile with an error.
  assert.equal(s.traceVersion, '6.2');
});

test('the matrix agrees with one run per profile', () => {
  const program = bindText(LOCKING);
  const r = simulateMatrix(program, ['6.1', '6.6'], {});
  for (const v of ['6.1', '6.6'] as const) {
    const single = simulate(program, { kernel: v }).findings.map((f) => `${f.code}@${f.location.span.start}`);
    const merged = r.findings.filter((f) => f.versions?.includes(v)).map((f) => `${f.code}@${f.location.span.start}`);
    assert.deepEqual(merged, single);
  }
});

test('without a matrix the result is exactly simulate\'s (no versions anywhere)', () => {
  const program = bindText(LOCKING);
  const { run, calls } = counting();
  const r = simulateMatrix(program, undefined, {}, run);
  assert.equal(calls.length, 1);
  assert.deepEqual(r.findings, simulate(program, {}).findings);
  assert.ok(r.findings.every((f) => f.versions === undefined));
});

test('merging keeps each finding once, keyed by code, place and severity, with the first profile\'s message', () => {
  const f = (code: string, start: number, message: string, severity: Finding['severity'] = 'error'): Finding => ({
    code,
    severity,
    message,
    related: [],
    location: { file: 'f', span: { start, end: start + 1 } },
  });
  const merged = mergeFindings([
    { version: '6.1', findings: [f('MAP-02', 10, 'on 6.1'), f('LEAK-01', 20, 'leak')] },
    { version: '6.12', findings: [f('MAP-02', 10, 'on 6.12'), f('LEAK-01', 20, 'leak', 'warning')] },
    { version: '6.18', findings: [f('LIFE-04', 30, 'detach')] },
  ]);
  assert.deepEqual(
    merged.map((m) => `${m.code}/${m.severity} ${m.message} [${m.versions?.join(',')}]`),
    ['MAP-02/error on 6.1 [6.1,6.12]', 'LEAK-01/error leak [6.1]', 'LEAK-01/warning leak [6.12]', 'LIFE-04/error detach [6.18]'],
  );
});

test('a platform with a kernel range runs its scenarios as a matrix; --kernels overrides it; others run once', () => {
  const program = bindText(`${LOCKING}scenario plain on x86_64_pc {\n  f = fence\n  signal f\n  wait f\n}\n`);
  // What the front end fills for `kernel 6.1..6.2` (bound.ts: ResolvedPlatform.kernels).
  const ranged = {
    ...program,
    scenarios: program.scenarios.map((s) => (s.name === 'map_without_lock' && s.platform ? { ...s, platform: { ...s.platform, kernels: ['6.1', '6.2'] as const } } : s)),
  };
  const r = simulateMatrix(ranged, undefined, {});
  assert.deepEqual(r.scenarios.map((s) => [s.name, s.versions]), [['map_without_lock', ['6.1', '6.2']], ['plain', undefined]]);
  assert.deepEqual(r.findings.find((f) => f.code === 'MAP-01')?.versions, ['6.2']);
  const over = simulateMatrix(ranged, ['6.12'], {});
  assert.deepEqual(over.scenarios.map((s) => [s.name, s.versions]), [['map_without_lock', ['6.12']], ['plain', ['6.12']]]);
});

test('a merged finding points into the trace shown only where it happens on that profile (found by the fuzz campaign)', () => {
  // On 6.1..6.12 the static importer is pinned and pre-mapped at attach; from 6.16 the map pins,
  // and the mapping left at the end is a LEAK-01 of 6.18+ only, at a step the 6.1 trace (shown: its
  // first profile with an error) does not have.
  const program = bindText('scenario s on x86_64_pc kernel 6.1..mainline {\n  b0 = export gpu vram 64KiB\n  a2 = attach b0 vdec\n  pin a2\n  s = map_unlocked a2 to_device\n}\n');
  const r = simulateMatrix(program, undefined);
  const sc = r.scenarios[0];
  const shown = sc.trace.steps.length;
  const onlyLater = r.findings.filter((f) => f.versions && !f.versions.includes(sc.traceVersion!));
  assert.ok(onlyLater.length > 0, 'some finding happens only on profiles whose trace is not shown');
  for (const f of r.findings) {
    if (f.traceStep !== undefined) assert.ok(f.traceStep >= 1 && f.traceStep <= shown, `${f.code} at step ${f.traceStep} of ${shown}`);
  }
  for (const f of onlyLater) assert.equal(f.traceStep, undefined, `${f.code} has no step in the ${sc.traceVersion} trace`);
});
