// The driver's C files in the editor (dmabuf.checkC), through the real server over stdio: a C
// document a `check` names gets its findings on the C lines with the path as related information,
// hover on a modelled call, and "Show as scenario" whose text runs as a .dmabuf document; off by
// default; an answer for an older text is never published over a newer one.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { CodeAction, Diagnostic, Hover } from 'vscode-languageserver-protocol';
import { LspClient, REPO, positionOf } from './harness';

const C_TEXT = fs.readFileSync(path.join(REPO, 'samples', 'c', 'foo_drm_prime.c'), 'utf8');
const CHECK = fs.readFileSync(path.join(REPO, 'samples', 'c-driver-foo-check.dmabuf'), 'utf8');

/** A workspace with the sample's check file and its C file, as the sample lays them out. */
async function startWith(settings: Record<string, unknown>): Promise<{ client: LspClient; cUri: string }> {
  const client = await LspClient.start({ settings, workspace: fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'dmabuf-lsp-c-')) });
  fs.mkdirSync(path.join(client.workspace, 'c'));
  fs.writeFileSync(path.join(client.workspace, 'c', 'foo_drm_prime.c'), C_TEXT);
  fs.writeFileSync(path.join(client.workspace, 'foo-check.dmabuf'), CHECK);
  const cUri = client.uri('c/foo_drm_prime.c');
  await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: cUri, languageId: 'c', version: 1, text: C_TEXT } });
  return { client, cUri };
}

const lineOf = (needle: string): number => positionOf(C_TEXT, needle).line;

test('with dmabuf.checkC a C file a check names gets its path findings on the C lines, the path and the check as related information', async () => {
  const { client, cUri } = await startWith({ checkC: true });
  try {
    const pub = await client.waitFor('C diagnostics', () => client.diagnosticsLog.find((d) => d.uri === cUri && d.diagnostics.length > 0), 30_000);
    const byCode = (code: string): Diagnostic => pub.diagnostics.find((d) => d.code === code)!;
    const leak = byCode('LEAK-01');
    assert.ok(leak, JSON.stringify(pub.diagnostics.map((d) => d.code)));
    assert.equal(leak.range.start.line, lineOf('get_dma_buf(dma_buf)'));
    assert.match(String(leak.message), /in foo_gem_prime_import\(\), .*dma_buf_map_attachment_unlocked\(\)` at line 32 fails/);
    // The path, in order, each condition on its C line: the attach that succeeded, the map that failed, the goto.
    const path = (leak.relatedInformation ?? []).filter((r) => r.location.uri === cUri);
    assert.deepEqual(path.map((r) => r.message.replace(/^(\d+)\. .*/, '$1')), ['1', '2', '3'], JSON.stringify(path));
    assert.equal(path[0]!.location.range.start.line, lineOf('attach = dma_buf_attach('));
    assert.equal(path[1]!.location.range.start.line, lineOf('sgt = dma_buf_map_attachment_unlocked('));
    assert.match(path[2]!.message, /goto fail_detach/);
    const checkedBy = leak.relatedInformation?.find((r) => r.location.uri.endsWith('foo-check.dmabuf'));
    assert.ok(checkedBy, 'the check item is a related location');
    assert.equal(checkedBy.location.range.start.line, positionOf(CHECK, 'check "c/foo_drm_prime.c"').line);
    assert.equal(byCode('CPU-02').range.start.line, lineOf('ret = dma_buf_begin_cpu_access'));
    assert.equal(pub.version, 1);
  } finally {
    await client.stop();
  }
});

test('hover on a modelled C call shows the kernel call the engine ran and its result; on a finding, the rule and its path', async () => {
  const { client, cUri } = await startWith({ checkC: true });
  try {
    await client.waitFor('C diagnostics', () => client.diagnosticsLog.find((d) => d.uri === cUri && d.diagnostics.length > 0), 30_000);
    const onMap = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri: cUri }, position: positionOf(C_TEXT, 'dma_buf_map_attachment_unlocked(attach', 3) });
    const mapText = (onMap?.contents as { value: string }).value;
    assert.match(mapText, /dma_buf_map_attachment_unlocked\(/);
    assert.match(mapText, /Simulated as `\w+ = map_unlocked /);
    // The state the call left: the table it mapped.
    assert.match(mapText, /^- `sgt`: /m);
    const onLeak = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri: cUri }, position: positionOf(C_TEXT, 'get_dma_buf(dma_buf)', 2) });
    const leakText = (onLeak?.contents as { value: string }).value;
    assert.match(leakText, /LEAK-01/);
    assert.match(leakText, /Path: in foo_gem_prime_import\(\)/);
    const nowhere = await client.request<Hover | null>('textDocument/hover', { textDocument: { uri: cUri }, position: { line: 0, character: 1 } });
    assert.equal(nowhere, null);
  } finally {
    await client.stop();
  }
});

test('"Show as scenario" gives the path\'s scenario with its platform, and that text checks as a .dmabuf document with the same finding', async () => {
  const { client, cUri } = await startWith({ checkC: true });
  try {
    const pub = await client.waitFor('C diagnostics', () => client.diagnosticsLog.find((d) => d.uri === cUri && d.diagnostics.length > 0), 30_000);
    const leak = pub.diagnostics.find((d) => d.code === 'LEAK-01')!;
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: cUri }, range: leak.range, context: { diagnostics: [leak] } });
    const show = actions.find((a) => a.title === 'Show as scenario');
    assert.equal(show?.command?.command, 'dmabuf.showCScenario');
    const args = show!.command!.arguments![0] as { title: string; text: string };
    assert.match(args.title, /foo_gem_prime_import: LEAK-01/);
    assert.match(args.text, /^scenario \w+ on arm64_soc kernel 6\.12 \{/m);
    // The scenario stands alone: opened as a document, the engine finds the same leak on it.
    const uri = await client.open('shown.dmabuf', args.text);
    const diags = await client.diagnosticsAfterAnalysis(uri, 1);
    assert.ok(diags.some((d) => d.code === 'LEAK-01'), JSON.stringify(diags.map((d) => d.code)));
  } finally {
    await client.stop();
  }
});

test('without dmabuf.checkC (the default) a C document gets no diagnostics', async () => {
  const { client, cUri } = await startWith({});
  try {
    const probe = await client.open('probe.dmabuf', 'scenario s on x86_64_pc {\n  b = heap system 4KiB\n  put b\n}\n');
    await client.diagnosticsAfterAnalysis(probe, 1);
    await new Promise((r) => setTimeout(r, 400));
    const c = client.diagnosticsLog.filter((d) => d.uri === cUri);
    assert.ok(c.every((d) => d.diagnostics.length === 0), JSON.stringify(c));
  } finally {
    await client.stop();
  }
});

test('an edit while the C worker checks an older text: only the newest version\'s findings are published', async () => {
  const { client, cUri } = await startWith({ checkC: true, debounceMs: 0 });
  try {
    // Version 2 drops the early return that leaves the CPU bracket open; sent at once, so the
    // worker is still checking version 1 (or was never given it).
    const fixed = C_TEXT.replace(/\tif \(busy\)[^\n]*\n(\t\t[^\n]*\n)?/, '');
    assert.notEqual(fixed, C_TEXT);
    await client.change(cUri, 2, fixed);
    const v2 = await client.waitFor('v2 C diagnostics', () => client.diagnosticsLog.find((d) => d.uri === cUri && d.version === 2), 30_000);
    assert.ok(!v2.diagnostics.some((d) => d.code === 'CPU-02'), JSON.stringify(v2.diagnostics.map((d) => d.code)));
    assert.ok(v2.diagnostics.some((d) => d.code === 'LEAK-01'));
    await new Promise((r) => setTimeout(r, 300));
    const last = client.lastDiagnostics(cUri)!;
    assert.equal(last.version, 2, 'nothing older is published after the newest');
  } finally {
    await client.stop();
  }
});
