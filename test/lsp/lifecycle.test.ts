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
