// Stress through the real language server over stdio: 10,000 random small edits sent as fast as
// the pipe takes them, then the final diagnostics must equal what a fresh server says about the
// final text; the server must not crash, log an engine crash, or grow without bound.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { Diagnostic } from 'vscode-languageserver-protocol/node';
import { LineIndex } from '../../server/src/common/source';
import { LspClient, readSample } from '../lsp/harness';
import { rng, type Rng } from './fuzz/rng';

/**
 * The engine's wall-clock budget would make a result depend on the load of the machine; the
 * state budget alone keeps it deterministic, so the two servers must agree exactly.
 */
const SETTINGS = { debounceMs: 20, exploration: { maxStates: 32, maxMillis: 600_000 } };

/** Resident memory of a process in MiB (Linux), or undefined elsewhere. */
export function rssMiB(pid: number | undefined): number | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
    return Number.isFinite(kb) ? kb / 1024 : undefined;
  } catch {
    return undefined;
  }
}

const SNIPPETS = [
  'f = fence\n', 'signal f\n', 'wait f\n', 'b = heap system 4KiB\n', 'a = attach b display\n', 's = map a to_device\n',
  'unmap s\n', 'detach a\n', 'put b\n', 'submit display read s\n', '{', '}', 'scenario ', ' on ', 'arm64_soc', 'thread t {\n',
  '//', '/*', '*/', '"', '=', ' ', ' ', '\n', '\n', 'x', '0x1000', '64KiB', 'begin_cpu b read\n', 'cpu write v\n', 'v = vmap b\n',
];

interface Edit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/** A small edit of `doc`: mostly typing, some deleting, kept below a few KiB. */
function randomEdit(r: Rng, doc: string): Edit {
  const at = r.int(doc.length + 1);
  const tooBig = doc.length > 6000;
  if (tooBig || r.chance(0.35)) return { start: at, end: Math.min(doc.length, at + 1 + r.int(tooBig ? 400 : 12)), text: '' };
  if (r.chance(0.15)) return { start: at, end: Math.min(doc.length, at + r.int(6)), text: r.pick(SNIPPETS) };
  return { start: at, end: at, text: r.pick(SNIPPETS) };
}

/** Comparable form of a diagnostic: everything the user sees. */
function shown(d: Diagnostic): string {
  const r = d.range;
  return `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character} ${d.severity} ${String(d.code)} ${d.message}`;
}

describe('stress through the language server', () => {
  test('10,000 random edits: no crash, final diagnostics equal a fresh check of the final text, memory bounded', async (t) => {
    const c = await LspClient.start({ settings: SETTINGS });
    let fresh: LspClient | undefined;
    try {
      let doc = readSample('broken-unbracketed-cpu-write-arm64.dmabuf') + '\n' + readSample('vulkan-syncfile-bridge-arm64.dmabuf');
      const uri = await c.open('stress.dmabuf', doc);
      await c.settled(uri, 1, 60_000);
      const rssBefore = rssMiB(c.child.pid);
      const r = rng(2024);
      const EDITS = 10_000;
      const PER_NOTIFICATION = 20;
      const started = Date.now();
      let version = 1;
      for (let sent = 0; sent < EDITS; ) {
        // A client sends several content changes in one didChange when the user types fast.
        const changes: { range: { start: { line: number; character: number }; end: { line: number; character: number } }; text: string }[] = [];
        for (let k = 0; k < PER_NOTIFICATION && sent < EDITS; k++, sent++) {
          const e = randomEdit(r, doc);
          const lines = new LineIndex(doc);
          changes.push({ range: { start: lines.position(e.start), end: lines.position(e.end) }, text: e.text });
          doc = doc.slice(0, e.start) + e.text + doc.slice(e.end);
        }
        version++;
        void c.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: changes });
      }
      const sentMs = Date.now() - started;
      const status = await c.settled(uri, version, 120_000);
      const settledMs = Date.now() - started;
      const last = c.lastDiagnostics(uri);
      assert.equal(last?.version, version, 'the last diagnostics are for the last version');
      const rssAfter = rssMiB(c.child.pid);
      const analysedVersions = new Set(c.statusLog.filter((s) => s.uri === uri && s.state !== 'checking').map((s) => s.version));
      t.diagnostic(`${EDITS} edits in ${version - 1} didChange notifications sent in ${sentMs} ms; settled after ${settledMs} ms (${status.state}); ` + `engine results published for ${analysedVersions.size} versions; final text ${doc.length} chars, ${last?.diagnostics.length} diagnostics; ` + `server RSS ${rssBefore?.toFixed(0)} → ${rssAfter?.toFixed(0)} MiB`);

      assert.equal(c.exit, undefined, 'the server is still running');
      assert.deepEqual(c.logs.filter((l) => /crash|failed/i.test(l.message)).map((l) => l.message), [], 'no crash or failure logged');
      assert.ok(analysedVersions.size < 200, `edits were coalesced: ${analysedVersions.size} versions analysed by the engine`);
      if (rssAfter === undefined) t.diagnostic(`server RSS NOT CHECKED: /proc/${c.child.pid}/status cannot be read here`);
      else assert.ok(rssAfter < 700, `server RSS ${rssAfter.toFixed(0)} MiB stays bounded`);

      fresh = await LspClient.start({ settings: SETTINGS });
      const freshUri = await fresh.open('stress.dmabuf', doc);
      const expected = await fresh.diagnosticsAfterAnalysis(freshUri, 1);
      assert.deepEqual(last!.diagnostics.map(shown).sort(), expected.map(shown).sort(), 'same diagnostics as a fresh server given the final text');
    } finally {
      await c.stop();
      await fresh?.stop();
    }
  });
});
