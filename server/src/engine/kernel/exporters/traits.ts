// What each simulated exporter does, from the reference drivers (Linux 6.1):
//  - gem: drm_gem_prime_dmabuf_ops over drm_gem_shmem objects (drivers/gpu/drm/drm_prime.c:791-801):
//    static, cache_sgt_mapping, maps with DMA_ATTR_SKIP_CPU_SYNC (drm_prime.c:637-638), no
//    begin/end_cpu_access. CPU mappings are cacheable: drm_gem_shmem maps its shmem pages with
//    PAGE_KERNEL / the VMA's default protection unless the driver sets map_wc, which the generic
//    helpers do not (our choice, matching kernel-rules.md §8.1 "shmem GEM is cacheable").
//  - ttm: amdgpu_dmabuf_ops (drivers/gpu/drm/amd/amdgpu/amdgpu_dma_buf.c): dynamic (pin/unpin),
//    maps system pages with SKIP_CPU_SYNC and VRAM through dma_map_resource for peer2peer
//    importers, migrates to system memory otherwise. CPU mappings of VRAM are write-combined (BAR
//    aperture); of system (GTT) pages cacheable (ttm_cached, no USWC flag).
//  - heaps: drivers/dma-buf/heaps/{system,cma}_heap.c: static, one table per attachment mapped
//    with attrs 0 (cache maintenance), begin/end_cpu_access sync every mapped attachment,
//    cacheable mmap and vmap.
import type { ResolvedPlatform } from '../../../language/bound';
import type { SgRun } from '../dma-mapping/sgrun';
import type { RamLayout } from '../dma-mapping/api';
import { buildTable } from '../dma-mapping/api';
import type { BufferObj, ExporterModel } from '../state';

export interface ExporterTraits {
  /** The dma_buf_ops the model stands for, for messages. */
  readonly ops: string;
  /** ops->pin/unpin exist: dma_buf_is_dynamic() (include/linux/dma-buf.h:585-588). */
  readonly dynamic: boolean;
  /** ops->cache_sgt_mapping. */
  readonly cacheSgt: boolean;
  /** map_dma_buf passes DMA_ATTR_SKIP_CPU_SYNC: no cache maintenance at map/unmap. */
  readonly skipCpuSync: boolean;
  /** begin/end_cpu_access sync every mapped attachment (heaps). */
  readonly syncsOnCpuAccess: boolean;
  /** Keeps one sg_table per attachment and maps it at every map (MAP-03 applies). */
  readonly perAttachmentTable: boolean;
  /** The function behind ops->mmap that does the work, for messages. */
  readonly mmapFn: string;
  /**
   * ops->mmap takes dmabuf->resv itself, as exporters may from 6.6 (row mmap-unlocked): 6.12.118's
   * drm_gem_shmem_mmap() wraps drm_gem_shmem_get_pages() in dma_resv_lock() (6.1.192's takes
   * shmem->pages_lock instead, and on 6.2-6.5 the core already holds the resv there).
   */
  readonly mmapTakesResv: boolean;
}

export const TRAITS: Readonly<Record<ExporterModel, ExporterTraits>> = {
  gem: {
    ops: 'drm_gem_prime_dmabuf_ops',
    dynamic: false,
    cacheSgt: true,
    skipCpuSync: true,
    syncsOnCpuAccess: false,
    perAttachmentTable: false,
    mmapFn: 'drm_gem_shmem_mmap()',
    mmapTakesResv: true,
  },
  ttm: {
    ops: 'amdgpu_dmabuf_ops',
    dynamic: true,
    cacheSgt: false,
    skipCpuSync: true,
    syncsOnCpuAccess: false,
    perAttachmentTable: false,
    // drm_gem_dmabuf_mmap() → amdgpu_gem_object_mmap() → ttm_bo_mmap_obj(): the resv is taken at fault time, not here.
    mmapFn: 'amdgpu_gem_object_mmap()',
    mmapTakesResv: false,
  },
  heap_system: {
    ops: 'system_heap_buf_ops',
    dynamic: false,
    cacheSgt: false,
    skipCpuSync: false,
    syncsOnCpuAccess: true,
    perAttachmentTable: true,
    mmapFn: 'system_heap_mmap()',
    mmapTakesResv: false,
  },
  heap_cma: {
    ops: 'cma_heap_buf_ops',
    dynamic: false,
    cacheSgt: false,
    skipCpuSync: false,
    syncsOnCpuAccess: true,
    perAttachmentTable: true,
    mmapFn: 'cma_heap_mmap()',
    mmapTakesResv: false,
  },
};

/** sg_alloc_table_from_pages() passes UINT_MAX aligned down to the page size (lib/scatterlist.c:452-457). */
export function tableMaxSegment(platform: ResolvedPlatform): number {
  return Math.floor(0xffff_ffff / platform.pageSize) * platform.pageSize;
}

export function ramLayout(model: ExporterModel, contiguous: boolean): RamLayout {
  if (model === 'heap_cma' || contiguous) return 'contiguous';
  if (model === 'heap_system') return 'system_heap';
  return 'pages';
}

/** The buffer is in a BAR (ttm VRAM, or a gem object a driver placed in a BAR). */
export function inBar(buffer: BufferObj): boolean {
  return buffer.placement !== 'system';
}

/** Whether the CPU mapping (vmap/mmap) of the buffer goes through the CPU caches. */
export function cpuCacheable(buffer: BufferObj): boolean {
  if (inBar(buffer)) return false; // BAR apertures are mapped write-combined / uncached
  return true;
}

/** The CPU view of the table an exporter builds over the buffer's pages. */
export function pageTable(platform: ResolvedPlatform, buffer: BufferObj): readonly SgRun[] {
  return buildTable(platform, buffer.chunks, tableMaxSegment(platform));
}

export function exporterName(buffer: BufferObj): string {
  switch (buffer.exporter) {
    case 'gem':
      return `the gem exporter of ${buffer.device}`;
    case 'ttm':
      return `the ttm exporter of ${buffer.device}`;
    case 'heap_system':
      return 'the system heap';
    case 'heap_cma':
      return 'the CMA heap';
  }
}
