// The swiotlb bounce pool (kernel/dma/swiotlb.c): 2 KiB slots in segments of 128 slots, so one
// mapping is at most 256 KiB; allocations of a page or more are page aligned; a full pool fails
// the mapping with "swiotlb buffer is full".
import { alignUp } from './init';
import { size } from './text';
import type { DmaState } from './state';
import { firstEndingAfter } from '../../intervals';

export const IO_TLB_SIZE = 2048;
export const IO_TLB_SEGSIZE = 128;
export const SWIOTLB_MAX_MAPPING = IO_TLB_SIZE * IO_TLB_SEGSIZE;

export function totalSlots(dma: DmaState): number {
  return Math.floor(dma.swiotlb.size / IO_TLB_SIZE);
}

export function usedSlots(dma: DmaState): number {
  return dma.swiotlb.slots.reduce((n, s) => n + Math.ceil(s.size / IO_TLB_SIZE), 0);
}

/** A slot range in use: [addr, end). */
interface Taken {
  readonly addr: number;
  readonly end: number;
}

/**
 * The slot allocations of one map call: the pool's slots in use plus those the call has taken so
 * far, kept sorted. A table of n page entries bounces n slots; searching the whole list afresh for
 * each (and re-sorting it) made one dma_map of an 8 MiB page-backed buffer cubic in its page count
 * (minutes for 2,048 pages: test/robustness/cases/hang-move-lock-p2p-thread.dmabuf).
 */
export interface SlotSearch {
  readonly taken: Taken[];
  /** Lowest address where a request of at least `need` bytes (aligned to at least `align`) can still fit. */
  floor?: { readonly need: number; readonly align: number; readonly addr: number };
}

export function slotSearch(dma: DmaState): SlotSearch {
  const taken = dma.swiotlb.slots.map((s) => ({ addr: s.addr, end: s.addr + alignUp(s.size, IO_TLB_SIZE) }));
  taken.sort((a, b) => a.addr - b.addr);
  return { taken };
}

/**
 * Takes a free slot range for `size` bytes, first fit from the bottom of the pool (the lowest
 * aligned address whose range neither crosses a segment nor overlaps a slot in use); undefined
 * when full.
 */
export function takeSlot(dma: DmaState, search: SlotSearch, size: number): number | undefined {
  if (size > SWIOTLB_MAX_MAPPING) return undefined;
  const need = alignUp(size, IO_TLB_SIZE);
  const align = size >= dma.pageSize ? dma.pageSize : IO_TLB_SIZE;
  const base = dma.swiotlb.base;
  const end = base + dma.swiotlb.size;
  // Slots are only ever added during a search, so nothing at least as large fits below the last
  // fit: a fit there would also have fitted the smaller request (alignments are powers of two).
  const floor = search.floor;
  let addr = floor && need >= floor.need && align % floor.align === 0 ? floor.addr : base;
  const { taken } = search;
  let i = firstEndingAfter(taken, addr);
  while (addr + need <= end) {
    addr = alignUp(addr - base, align) + base;
    const segmentEnd = base + (Math.floor((addr - base) / SWIOTLB_MAX_MAPPING) + 1) * SWIOTLB_MAX_MAPPING;
    if (addr + need > segmentEnd) {
      addr = segmentEnd;
      continue;
    }
    while (i < taken.length && taken[i].end <= addr) i++;
    if (i < taken.length && taken[i].addr < addr + need) {
      addr = taken[i].end;
      continue;
    }
    if (addr + need > end) return undefined;
    taken.splice(i, 0, { addr, end: addr + need });
    search.floor = { need, align, addr };
    return addr;
  }
  return undefined;
}

/**
 * Why swiotlb_tbl_map_single() finds no slot for `length` bytes (`what`: the segment or entry, for
 * the sentence), and what it prints then.
 */
export function swiotlbFull(dma: DmaState, what: string, length: number): { readonly why: string; readonly printed: string } {
  const why =
    length > SWIOTLB_MAX_MAPPING
      ? `the ${what} is ${size(length)}, more than one swiotlb mapping can hold (IO_TLB_SIZE × IO_TLB_SEGSIZE = 256 KiB; ` + `dma_max_mapping_size() reports that limit)`
      : 'the 64 MiB pool has no free run of slots left';
  return { why, printed: `"swiotlb buffer is full (sz: ${length} bytes), total ${totalSlots(dma)} (slots), used ${usedSlots(dma)} (slots)"` };
}
