// Diagnostics over the protocol: syntax and name findings at once, simulation findings when the
// engine is done, each with the rule code, a link to its doc page, related locations and the
// scenario + trace step in `data`.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LspClient } from './harness';

const HANGS = `scenario hangs on arm64_soc {
  f = fence
  wait f
}
`;

describe('diagnostics', () => {
  let c: LspClient;
  before(async () => {
    // A long debounce separates the two phases: front-end findings must not wait for it.
    c = await LspClient.start({ settings: { debounceMs: 400 } });
  });
  after(() => c.stop());

  test('syntax and name findings are published at once, before the engine runs', async () => {
    const text = 'scenario s on arm64_soc {\n  b = heap system 64KiB\n  put nobody\n  map\n}\n';
    const uri = await c.open('front.dmabuf', text);
    const first = await c.waitFor('first diagnostics', () => c.diagnosticsLog.find((d) => d.uri === uri));
    assert.equal(first.version, 1);
    const codes = first.diagnostics.map((d) => d.code).sort();
    assert.ok(codes.includes('NAME'), `expected NAME in ${codes}`);
    assert.ok(codes.includes('SYNTAX'), `expected SYNTAX in ${codes}`);
    // Published before the engine settled this version (its debounce alone is 400 ms).
    assert.equal(c.statusLog.find((s) => s.uri === uri && s.version === 1 && s.state !== 'checking'), undefined);
    await c.waitFor('checking status', () => c.statusLog.find((s) => s.uri === uri && s.version === 1 && s.state === 'checking'));
    const name = first.diagnostics.find((d) => d.code === 'NAME')!;
    assert.equal(name.source, 'dmabuf');
    assert.equal(name.range.start.line, 2);
    assert.match(String(name.message), /nobody/);
  });

  test('simulation findings follow, with codeDescription, relatedInformation and data', async () => {
    const uri = await c.open('hang.dmabuf', HANGS);
    const early = await c.waitFor('front diagnostics', () => c.diagnosticsLog.find((d) => d.uri === uri));
    assert.deepEqual(early.diagnostics, [], 'the front end finds nothing wrong here');
    const diags = await c.diagnosticsAfterAnalysis(uri, 1);
    const hang = diags.find((d) => d.code === 'HANG-01');
    assert.ok(hang, `expected HANG-01, got ${JSON.stringify(diags)}`);
    assert.equal(hang.range.start.line, 2, 'at the wait');
    assert.equal(hang.severity, 1);
    assert.ok(Array.isArray(hang.relatedInformation));
    const data = hang.data as { scenario?: string; traceStep?: number };
    assert.equal(data.scenario, 'hangs');
    assert.equal(typeof data.traceStep, 'number');
    const status = await c.settled(uri, 1);
    assert.equal(status.state, 'findings');
    assert.equal(status.errors, 1);
  });

  test('codeDescription links to the rule page the build wrote next to the server', async () => {
    const uri = await c.open('name.dmabuf', 'scenario s on arm64_soc {\n  put nobody\n}\n');
    const diags = await c.diagnosticsAfterAnalysis(uri, 1);
    const href = diags.find((d) => d.code === 'NAME')?.codeDescription?.href;
    assert.ok(href, 'NAME has a documentation link');
    const file = fileURLToPath(href);
    assert.match(file, /dist[\\/]docs[\\/]rules[\\/]NAME\.md$/);
    assert.match(fs.readFileSync(file, 'utf8'), /NAME/);
  });

  test('a clean document reports the clean state and no diagnostics', async () => {
    const uri = await c.open('clean.dmabuf', 'scenario ok on arm64_soc {\n  f = fence\n  signal f\n  wait f\n}\n');
    assert.deepEqual(await c.diagnosticsAfterAnalysis(uri, 1), []);
    assert.equal((await c.settled(uri, 1)).state, 'clean');
  });

  test('closing a document clears its diagnostics', async () => {
    const uri = await c.open('closing.dmabuf', 'scenario s on arm64_soc {\n  put nobody\n}\n');
    assert.notDeepEqual(await c.diagnosticsAfterAnalysis(uri, 1), [], 'a diagnostic to clear');
    await c.close(uri);
    await c.waitFor('cleared diagnostics', () => c.lastDiagnostics(uri)?.diagnostics.length === 0);
  });
});
