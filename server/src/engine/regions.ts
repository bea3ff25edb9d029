// Physical regions as runs (seam.ts PhysRegion count/stride). The kernel lays a GEM buffer out
// page by page with a hole after each page (dma-mapping/memory.ts), so a 4 GiB buffer is
// 1,048,576 regions: the kernel half hands it over as one run, and both halves count, slice and
// expand runs here instead of building one object per page.
import type { PhysRegion } from './seam';
import { piecesOf as pieceCount } from './runs';

/** pieceCount: how many regions a run stands for; regionCount: regions in a list of runs. */
export { piecesOf as pieceCount, totalPieces as regionCount } from './runs';

/** Bytes in a list of runs. */
export function regionBytes(regions: readonly PhysRegion[]): number {
  let n = 0;
  for (const r of regions) n += r.size * pieceCount(r);
  return n;
}

/** One region of the shape the kernel half always built (space, owner for BARs, addr, size). */
export function region(space: PhysRegion['space'], owner: string | undefined, addr: number, size: number): PhysRegion {
  return owner ? { space, owner, addr, size } : { space, addr, size };
}

/** The i-th region of a run. */
export function pieceAt(r: PhysRegion, i: number): PhysRegion {
  return region(r.space, r.owner, r.addr + i * (r.stride ?? 0), r.size);
}

/** `count` regions of `first`'s size, `stride` apart: a plain region when there is one. */
export function runOf(first: PhysRegion, count: number, stride: number): PhysRegion {
  if (count === 1) return region(first.space, first.owner, first.addr, first.size);
  return { ...region(first.space, first.owner, first.addr, first.size), count, stride };
}

/** The lowest and highest byte (end exclusive) of a run. */
export function span(r: PhysRegion): { readonly start: number; readonly end: number } {
  const last = r.addr + (pieceCount(r) - 1) * (r.stride ?? 0);
  return { start: Math.min(r.addr, last), end: Math.max(r.addr, last) + r.size };
}

/** Every region, one object each: for the few callers whose work is per region anyway (bounce copies). */
export function expandRegions(regions: readonly PhysRegion[]): PhysRegion[] {
  const out: PhysRegion[] = [];
  for (const r of regions) for (let i = 0; i < pieceCount(r); i++) out.push(pieceAt(r, i));
  return out;
}

/** The first `n` regions. */
export function firstRegions(regions: readonly PhysRegion[], n: number): PhysRegion[] {
  const out: PhysRegion[] = [];
  for (const r of regions) {
    for (let i = 0; i < pieceCount(r) && out.length < n; i++) out.push(pieceAt(r, i));
    if (out.length >= n) break;
  }
  return out;
}

/** The bytes [offset, offset+size) of regions laid end to end, as runs (a partial first and last region cut). */
export function sliceRegions(regions: readonly PhysRegion[], offset: number, size: number): PhysRegion[] {
  const out: PhysRegion[] = [];
  let pos = 0;
  const end = offset + size;
  for (const r of regions) {
    const n = pieceCount(r);
    const rEnd = pos + r.size * n;
    const from = Math.max(pos, offset);
    const to = Math.min(rEnd, end);
    if (from < to) {
      const a = Math.floor((from - pos) / r.size);
      const b = Math.ceil((to - pos) / r.size) - 1;
      const cut = (i: number): PhysRegion => {
        const lo = Math.max(from, pos + i * r.size);
        const hi = Math.min(to, pos + (i + 1) * r.size);
        const p = pieceAt(r, i);
        return region(p.space, p.owner, p.addr + (lo - pos - i * r.size), hi - lo);
      };
      const headCut = from > pos + a * r.size || (a === b && to < pos + (a + 1) * r.size);
      let i = a;
      if (headCut) out.push(cut(i++));
      const tailCut = i <= b && to < pos + (b + 1) * r.size;
      const last = tailCut ? b - 1 : b;
      if (last >= i) out.push(runOf(pieceAt(r, i), last - i + 1, r.stride ?? 0));
      if (tailCut) out.push(cut(b));
    }
    pos = rEnd;
    if (pos >= end) break;
  }
  return out;
}
