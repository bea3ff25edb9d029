// Sorted, disjoint address ranges are searched the same way wherever the engine keeps them
// (swiotlb slots, interval maps): one binary search, here.

/** Index of the first range in `sorted` (sorted by address, disjoint) that ends after `addr`. */
export function firstEndingAfter(sorted: readonly { readonly end: number }[], addr: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid].end <= addr) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
