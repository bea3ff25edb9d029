// Quick fixes for the common findings. The client sends the diagnostics it shows; these tests
// send what the engine reports for each case (code, range, related location) and apply the fix.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CodeAction, Diagnostic, TextEdit } from 'vscode-languageserver-protocol';
import { LspClient, positionOf, readSample } from './harness';

const TEXT = `scenario fixes on arm64_soc {
  buf = heap system 1MiB
  att = attach buf nic
  sgt = map att bidirectional
  va = vmap_unlocked buf
  cpu write va
  submit gpu write sgt
  submit nic read sgt
  s2 = map_unlocked att to_device
}
`;

function lineRange(text: string, needle: string): Diagnostic['range'] {
  const start = positionOf(text, needle);
  return { start, end: { line: start.line, character: start.character + needle.length } };
}

function apply(text: string, edits: readonly TextEdit[]): string {
  const offset = (p: { line: number; character: number }): number => {
    const lines = text.split('\n');
    return lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  };
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}

describe('code actions', () => {
  let c: LspClient;
  let uri: string;
  before(async () => {
    c = await LspClient.start();
    uri = await c.open('fixes.dmabuf', TEXT);
  });
  after(() => c.stop());

  const actions = async (diag: Diagnostic): Promise<CodeAction[]> =>
    c.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: diag.range, context: { diagnostics: [diag] } });
  const diag = (code: string, needle: string, related?: string): Diagnostic => ({
    range: lineRange(TEXT, needle),
    severity: 1,
    code,
    source: 'dmabuf',
    message: code,
    ...(related ? { relatedInformation: [{ location: { uri, range: lineRange(TEXT, related) }, message: 'other access' }] } : {}),
  });
  const fixed = (a: CodeAction | undefined): string => {
    assert.ok(a?.edit?.changes?.[uri], 'an edit for this document');
    return apply(TEXT, a.edit.changes[uri]);
  };

  test('P2P: add `dynamic peer2peer` to the attach', async () => {
    const list = await actions(diag('P2P-02', 'att = attach buf nic'));
    const fix = list.find((a) => /peer-to-peer/.test(a.title));
    assert.match(fixed(fix), /att = attach buf nic dynamic peer2peer\n/);
    assert.equal(fix?.kind, 'quickfix');
  });

  test('ATT/PIN: make the importer dynamic, found through the attachment the statement uses', async () => {
    const list = await actions(diag('PIN-01', 'sgt = map att bidirectional'));
    assert.match(fixed(list.find((a) => /dynamic/.test(a.title))), /att = attach buf nic dynamic\n/);
  });

  test('CPU-02: bracket the access in the direction of the access', async () => {
    const list = await actions(diag('CPU-02', 'cpu write va'));
    assert.match(fixed(list[0]), /\n  begin_cpu buf write\n  cpu write va\n  end_cpu buf write\n/);
  });

  test('RACE-01: order the later job after the earlier one', async () => {
    const list = await actions(diag('RACE-01', 'submit nic read sgt', 'submit gpu write sgt'));
    const text = fixed(list[0]);
    assert.match(text, /submit gpu write sgt signal gpu_done\n/);
    assert.match(text, /submit nic read sgt after gpu_done\n/);
  });

  test('LEAK-01: add the missing release at the end of the scenario', async () => {
    const detach = await actions(diag('LEAK-01', 'att = attach buf nic'));
    assert.match(fixed(detach[0]), /  s2 = map_unlocked att to_device\n  detach att\n\}\n$/);
    const put = await actions(diag('LEAK-01', 'buf = heap system 1MiB'));
    assert.match(fixed(put[0]), /  put buf\n\}\n$/);
    const unmap = await actions(diag('LEAK-01', 's2 = map_unlocked att to_device'));
    assert.match(fixed(unmap[0]), /  unmap_unlocked s2\n\}\n$/);
  });

  test('MAP-01: switch to map_unlocked, or take the lock around the map', async () => {
    const list = await actions(diag('MAP-01', 'sgt = map att bidirectional'));
    assert.match(fixed(list.find((a) => /map_unlocked/.test(a.title))), /sgt = map_unlocked att bidirectional/);
    assert.match(fixed(list.find((a) => /lock/.test(a.title) && !/map_unlocked/.test(a.title))), /  lock buf\n  sgt = map att bidirectional\n  unlock buf\n/);
  });

  test('MAP-01 on map_unlocked while holding the lock: use map', async () => {
    const list = await actions(diag('MAP-01', 's2 = map_unlocked att to_device'));
    assert.match(fixed(list[0]), /s2 = map att to_device/);
  });

  test('diagnostics of other tools get no fixes', async () => {
    assert.deepEqual(await actions({ ...diag('CPU-02', 'cpu write va'), source: 'other' }), []);
  });
});

describe('code actions on real findings', () => {
  test('the CPU-02 fix on the shipped sample removes CPU-02 and the stale read it caused', async () => {
    const c = await LspClient.start();
    try {
      const text = readSample('broken-unbracketed-cpu-write-arm64.dmabuf');
      const uri = await c.open('sample.dmabuf', text);
      const diags = await c.diagnosticsAfterAnalysis(uri, 1);
      assert.deepEqual(diags.map((d) => d.code).sort(), ['COH-02', 'CPU-02']);
      const cpu = diags.find((d) => d.code === 'CPU-02')!;
      const list = await c.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: cpu.range, context: { diagnostics: [cpu] } });
      const fix = list.find((a) => a.isPreferred);
      assert.ok(fix?.edit?.changes?.[uri]);
      const fixedText = apply(text, fix.edit.changes[uri]);
      assert.match(fixedText, /begin_cpu params write\n\s+cpu write va at 0 size 4KiB\s+\/\/~ CPU-02\n\s+end_cpu params write/);
      await c.change(uri, 2, fixedText);
      assert.deepEqual(await c.diagnosticsAfterAnalysis(uri, 2), []);
    } finally {
      await c.stop();
    }
  });

  test('the RACE-01 fix orders the two device jobs and the race is gone', async () => {
    const c = await LspClient.start();
    try {
      const text = [
        'scenario r on arm64_soc {',
        '  b = heap system 64KiB',
        '  a1 = attach b display',
        '  a2 = attach b encoder',
        '  s1 = map_unlocked a1 from_device',
        '  s2 = map_unlocked a2 to_device',
        '  submit display write s1',
        '  submit encoder read s2 signal done',
        '  wait done',
        '  unmap_unlocked s1',
        '  unmap_unlocked s2',
        '  detach a1',
        '  detach a2',
        '  put b',
        '}',
        '',
      ].join('\n');
      const uri = await c.open('race.dmabuf', text);
      const diags = await c.diagnosticsAfterAnalysis(uri, 1);
      const race = diags.find((d) => d.code === 'RACE-01');
      assert.ok(race, `a race: ${JSON.stringify(diags.map((d) => d.code))}`);
      const list = await c.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: race.range, context: { diagnostics: [race] } });
      const fix = list.find((a) => /Order them/.test(a.title));
      assert.ok(fix?.edit?.changes?.[uri], JSON.stringify(list));
      const fixedText = apply(text, fix.edit.changes[uri]);
      assert.match(fixedText, /submit display write s1 signal display_done\n\s+submit encoder read s2 after display_done signal done/);
      await c.change(uri, 2, fixedText);
      const after = await c.diagnosticsAfterAnalysis(uri, 2);
      assert.ok(!after.some((d) => d.code === 'RACE-01'), JSON.stringify(after.map((d) => d.code)));
    } finally {
      await c.stop();
    }
  });
});
