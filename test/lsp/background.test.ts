// The engine runs in a worker: fast edits are coalesced and stale results never published, a
// crashed worker is restarted and diagnostics come back (logged once), long analyses report
// cancellable $/progress, a new edit cancels the running analysis, settings are honoured.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { LspClient } from './harness';

const hangs = (fence: string, extra = ''): string => `scenario hangs on arm64_soc {\n  ${fence} = fence\n  wait ${fence}\n${extra}}\n`;

describe('background analysis', () => {
  test('20 fast edits: only the last version is analysed and published last; no stale diagnostics after newer ones', async () => {
    const c = await LspClient.start();
    try {
      const uri = await c.open('fast.dmabuf', hangs('f0'));
      for (let v = 2; v <= 21; v++) await c.change(uri, v, hangs(`f${v}`, v === 21 ? '  put nobody\n' : ''));
      const diags = await c.diagnosticsAfterAnalysis(uri, 21);
      assert.deepEqual(diags.map((d) => d.code).sort(), ['HANG-01', 'NAME']);
      assert.match(String(diags.find((d) => d.code === 'HANG-01')!.message), /\bf21\b/, 'the engine finding is for the last text');
      // Give any straggling stale result a chance to arrive, then check the order.
      await new Promise((r) => setTimeout(r, 300));
      const versions = c.diagnosticsLog.filter((d) => d.uri === uri).map((d) => d.version ?? -1);
      for (let i = 1; i < versions.length; i++) assert.ok(versions[i] >= versions[i - 1], `diagnostics went back from v${versions[i - 1]} to v${versions[i]}: ${versions}`);
      assert.equal(versions[versions.length - 1], 21);
      // Engine findings appear only for versions whose analysis was not superseded.
      const withEngine = c.diagnosticsLog.filter((d) => d.uri === uri && d.diagnostics.some((x) => x.code === 'HANG-01')).map((d) => d.version);
      assert.ok(withEngine.every((v) => v === 1 || v === 21), `engine findings published for stale versions: ${withEngine}`);
      const settledStale = c.statusLog.filter((s) => s.uri === uri && s.state !== 'checking' && s.version > 1 && s.version < 21);
      assert.deepEqual(settledStale, [], 'no analysis of an intermediate version completed');
    } finally {
      await c.stop();
    }
  });

  test('a crashed worker is restarted, the crash is logged once and diagnostics come back', async () => {
    const c = await LspClient.start();
    try {
      const uri = await c.open('crash.dmabuf', hangs('f'));
      await c.settled(uri, 1);
      const before = c.statusLog.length;
      assert.equal(await c.request<boolean>('dmabuf/__crashWorker', {}), true);
      await c.waitFor('crash log', () => c.logs.some((l) => /engine worker crashed/.test(l.message)));
      const again = await c.waitFor('re-analysis after restart', () => c.statusLog.slice(before).find((s) => s.uri === uri && s.state === 'findings'));
      assert.equal(again.errors, 1);
      assert.deepEqual(c.lastDiagnostics(uri)?.diagnostics.map((d) => d.code), ['HANG-01']);
      assert.equal(c.logs.filter((l) => /engine worker crashed/.test(l.message)).length, 1, 'logged once');
      // The new worker serves later edits.
      await c.change(uri, 2, 'scenario fine on arm64_soc {\n  f = fence\n  signal f\n  wait f\n}\n');
      assert.deepEqual(await c.diagnosticsAfterAnalysis(uri, 2), []);
      assert.equal(c.exit, undefined, 'the server itself kept running');
    } finally {
      await c.stop();
    }
  });

  test('an analysis longer than 500 ms reports cancellable $/progress, and cancelling it stops it', async () => {
    const c = await LspClient.start({ env: { DMABUF_TEST_SCENARIO_DELAY_MS: '400' } });
    try {
      const text = ['a', 'b', 'c', 'd'].map((n) => `scenario ${n} on arm64_soc {\n  f = fence\n  signal f\n}\n`).join('');
      const uri = await c.open('slow.dmabuf', text);
      const begin = await c.waitFor('progress begin', () => c.progress.find((p) => p.value.kind === 'begin'), 5000);
      assert.equal(begin.value.cancellable, true);
      assert.match(begin.value.title ?? '', /slow\.dmabuf/);
      await c.waitFor('progress report', () => c.progress.find((p) => p.token === begin.token && p.value.kind === 'report'), 3000);
      const sentAt = Date.now();
      await c.connection.sendNotification('window/workDoneProgress/cancel', { token: begin.token });
      const status = await c.settled(uri, 1);
      assert.equal(status.state, 'cutShort');
      assert.match(status.message ?? '', /cancel/);
      assert.ok(Date.now() - sentAt < 1000, 'stopped promptly');
      await c.waitFor('progress end', () => c.progress.find((p) => p.token === begin.token && p.value.kind === 'end'));
    } finally {
      await c.stop();
    }
  });

  test('a short analysis shows no progress', async () => {
    const c = await LspClient.start();
    try {
      const uri = await c.open('quick.dmabuf', hangs('f'));
      await c.settled(uri, 1);
      await new Promise((r) => setTimeout(r, 600));
      assert.deepEqual(c.progressTokens, []);
    } finally {
      await c.stop();
    }
  });

  test('a new edit cancels the running analysis (its progress ends at once)', async () => {
    const c = await LspClient.start({ env: { DMABUF_TEST_SCENARIO_DELAY_MS: '500' } });
    try {
      const text = ['a', 'b', 'c', 'd'].map((n) => `scenario ${n} on arm64_soc {\n  f = fence\n  signal f\n}\n`).join('');
      const uri = await c.open('edit.dmabuf', text);
      const begin = await c.waitFor('progress begin', () => c.progress.find((p) => p.value.kind === 'begin'), 5000);
      const editedAt = Date.now();
      await c.change(uri, 2, text + '// edited\n');
      await c.waitFor('first progress ends', () => c.progress.find((p) => p.token === begin.token && p.value.kind === 'end'));
      assert.ok(Date.now() - editedAt < 450, `the old analysis (1.5 s left) stopped at once, took ${Date.now() - editedAt} ms`);
      const status = await c.settled(uri, 2, 20_000);
      assert.equal(status.state, 'clean');
      assert.equal(c.statusLog.filter((s) => s.uri === uri && s.version === 1 && s.state !== 'checking').length, 0, 'no result for v1');
    } finally {
      await c.stop();
    }
  });

  test('a scenario that overruns its time budget is stopped; the document reports it and others still get analysed', async () => {
    const c = await LspClient.start({
      settings: { exploration: { maxMillis: 100 } },
      env: { DMABUF_TEST_SCENARIO_DELAY_MS: '5000', DMABUF_OVERRUN_SLACK_MS: '300' },
    });
    try {
      await new Promise((r) => setTimeout(r, 200)); // settings arrive after `initialized`
      const started = Date.now();
      const uri = await c.open('runaway.dmabuf', hangs('f'));
      const status = await c.settled(uri, 1);
      assert.equal(status.state, 'cutShort');
      assert.match(status.message ?? '', /scenario hangs was stopped after \d+ ms/);
      assert.ok(Date.now() - started < 3000, `stopped by the watchdog, not after the 5 s run (${Date.now() - started} ms)`);
      assert.ok(c.logs.some((l) => /against a 100 ms budget/.test(l.message)));
      // The replacement worker serves the next document (with no scenarios, nothing to overrun).
      const other = await c.open('empty.dmabuf', '// nothing to simulate\n');
      assert.equal((await c.settled(other, 1)).state, 'clean');
    } finally {
      await c.stop();
    }
  });

  test('settings: the debounce comes from workspace/configuration, and a change re-checks open documents', async () => {
    const c = await LspClient.start({ settings: { debounceMs: 700 } });
    try {
      await new Promise((r) => setTimeout(r, 200)); // the server reads the settings after `initialized`
      const openedAt = Date.now();
      const uri = await c.open('debounce.dmabuf', hangs('f'));
      await c.settled(uri, 1);
      assert.ok(Date.now() - openedAt >= 650, `engine waited for the 700 ms debounce (${Date.now() - openedAt} ms)`);
      const before = c.statusLog.length;
      c.settings = { debounceMs: 0 };
      await c.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
      await c.waitFor('re-check after settings change', () => c.statusLog.slice(before).find((s) => s.uri === uri && s.state === 'findings'));
    } finally {
      await c.stop();
    }
  });

  test('settings: the kernel profile override and the exploration budget reach the engine', async () => {
    const unlockedMap = 'scenario s on arm64_soc {\n  b = heap system 64KiB\n  a = attach b display\n  m = map a to_device\n  unmap m\n  detach a\n  put b\n}\n';
    const c = await LspClient.start();
    try {
      const uri = await c.open('profile.dmabuf', unlockedMap);
      // arm64_soc says kernel 6.18: since 6.2 every map caller must hold the resv lock (MAP-01, VER-01).
      assert.deepEqual((await c.diagnosticsAfterAnalysis(uri, 1)).map((d) => d.code), ['MAP-01', 'MAP-01']);
      const before = c.statusLog.length;
      c.settings = { kernelProfile: '6.1', exploration: { maxStates: 2 } };
      await c.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
      await c.waitFor('re-check with 6.1', () => c.statusLog.slice(before).find((s) => s.uri === uri && s.state !== 'checking'));
      const codes = c.lastDiagnostics(uri)!.diagnostics.map((d) => d.code);
      assert.ok(!codes.includes('MAP-01'), `6.1 lets a static pair map unlocked: ${codes}`);
      const racy = 'scenario r on arm64_soc {\n  b = heap system 64KiB\n  a = attach b display\n  m = map_unlocked a bidirectional\n  submit display write m signal f1\n  submit display read m\n  wait f1\n  unmap_unlocked m\n  detach a\n  put b\n}\n';
      const r = await c.open('budget.dmabuf', racy);
      const status = await c.settled(r, 1);
      assert.equal(status.state, 'cutShort', 'two states are not enough to explore two jobs');
      const budget = c.lastDiagnostics(r)!.diagnostics.find((d) => d.code === 'BUDGET' && d.severity === 3);
      assert.ok(budget, 'a BUDGET information');
      assert.match(String(budget.message), /Raise the state budget \(the setting dmabuf\.exploration\.maxStates\)/, 'it names the setting to raise');
    } finally {
      await c.stop();
    }
  });
});
