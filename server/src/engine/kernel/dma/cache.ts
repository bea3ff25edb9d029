// The CPU cache maintenance the DMA API performs per architecture (kernel-rules.md §8.2):
// arch_sync_dma_for_device() at map and sync_for_device, arch_sync_dma_for_cpu() at unmap and
// sync_for_cpu. Coherent devices get none (dev_is_dma_coherent() guards every call,
// kernel/dma/direct.h). x86 has no arch_sync_dma_* at all: the DMA API assumes snooping, so a
// device declared `coherent no` there gets no maintenance either (and sees stale data).
import type { Dir } from '../../../language/ast';
import type { ResolvedPlatform } from '../../../language/bound';
import type { CacheEffect, PhysRegion } from '../../seam';

/**
 * The memory to maintain, or a function giving it: a buffer's page list is only built when the
 * architecture maintains anything (a 1 GiB GEM buffer is 262,144 pages; x86 never needs them).
 */
export type Regions = readonly PhysRegion[] | (() => readonly PhysRegion[]);

function archMaintains(platform: ResolvedPlatform, device: string): boolean {
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
