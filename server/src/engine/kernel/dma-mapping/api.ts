// The platform-hardware half of the kernel model, as K-BUF (the dma-buf layer) calls it: physical
// memory, sg tables, the streaming DMA API (dma-direct, dma-iommu, swiotlb, dma-debug), IOMMU
// groups/domains/page tables, PCI P2P distance. Every function takes the state explicitly and
// changes nothing when it fails ("a call that the kernel fails returns its error and changes
// nothing"). Findings and trace data go through the StepContext. The one entry from dma-buf/ and
// exporters/ into dma-mapping/, iommu/ and p2pdma/.
import type { Dir, Node } from '../../../language/ast';
import type { ResolvedPlatform, Symbol } from '../../../language/bound';
import type { SgEntry } from '../../../common/trace';
import type { SgRun } from './sgrun';
import type { AccessPath, PhysRegion, StepContext } from '../../seam';
import type { Chunk, DmaMapping, DmaState } from './state';
import * as exec from './exec';
import type { BufView, DmaKernelState } from './exec';
import * as memory from './memory';
import * as sg from './sgtable';
import * as snapshot from './snapshot';
import * as resource from './map-resource';
import * as streaming from './mapping';
import * as topology from '../p2pdma/topology';
import * as translator from '../iommu/translate';
export { checkWalk } from './walk';
import type { TableBytes } from './cache';

export type { Chunk, DmaMapping, DmaState, DomainState, GroupState, IommuPte, IommuProt } from './state';
export { initDmaState } from './init';
export { tableMaxSegment } from './exec';
export type { BufView, DmaKernelState };
export { isCoherent } from './device-limits';
export { activeDomain } from '../iommu/translate';

/** How an exporter lays out a buffer in RAM. */
export type RamLayout =
  /** One physical range (cma heap, `export ... contiguous`). */
  | 'contiguous'
  /** system heap: 1 MiB, 64 KiB, 4 KiB chunks, largest first, never physically adjacent. */
  | 'system_heap'
  /** dma-iommu's dma_alloc_coherent(): 2 MiB chunks while they fit, then 4 KiB pages. */
  | 'iommu_alloc'
  /** gem/ttm system placement: 4 KiB pages, never physically adjacent. */
  | 'pages';

import type { DmaAttrs, DmaMapResult, MapOrigin } from './plan';
export type { DmaAttrs, DmaMapError, DmaMapResult, MapOrigin } from './plan';

/** pci_p2pdma map types (include/linux/dma-map-ops.h:396-428). */
export type P2pMapType = 'BUS_ADDR' | 'THRU_HOST_BRIDGE' | 'NOT_SUPPORTED';

export interface P2pDistance {
  readonly type: P2pMapType;
  /** Hops as calc_map_type_and_dist() counts them; -1 when NOT_SUPPORTED. */
  readonly distance: number;
  /** Why, in the words the kernel prints (ACS redirect, not whitelisted, not a PCI device). */
  readonly reason: string;
}

// --- memory -------------------------------------------------------------------------------------

/**
 * Allocates `size` bytes of RAM for a buffer, top of RAM downwards (the swiotlb pool occupies the
 * bottom 64 MiB). Returns the chunks in buffer order, or `-ENOMEM` when RAM is exhausted.
 */
export function allocRam(dma: DmaState, platform: ResolvedPlatform, size: number, layout: RamLayout): readonly Chunk[] | { readonly error: '-ENOMEM' } {
  return memory.allocRam(dma, size, layout);
}

/**
 * Allocates `size` bytes from `device`'s BAR `bar` (VRAM), bottom up inside the BAR window. BAR
 * windows sit in a PCI MMIO window above RAM (0x40_0000_0000 on 64-bit arches, 0x4000_0000 on
 * arm32), each naturally aligned. `-ENOMEM` when the BAR is full.
 */
export function allocBar(dma: DmaState, platform: ResolvedPlatform, device: string, bar: string, size: number): Chunk | { readonly error: '-ENOMEM' } {
  return memory.allocBar(dma, device, bar, size);
}

/** cma_alloc() from the platform's CMA area (`cma SIZE at ADDR`); undefined when it declares none. */
export function allocCma(dma: DmaState, size: number): readonly Chunk[] | { readonly error: '-ENOMEM' } | undefined {
  return memory.allocCma(dma, size);
}

/** Returns chunks to their allocator (RAM is reused deterministically, BAR space too). */
export function freeChunks(dma: DmaState, chunks: readonly Chunk[]): void {
  memory.freeChunks(dma, chunks);
}

/** The chunks as PhysRegions (for bufferRegions and cache effects). */
export function chunkRegions(chunks: readonly Chunk[]): readonly PhysRegion[] {
  return memory.chunkRegions(chunks);
}

// --- sg tables ----------------------------------------------------------------------------------

/**
 * The sg_table an exporter builds over page-backed chunks (sg_alloc_table_from_pages_segment):
 * PFN-contiguous pages merge into one entry up to `maxSegment` (aligned down to the page size,
 * SGT-07); a range of 4 GiB or more is always split (32-bit `length`, SGT-04). CPU view only.
 * P2PDMA (BAR) chunks keep `page: true` (ZONE_DEVICE pages).
 */
export function buildTable(platform: ResolvedPlatform, chunks: readonly Chunk[], maxSegment: number): readonly SgRun[] {
  return sg.buildEntries(chunks, maxSegment, platform.pageSize, true);
}

/** A page-less table over BAR chunks (ttm VRAM for P2P importers): phys set, `page: false`. */
export function pagelessTable(platform: ResolvedPlatform, chunks: readonly Chunk[], maxSegment: number): readonly SgRun[] {
  return sg.buildEntries(chunks, maxSegment, platform.pageSize, false).map((e) => ({ ...e, page: false }));
}

/**
 * One sg entry per chunk, as an exporter that ignores the 32-bit limit would write it (used to
 * model SGT-04 truncation for a ≥4 GiB contiguous export built as a single entry): the length is
 * stored modulo 2^32. K-BUF calls it only for the exporter model that has that bug.
 */
export function truncatedSingleEntry(chunk: Chunk): SgEntry {
  return sg.truncatedSingleEntry(chunk);
}

/** SG_MAX_SINGLE_ALLOC for the platform (page size / 32-byte scatterlist). */
export function sgMaxSingleAlloc(platform: ResolvedPlatform): number {
  return sg.sgMaxSingleAlloc(platform.arch, platform.pageSize);
}

/** Number of chained chunks a table of `nents` entries needs (1 when it fits one allocation). */
export function sgChainChunks(platform: ResolvedPlatform, nents: number): number {
  return sg.sgChainChunks(platform.arch, platform.pageSize, nents);
}

// --- topology -----------------------------------------------------------------------------------

/**
 * pci_p2pdma_distance(provider, client): the map type and distance between a BAR's device and a
 * client device (drivers/pci/p2pdma.c:449-601, P2P-05).
 */
export function p2pDistance(platform: ResolvedPlatform, provider: string, client: string): P2pDistance {
  return topology.p2pDistance(platform, provider, client);
}

// --- streaming DMA API --------------------------------------------------------------------------

/**
 * dma_map_sgtable(device, table, dir, attrs): dma-direct or dma-iommu per the device's ops and its
 * group's domain; IOVA allocation and merging, mask checks and swiotlb bouncing, P2PDMA pages by
 * p2pDistance (bus address / normal / -EREMOTEIO), IOMMU permissions from `dir`, cache effects via
 * ctx.cache, dma-debug checks (DMAAPI-10, SGT-05). Reports its findings on ctx at `origin.at`,
 * records ctx.change for the table. On failure nothing changes.
 */
export function dmaMap(
  dma: DmaState,
  ctx: StepContext,
  device: string,
  entries: readonly SgRun[],
  dir: Dir,
  attrs: DmaAttrs,
  origin: MapOrigin,
): DmaMapResult {
  return streaming.dmaMap(dma, ctx, device, entries, dir, attrs, origin);
}

/**
 * dma_map_resource(device, bar phys, size, dir, DMA_ATTR_SKIP_CPU_SYNC) for each page-less entry
 * (ttm VRAM tables): the physical address after a mask check (dma-direct) or an IOVA (dma-iommu).
 * No P2P reachability check inside (P2P-09): the caller must have decided reachability.
 */
export function dmaMapResource(
  dma: DmaState,
  ctx: StepContext,
  device: string,
  entries: readonly SgRun[],
  dir: Dir,
  origin: MapOrigin,
): DmaMapResult {
  return resource.dmaMapResource(dma, ctx, device, entries, dir, origin);
}

/**
 * dma_unmap_sgtable (or dma_unmap_resource for `via: resource`). `dir`/`nents` default to the
 * map's; a mismatch is DMAAPI-04 with dma-debug's text, and the unmap still happens with the
 * given direction (wrong cache maintenance). Frees IOVAs and bounce slots, copies bounce data
 * back, performs cache maintenance (unless skip). `at` is the unmapping statement.
 */
export function dmaUnmap(dma: DmaState, ctx: StepContext, mappingId: number, at: Node, skipCpuSync: boolean, dir?: Dir, nents?: number): void {
  streaming.dmaUnmap(dma, ctx, mappingId, at, skipCpuSync, dir, nents);
}

/**
 * dma_sync_sgtable_for_cpu / _for_device: DMAAPI-07 checks (dma-debug texts), ownership change,
 * cache effects and bounce copies.
 */
export function dmaSync(dma: DmaState, ctx: StepContext, mappingId: number, target: 'for_cpu' | 'for_device', at: Node, dir?: Dir, bytes?: TableBytes): void {
  streaming.dmaSync(dma, ctx, mappingId, target, at, dir, bytes);
}

/** The live or dead mapping with this id. */
export function mappingById(dma: DmaState, id: number): DmaMapping | undefined {
  return dma.mappings.get(id);
}

/** The mapping a `dma_map` statement bound to this sgt symbol, if any. */
export function mappingOfSymbol(dma: DmaState, symbolId: number): DmaMapping | undefined {
  const id = dma.sgtMappings.get(symbolId);
  return id === undefined ? undefined : dma.mappings.get(id);
}

export { liveMappingsOverlapping } from './overlap';

// --- translation --------------------------------------------------------------------------------

/** What a device job names: a mapping's DMA addresses, or an IOVA in an explicit domain. */
export type DmaVia = { readonly mapping: number } | { readonly iova: { readonly domainSymbol: number; readonly addr: number } };

/**
 * What a device access really touches: through the device's group's ACTIVE domain (IOMMU-08
 * fault when unmapped or without permission, IOMMU-05 when a DMA-API IOVA is used while the group
 * is in another domain), bus addresses, direct addresses, swiotlb slots for bounced mappings.
 * Also reports DMAAPI-08 (access against the mapping's direction), LIFE-05 (dead mapping, naming
 * IOMMU-09's deferred invalidation) and COH-04 (device access while the CPU owns the mapping).
 * `range` is relative to the mapping (bytes of the table) or to the IOVA; default: all of it, or
 * one page for an IOVA. Returns undefined when the access does not reach memory.
 */
export function translate(
  dma: DmaState,
  ctx: StepContext,
  device: string,
  via: DmaVia,
  range: { readonly offset: number; readonly size: number } | undefined,
  access: 'read' | 'write',
  at: Node,
): AccessPath | undefined {
  return translator.translate(dma, ctx, device, via, range, access, at);
}

// --- statements ---------------------------------------------------------------------------------

/**
 * Executes the statements K-DMA owns: DmaMap DmaUnmap DmaSync Domain AttachDomain DetachDomain
 * ArmIommuDetach IommuMap IommuUnmap. Returns false for any other kind.
 */
export function execDma(k: DmaKernelState, ctx: StepContext, stmt: exec.DmaStmt, view: BufView): void {
  exec.execDma(k, ctx, stmt, view);
}

/** Raw `dma_map` mappings still live at the end (DMAAPI-05 at their dma_map statement). */
export function dmaOutstanding(dma: DmaState): readonly { readonly symbol: Symbol; readonly what: string; readonly code: 'DMAAPI-05' | 'LEAK-01'; readonly agent: string }[] {
  return snapshot.dmaOutstanding(dma);
}

/**
 * Snapshot of a K-DMA object for hover and the trace: a `dma_map` sgt (entries, nents, owner,
 * domain), a `domain` (its page table and attached groups). Undefined for other symbols.
 */
export function dmaSnapshot(dma: DmaState, object: Symbol): Record<string, unknown> | undefined {
  return snapshot.dmaSnapshot(dma, object);
}

/** The snapshot of a mapping (entries with dma fields), for K-BUF's sgt snapshots. */
export function mappingSnapshot(dma: DmaState, mapping: DmaMapping): Record<string, unknown> {
  return snapshot.mappingState(dma, mapping);
}

/** group → active domain and each domain's page table, for the trace's IOMMU view. */
export function iommuSnapshot(dma: DmaState): Record<string, unknown> {
  return snapshot.iommuSnapshot(dma);
}

