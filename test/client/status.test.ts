import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StatusParams } from '../../server/src/lsp/protocol';
import { presentStatus } from '../../client/src/statusModel';

const base: StatusParams = { uri: 'file:///a.dmabuf', version: 1, state: 'clean', errors: 0, warnings: 0, infos: 0 };

describe('status bar item', () => {
  it('says checking while the server works', () => {
    const p = presentStatus({ ...base, state: 'checking' });
    assert.match(p.text, /checking/);
    assert.equal(p.tone, 'normal');
  });

  it('shows a check mark when clean and opens the trace on click', () => {
    const p = presentStatus(base);
    assert.equal(p.text, '$(check) DMA-BUF');
    assert.equal(p.click, 'trace');
  });

  it('counts findings, colours by the worst and opens the Problems view', () => {
    const p = presentStatus({ ...base, state: 'findings', errors: 2, warnings: 1 });
    assert.equal(p.text, 'DMA-BUF $(error) 2 $(warning) 1');
    assert.equal(p.tone, 'error');
    assert.equal(p.click, 'problems');
    assert.match(p.tooltip, /2 errors, 1 warning, 0 notes/);
    assert.equal(presentStatus({ ...base, state: 'findings', warnings: 1 }).tone, 'warning');
  });

  it('says when exploration was cut short, and that findings may be missing', () => {
    const p = presentStatus({ ...base, state: 'cutShort' });
    assert.match(p.text, /cut short/);
    assert.match(p.tooltip, /findings may be missing/);
    assert.equal(p.tone, 'warning');
    assert.equal(p.click, 'trace');
    assert.equal(presentStatus({ ...base, state: 'cutShort', errors: 1 }).click, 'problems');
  });

  it('points at the log when the analysis failed, with the server message', () => {
    const p = presentStatus({ ...base, state: 'error', message: 'worker crashed' });
    assert.equal(p.click, 'log');
    assert.equal(p.tone, 'error');
    assert.match(p.tooltip, /worker crashed/);
  });

  it('has a neutral look before the first status', () => {
    assert.match(presentStatus(undefined).tooltip, /not checked yet/);
  });
});
