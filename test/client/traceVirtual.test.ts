import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rowWindow, scrollToCentre, scrollToReveal } from '../../client/src/webview/virtual';

describe('virtualised rows', () => {
  it('renders only the rows in view plus a small margin', () => {
    const w = rowWindow(2400, 480, 24, 10_000, 8);
    assert.deepEqual(w, { first: 92, last: 128 });
    assert.ok(w.last - w.first + 1 < 50, 'a viewport of 20 rows puts under 50 rows in the DOM');
  });

  it('clamps at both ends of the list', () => {
    assert.deepEqual(rowWindow(0, 480, 24, 10_000, 8), { first: 0, last: 28 });
    // 9,990 rows down is past the last screenful (rows 9,980-9,999), as a browser would clamp it.
    assert.deepEqual(rowWindow(24 * 9_990, 480, 24, 10_000, 8), { first: 9_972, last: 9_999 });
  });

  it('fills the viewport when scrollTop is past the end of a list a filter just shrank', () => {
    const w = rowWindow(24 * 10_000, 480, 24, 7_500, 8);
    assert.deepEqual(w, { first: 7_500 - 20 - 8, last: 7_499 });
  });

  it('renders nothing for an empty list', () => {
    const w = rowWindow(0, 480, 24, 0);
    assert.ok(w.last < w.first);
  });

  it('scrolls as little as needed to reveal a row', () => {
    assert.equal(scrollToReveal(10, 0, 480, 24), 0, 'already in view');
    assert.equal(scrollToReveal(30, 0, 480, 24), 31 * 24 - 480, 'below: its bottom at the viewport bottom');
    assert.equal(scrollToReveal(5, 480, 480, 24), 120, 'above: its top at the viewport top');
  });

  it('puts a jumped-to row a third of the way down', () => {
    assert.equal(scrollToCentre(100, 480, 24), 2400 - 160);
    assert.equal(scrollToCentre(2, 480, 24), 0);
  });
});
