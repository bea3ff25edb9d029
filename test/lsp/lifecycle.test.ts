// The server's lifecycle: it exits when its client's process dies (--clientProcessId), when its
// input closes, and cleanly (0) on shutdown + exit, taking its engine worker with it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { LspClient } from './harness';

test('the server exits when the client process named by --clientProcessId dies', async () => {
  const fakeClient = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  const c = await LspClient.start({ args: [`--clientProcessId=${fakeClient.pid}`] });
  try {
    const uri = await c.open('alive.dmabuf', 'scenario s on arm64_soc {\n  f = fence\n  wait f\n}\n');
    await c.settled(uri, 1); // the worker is running too
    fakeClient.kill('SIGKILL');
    await c.waitFor('server exit', () => c.exit, 8000);
    assert.notEqual(c.exit, undefined);
  } finally {
    fakeClient.kill('SIGKILL');
    await c.stop();
  }
});

test('the server exits when its input closes', async () => {
  const c = await LspClient.start();
  c.child.stdin!.end();
  await c.waitFor('server exit', () => c.exit, 5000);
  await c.stop();
});

test('shutdown + exit ends the server with status 0, worker included', async () => {
  const c = await LspClient.start();
  const uri = await c.open('bye.dmabuf', 'scenario s on arm64_soc {\n  f = fence\n  wait f\n}\n');
  await c.settled(uri, 1);
  await c.stop();
  assert.deepEqual(c.exit, { code: 0, signal: null });
});

test('an idle engine worker is stopped and started again by the next analysis, without a crash or a lost result', async () => {
  const c = await LspClient.start({ env: { DMABUF_RETIRE_IDLE_MS: '200' } });
  try {
    const text = 'scenario s on x86_64_pc {\n  b = heap system 4KiB\n  a = attach b vdec\n  t = map_unlocked a to_device\n  detach a\n  put b\n}\n';
    const uri = await c.open('idle.dmabuf', text);
    const first = await c.diagnosticsAfterAnalysis(uri, 1);
    assert.ok(first.some((d) => d.code === 'LIFE-04'), JSON.stringify(first.map((d) => d.code)));
    // Long enough for the worker to be retired; the edit then needs a new one.
    await c.waitFor('the idle worker stopped', () => c.logs.some((l) => /engine worker stopped after 200 ms idle/.test(l.message)));
    await c.change(uri, 2, text.replace('  detach a\n', '  unmap_unlocked t\n  detach a\n'));
    const second = await c.diagnosticsAfterAnalysis(uri, 2);
    assert.ok(!second.some((d) => d.code === 'LIFE-04'), JSON.stringify(second.map((d) => d.code)));
    assert.ok(!c.logs.some((l) => /crashed/.test(l.message)), c.logs.map((l) => l.message).join('\n'));
  } finally {
    await c.stop();
  }
});
