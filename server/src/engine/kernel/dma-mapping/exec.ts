// K-DMA's statements: the raw DMA API (`dma_map`, `dma_unmap`, `dma_sync`) and the explicit IOMMU
// API. K-BUF's kernelModel.execute dispatches these kinds here.
import { expandChunks } from './chunk-runs';
import type { DmaMapStmt, DmaSyncStmt, DmaUnmapStmt, Ident, IommuMapStmt, Node, Stmt } from '../../../language/ast';
import type { ResolvedPlatform } from '../../../language/bound';
import type { PhysRegion, StepContext } from '../../seam';
import { assertNever } from '../../../common/assert';
import { execArmIommuAttach, execArmIommuCreateMapping, execArmIommuDetach, execAttachDomain, execDetachDomain, execDomain, execIommuMap, execIommuUnmap, sourceFromEntries, type MapSource } from '../iommu/iommu-api';
import { buildEntries, maxEntryLength } from './sgtable';
import { maskLimit } from './device-limits';
import { dmaApiDomain } from '../iommu/dma-iommu';
import { execBindVfio, execClaimDmaOwner, execDeviceClaimDmaOwner, execDeviceReleaseDmaOwner, execReleaseDmaOwner } from '../iommu/ownership';
import { dmaMap, dmaSync, dmaUnmap } from './mapping';
import { chunkRegions } from './memory';
import { dmaDevice, execDmaSetMask } from './mask';
import { SWIOTLB_MAX_MAPPING } from './swiotlb';
import { dirName } from './text';
import { execDmaMapSingle, execDriverMem, execFree } from './driver-mem';
import { execDmaMapPhys, execDmaUnmapPhys } from './map-phys';
import { execDmaAlloc } from './dma-alloc';
import { execIovaAlloc, execIovaEnd, execIovaLink, execIovaSync, execIovaUnlink } from '../iommu/dma-iova';
import { execDmaGetSgtable, execDmaMapTable, execSgTable } from './driver-tables';
import { dmaNone } from './dma-none';
import type { Chunk, DmaKernelState, DmaMapping, DmaState } from './state';
import type { SgRun } from './sgrun';

/** The statements K-DMA executes: the raw DMA API and the explicit IOMMU API. */
export type DmaStmt = Extract<Stmt, { kind: 'DriverMem' | 'DmaAllocCoherent' | 'DmaAllocNoncoherent' | 'DmaIovaAlloc' | 'DmaIovaLink' | 'DmaIovaSync' | 'DmaIovaUnlink' | 'DmaIovaDestroy' | 'DmaIovaFree' | 'Free' | 'DmaGetSgtable' | 'SgTable' | 'DmaMapSingle' | 'DmaMapPhys' | 'DmaUnmapPhys' | 'DmaMap' | 'DmaUnmap' | 'DmaSync' | 'DmaSetMask' | 'Domain' | 'AttachDomain' | 'DetachDomain' | 'ArmIommuDetach' | 'ArmIommuCreateMapping' | 'ArmIommuAttach' | 'BindVfio' | 'ClaimDmaOwner' | 'ReleaseDmaOwner' | 'DeviceClaimDmaOwner' | 'DeviceReleaseDmaOwner' | 'IommuMap' | 'IommuUnmap' }>;

// The two views execDma takes are declared here, with it; api.ts (the contract K-BUF codes
// against) re-exports them.

/** What K-BUF lets K-DMA see of its objects while executing a DMA/IOMMU statement. */
export interface BufView {
  /**
   * The backing store of the buffer named by `use`, or undefined when it cannot be used (the
   * name holds an error or the buffer was released; K-BUF reports LIFE-05/MAP-08 itself).
   */
  bufferChunks(ctx: StepContext, use: Ident): readonly Chunk[] | undefined;
  /**
   * The CPU view of an sg table that K-BUF owns (a `map` result), for `iommu_map D ADDR SGT`,
   * which reads the struct pages behind it (K-BUF reports MAP-06 at `at`); undefined when the
   * name is not K-BUF's or cannot be used (K-BUF reports why).
   */
  sgtEntries(ctx: StepContext, use: Ident, at: Node): readonly SgRun[] | undefined;
  /**
   * K-BUF's mapping id behind one of its sg tables (a `map` result), so `dma_unmap`/`dma_sync`
   * on such a name act on the exporter's mapping (optional).
   */
  sgtMappingId?(ctx: StepContext, use: Ident): number | undefined;
  /**
   * Whether the buffer's memory has struct pages to put in a table: false for a BAR that a driver's
   * own exporter describes as page-less (`bar_entries pageless|pageless_for_all`), so a table of it
   * holds sg_set_page(sg, NULL, …) entries (SGT-03 at dma_map). Undefined: pages.
   */
  hasPages?(ctx: StepContext, use: Ident): boolean;
}

export type { DmaKernelState } from './state';

/**
 * The max_segment a driver mapping its own pages builds its table with: dma_get_max_seg_size()
 * of the device, and no more than dma_max_mapping_size() (the swiotlb limit when dma-direct may
 * have to bounce for it), as a careful driver (and drm_prime_pages_to_sg) does. Tables that
 * ignore the importer's limits come from exporters (the system heap's 1 MiB entries: SGT-05).
 */
export function tableMaxSegment(dma: DmaState, platform: ResolvedPlatform, device: string): number {
  const dev = dmaDevice(dma, platform, device);
  if (!dev) return maxEntryLength(platform.pageSize);
  const ramEnd = platform.ram.base + platform.ram.size;
  const direct = !dmaApiDomain(dma, platform, device);
  const mappingLimit = direct && platform.configs.SWIOTLB && maskLimit(dev) < ramEnd ? SWIOTLB_MAX_MAPPING : maxEntryLength(platform.pageSize);
  return Math.min(dev.maxSegment, mappingLimit);
}

export function execDma(k: DmaKernelState, ctx: StepContext, stmt: DmaStmt, view: BufView): void {
  switch (stmt.kind) {
    case 'DriverMem':
      execDriverMem(k, ctx, stmt);
      return;
    case 'DmaMapSingle':
      execDmaMapSingle(k, ctx, stmt);
      return;
    case 'DmaMapPhys':
      execDmaMapPhys(k.dma, k.failed, ctx, stmt, linkSource(k, ctx, stmt.mem, view));
      return;
    case 'DmaUnmapPhys':
      execDmaUnmapPhys(k.dma, ctx, stmt, usedMapping(k, ctx, stmt.mapping, stmt, view));
      return;
    case 'SgTable':
      execSgTable(k, ctx, stmt);
      return;
    case 'DmaAllocCoherent':
    case 'DmaAllocNoncoherent':
      execDmaAlloc(k, ctx, stmt);
      return;
    case 'DmaIovaAlloc':
      execIovaAlloc(k.dma, ctx, stmt);
      return;
    case 'DmaIovaLink':
      execIovaLink(k.dma, ctx, stmt, linkSource(k, ctx, stmt.mem, view));
      return;
    case 'DmaIovaSync':
      execIovaSync(k.dma, ctx, stmt);
      return;
    case 'DmaIovaUnlink':
      execIovaUnlink(k.dma, ctx, stmt);
      return;
    case 'DmaIovaDestroy':
    case 'DmaIovaFree':
      execIovaEnd(k.dma, ctx, stmt);
      return;
    case 'Free':
      execFree(k, ctx, stmt);
      return;
    case 'DmaGetSgtable':
      execDmaGetSgtable(k, ctx, stmt);
      return;
    case 'DmaMap':
      execDmaMap(k, ctx, stmt, view);
      return;
    case 'DmaUnmap':
      execDmaUnmap(k, ctx, stmt, view);
      return;
    case 'DmaSync':
      execDmaSync(k, ctx, stmt, view);
      return;
    case 'DmaSetMask':
      execDmaSetMask(k.dma, ctx, stmt);
      return;
    case 'Domain':
      execDomain(k.dma, ctx, stmt);
      return;
    case 'AttachDomain':
      execAttachDomain(k.dma, ctx, stmt);
      return;
    case 'DetachDomain':
      execDetachDomain(k.dma, ctx, stmt);
      return;
    case 'ArmIommuCreateMapping':
      execArmIommuCreateMapping(k.dma, ctx, stmt);
      return;
    case 'ArmIommuAttach':
      execArmIommuAttach(k.dma, ctx, stmt);
      return;
    case 'ArmIommuDetach':
      execArmIommuDetach(k.dma, ctx, stmt);
      return;
    case 'BindVfio':
      execBindVfio(k.dma, ctx, stmt);
      return;
    case 'DeviceClaimDmaOwner':
      execDeviceClaimDmaOwner(k.dma, ctx, stmt);
      return;
    case 'DeviceReleaseDmaOwner':
      execDeviceReleaseDmaOwner(k.dma, ctx, stmt);
      return;
    case 'ClaimDmaOwner':
      execClaimDmaOwner(k.dma, ctx, stmt);
      return;
    case 'ReleaseDmaOwner':
      execReleaseDmaOwner(k.dma, ctx, stmt);
      return;
    case 'IommuMap':
      execIommuMap(k.dma, ctx, stmt, mapSource(k, ctx, stmt, view));
      return;
    case 'IommuUnmap':
      execIommuUnmap(k.dma, ctx, stmt);
      return;
    default:
      assertNever(stmt);
  }
}

function execDmaMap(k: DmaKernelState, ctx: StepContext, stmt: DmaMapStmt, view: BufView): void {
  const sym = ctx.sym(stmt.name);
  const device = ctx.sym(stmt.dev).name;
  const buffer = ctx.sym(stmt.buf);
  const call = `dma_map_sgtable(${device}, sgt /* pages of ${stmt.buf.name} */, ${dirName(stmt.dir.value)}, ${stmt.skipCpuSync ? 'DMA_ATTR_SKIP_CPU_SYNC' : '0'})`;
  if (stmt.dir.value === 'none') {
    dmaNone(ctx, stmt.dir, 'dma_map_sgtable()', '__dma_map_sg_attrs.dir-bug');
    k.failed.set(sym.id, 'BUG');
    return ctx.call(call, 'kernel BUG: DMA_NONE', false);
  }
  if (buffer.kind === 'table') return execDmaMapTable(k, ctx, stmt, device, stmt.dir.value);
  const chunks = view.bufferChunks(ctx, stmt.buf);
  if (!chunks) {
    k.failed.set(sym.id, 'the buffer cannot be used');
    return ctx.call(call, 'not mapped: the buffer cannot be used', false);
  }
  const entries = buildEntries(chunks, tableMaxSegment(k.dma, ctx.platform, device), ctx.platform.pageSize, view.hasPages?.(ctx, stmt.buf) ?? true);
  const r = dmaMap(k.dma, ctx, device, entries, stmt.dir.value, { skipCpuSync: stmt.skipCpuSync }, { at: stmt, symbol: sym, bufferId: buffer.id });
  if (!r.ok) {
    k.failed.set(sym.id, r.error);
    return ctx.call(call, r.error, false);
  }
  k.dma.sgtMappings.set(sym.id, r.mapping.id);
  ctx.call(call, `0 (orig_nents ${r.mapping.origNents}, nents ${r.mapping.nents})`);
}

/** The mapping a `dma_unmap`/`dma_sync` names, or undefined after reporting why it cannot be used. */
function usedMapping(k: DmaKernelState, ctx: StepContext, use: Ident, stmt: Stmt, view: BufView): DmaMapping | undefined {
  const sym = ctx.sym(use);
  const error = k.failed.get(sym.id);
  if (error !== undefined) {
    const declKind = (sym.decl as Stmt).kind;
    const rawMap = declKind === 'DmaMap' || declKind === 'DmaMapSingle' || declKind === 'DmaMapPhys';
    const code = rawMap ? 'DMAAPI-03' : declKind === 'Map' ? 'MAP-08' : 'LIFE-05';
    ctx.report(
      code,
      use,
      rawMap
        ? `${use.name} holds no mapping: its ${declKind === 'DmaMap' ? `dma_map_sgtable() failed (${error})` : `${declKind === 'DmaMapSingle' ? 'dma_map_single()' : 'dma_map_phys()'} returned DMA_MAPPING_ERROR`}. A driver must check the result${declKind === 'DmaMap' ? '' : ' with dma_mapping_error()'} and not ` +
            `unmap, sync or program the device with it (${ctx.cite('dma-api.rst:map-sg-can-fail')}; ${ctx.cite('dma_map_sgtable')}).`
        : `${use.name} holds no mapping: the call that bound it failed (${error}), so using it is a use of an error pointer.`,
      { outcome: 'SILENT', related: [{ at: sym, message: `failed with ${error} here` }] },
    );
    return undefined;
  }
  const own = k.dma.sgtMappings.get(sym.id);
  const id = own ?? view.sgtMappingId?.(ctx, use);
  void stmt;
  return id === undefined ? undefined : k.dma.mappings.get(id);
}

function execDmaUnmap(k: DmaKernelState, ctx: StepContext, stmt: DmaUnmapStmt, view: BufView): void {
  const mapping = usedMapping(k, ctx, stmt.sgt, stmt, view);
  const dir = stmt.dir?.value;
  const nents = stmt.nents?.value;
  const single = (ctx.sym(stmt.sgt).decl as Stmt).kind === 'DmaMapSingle';
  const call = single
    ? `dma_unmap_single(${mapping?.device ?? '?'}, ${stmt.sgt.name}, size, ${dirName(dir ?? mapping?.dir ?? 'bidirectional')})`
    : nents !== undefined
      ? `dma_unmap_sg(${mapping?.device ?? '?'}, ${stmt.sgt.name}->sgl, ${nents}, ${dirName(dir ?? mapping?.dir ?? 'bidirectional')})`
      : `dma_unmap_sgtable(${mapping?.device ?? '?'}, ${stmt.sgt.name}, ${dirName(dir ?? mapping?.dir ?? 'bidirectional')}, ${stmt.skipCpuSync ? 'DMA_ATTR_SKIP_CPU_SYNC' : '0'})`;
  if (!mapping) return ctx.call(call, 'nothing to unmap', false);
  if (dir === 'none') {
    dmaNone(ctx, stmt.dir ?? stmt, 'dma_unmap_sgtable()', 'dma_unmap_sg_attrs.dir-bug');
    return ctx.call(call, 'kernel BUG: DMA_NONE', false);
  }
  const wasLive = mapping.live;
  dmaUnmap(k.dma, ctx, mapping.id, stmt, stmt.skipCpuSync, dir, nents);
  ctx.call(call, wasLive ? 'void' : 'double unmap', wasLive);
}

function execDmaSync(k: DmaKernelState, ctx: StepContext, stmt: DmaSyncStmt, view: BufView): void {
  const mapping = usedMapping(k, ctx, stmt.sgt, stmt, view);
  const dir = stmt.dir?.value ?? mapping?.dir ?? 'bidirectional';
  const range = stmt.range ? { offset: stmt.range.offset.value, size: stmt.range.size.value } : undefined;
  const single = ctx.sym(stmt.sgt).kind === 'memory';
  const handle = single ? `${stmt.sgt.name}_dma` : `sg_dma_address(${stmt.sgt.name}->sgl)`;
  const call = range
    ? `dma_sync_single_range_${stmt.target.value}(${mapping?.device ?? '?'}, ${handle}, ${range.offset}, ${range.size}, ${dirName(dir)})`
    : single
      ? `dma_sync_single_${stmt.target.value}(${mapping?.device ?? '?'}, ${handle}, size, ${dirName(dir)})`
      : `dma_sync_sgtable_${stmt.target.value}(${mapping?.device ?? '?'}, ${stmt.sgt.name}, ${dirName(dir)})`;
  if (!mapping) return ctx.call(call, ctx.sym(stmt.sgt).kind === 'memory' ? 'not a DMA allocation: map it first (dma_map_single)' : 'nothing to sync', false);
  // dma-debug finds a coherent allocation (BIDIRECTIONAL) and says nothing; the CPU and the device share it anyway.
  if (mapping.alloc === 'coherent') return ctx.call(call, 'no effect: dma_alloc_coherent() memory is shared without syncs');
  const given = stmt.dir?.value;
  if (given === 'none') {
    dmaNone(ctx, stmt.dir ?? stmt, `dma_sync_sgtable_${stmt.target.value}()`, stmt.target.value === 'for_cpu' ? 'dma_sync_sg_for_cpu.dir-bug' : 'dma_sync_sg_for_device.dir-bug');
    return ctx.call(call, 'kernel BUG: DMA_NONE', false);
  }
  const wasLive = mapping.live;
  dmaSync(k.dma, ctx, mapping.id, stmt.target.value, stmt, given, range);
  ctx.call(call, wasLive ? 'void' : 'use after unmap', wasLive);
}

function mapSource(k: DmaKernelState, ctx: StepContext, stmt: IommuMapStmt, view: BufView): MapSource | undefined {
  const sym = ctx.sym(stmt.object);
  if (sym.kind === 'buffer') {
    const chunks = view.bufferChunks(ctx, stmt.object);
    return chunks ? { pieces: expandChunks(chunks).map((c) => ({ phys: c.phys, size: c.size })) } : undefined;
  }
  // The driver's own pages (an IOMMU-API driver mapping what it allocated: iommu_map(domain, iova, page_to_phys(page), ...)).
  if (sym.kind === 'memory') {
    const m = k.dma.memory.get(sym.id);
    return m && !m.freed ? { pieces: expandChunks(m.chunks).map((c) => ({ phys: c.phys, size: c.size })) } : undefined;
  }
  const own = k.dma.sgtMappings.get(sym.id);
  if (own !== undefined) {
    const m = k.dma.mappings.get(own);
    return m ? sourceFromEntries(m.entries) : undefined;
  }
  if (k.failed.has(sym.id)) {
    usedMapping(k, ctx, stmt.object, stmt, view);
    return undefined;
  }
  const entries = view.sgtEntries(ctx, stmt.object, stmt);
  return entries ? sourceFromEntries(entries) : undefined;
}

/** The memory `dma_iova_link` maps: the driver's memory or a buffer's backing store, as physical regions. */
function linkSource(k: DmaKernelState, ctx: StepContext, mem: Ident, view: BufView): readonly PhysRegion[] | undefined {
  const sym = ctx.sym(mem);
  if (sym.kind === 'memory') {
    const m = k.dma.memory.get(sym.id);
    return m && !m.freed ? chunkRegions(m.chunks) : undefined;
  }
  const chunks = view.bufferChunks(ctx, mem);
  return chunks ? chunkRegions(chunks) : undefined;
}
