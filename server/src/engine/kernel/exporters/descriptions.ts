// Exporter descriptions: what a driver's struct dma_buf_ops does, as data the dma-buf core's model
// reads. The built-in ones stand for the reference drivers (Linux 6.1, same in 6.12 unless noted;
// the research with line numbers is in exporters-research.md):
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
//  - udmabuf: udmabuf_ops (drivers/dma-buf/udmabuf.c): static, cache_sgt_mapping, a fresh table
//    per map mapped with DMA_ATTR_SKIP_CPU_SYNC; begin/end_cpu_access go through the udmabuf misc
//    device's own table, made by the first begin with that bracket's direction (udmabuf.ts).
// A platform's `exporter NAME { … }` (language/platforms.ts resolveExporter) becomes a description
// of the same shape; what only amdgpu's code does (VRAM ↔ GTT migration) stays behind `ttm`.
import type { AttachmentWalk, BarEntries, ClearPolicy, CpuMapping, Dir, DmaBufCallback, Peer2peerPolicy } from '../../../language/ast';
import { assertNever } from '../../../common/assert';
import type { DescribedExporter, ResolvedExporter, ResolvedPlatform } from '../../../language/bound';
import type { SgRun } from '../dma-mapping/sgrun';
import type { RamLayout } from '../dma-mapping/api';
import { buildTable } from '../dma-mapping/api';
import type { BufferObj } from '../state';
import type { ReportOptions, StepContext } from '../../seam';

/**
 * What begin/end_cpu_access do: `none`, the callbacks are NULL (the SYNC ioctl only waits for
 * fences, CPU-05); `sync_mapped`, they sync every mapped attachment in the bracket's direction
 * (the heaps); `nothing`, they exist and return 0 (vb2-dma-contig); `ttm_migrate_for_read`,
 * amdgpu's begin_cpu_access moves an unpinned VRAM BO to GTT for reads and has no end;
 * `udmabuf_misc_device`, udmabuf syncs the misc device's table, which its first begin makes.
 */
export type CpuAccessModel = 'none' | 'sync_mapped' | 'nothing' | 'sync_own' | 'ttm_migrate_for_read' | 'udmabuf_misc_device';

export interface ExporterDescription {
  /** `gem`, `ttm`, `heap_system`, `heap_cma`, or the name of a platform's description. */
  readonly name: string;
  /** The dma_buf_ops the description stands for, for messages. */
  readonly ops: string;
  readonly callbacks: ReadonlySet<DmaBufCallback>;
  /** Callbacks the profile's kernel does not have yet (members a later release added; hasCallback()). */
  readonly notYet?: (ctx: Pick<StepContext, 'since'>) => readonly DmaBufCallback[];
  /** ops->pin exists: dma_buf_is_dynamic() (include/linux/dma-buf.h:585-588). */
  readonly dynamic: boolean;
  /** ops->cache_sgt_mapping (a member until 6.16). */
  readonly cacheSgt: boolean;
  /** map_dma_buf passes DMA_ATTR_SKIP_CPU_SYNC: no cache maintenance at map/unmap. */
  readonly skipCpuSync: boolean;
  readonly cpuAccess: CpuAccessModel;
  /** For `sync_own`: the direction of the exporter's own mapping (vb2's buf->dma_dir). */
  readonly ownDir?: Dir;
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
  /** How mmap and vmap map system pages (a BAR is always write-combined). */
  readonly cpuMapping: CpuMapping;
  /** How map_dma_buf hands out a buffer in a BAR: page-less entries for peer2peer importers only (-EPERM for others), for everyone (P2P-02), or P2PDMA pages. */
  readonly barEntries: BarEntries;
  /** What ops->attach does with attach->peer2peer (P2P-03, ATT-02, P2P-09). */
  readonly peer2peer: Peer2peerPolicy;
  /** Offset of the first entry of map_dma_buf's table into its page (MAP-07 when not 0). */
  readonly entryOffset: number;
  /** Where the ops walk dmabuf->attachments (ATT-05); the built-ins keep lists of their own. */
  readonly attachmentWalk: AttachmentWalk;
  /** How the allocation clears the exported memory: before export returns, or a job on the exporting device (PIN-02). */
  readonly clear: ClearPolicy;
  /** amdgpu's placement: VRAM ↔ GTT migration at pin, map and begin_cpu_access, the TTM pin WARN at release. */
  readonly ttm: boolean;
  /**
   * vfio-pci's exporter (exporters/vfio.ts): BAR ranges userspace names, attach only for peer2peer (and from 7.1 revocable)
   * importers, map through dma_buf_phys_vec_to_sgt(), revoked by memory decode, reset and close.
   */
  readonly vfio?: true;
  /** A buffer in a BAR is a VRAM-helper object without get_sg_table: drm_gem_map_attach() refuses every importer. */
  readonly barRefusesAttach: boolean;
  /** release WARNs "buffer still mapped in the kernel" for a live vmap (cma_heap_dma_buf_release()). */
  readonly releaseWarnsVmapped: boolean;
  readonly layout: RamLayout;
  /** For a platform's own description: where it is written. */
  readonly described?: DescribedExporter;
}

const GEM_OPS: readonly DmaBufCallback[] = ['attach', 'detach', 'map_dma_buf', 'unmap_dma_buf', 'release', 'mmap', 'vmap', 'vunmap'];
const TTM_OPS: readonly DmaBufCallback[] = [...GEM_OPS, 'pin', 'unpin', 'begin_cpu_access'];
const HEAP_OPS: readonly DmaBufCallback[] = [...GEM_OPS, 'begin_cpu_access', 'end_cpu_access'];

const HEAP_BASE = {
  callbacks: new Set(HEAP_OPS),
  dynamic: false,
  cacheSgt: false,
  skipCpuSync: false,
  cpuAccess: 'sync_mapped',
  perAttachmentTable: true,
  mmapTakesResv: false,
  cpuMapping: 'cached',
  barEntries: 'pageless',
  peer2peer: 'trust',
  entryOffset: 0,
  attachmentWalk: 'none',
  clear: 'sync',
  ttm: false,
  barRefusesAttach: false,
} as const;

export const GEM: ExporterDescription = {
  name: 'gem',
  ops: 'drm_gem_prime_dmabuf_ops',
  callbacks: new Set(GEM_OPS),
  dynamic: false,
  cacheSgt: true,
  skipCpuSync: true,
  cpuAccess: 'none',
  perAttachmentTable: false,
  mmapFn: 'drm_gem_shmem_mmap()',
  mmapTakesResv: true,
  cpuMapping: 'cached',
  barEntries: 'pageless',
  peer2peer: 'trust',
  entryOffset: 0,
  attachmentWalk: 'none',
  clear: 'sync',
  ttm: false,
  barRefusesAttach: true,
  releaseWarnsVmapped: false,
  layout: 'pages',
};

export const TTM: ExporterDescription = {
  name: 'ttm',
  ops: 'amdgpu_dmabuf_ops',
  callbacks: new Set(TTM_OPS),
  dynamic: true,
  cacheSgt: false,
  skipCpuSync: true,
  cpuAccess: 'ttm_migrate_for_read',
  perAttachmentTable: false,
  // drm_gem_dmabuf_mmap() → amdgpu_gem_object_mmap() → ttm_bo_mmap_obj(): the resv is taken at fault time, not here.
  mmapFn: 'amdgpu_gem_object_mmap()',
  mmapTakesResv: false,
  cpuMapping: 'cached',
  barEntries: 'pageless',
  peer2peer: 'check_distance',
  entryOffset: 0,
  attachmentWalk: 'none',
  clear: 'sync',
  ttm: true,
  barRefusesAttach: false,
  releaseWarnsVmapped: false,
  layout: 'pages',
};

export const HEAP_SYSTEM: ExporterDescription = {
  ...HEAP_BASE,
  name: 'heap_system',
  ops: 'system_heap_buf_ops',
  mmapFn: 'system_heap_mmap()',
  releaseWarnsVmapped: false,
  layout: 'system_heap',
};

export const HEAP_CMA: ExporterDescription = {
  ...HEAP_BASE,
  name: 'heap_cma',
  ops: 'cma_heap_buf_ops',
  mmapFn: 'cma_heap_mmap()',
  releaseWarnsVmapped: true,
  layout: 'contiguous',
};

export const UDMABUF: ExporterDescription = {
  name: 'udmabuf',
  ops: 'udmabuf_ops',
  callbacks: new Set<DmaBufCallback>(['map_dma_buf', 'unmap_dma_buf', 'release', 'mmap', 'vmap', 'vunmap', 'begin_cpu_access', 'end_cpu_access']),
  notYet: (ctx) => (ctx.since('udmabuf-vmap') ? [] : ['vmap', 'vunmap']),
  dynamic: false,
  cacheSgt: true,
  skipCpuSync: true,
  cpuAccess: 'udmabuf_misc_device',
  perAttachmentTable: false,
  mmapFn: 'mmap_udmabuf()',
  mmapTakesResv: false,
  cpuMapping: 'cached',
  barEntries: 'pageless',
  peer2peer: 'trust',
  entryOffset: 0,
  attachmentWalk: 'none',
  clear: 'sync',
  ttm: false,
  barRefusesAttach: false,
  releaseWarnsVmapped: false,
  layout: 'pages',
};

/**
 * vfio_pci_dmabuf_ops (drivers/vfio/pci/vfio_pci_dmabuf.c, 6.19+): attach, map_dma_buf, unmap_dma_buf and release, as 7.1 has
 * them. 6.19 (from rc8) and 7.0 also have a pin that returns -EOPNOTSUPP and an empty unpin; exporters/vfio.ts models that pin
 * per profile, so the description stays static (dma_buf_is_dynamic() matters to the core only through it).
 */
export const VFIO_PCI: ExporterDescription = {
  name: 'vfio_pci',
  ops: 'vfio_pci_dmabuf_ops',
  callbacks: new Set<DmaBufCallback>(['attach', 'map_dma_buf', 'unmap_dma_buf', 'release']),
  dynamic: false,
  cacheSgt: false,
  skipCpuSync: true,
  cpuAccess: 'none',
  perAttachmentTable: false,
  mmapFn: 'none',
  mmapTakesResv: false,
  cpuMapping: 'write_combined',
  barEntries: 'pageless',
  peer2peer: 'trust',
  entryOffset: 0,
  attachmentWalk: 'none',
  clear: 'sync',
  ttm: false,
  vfio: true,
  barRefusesAttach: false,
  releaseWarnsVmapped: false,
  layout: 'contiguous',
};

/** Whether the exporter has the callback on the profile's kernel (udmabuf's vmap is 6.3's). */
export function hasCallback(ctx: Pick<StepContext, 'since'>, exporter: ExporterDescription, callback: DmaBufCallback): boolean {
  return exporter.callbacks.has(callback) && !exporter.notYet?.(ctx).includes(callback);
}

/** A platform's description as the core's model reads it: the driver's own ops, no built-in quirks. */
export function fromDescribed(d: DescribedExporter): ExporterDescription {
  const has = (c: DmaBufCallback): boolean => d.callbacks.has(c);
  return {
    name: d.name,
    ops: `${d.name}_dmabuf_ops`,
    callbacks: d.callbacks,
    dynamic: has('pin'),
    cacheSgt: d.cacheSgt,
    skipCpuSync: d.skipCpuSync,
    ...cpuAccessModel(d, has('begin_cpu_access') || has('end_cpu_access')),
    perAttachmentTable: d.perAttachmentTable,
    mmapFn: `${d.name}_mmap()`,
    mmapTakesResv: false,
    cpuMapping: d.cpuMapping,
    barEntries: d.barEntries,
    peer2peer: d.peer2peer,
    entryOffset: d.entryOffset,
    attachmentWalk: d.attachmentWalk,
    clear: d.clear,
    ttm: false,
    barRefusesAttach: false,
    releaseWarnsVmapped: false,
    layout: 'pages',
    described: d,
  };
}

/** The description's cpu_access line as the engine models it (no callbacks: the core's fence wait only). */
function cpuAccessModel(d: DescribedExporter, hasOps: boolean): { readonly cpuAccess: CpuAccessModel; readonly ownDir?: Dir } {
  if (!hasOps) return { cpuAccess: 'none' };
  switch (d.cpuAccess) {
    case 'sync_mapped':
    case 'nothing':
      return { cpuAccess: d.cpuAccess };
    case 'sync_own_to_device':
      return { cpuAccess: 'sync_own', ownDir: 'to_device' };
    case 'sync_own_from_device':
      return { cpuAccess: 'sync_own', ownDir: 'from_device' };
    case 'sync_own_bidirectional':
      return { cpuAccess: 'sync_own', ownDir: 'bidirectional' };
    default:
      return assertNever(d.cpuAccess);
  }
}

const described = new WeakMap<DescribedExporter, ExporterDescription>();
const BUILTIN: ReadonlyMap<string, ExporterDescription> = new Map([GEM, TTM, HEAP_SYSTEM, HEAP_CMA, UDMABUF, VFIO_PCI].map((d) => [d.name, d]));

/** The description a device's `exporter` line names; undefined for `none`. */
export function describe(e: ResolvedExporter): ExporterDescription | undefined {
  if (e === 'none') return undefined;
  if (typeof e === 'string') return BUILTIN.get(e);
  let d = described.get(e);
  if (!d) described.set(e, (d = fromDescribed(e)));
  return d;
}

/**
 * The description of the buffer's exporter. Buffers keep only its name, kernel state being plain
 * data that structuredClone forks; a platform's descriptions cannot take a built-in's name.
 */
export function exporterOf(platform: ResolvedPlatform, buffer: BufferObj): ExporterDescription {
  const builtin = BUILTIN.get(buffer.exporter);
  if (builtin) return builtin;
  const d = platform.exporters.get(buffer.exporter);
  if (!d) throw new Error(`buffer ${buffer.symbol.name}: exporter ${buffer.exporter} is not described by platform ${platform.name}`);
  return describe(d)!;
}

/** A finding's pointer back at a platform's description ("exporter X described here"); none for a built-in. */
export function describedAt(exporter: ExporterDescription): Pick<ReportOptions, 'related'> {
  const d = exporter.described;
  return d ? { related: [{ at: d.symbol, message: `exporter ${d.name} described here` }] } : {};
}

/** The names of the built-in descriptions, which a platform's `exporter NAME` may not reuse. */
export const BUILTIN_DESCRIPTIONS: readonly string[] = [...BUILTIN.keys()];

/** sg_alloc_table_from_pages() passes UINT_MAX aligned down to the page size (lib/scatterlist.c:452-457). */
export function tableMaxSegment(platform: ResolvedPlatform): number {
  return Math.floor(0xffff_ffff / platform.pageSize) * platform.pageSize;
}

export function ramLayout(exporter: ExporterDescription, contiguous: boolean): RamLayout {
  return contiguous ? 'contiguous' : exporter.layout;
}

/** The buffer is in a BAR (ttm VRAM, or a gem object a driver placed in a BAR). */
export function inBar(buffer: BufferObj): boolean {
  return buffer.placement !== 'system';
}

/** Whether the CPU mapping (vmap/mmap) of the buffer goes through the CPU caches. */
export function cpuCacheable(platform: ResolvedPlatform, buffer: BufferObj): boolean {
  if (inBar(buffer)) return false; // BAR apertures are mapped write-combined / uncached
  return exporterOf(platform, buffer).cpuMapping === 'cached';
}

/** The CPU view of the table an exporter builds over the buffer's pages. */
export function pageTable(platform: ResolvedPlatform, buffer: BufferObj): readonly SgRun[] {
  return buildTable(platform, buffer.chunks, tableMaxSegment(platform));
}
