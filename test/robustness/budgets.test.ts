// Budgets: a state explosion ends at the budget with an information finding; an edit cancels a
// running exploration promptly; a crashed engine worker is restarted and diagnostics return
// quickly. Latencies are measured over 5 trials, printed, and asserted at the median against
// the figures (100 ms to cancel, 1 s to come back after a crash).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../server/src/analysis';
import { LspClient } from '../lsp/harness';
import { FUZZ_PATH, FUZZ_ROOT, NO_FILES } from './fuzz/oracle';

/** Six threads taking one lock: thousands of interleavings, none of them wrong. */
function explosion(threads = 6, name = 'boom'): string {
  const body = Array.from({ length: threads }, (_, i) => `  thread t${i} {\n    f${i} = fence\n    signal f${i}\n    lock b\n    unlock b\n    wait f${i}\n  }\n`).join('');
  return `scenario ${name} on arm64_soc {\n  b = heap system 4KiB\n${body}  put b\n}\n`;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

describe('budgets', () => {
  test('a state explosion stops at the state budget with one BUDGET information finding', () => {
    const a = analyze({ path: FUZZ_PATH, text: explosion() }, { root: FUZZ_ROOT, host: NO_FILES, engine: { budget: { maxStates: 300, maxMillis: 60_000 } } });
    const ex = a.engine.scenarios[0].exploration;
    assert.equal(ex.cutShort, true);
    assert.ok(ex.states <= 300 + 50, `${ex.states} states for a budget of 300`);
    assert.deepEqual(a.findings.map((f) => `${f.code} ${f.severity}`), ['BUDGET information']);
    assert.match(a.findings[0].message, /cut short by the budget after \d+ states/);
  });

  test('the wall-clock budget ends it too', () => {
    const started = performance.now();
    const a = analyze({ path: FUZZ_PATH, text: explosion() }, { root: FUZZ_ROOT, host: NO_FILES, engine: { budget: { maxStates: 10_000_000, maxMillis: 300 } } });
    const ms = performance.now() - started;
    assert.equal(a.engine.scenarios[0].exploration.cutShort, true);
    assert.ok(ms < 3000, `stopped after ${ms.toFixed(0)} ms for a 300 ms budget`);
    assert.deepEqual(a.findings.map((f) => f.code), ['BUDGET']);
  });

  test('an edit cancels a running exploration: median of 5 trials within 100 ms', async (t) => {
    // An exploration that would run for a minute; progress shows once it has run 500 ms.
    const c = await LspClient.start({ settings: { debounceMs: 0, exploration: { maxStates: 10_000_000, maxMillis: 60_000 } } });
    try {
      const latencies: number[] = [];
      for (let trial = 0; trial < 5; trial++) {
        const uri = await c.open(`cancel${trial}.dmabuf`, explosion(6, `boom${trial}`));
        const begin = await c.waitFor('progress begin', () => c.progress.find((p) => p.value.kind === 'begin' && !c.progress.some((q) => q.token === p.token && q.value.kind === 'end')), 10_000);
        const editedAt = performance.now();
        await c.change(uri, 2, '// emptied\n');
        await c.waitFor('old progress ends', () => c.progress.find((p) => p.token === begin.token && p.value.kind === 'end'), 5000);
        latencies.push(performance.now() - editedAt);
        await c.settled(uri, 2);
        await c.close(uri);
      }
      t.diagnostic(`edit → running exploration stopped: ${latencies.map((x) => x.toFixed(0)).join(', ')} ms (median ${median(latencies).toFixed(0)} ms)`);
      assert.ok(median(latencies) <= 100, `median ${median(latencies).toFixed(0)} ms`);
      assert.deepEqual(c.logs.filter((l) => /did not stop within/.test(l.message)).map((l) => l.message), [], 'the engine stopped by itself, not by terminating the worker');
    } finally {
      await c.stop();
    }
  });

  test('a crashed worker is restarted and diagnostics come back: median of 5 trials within 1 s', async (t) => {
    const c = await LspClient.start({ settings: { debounceMs: 0 } });
    try {
      const uri = await c.open('crash.dmabuf', 'scenario s on arm64_soc {\n  f = fence\n  wait f\n}\n');
      await c.settled(uri, 1);
      const latencies: number[] = [];
      for (let trial = 0; trial < 5; trial++) {
        const before = c.statusLog.length;
        const crashedAt = performance.now();
        await c.request('dmabuf/__crashWorker', {});
        await c.waitFor('diagnostics after restart', () => c.statusLog.slice(before).find((s) => s.uri === uri && s.state === 'findings'), 10_000);
        latencies.push(performance.now() - crashedAt);
      }
      t.diagnostic(`worker crash → diagnostics back: ${latencies.map((x) => x.toFixed(0)).join(', ')} ms (median ${median(latencies).toFixed(0)} ms)`);
      assert.ok(median(latencies) <= 1000, `median ${median(latencies).toFixed(0)} ms`);
      assert.deepEqual(c.lastDiagnostics(uri)?.diagnostics.map((d) => d.code), ['HANG-01']);
      assert.equal(c.exit, undefined, 'the server itself kept running');
    } finally {
      await c.stop();
    }
  });
});
