import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tracePageHtml } from '../../client/src/webview/page';

const html = tracePageHtml({
  cspSource: 'https://webview.example',
  nonce: 'abc123',
  scriptUri: 'https://webview.example/dist/webview.js',
  styleUri: 'https://webview.example/media/trace.css',
});

describe('trace panel page', () => {
  const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';

  it('declares a Content-Security-Policy that denies by default', () => {
    assert.match(csp, /^default-src 'none'/);
  });

  it('runs only nonce-carrying scripts, never inline or eval', () => {
    assert.match(csp, /script-src 'nonce-abc123'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    const scripts = html.match(/<script[^>]*>/g) ?? [];
    assert.equal(scripts.length, 1);
    for (const s of scripts) assert.match(s, /nonce="abc123"/);
  });

  it('loads styles and scripts only from the webview origin: no CDN', () => {
    assert.match(csp, /style-src https:\/\/webview\.example(;|$)/);
    const urls = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    assert.deepEqual(urls, ['https://webview.example/media/trace.css', 'https://webview.example/dist/webview.js']);
  });

  it('has no inline style or event-handler attributes the CSP would block', () => {
    assert.doesNotMatch(html, /\sstyle="/);
    assert.doesNotMatch(html, /\son[a-z]+="/);
  });

  it('escapes resource URIs into attributes', () => {
    const page = tracePageHtml({ cspSource: 'x', nonce: 'n', scriptUri: 'a"><script>alert(1)</script>', styleUri: 's' });
    assert.doesNotMatch(page, /<script>alert/);
  });
});
