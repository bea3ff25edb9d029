// Nothing but LSP frames on stdout: every byte the server wrote parses as
// `Content-Length: N\r\n\r\n` + N bytes of JSON-RPC, across a session that uses every feature.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LspClient, positionOf } from './harness';
import { SAMPLE } from './sample';

test('stdout carries only Content-Length framed JSON-RPC messages', async () => {
  const c = await LspClient.start();
  const uri = await c.open('pure.dmabuf', SAMPLE);
  await c.settled(uri, 1);
  const doc = { textDocument: { uri } };
  await c.request('textDocument/hover', { ...doc, position: positionOf(SAMPLE, 'map_unlocked') });
  await c.request('textDocument/completion', { ...doc, position: positionOf(SAMPLE, 'put buf') });
  await c.request('textDocument/semanticTokens/full', doc);
  await c.request('textDocument/formatting', { ...doc, options: { tabSize: 2, insertSpaces: true } });
  await c.request('dmabuf/trace', { uri, scenario: 'upload' });
  await c.request('dmabuf/__crashWorker', {});
  await c.waitFor('crash handled', () => c.logs.some((l) => /crashed/.test(l.message)));
  await c.change(uri, 2, SAMPLE + '\nscenario broken on nowhere {\n  put x\n}\n');
  await c.settled(uri, 2);
  await c.stop();

  const out = Buffer.concat(c.stdout);
  assert.ok(out.length > 0);
  let at = 0;
  let messages = 0;
  while (at < out.length) {
    const headerEnd = out.indexOf('\r\n\r\n', at);
    assert.ok(headerEnd > at, `a header at byte ${at}: ${JSON.stringify(out.subarray(at, at + 40).toString())}`);
    const header = out.subarray(at, headerEnd).toString('ascii');
    const m = /^Content-Length: (\d+)(\r\nContent-Type: [^\r\n]+)?$/i.exec(header);
    assert.ok(m, `a valid header at byte ${at}: ${JSON.stringify(header)}`);
    const start = headerEnd + 4;
    const body = out.subarray(start, start + Number(m[1]));
    assert.equal(body.length, Number(m[1]), 'a complete body');
    const msg = JSON.parse(body.toString('utf8')) as { jsonrpc?: string };
    assert.equal(msg.jsonrpc, '2.0');
    messages++;
    at = start + body.length;
  }
  assert.ok(messages > 10, `${messages} messages`);
  assert.equal(c.exit?.code, 0, 'clean exit after shutdown + exit');
});
