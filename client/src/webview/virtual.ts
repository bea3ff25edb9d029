// Which rows of a long list to put in the DOM: only those in (or near) the viewport, so 10,000
// steps cost as much to scroll as 50. Pure arithmetic, unit-tested.

export interface RowWindow {
  /** First and last row to render, inclusive; last < first when there is nothing to render. */
  readonly first: number;
  readonly last: number;
}

export function rowWindow(scrollTop: number, viewportHeight: number, rowHeight: number, rowCount: number, overscan = 8): RowWindow {
  if (rowCount === 0 || rowHeight <= 0) return { first: 0, last: -1 };
  // A scrollTop past the end happens when a filter shrinks the list before the browser clamps it:
  // show the last screenful rather than a single row.
  const viewport = Math.max(0, viewportHeight);
  const at = Math.min(Math.max(0, scrollTop), Math.max(0, rowCount * rowHeight - viewport));
  const top = Math.max(0, Math.floor(at / rowHeight) - overscan);
  const bottom = Math.ceil((at + viewport) / rowHeight) + overscan;
  return { first: Math.min(top, rowCount - 1), last: Math.min(rowCount - 1, bottom) };
}

/** The scrollTop that brings `row` fully into view, moving as little as possible. */
export function scrollToReveal(row: number, scrollTop: number, viewportHeight: number, rowHeight: number): number {
  const y = row * rowHeight;
  if (y < scrollTop) return y;
  if (y + rowHeight > scrollTop + viewportHeight) return Math.max(0, y + rowHeight - viewportHeight);
  return scrollTop;
}

/** The scrollTop that puts `row` about a third of the way down (for jumps from outside). */
export function scrollToCentre(row: number, viewportHeight: number, rowHeight: number): number {
  return Math.max(0, row * rowHeight - Math.floor(viewportHeight / 3));
}
