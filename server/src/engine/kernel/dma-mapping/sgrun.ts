// An sg table as runs of entries (lib/scatterlist.c builds one struct scatterlist per entry; we
// keep `count` consecutive entries that differ only by a constant step as one run). A 4 GiB GEM
// table is 1,048,576 page entries in the kernel: here one run, with the same entry count, the
// same addresses and the same DMA segments, so every rule sees what the kernel would build.
import type { SgEntry } from '../../../common/trace';
import { spend } from '../../deadline';
import { piecesOf as runCount } from '../../runs';

/**
 * `count` entries (1 when absent): entry i has phys + i × stride and, when DMA-mapped,
 * dmaAddress + i × dmaStride; every other field is the same in all of them.
 */
export interface SgRun extends SgEntry {
  readonly count?: number;
  readonly stride?: number;
  readonly dmaStride?: number;
}

/** Entries in a run; entryCount: entries in a table (orig_nents for a CPU view). */
export { piecesOf as runCount, totalPieces as entryCount } from '../../runs';

/** Entry i of a run as the kernel holds it (fields in the order the trace has always shown them). */
export function entryAt(r: SgRun, i: number): SgEntry {
  const phys = r.phys === null ? null : r.phys + i * (r.stride ?? 0);
  const e: { phys: number | null; page: boolean; offset: number; length: number; dmaAddress?: number; dmaLength?: number; busAddress?: boolean; bounced?: boolean; bounceSlot?: number } = {
    phys,
    page: r.page,
    offset: r.offset,
    length: r.length,
  };
  if (r.dmaAddress !== undefined) e.dmaAddress = r.dmaAddress + i * (r.dmaStride ?? 0);
  if (r.dmaLength !== undefined) e.dmaLength = r.dmaLength;
  if (r.busAddress !== undefined) e.busAddress = r.busAddress;
  if (r.bounced !== undefined) e.bounced = r.bounced;
  if (r.bounceSlot !== undefined) e.bounceSlot = r.bounceSlot;
  return e;
}

/** Entry `index` of a table, or undefined past its end. */
export function entryOf(runs: readonly SgRun[], index: number): SgEntry | undefined {
  let at = 0;
  for (const r of runs) {
    const n = runCount(r);
    if (index < at + n) return entryAt(r, index - at);
    at += n;
  }
  return undefined;
}

/** The first `limit` entries (all by default), one object each. */
export function expandEntries(runs: readonly SgRun[], limit = Infinity): SgEntry[] {
  const out: SgEntry[] = [];
  for (const r of runs) {
    spend(Math.min(runCount(r), limit));
    for (let i = 0; i < runCount(r) && out.length < limit; i++) out.push(entryAt(r, i));
    if (out.length >= limit) break;
  }
  return out;
}

/** Index of the first entry matching `test` (tested once per run: entries of a run share it), or -1. */
export function findEntryIndex(runs: readonly SgRun[], test: (r: SgRun) => boolean): number {
  let at = 0;
  for (const r of runs) {
    if (test(r)) return at;
    at += runCount(r);
  }
  return -1;
}

/** Entries [from, to) of a table, as runs. */
export function sliceEntries(runs: readonly SgRun[], from: number, to: number): SgRun[] {
  const out: SgRun[] = [];
  let at = 0;
  for (const r of runs) {
    const n = runCount(r);
    const lo = Math.max(from, at);
    const hi = Math.min(to, at + n);
    if (lo < hi) out.push(subRun(r, lo - at, hi - lo));
    at += n;
    if (at >= to) break;
  }
  return out;
}

/** `count` entries of a run from its entry `first`. */
export function subRun(r: SgRun, first: number, count: number): SgRun {
  const e = entryAt(r, first);
  return count === 1 ? e : { ...e, count, stride: r.stride ?? 0, ...(r.dmaAddress !== undefined ? { dmaStride: r.dmaStride ?? 0 } : {}) };
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Whether `e` continues run `r` (same fields, addresses one step further). */
function continues(r: SgRun, e: SgEntry): boolean {
  if (r.page !== e.page || r.offset !== e.offset || r.length !== e.length || r.dmaLength !== e.dmaLength) return false;
  if (r.busAddress !== e.busAddress || r.bounced !== e.bounced || r.phys === null || e.phys === null) return false;
  if (r.bounceSlot !== undefined || e.bounceSlot !== undefined) return false;
  if ((r.dmaAddress === undefined) !== (e.dmaAddress === undefined)) return false;
  const n = runCount(r);
  const step = e.phys - (r.phys + (n - 1) * (r.stride ?? 0));
  if (n > 1 ? step !== r.stride : step === 0) return false;
  if (n > 1 && r.dmaAddress !== undefined && e.dmaAddress !== undefined) {
    if (e.dmaAddress - (r.dmaAddress + (n - 1) * (r.dmaStride ?? 0)) !== r.dmaStride) return false;
  }
  return true;
}

/**
 * Entries made one at a time (the per-entry paths: swiotlb bouncing, segment boundaries) folded
 * into runs as they come, so what is kept stays small even when the work was not. The open run
 * is the builder's own object until `runs` is read, so growing it allocates nothing.
 */
export class RunBuilder {
  private readonly done: SgRun[] = [];
  private open: Mutable<SgRun> | undefined;

  get runs(): SgRun[] {
    if (this.open) {
      this.done.push(this.open);
      this.open = undefined;
    }
    return this.done;
  }

  push(e: SgEntry): void {
    const last = this.open;
    if (last && continues(last, e)) {
      if (runCount(last) === 1) {
        last.stride = (e.phys as number) - (last.phys as number);
        if (last.dmaAddress !== undefined && e.dmaAddress !== undefined) last.dmaStride = e.dmaAddress - last.dmaAddress;
      }
      last.count = runCount(last) + 1;
      return;
    }
    if (last) this.done.push(last);
    this.open = entryAt(e, 0);
  }

  /**
   * Every entry of a run, as push() would take them one by one, in time independent of its count:
   * once two of its entries are in the open run with the run's own steps, the rest continue it.
   */
  pushEntries(r: SgRun): void {
    const n = runCount(r);
    for (let i = 0; i < n; i++) {
      this.push(entryAt(r, i));
      const open = this.open;
      if (i === 0 || !open || runCount(open) < 2 || open.stride !== r.stride) continue;
      if (open.dmaAddress !== undefined && open.dmaStride !== r.dmaStride) continue;
      open.count = runCount(open) + (n - 1 - i);
      return;
    }
  }

  pushRun(r: SgRun): void {
    if (this.open) this.done.push(this.open);
    this.open = undefined;
    this.done.push(r);
  }
}
