// Region runs as the coherency model sweeps them: a run of pages with allocator holes between them
// (seam.ts PhysRegion count/stride) becomes one range over its span, since nothing else ever lives
// in the holes; every operation is per address, so the holes only carry along what their pages
// get. What the model reports must still name the pieces the kernel half meant: `Pieces` keeps
// them (ascending, disjoint) to count and name the ranges a result covers, exactly as if every
// piece had been passed on its own.
import type { PhysRegion } from '../seam';
import { normalise, type Range } from './runmap';
import { spend } from '../deadline';
import { piecesOf } from '../runs';

/** `count` pieces of `size` bytes from `start`, `stride` (> size when count > 1) apart, ascending. */
export interface PieceRun {
  readonly start: number;
  readonly size: number;
  readonly count: number;
  readonly stride: number;
}

export interface Bridged {
  /** The spans to sweep (sorted, disjoint). */
  readonly ranges: Range[];
  /** The pieces they stand for (sorted, disjoint, each within one span). */
  readonly pieces: PieceRun[];
}

function ascending(r: PhysRegion): PieceRun {
  const n = piecesOf(r);
  const stride = r.stride ?? 0;
  if (n === 1 || stride === 0) return { start: r.addr, size: r.size, count: 1, stride: 0 };
  const start = stride < 0 ? r.addr + (n - 1) * stride : r.addr;
  const step = Math.abs(stride);
  // Touching pieces are one range (as normalise() would merge them).
  if (step <= r.size) return { start, size: (n - 1) * step + r.size, count: 1, stride: 0 };
  return { start, size: r.size, count: n, stride: step };
}

function spanEnd(p: PieceRun): number {
  return p.start + (p.count - 1) * p.stride + p.size;
}

/** One address space's regions as spans to sweep and the pieces behind them. */
export function bridge(regions: readonly PhysRegion[]): Bridged {
  spend(regions.length);
  const runs = regions.map(ascending).sort((a, b) => a.start - b.start);
  // Runs that overlap or touch another merge as normalise() merges single ranges; a run of
  // pieces caught in that (never the case for a buffer's own page runs) is taken piece by piece.
  const tangled = runs.some((r, i) => i > 0 && r.start <= spanEnd(runs[i - 1]) && (r.count > 1 || runs[i - 1].count > 1));
  if (tangled) {
    const singles: Range[] = [];
    for (const r of runs) for (let k = 0; k < r.count; k++) singles.push({ start: r.start + k * r.stride, end: r.start + k * r.stride + r.size });
    const ranges = normalise(singles);
    return { ranges, pieces: ranges.map((g) => ({ start: g.start, size: g.end - g.start, count: 1, stride: 0 })) };
  }
  const merged = normalise(runs.filter((r) => r.count === 1).map((r) => ({ start: r.start, end: r.start + r.size })));
  const pieces: PieceRun[] = [...merged.map((g) => ({ start: g.start, size: g.end - g.start, count: 1, stride: 0 })), ...runs.filter((r) => r.count > 1)].sort((a, b) => a.start - b.start);
  return { ranges: pieces.map((p) => ({ start: p.start, end: spanEnd(p) })), pieces };
}

/** Indexes of a piece run's pieces that meet [start, end): [first, last], empty when first > last. */
export function meeting(p: PieceRun, start: number, end: number): [number, number] {
  if (p.count === 1) return p.start < end && start < p.start + p.size ? [0, 0] : [0, -1];
  const first = Math.max(0, Math.floor((start - p.start - p.size) / p.stride) + 1);
  const last = Math.min(p.count - 1, Math.ceil((end - p.start) / p.stride) - 1);
  return [first, last];
}

/** How many pieces meet [start, end), and the first of them clipped to it (undefined: none). */
export function piecesIn(b: Bridged, start: number, end: number): { readonly count: number; readonly first?: Range } {
  let count = 0;
  let first: Range | undefined;
  for (const p of b.pieces) {
    if (p.start >= end) break;
    if (spanEnd(p) <= start) continue;
    const [lo, hi] = meeting(p, start, end);
    if (lo > hi) continue;
    count += hi - lo + 1;
    if (!first) {
      const s = p.start + lo * p.stride;
      first = { start: Math.max(start, s), end: Math.min(end, s + p.size) };
    }
  }
  return { count, first };
}

/** The first `n` pieces, one range each, and how many there are in all. */
export function firstPieces(b: Bridged, n: number): { readonly ranges: Range[]; readonly total: number } {
  const ranges: Range[] = [];
  let total = 0;
  for (const p of b.pieces) {
    total += p.count;
    for (let k = 0; k < p.count && ranges.length < n; k++) ranges.push({ start: p.start + k * p.stride, end: p.start + k * p.stride + p.size });
  }
  return { ranges, total };
}
