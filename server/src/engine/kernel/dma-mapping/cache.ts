// The CPU cache maintenance the DMA API performs per architecture (kernel-rules.md §8.2):
// arch_sync_dma_for_device() at map and sync_for_device, arch_sync_dma_for_cpu() at unmap and
// sync_for_cpu. Coherent devices get none (dev_is_dma_coherent() guards every call,
// kernel/dma/direct.h). x86 has no arch_sync_dma_* at all: the DMA API assumes snooping, so a
// device declared `coherent no` there gets no maintenance either (and sees stale data).
// Below: what a map, unmap or sync asks for, as ctx.cache effects: the swiotlb bounce copies and
// the maintenance of the page-backed RAM, in the order kernel/dma/direct.h:55-124 performs them.
import type { Dir } from '../../../language/ast';
import type { ResolvedPlatform } from '../../../language/bound';
import type { CacheEffect, PhysRegion, StepContext } from '../../seam';
import { physKind } from './memory';
import type { DmaMapping, DmaState } from './state';
import { spend } from '../../deadline';
import { runOf, sliceRegions } from '../../regions';
import { expandEntries, runCount, sliceEntries, type SgRun } from './sgrun';

/**
 * The memory to maintain, or a function giving it: a buffer's page list is only built when the
 * architecture maintains anything (a 1 GiB GEM buffer is 262,144 pages; x86 never needs them).
 */
export type Regions = readonly PhysRegion[] | (() => readonly PhysRegion[]);

export function archMaintains(platform: ResolvedPlatform, device: string): boolean {
  const dev = platform.devices.get(device);
  if (!dev || dev.coherent) return false;
  return platform.arch !== 'x86_64';
}

/**
 * arch_sync_dma_for_device(): arm64 (dcache_clean_poc) and riscv64 clean whatever the direction;
 * arm32 (v7_dma_map_area) invalidates for DMA_FROM_DEVICE, which discards dirty CPU data.
 */
export function forDeviceEffect(platform: ResolvedPlatform, device: string, dir: Dir, of: Regions): CacheEffect | undefined {
  if (!archMaintains(platform, device)) return undefined;
  const regions = typeof of === 'function' ? of() : of;
  if (regions.length === 0) return undefined;
  if (platform.arch === 'arm32' && dir === 'from_device') return { kind: 'invalidate', regions };
  return { kind: 'clean', regions };
}

/** arch_sync_dma_for_cpu(): nothing for DMA_TO_DEVICE, else invalidate (arm64, arm32, riscv64). */
export function forCpuEffect(platform: ResolvedPlatform, device: string, dir: Dir, of: Regions): CacheEffect | undefined {
  if (!archMaintains(platform, device) || dir === 'to_device') return undefined;
  const regions = typeof of === 'function' ? of() : of;
  if (regions.length === 0) return undefined;
  return { kind: 'invalidate', regions };
}

/** Words for the trace: what the maintenance did. */
export function describeEffect(effect: CacheEffect | undefined): string {
  if (!effect) return 'no cache maintenance';
  switch (effect.kind) {
    case 'clean':
      return 'CPU cache cleaned (dirty lines written back)';
    case 'invalidate':
      return 'CPU cache invalidated (lines dropped, dirty data discarded)';
    case 'flush':
      return 'CPU cache flushed';
    default:
      return effect.kind;
  }
}

// --- the effects of a map, unmap and sync, in the order dma-direct and dma-iommu apply them -------

/** The bounced entries among the first `upTo`: one pair each (bounded by the pool's slots). */
export function bouncePairs(mapping: DmaMapping, upTo = Infinity): { from: PhysRegion; slot: PhysRegion }[] {
  const out: { from: PhysRegion; slot: PhysRegion }[] = [];
  if (!mapping.bounced) return out;
  const bounced = sliceEntries(mapping.entries, 0, upTo).filter((r) => r.bounced);
  spend(bounced.length);
  for (const e of expandEntries(bounced)) {
    if (!e.bounced || e.phys === null || e.dmaAddress === undefined) continue;
    out.push({ from: { space: 'ram', addr: e.phys, size: e.length }, slot: { space: 'swiotlb', addr: e.bounceSlot ?? e.dmaAddress, size: e.length } });
  }
  return out;
}

export function emit(ctx: StepContext, effect: CacheEffect | undefined): void {
  if (effect) ctx.cache(effect);
}

export function mapEffects(dma: DmaState, ctx: StepContext, mapping: DmaMapping, dir: Dir, skip: boolean): void {
  const bounces = bouncePairs(mapping);
  // swiotlb_tbl_map_single() always copies the original into the slot, whatever the direction
  // and attributes ("unconditional bounce may prevent leaking swiotlb content").
  if (bounces.length) ctx.cache({ kind: 'bounceToDevice', from: bounces.map((b) => b.from), to: bounces.map((b) => b.slot) });
  if (skip) return;
  emit(ctx, forDeviceEffect(ctx.platform, mapping.device, dir, bounces.map((b) => b.slot)));
  emit(ctx, forDeviceEffect(ctx.platform, mapping.device, dir, () => ramOnly(dma, mapping)));
}

/** Page-backed RAM of the first `upTo` CPU entries: what arch_sync_dma_* maintains. P2PDMA (BAR)
 * pages are skipped: the CPU maps BARs write-combined, so there is nothing in its cache. A run of
 * entries gives a run of regions (the pages of one run of chunks, holes between them). */
/** An entry of page-backed RAM that arch_sync_dma_* maintains (not bounced, no bus address). */
function maintained(dma: DmaState, e: SgRun): e is SgRun & { readonly phys: number } {
  return e.phys !== null && !e.bounced && !e.busAddress && !!e.page && physKind(dma, e.phys).space === 'ram';
}

export function ramOnly(dma: DmaState, mapping: DmaMapping, upTo = Infinity): PhysRegion[] {
  const runs = sliceEntries(mapping.entries, 0, upTo);
  spend(runs.length);
  const out: PhysRegion[] = [];
  for (const e of runs) {
    if (!maintained(dma, e)) continue;
    out.push(runOf({ space: 'ram', addr: e.phys, size: e.length }, runCount(e), e.stride ?? 0));
  }
  return out;
}

export function unmapEffects(dma: DmaState, ctx: StepContext, mapping: DmaMapping, dir: Dir, count: number, skipCpuSync: boolean): void {
  // The unmap's own attrs: DMA_ATTR_SKIP_CPU_SYNC skips dma_direct_sync_single_for_cpu() (the
  // arch invalidate and the swiotlb copy-back) and swiotlb_tbl_unmap_single() is told to skip too
  // (kernel/dma/direct.h dma_direct_unmap_page()).
  if (skipCpuSync) return;
  const bounces = bouncePairs(mapping, count);
  emit(ctx, forCpuEffect(ctx.platform, mapping.device, dir, bounces.map((b) => b.slot)));
  if (bounces.length && dir !== 'to_device') ctx.cache({ kind: 'bounceToCpu', from: bounces.map((b) => b.slot), to: bounces.map((b) => b.from) });
  emit(ctx, forCpuEffect(ctx.platform, mapping.device, dir, () => ramOnly(dma, mapping, count)));
}

/** A byte range of a table: its CPU entries laid end to end (`dma_sync … at OFF size LEN`). */
export interface TableBytes {
  readonly offset: number;
  readonly size: number;
}

/**
 * What a sync of `bytes` of the table maintains: the page-backed RAM and the bounce pairs those
 * bytes lie in, cut to them (dma_sync_single_range_for_*() on the segment's DMA address).
 */
export function inRange(dma: DmaState, mapping: DmaMapping, bytes: TableBytes): { ram: PhysRegion[]; bounces: { from: PhysRegion; slot: PhysRegion }[] } {
  const end = bytes.offset + bytes.size;
  const ram: PhysRegion[] = [];
  const bounces: { from: PhysRegion; slot: PhysRegion }[] = [];
  let pos = 0;
  for (const e of sliceEntries(mapping.entries, 0, Infinity)) {
    spend();
    const n = runCount(e);
    const len = e.length * n;
    const from = Math.max(bytes.offset, pos);
    const to = Math.min(end, pos + len);
    if (from < to && e.phys !== null) {
      if (e.bounced) {
        // Bounced entries are as many as the pool has slots: taken one by one.
        let at = pos;
        for (const one of expandEntries([e])) {
          const lo = Math.max(from, at);
          const hi = Math.min(to, at + one.length);
          if (lo < hi && one.phys !== null && one.dmaAddress !== undefined) {
            bounces.push({ from: { space: 'ram', addr: one.phys + lo - at, size: hi - lo }, slot: { space: 'swiotlb', addr: (one.bounceSlot ?? one.dmaAddress) + lo - at, size: hi - lo } });
          }
          at += one.length;
        }
      } else if (maintained(dma, e)) {
        ram.push(...sliceRegions([runOf({ space: 'ram', addr: e.phys, size: e.length }, n, e.stride ?? 0)], from - pos, to - from));
      }
    }
    pos += len;
    if (pos >= end) break;
  }
  return { ram, bounces };
}
