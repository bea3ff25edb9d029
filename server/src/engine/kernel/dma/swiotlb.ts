// The swiotlb bounce pool (kernel/dma/swiotlb.c): 2 KiB slots in segments of 128 slots, so one
// mapping is at most 256 KiB; allocations of a page or more are page aligned; a full pool fails
// the mapping with "swiotlb buffer is full".
import { alignUp } from './init';
import type { BounceSlot, DmaState } from './state';

export const IO_TLB_SIZE = 2048;
export const IO_TLB_SEGSIZE = 128;
export const SWIOTLB_MAX_MAPPING = IO_TLB_SIZE * IO_TLB_SEGSIZE;

export function totalSlots(dma: DmaState): number {
  return Math.floor(dma.swiotlb.size / IO_TLB_SIZE);
}

export function usedSlots(dma: DmaState): number {
  return dma.swiotlb.slots.reduce((n, s) => n + Math.ceil(s.size / IO_TLB_SIZE), 0);
}

/** A free slot range for `size` bytes, first fit from the bottom of the pool; undefined when full. */
export function findSlot(dma: DmaState, size: number, pending: readonly BounceSlot[]): number | undefined {
  if (size > SWIOTLB_MAX_MAPPING) return undefined;
  const need = alignUp(size, IO_TLB_SIZE);
  const align = size >= dma.pageSize ? dma.pageSize : IO_TLB_SIZE;
  const taken = [...dma.swiotlb.slots, ...pending].sort((a, b) => a.addr - b.addr);
  const end = dma.swiotlb.base + dma.swiotlb.size;
  let addr = dma.swiotlb.base;
  while (addr + need <= end) {
    addr = alignUp(addr - dma.swiotlb.base, align) + dma.swiotlb.base;
    const segment = Math.floor((addr - dma.swiotlb.base) / SWIOTLB_MAX_MAPPING);
    const segmentEnd = dma.swiotlb.base + (segment + 1) * SWIOTLB_MAX_MAPPING;
    if (addr + need > segmentEnd) {
      addr = segmentEnd;
      continue;
    }
    const clash = taken.find((t) => t.addr < addr + need && addr < t.addr + alignUp(t.size, IO_TLB_SIZE));
    if (!clash) return addr + need <= end ? addr : undefined;
    addr = clash.addr + alignUp(clash.size, IO_TLB_SIZE);
  }
  return undefined;
}
