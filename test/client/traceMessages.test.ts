import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TraceResult } from '../../server/src/lsp/protocol';
import { isHostToWebview, isPersistedState, isTraceResult, isWebviewToHost, messageText } from '../../client/src/webview/messages';
import { cameraTrace } from './traceFixtures';

const trace: TraceResult = {
  uri: 'file:///ws/a.dmabuf',
  scenario: 'camera',
  platform: 'arm64_soc',
  steps: cameraTrace(),
  findings: [
    {
      range: { start: { line: 3, character: 2 }, end: { line: 3, character: 30 } },
      message: 'dma_buf_map_attachment returns -EBUSY',
      severity: 1,
      code: 'MAP-02',
      source: 'dmabuf',
      traceStep: 4,
    },
  ],
  exploration: { schedules: 1, states: 9, cutShort: false, millis: 1.5 },
  version: 3,
};

describe('messages from the trace webview (untrusted)', () => {
  it('accepts the four messages the page sends', () => {
    assert.ok(isWebviewToHost({ type: 'ready' }));
    assert.ok(isWebviewToHost({ type: 'run' }));
    assert.ok(isWebviewToHost({ type: 'reveal', step: 4 }));
    assert.ok(isWebviewToHost({ type: 'openRuleDocs', code: 'MAP-02' }));
    assert.ok(isWebviewToHost({ type: 'openRuleDocs', code: 'SYNTAX' }));
    assert.ok(isWebviewToHost({ type: 'revealRelated', finding: 0, related: 1 }));
  });

  it('rejects unknown types, wrong field types and extra payloads', () => {
    for (const bad of [
      null,
      'reveal',
      [],
      {},
      { type: 'eval', code: 'x' },
      { type: 'reveal', step: '4' },
      { type: 'reveal', step: 0 },
      { type: 'reveal', step: 1.5 },
      { type: 'ready', extra: 1 },
      { type: 'openRuleDocs', code: '../../etc/passwd' },
      { type: 'openRuleDocs', code: 'map-02' },
      { type: 'openRuleDocs' },
      { type: 'revealRelated', finding: -1, related: 0 },
      { type: 'revealRelated', finding: 0, related: 0, uri: 'file:///etc/passwd' },
    ]) {
      assert.equal(isWebviewToHost(bad), false, JSON.stringify(bad));
    }
  });
});

describe('messages to the trace webview', () => {
  it('accepts a load with a well-formed trace', () => {
    assert.ok(isTraceResult(trace));
    assert.ok(isHostToWebview({ type: 'load', origin: 'run', trace }));
  });

  it('accepts Markdown diagnostic messages and reads them as text', () => {
    const md = { ...trace, findings: [{ ...trace.findings[0], message: { kind: 'markdown' as const, value: '**-EBUSY**' } }] };
    assert.ok(isTraceResult(md));
    assert.equal(messageText({ kind: 'markdown', value: '**-EBUSY**' } as { value: string }), '**-EBUSY**');
  });

  it('accepts related locations and rejects malformed ones', () => {
    const related = { location: { uri: 'file:///ws/a.dmabuf', range: trace.findings[0].range }, message: 'first map here' };
    assert.ok(isTraceResult({ ...trace, findings: [{ ...trace.findings[0], relatedInformation: [related] }] }));
    assert.equal(isTraceResult({ ...trace, findings: [{ ...trace.findings[0], relatedInformation: [{ message: 'x' }] }] }), false);
  });

  it('rejects a trace whose steps lack what the view draws', () => {
    const broken = { ...trace, steps: [{ ...trace.steps[0], agent: 7 }] };
    assert.equal(isTraceResult(broken), false);
    assert.equal(isTraceResult({ ...trace, exploration: undefined }), false);
    assert.equal(isHostToWebview({ type: 'load', origin: 'other', trace }), false);
  });

  it('accepts notices and selections', () => {
    assert.ok(isHostToWebview({ type: 'notice', level: 'warning', text: 'stale' }));
    assert.ok(isHostToWebview({ type: 'select', step: 4 }));
    assert.equal(isHostToWebview({ type: 'notice', level: 'loud', text: 'x' }), false);
  });
});

describe('the state the page persists', () => {
  it('round-trips filters, selection and scroll position', () => {
    assert.ok(isPersistedState({ uri: 'file:///a', scenario: 's', selectedStep: 3, hiddenAgents: ['cpu'], objectFilter: 'buf', failingOnly: true, scrollTop: 240 }));
    assert.ok(isPersistedState({ uri: 'file:///a', scenario: 's' }));
  });

  it('refuses state it cannot restore from', () => {
    assert.equal(isPersistedState(undefined), false);
    assert.equal(isPersistedState({ uri: 'file:///a' }), false);
    assert.equal(isPersistedState({ uri: 'file:///a', scenario: 's', hiddenAgents: 'cpu' }), false);
  });
});
