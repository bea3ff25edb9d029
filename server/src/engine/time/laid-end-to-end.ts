// A region list laid end to end, as copies see it (ttm moves, swiotlb bounces): byte k of the list
// is byte k of the concatenated regions. A run of pages (seam.ts PhysRegion count/stride, page i at
// addr + i * stride, descending when the allocator works top-down) maps a range of list offsets to
// at most three address ranges (a partial first page, the whole pages between as one span over
// their holes, a partial last page), and an address range back to at most three list ranges, so a
// copy of a 4 GiB buffer costs its value runs, not its million pages. Holes carry what their
// neighbours get, as in every other access (bridged.ts).
import type { PhysRegion } from '../seam';
import type { Range } from './runmap';
import { pieceCount } from '../regions';
import { meeting } from './bridged';

/** One run's place in the list: its pages, and the list offset of its first page. */
export interface Placed {
  readonly region: PhysRegion;
  /** List offset of the run's first page. */
  readonly base: number;
  readonly n: number;
  readonly size: number;
  readonly stride: number;
}

/** The runs of a list with their list offsets; runs whose pages overlap are taken page by page. */
export function place(regions: readonly PhysRegion[]): Placed[] {
  const out: Placed[] = [];
  let base = 0;
  for (const r of regions) {
    const n = pieceCount(r);
    const stride = n === 1 ? 0 : (r.stride ?? 0);
    if (n === 1 || Math.abs(stride) >= r.size) out.push({ region: r, base, n, size: r.size, stride });
    else for (let i = 0; i < n; i++) out.push({ region: r, base: base + i * r.size, n: 1, size: r.size, stride: 0 });
    base += n * r.size;
  }
  return out;
}

/** Bytes in the run. */
export function length(p: Placed): number {
  return p.n * p.size;
}

function pageAddr(p: Placed, i: number): number {
  return p.region.addr + i * p.stride;
}

/** The address span of all the run's pages. */
export function addrSpan(p: Placed): Range {
  const a = pageAddr(p, 0);
  const b = pageAddr(p, p.n - 1);
  return { start: Math.min(a, b), end: Math.max(a, b) + p.size };
}

/** Address ranges of the run's list bytes [lo, hi) (offsets within the run), ascending. */
export function toAddresses(p: Placed, lo: number, hi: number): Range[] {
  if (lo >= hi) return [];
  const i0 = Math.floor(lo / p.size);
  const i1 = Math.floor((hi - 1) / p.size);
  const a0 = pageAddr(p, i0);
  if (i0 === i1) return [{ start: a0 + lo - i0 * p.size, end: a0 + hi - i0 * p.size }];
  const a1 = pageAddr(p, i1);
  const out: Range[] = [
    { start: a0 + lo - i0 * p.size, end: a0 + p.size },
    { start: a1, end: a1 + hi - i1 * p.size },
  ];
  if (i1 > i0 + 1) {
    const m0 = pageAddr(p, i0 + 1);
    const m1 = pageAddr(p, i1 - 1);
    out.push({ start: Math.min(m0, m1), end: Math.max(m0, m1) + p.size });
  }
  return out.sort((x, y) => x.start - y.start);
}

/** List ranges (offsets within the run) of the run's bytes that lie in [start, end). */
export function toOffsets(p: Placed, start: number, end: number): Range[] {
  const span = addrSpan(p);
  const step = Math.abs(p.stride);
  // Pages by ascending address: page j is list page j (ascending run) or n-1-j (descending).
  const listPage = (j: number) => (p.stride < 0 ? p.n - 1 - j : j);
  const addrOf = (j: number) => span.start + j * step;
  const [first, last] = meeting({ start: span.start, size: p.size, count: p.n, stride: step }, start, end);
  if (first > last) return [];
  const part = (j: number): Range => {
    const a = addrOf(j);
    const off = listPage(j) * p.size;
    return { start: off + Math.max(start, a) - a, end: off + Math.min(end, a + p.size) - a };
  };
  const out: Range[] = [part(first)];
  if (last > first) out.push(part(last));
  if (last > first + 1) {
    const x = listPage(first + 1);
    const y = listPage(last - 1);
    out.push({ start: Math.min(x, y) * p.size, end: (Math.max(x, y) + 1) * p.size });
  }
  return out.filter((r) => r.end > r.start).sort((x, y) => x.start - y.start);
}
