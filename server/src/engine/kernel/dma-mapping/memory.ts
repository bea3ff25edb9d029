// Physical memory: deterministic placement of buffers in RAM and in device BARs, and the lookup
// from a physical address back to what it is (RAM, swiotlb pool, which BAR).
//
// RAM is handed out from the top downwards and never reused within a scenario: a stale mapping
// (after a move or an unmap) then still points at the old pages, never at another buffer's, so
// what the simulation reports stays attributable. Chunk layouts leave a one-page hole between
// chunks so that discontiguous layouts never merge by accident in an sg table.
import type { PhysRegion } from '../../seam';
import { alignDown, alignUp } from './init';
import type { Chunk, DmaState } from './state';
import { spend } from '../../deadline';
import { region, runOf } from '../../regions';

const KiB = 1024;
const MiB = 1024 * KiB;

/** The page allocator's largest order (MAX_ORDER - 1 on 6.1, MAX_PAGE_ORDER from 6.8): 2^10 pages. */
export const MAX_PAGE_ORDER = 10;

/**
 * Allocation orders, largest first, of the allocators that take the largest order that fits:
 * the system heap (drivers/dma-buf/heaps/system_heap.c: orders 8, 4, 0) and dma-iommu's
 * coherent allocations (__iommu_dma_alloc_pages(): the domain's page sizes up to
 * MAX_PAGE_ORDER, i.e. 2 MiB and 4 KiB for VT-d and SMMU 4K-granule tables).
 */
const ORDERS = { system_heap: [1 * MiB, 64 * KiB, 4 * KiB], iommu_alloc: [2 * MiB, 4 * KiB] } as const;

export type RamLayout = 'contiguous' | 'system_heap' | 'iommu_alloc' | 'pages';

/** Lowest address a buffer may occupy: just above the swiotlb pool. */
function ramFloor(dma: DmaState): number {
  return dma.swiotlb.base + dma.swiotlb.size;
}

/** Chunk sizes for a buffer, in buffer order, as (size, how many) pairs. */
function chunkSizes(dma: DmaState, size: number, layout: RamLayout): { size: number; count: number }[] {
  if (layout === 'contiguous') return [{ size, count: 1 }];
  if (layout === 'pages') return [{ size: dma.pageSize, count: size / dma.pageSize }];
  // alloc_largest_available(): the largest order that still fits the remainder; once it has
  // dropped to a smaller order it never goes back up (max_order only shrinks). So each order is
  // used for one stretch: as many chunks as fit, then the next order takes the remainder.
  const out: { size: number; count: number }[] = [];
  let remaining = size;
  const orders = ORDERS[layout];
  for (let order = 0; order < orders.length && remaining > 0; order++) {
    const chunk = Math.max(orders[order], dma.pageSize);
    const last = order === orders.length - 1;
    const count = last ? Math.ceil(remaining / chunk) : Math.floor(remaining / chunk);
    if (count === 0) continue;
    out.push({ size: chunk, count });
    remaining -= count * chunk;
  }
  return out;
}

/**
 * Allocates RAM for a buffer of `size` bytes (rounded up to pages). Each chunk is naturally
 * aligned (as the buddy allocator returns it) and followed by a free page towards lower
 * addresses. `-ENOMEM` when the allocation would reach the swiotlb pool; nothing changes then.
 * Chunks of one size come out as one run: the next chunk of size c below a c-aligned chunk at p
 * (with its one-page hole) is alignDown(p - page - c, c) = p - 2c, a constant stride.
 */
export function allocRam(dma: DmaState, size: number, layout: RamLayout): Chunk[] | { readonly error: '-ENOMEM' } {
  const total = alignUp(Math.max(size, 1), dma.pageSize);
  const chunks: Chunk[] = [];
  let top = belowReserved(dma, dma.ramTop, total);
  for (const { size: chunkSize, count } of chunkSizes(dma, total, layout)) {
    spend();
    const align = layout === 'contiguous' ? dma.pageSize : chunkSize;
    const phys = alignDown(top - chunkSize, align);
    const stride = -2 * chunkSize;
    const lowest = phys + (count - 1) * stride;
    if (lowest < ramFloor(dma)) return { error: '-ENOMEM' };
    chunks.push(count === 1 ? { space: 'ram', phys, size: chunkSize } : { space: 'ram', phys, size: chunkSize, count, stride });
    top = layout === 'contiguous' ? lowest : lowest - dma.pageSize;
  }
  dma.ramTop = top;
  return chunks;
}

/**
 * The CMA area is reserved at boot, and what was handed out below a device's mask (allocBelow)
 * is taken: an allocation of `total` bytes under `top` that would reach into either continues
 * below it.
 */
function belowReserved(dma: DmaState, top: number, total: number): number {
  const taken = [dma.cma && { base: dma.cma.base, end: dma.cma.base + dma.cma.size }, dma.low && { base: dma.low.top, end: dma.low.end }]
    .filter((r): r is { base: number; end: number } => !!r && r.end > r.base)
    .sort((a, b) => b.base - a.base);
  for (const r of taken) if (top > r.base && top - total < r.end) top = r.base;
  return top;
}

/**
 * One physically contiguous range ending at or below `limit` (a device's DMA mask): the page
 * allocator's retry in ZONE_DMA32 / ZONE_DMA (__dma_direct_alloc_pages()). From the RAM cursor
 * when it is already below the limit, else from a cursor of its own that starts at the limit.
 */
export function allocBelow(dma: DmaState, size: number, limit: number): Chunk[] | { readonly error: '-ENOMEM' } {
  const total = alignUp(Math.max(size, 1), dma.pageSize);
  if (belowReserved(dma, dma.ramTop, total) <= limit) return allocRam(dma, size, 'contiguous');
  const low = (dma.low ??= { end: limit, top: limit });
  const phys = alignDown(belowReserved(dma, Math.min(low.top, limit), total) - total, dma.pageSize);
  if (phys < ramFloor(dma)) return { error: '-ENOMEM' };
  low.top = Math.min(low.top, phys);
  return [{ space: 'ram', phys, size: total }];
}

/** Whether `size` bytes from the CMA area would end at or below `limit` (dma_coherent_ok()). */
export function cmaFits(dma: DmaState, size: number, limit: number): boolean {
  const cma = dma.cma;
  if (!cma) return false;
  const total = alignUp(Math.max(size, 1), dma.pageSize);
  const phys = alignDown(cma.top - total, dma.pageSize);
  return phys >= cma.base && phys + total <= limit;
}

/**
 * cma_alloc() from the platform's CMA area: one physically contiguous range, top down inside the
 * area (its own cursor; the RAM cursor never enters it: the area is reserved at boot). undefined
 * when the platform declares no area.
 */
export function allocCma(dma: DmaState, size: number): Chunk[] | { readonly error: '-ENOMEM' } | undefined {
  const cma = dma.cma;
  if (!cma) return undefined;
  const total = alignUp(Math.max(size, 1), dma.pageSize);
  const phys = alignDown(cma.top - total, dma.pageSize);
  if (phys < cma.base) return { error: '-ENOMEM' };
  cma.top = phys;
  return [{ space: 'ram', phys, size: total }];
}

/** Allocates from a BAR bottom-up, reusing freed ranges first-fit. */
export function allocBar(dma: DmaState, device: string, bar: string, size: number): Chunk | { readonly error: '-ENOMEM' } {
  const owner = `${device}.${bar}`;
  const window = dma.bars.get(owner);
  if (!window) return { error: '-ENOMEM' };
  const want = alignUp(Math.max(size, 1), dma.pageSize);
  const free = window.free ?? [];
  const hole = free.findIndex((f) => f.size >= want);
  if (hole >= 0) {
    const f = free[hole];
    const chunk: Chunk = { space: 'bar', owner, phys: f.phys, size: want };
    if (f.size === want) free.splice(hole, 1);
    else free[hole] = { phys: f.phys + want, size: f.size - want };
    return chunk;
  }
  if (window.next + want > window.base + window.size) return { error: '-ENOMEM' };
  const chunk: Chunk = { space: 'bar', owner, phys: window.next, size: want };
  window.next += want;
  return chunk;
}

/** RAM is not reused (see above); BAR space is, so repeated moves do not exhaust VRAM. */
export function freeChunks(dma: DmaState, chunks: readonly Chunk[]): void {
  for (const chunk of chunks) {
    if (chunk.space !== 'bar' || !chunk.owner) continue;
    const window = dma.bars.get(chunk.owner);
    if (!window) continue;
    const free = (window.free ??= []);
    free.push({ phys: chunk.phys, size: chunk.size });
    free.sort((a, b) => a.phys - b.phys);
  }
}

/** The chunks as physical regions, runs kept as runs. */
export function chunkRegions(chunks: readonly Chunk[]): PhysRegion[] {
  return chunks.map((c) => {
    const r = region(c.space, c.owner, c.phys, c.size);
    return c.count !== undefined && c.count > 1 ? runOf(r, c.count, c.stride ?? 0) : r;
  });
}

/** What lives at a physical address. */
export type PhysKind =
  | { readonly space: 'ram' }
  | { readonly space: 'swiotlb' }
  | { readonly space: 'bar'; readonly owner: string; readonly device: string; readonly mmio: boolean }
  | { readonly space: 'none' };

/** Lowest and highest address of any BAR window, per window map (windows never change once laid out). */
const barSpans = new WeakMap<DmaState['bars'], { readonly lo: number; readonly hi: number }>();

function barSpan(bars: DmaState['bars']): { readonly lo: number; readonly hi: number } {
  let span = barSpans.get(bars);
  if (!span) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const w of bars.values()) {
      lo = Math.min(lo, w.base);
      hi = Math.max(hi, w.base + w.size);
    }
    span = { lo, hi };
    barSpans.set(bars, span);
  }
  return span;
}

export function physKind(dma: DmaState, addr: number): PhysKind {
  // Asked once per page of a buffer: most addresses are RAM, far from every BAR.
  const bars = barSpan(dma.bars);
  if (addr >= bars.lo && addr < bars.hi) {
    for (const w of dma.bars.values()) {
      if (addr >= w.base && addr < w.base + w.size) return { space: 'bar', owner: w.owner, device: w.owner.split('.')[0], mmio: w.mmio };
    }
  }
  if (addr >= dma.swiotlb.base && addr < dma.swiotlb.base + dma.swiotlb.size) return { space: 'swiotlb' };
  if (addr >= dma.ram.base && addr < dma.ram.base + dma.ram.size) return { space: 'ram' };
  return { space: 'none' };
}

/** A physical range as a PhysRegion, or undefined when nothing is there (a bus error). */
export function regionAt(dma: DmaState, addr: number, size: number): PhysRegion | undefined {
  const kind = physKind(dma, addr);
  if (kind.space === 'none') return undefined;
  if (kind.space === 'bar') return { space: 'bar', owner: kind.owner, addr, size };
  return { space: kind.space, addr, size };
}
