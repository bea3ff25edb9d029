// What the analysis service hands the engine worker: the scenarios the main thread bound for this
// version (only those without a reusable result), with the symbols they read, and no text — not
// the document's, not its imports', not other open documents'. The worker neither parses nor
// binds. And the status counts what was published, diagnostics being built once per publish.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { serialize } from 'node:v8';
import type { Connection, PublishDiagnosticsParams } from 'vscode-languageserver';
import { simulate } from '../../server/src/engine/simulate';
import { DocState, DocumentStore } from '../../server/src/lsp/documents';
import type { EngineHost, JobOutcome, JobSpec } from '../../server/src/lsp/engineHost';
import { UriMap } from '../../server/src/lsp/paths';
import { DEFAULT_SETTINGS, type StatusParams } from '../../server/src/lsp/protocol';
import { AnalysisService } from '../../server/src/lsp/service';

const DIR = '/__dmabuf_worker_input_test__';
const HW = 'platform board extends arm64_soc {\n  device dsp {\n    bus platform\n    iommu smmu group g_dsp\n  }\n}\n// HW-TEXT-MARKER\n';
const scenario = (name: string, extra = ''): string => `scenario ${name} on board {\n  b = heap system 64KiB\n  a = attach b dsp\n  detach a${extra}\n  put b\n}\n`;
const MAIN = `import "hw.dmabuf"\n// MAIN-TEXT-MARKER\n${scenario('first')}${scenario('second', '\n  detach a')}`;
const OTHER = 'scenario unrelated on x86_64_pc {\n  f = fence\n}\n// OTHER-TEXT-MARKER\n';

/** A worker stand-in: records what it is sent and simulates it after a structured clone, as postMessage does. */
class FakeEngine {
  readonly sent: JobSpec[] = [];
  private nextId = 1;

  run(spec: JobSpec): { id: number; done: Promise<JobOutcome> } {
    this.sent.push(spec);
    const id = this.nextId++;
    const program = structuredClone(spec.program);
    const r = simulate(program, { kernel: spec.kernel, budget: spec.budget });
    const message = { kind: 'result' as const, job: id, uri: spec.uri, version: spec.version, findings: r.findings, scenarios: r.scenarios, cancelled: false, millis: 0 };
    return { id, done: Promise.resolve({ kind: 'result', message }) };
  }

  cancelDocument(): void {}
  cancelJob(): void {}
}

class FakeConnection {
  readonly published: PublishDiagnosticsParams[] = [];
  readonly statuses: StatusParams[] = [];
  sendDiagnostics(p: PublishDiagnosticsParams): Promise<void> {
    this.published.push(p);
    return Promise.resolve();
  }
  sendNotification(_method: string, p: StatusParams): Promise<void> {
    this.statuses.push(p);
    return Promise.resolve();
  }
}

function setup(): { service: AnalysisService; engine: FakeEngine; connection: FakeConnection; docs: DocumentStore; uris: UriMap } {
  const docs = new DocumentStore();
  const uris = new UriMap();
  const engine = new FakeEngine();
  const connection = new FakeConnection();
  const log = { info: () => undefined, warn: () => undefined, error: (m: string) => assert.fail(m) };
  const service = new AnalysisService({
    // The service uses only sendDiagnostics / sendNotification of the connection, and run /
    // cancelDocument / cancelJob of the engine host: the fakes have exactly those.
    connection: connection as unknown as Connection,
    docs,
    uris,
    engine: engine as unknown as EngineHost,
    settings: () => ({ ...DEFAULT_SETTINGS, debounceMs: 0 }),
    log,
  });
  return { service, engine, connection, docs, uris };
}

function open(s: ReturnType<typeof setup>, name: string, text: string): DocState {
  const uri = `file://${DIR}/${name}`;
  const doc = new DocState(uri, s.uris.remember(uri), 1, text);
  s.docs.set(doc);
  return doc;
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 5));
}

describe('what the engine worker is sent', () => {
  it('the bound scenarios of this version, with no text of any file', async () => {
    const s = setup();
    open(s, 'hw.dmabuf', HW);
    open(s, 'other.dmabuf', OTHER);
    const main = open(s, 'main.dmabuf', MAIN);
    s.service.changed(main);
    await settle();
    const spec = s.engine.sent.find((x) => x.uri === main.uri);
    assert.ok(spec, 'the main document was analysed');
    assert.deepEqual(Object.keys(spec).sort(), ['budget', 'kernel', 'program', 'purpose', 'uri', 'version']);
    assert.deepEqual(spec.program.scenarios.map((x) => x.name), ['first', 'second']);
    assert.ok(spec.program.files.has(`${DIR}/hw.dmabuf`), 'the imported file is known (related locations may point there)');
    const wire = serialize({ kind: 'analyze', job: 1, ...spec }).toString('latin1');
    for (const marker of ['MAIN-TEXT-MARKER', 'HW-TEXT-MARKER', 'OTHER-TEXT-MARKER']) assert.ok(!wire.includes(marker), `${marker} is not sent`);
    const names = new Set(spec.program.symbols.map((x) => x.name));
    assert.ok(!names.has('unrelated'), 'no symbol of another open document');
    assert.equal(main.engine?.scenarios.length, 2, 'the result came back for this version');
  });

  it('after an edit inside one scenario, that scenario alone', async () => {
    const s = setup();
    open(s, 'hw.dmabuf', HW);
    const main = open(s, 'main.dmabuf', MAIN);
    s.service.changed(main);
    await settle();
    const edited = MAIN.replace('scenario second on board {\n', 'scenario second on board {\n  f = fence\n  signal f\n');
    main.update(2, edited);
    s.service.changed(main);
    await settle();
    const last = s.engine.sent.at(-1)!;
    assert.equal(last.version, 2);
    assert.deepEqual(last.program.scenarios.map((x) => x.name), ['second']);
    assert.ok(last.program.symbols.every((x) => x.container !== 'first'), 'no symbol of the scenario not sent');
    assert.deepEqual(main.engine?.scenarios.map((x) => x.name), ['first', 'second'], 'the reused result and the fresh one, merged');
  });

  it('the status counts the diagnostics published for that version', async () => {
    const s = setup();
    open(s, 'hw.dmabuf', HW);
    const main = open(s, 'main.dmabuf', MAIN);
    s.service.changed(main);
    await settle();
    const published = s.connection.published.filter((p) => p.uri === main.uri).at(-1)!;
    const status = s.connection.statuses.filter((p) => p.uri === main.uri).at(-1)!;
    assert.equal(status.state, 'findings');
    assert.ok(status.errors > 0, 'the second scenario detaches twice');
    assert.equal(status.errors, published.diagnostics.filter((d) => d.severity === 1).length);
    assert.equal(status.warnings, published.diagnostics.filter((d) => d.severity === 2).length);
  });
});
