// The trace view under a version matrix: the page may ask for another kernel profile (validated:
// a profile name and nothing else), and a trace naming its profile and the matrix is accepted.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TraceResult } from '../../server/src/lsp/protocol';
import { isTraceResult, isWebviewToHost } from '../../client/src/webview/messages';
import { tracePageHtml } from '../../client/src/webview/page';
import { cameraTrace } from './traceFixtures';

const trace: TraceResult = {
  uri: 'file:///ws/a.dmabuf',
  scenario: 'camera',
  platform: 'arm64_soc',
  steps: cameraTrace(),
  findings: [],
  exploration: { schedules: 1, states: 9, cutShort: false, millis: 1.5 },
  version: 3,
};

describe('trace view: kernel profiles', () => {
  it('accepts a profile request with a profile name only', () => {
    assert.ok(isWebviewToHost({ type: 'profile', kernel: '6.12' }));
    for (const bad of [{ type: 'profile' }, { type: 'profile', kernel: 6.12 }, { type: 'profile', kernel: '../x' }, { type: 'profile', kernel: 'mainline' }, { type: 'profile', kernel: '6.1', extra: 1 }]) {
      assert.equal(isWebviewToHost(bad), false, JSON.stringify(bad));
    }
  });

  it('a trace may name its profile and matrix; wrong types are refused', () => {
    assert.ok(isTraceResult(trace));
    assert.ok(isTraceResult({ ...trace, kernel: '6.2', kernels: ['6.1', '6.2'] }));
    assert.equal(isTraceResult({ ...trace, kernels: [6.1] }), false);
    assert.equal(isTraceResult({ ...trace, kernel: 6.2 }), false);
  });

  it('the page has the profile picker, hidden until a matrix trace arrives', () => {
    const html = tracePageHtml({ cspSource: 'x', nonce: 'n', scriptUri: 's', styleUri: 't' });
    assert.match(html, /<select id="profile"[^>]* hidden><\/select>/);
  });
});
