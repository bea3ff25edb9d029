// dma_map_phys() / dma_unmap_phys() and DMA_ATTR_MMIO (6.18+, row dma-map-phys; what was read and
// where: iova-research.md §7). DMAAPI-18:
//  - kernel/dma/mapping.c dma_map_phys(): dma-direct (dma_direct_map_phys()) or dma-iommu
//    (iommu_dma_map_phys()); with DMA_ATTR_MMIO the address is not memory: no CPU cache
//    maintenance, never bounced through swiotlb, IOMMU_MMIO in the PTE, and dma-direct returns the
//    physical address after dma_capable(…, is_ram false) (dev_WARN_ONCE "DMA addr … overflow" and
//    DMA_MAPPING_ERROR when the mask does not reach it).
//  - Without it the address is memory: kmsan, arch_sync_dma_for_device() on a non-coherent device
//    (through phys_to_virt(), which a BAR does not have), a swiotlb bounce when the mask needs one
//    (a memcpy from the BAR through the linear map), IOMMU_CACHE in the PTE.
//  - dma_unmap_phys() does what its own attrs say, not the map's: dma_direct_unmap_phys() returns
//    at once for DMA_ATTR_MMIO ("nothing to do: uncached and no swiotlb"); without it it syncs for
//    the CPU and looks up swiotlb.
// dma-debug tracks these mappings (debug_dma_map_phys()), so the DMAAPI-04 checks and leak report
// apply as for dma_map_single().
import type { DmaMapPhysStmt, DmaUnmapPhysStmt } from '../../../language/ast';
import type { PhysRegion, StepContext } from '../../seam';
import { expandRegions, sliceRegions } from '../../regions';
import { archMaintains } from './cache';
import { dmaApiDomain } from '../iommu/dma-iommu';
import { dmaMap, dmaUnmap } from './mapping';
import { dmaMapResource, MAP_PHYS_MMIO } from './map-resource';
import { dmaNone } from './dma-none';
import type { DmaMapping, DmaState } from './state';
import { dirName, hex, size as sizeText } from './text';
import { C } from '../../../language/kernel-c-words';

/** The failures a name can hold, shared with the other DMA statements (k.failed). */
type Failed = Map<number, string>;

/** dma_map_phys() and DMA_ATTR_MMIO do not exist before 6.18: the driver does not build (NAME); the call runs as 6.18 defines it. */
export function checkMapPhysExists(ctx: StepContext, at: DmaMapPhysStmt | DmaUnmapPhysStmt | { readonly span: DmaMapPhysStmt['span'] }, what: string): void {
  if (ctx.since('dma-map-phys')) return;
  ctx.report(
    'NAME',
    at,
    `${what} does not exist before 6.18 (kernel/dma/mapping.c, include/linux/dma-mapping.h; Linux ${ctx.platform.kernel} maps MMIO only with dma_map_resource()), so this ` +
      'driver does not build for this kernel. The rest of the scenario is checked as 6.18 defines it.',
  );
}

/** The one physical range the call maps, and whether the memory behind it really is one range. */
function physRange(regions: readonly PhysRegion[]): { readonly first: PhysRegion; readonly length: number; readonly contiguous: boolean } | undefined {
  const pieces = expandRegions(regions);
  const first = pieces[0];
  if (!first) return undefined;
  let end = first.addr + first.size;
  let contiguous = true;
  for (const p of pieces.slice(1)) {
    if (p.addr !== end || p.space !== first.space) contiguous = false;
    end = p.addr + p.size;
  }
  return { first, length: pieces.reduce((n, p) => n + p.size, 0), contiguous };
}

export function execDmaMapPhys(dma: DmaState, failed: Failed, ctx: StepContext, stmt: DmaMapPhysStmt, source: readonly PhysRegion[] | undefined): void {
  const sym = ctx.sym(stmt.name);
  const device = ctx.sym(stmt.dev).name;
  const offset = stmt.range?.offset.value ?? 0;
  // dma_map_resource() is MMIO by definition (6.18: dma_map_phys(… | DMA_ATTR_MMIO)) and exists on every profile.
  const mmio = stmt.mmio || stmt.resource;
  const fn = stmt.resource ? 'dma_map_resource' : 'dma_map_phys';
  const call = `${fn}(${device}, phys(${stmt.mem.name})${offset ? ` + ${offset}` : ''}, ${stmt.range?.size.value ?? 'size'}, ${dirName(stmt.dir.value)}, ${stmt.resource ? (stmt.skipCpuSync ? 'DMA_ATTR_SKIP_CPU_SYNC' : '0') : C.attrs(stmt)})`;
  if (!stmt.resource) checkMapPhysExists(ctx, stmt, 'dma_map_phys()');
  if (stmt.dir.value === 'none') {
    dmaNone(ctx, stmt.dir, `${fn}()`, 'dma_map_page_attrs.dir-bug');
    failed.set(sym.id, 'BUG');
    return ctx.call(call, 'kernel BUG: DMA_NONE', false);
  }
  const range = source && physRange(stmt.range ? sliceRegions(source, offset, stmt.range.size.value) : source);
  if (!range) {
    failed.set(sym.id, 'the memory cannot be used');
    return ctx.call(call, 'not mapped: the memory cannot be used', false);
  }
  const { first, length } = range;
  const bar = first.space === 'bar';
  if (!range.contiguous) {
    ctx.report(
      'DMAAPI-18',
      stmt,
      `${call} maps ${sizeText(length)} from ${hex(first.addr)} as one physical range, but ${stmt.mem.name} is not physically contiguous there ` +
        `(its first piece is ${sizeText(first.size)}): the device reads and writes whatever follows that piece. dma_map_phys() takes one range; ` +
        'map a scattered buffer through an sg table (`dma_map`) or link each piece into an IOVA range (`dma_iova_link`).',
      { outcome: 'SILENT' },
    );
  }
  if (bar && !mmio) reportBarAsMemory(dma, ctx, stmt, call, device);
  if (!bar && mmio) reportMemoryAsMmio(ctx, stmt, call, device);
  const origin = { at: stmt, symbol: sym };
  const page = ctx.platform.pageSize;
  const entries = [{ phys: first.addr, page: !bar, offset: first.addr % page, length }];
  const r =
    bar || mmio
      ? dmaMapResource(dma, ctx, device, entries, stmt.dir.value, origin, MAP_PHYS_MMIO)
      : dmaMap(dma, ctx, device, entries, stmt.dir.value, { skipCpuSync: stmt.skipCpuSync }, origin);
  if (!r.ok) {
    failed.set(sym.id, r.error);
    return ctx.call(call, `DMA_MAPPING_ERROR (${r.error})`, false);
  }
  r.mapping.physMmio = mmio;
  dma.sgtMappings.set(sym.id, r.mapping.id);
  ctx.call(call, hex(r.mapping.entries[0]?.dmaAddress ?? 0));
}

/** A BAR mapped without DMA_ATTR_MMIO: dma_map_phys() treats it as memory. */
function reportBarAsMemory(dma: DmaState, ctx: StepContext, stmt: DmaMapPhysStmt, call: string, device: string): void {
  const nonCoherent = archMaintains(ctx.platform, device);
  const iommu = dmaApiDomain(dma, ctx.platform, device) !== undefined;
  const effects = [
    nonCoherent && !stmt.skipCpuSync
      ? `arch_sync_dma_for_device() cleans the CPU caches through phys_to_virt() of an address the linear map does not cover (a fault, or maintenance on unrelated memory)`
      : undefined,
    iommu ? 'iommu_dma_map_phys() maps it IOMMU_CACHE instead of IOMMU_MMIO, so the IOMMU may let the access be cached or snooped' : 'dma_direct_map_phys() would bounce it through swiotlb (a memcpy from the BAR through the linear map) whenever the mask needs a bounce',
    'and the later dma_unmap_phys() syncs and looks up swiotlb for it',
  ].filter((e): e is string => e !== undefined);
  ctx.report(
    'DMAAPI-18',
    stmt,
    `${call}: ${stmt.mem.name} is in a BAR, but without DMA_ATTR_MMIO dma_map_phys() takes the address for memory: ${effects.join('; ')}. ` +
      'Pass DMA_ATTR_MMIO (`mmio`) for MMIO, as dma_map_resource() does (kernel/dma/mapping.c, dma_map_phys(); include/linux/dma-mapping.h, DMA_ATTR_MMIO).',
    { outcome: nonCoherent && !stmt.skipCpuSync ? 'BUG' : 'SILENT' },
  );
}

/** RAM mapped with DMA_ATTR_MMIO: no cache maintenance and no bounce. */
function reportMemoryAsMmio(ctx: StepContext, stmt: DmaMapPhysStmt, call: string, device: string): void {
  const nonCoherent = archMaintains(ctx.platform, device);
  const why = stmt.resource
    ? `dma_map_resource() maps MMIO: no cache maintenance and no swiotlb bounce ("The API should only be used to map device MMIO resources, mapping of RAM is not permitted", Documentation/core-api/dma-api.rst, dma_map_resource)`
    : `DMA_ATTR_MMIO says "not normal memory": no cache maintenance and no swiotlb bounce (include/linux/dma-mapping.h: "The address provided must never be mapped cacheable into the CPU")`;
  ctx.report(
    'DMAAPI-18',
    stmt,
    `${call}: ${stmt.mem.name} is RAM, which the CPU maps cacheable, but ${why}. ` +
      (nonCoherent
        ? `${device} is not coherent, so it reads what reached DRAM, not the CPU's dirty lines, and the CPU later reads stale lines over what the device wrote.`
        : 'A mask that does not reach the memory gets DMA_MAPPING_ERROR instead of a bounce.') +
      (stmt.resource ? ' Map memory with dma_map_single/dma_map (`dma_map_single`, `dma_map`).' : ' Drop `mmio` for memory.'),
    { severity: nonCoherent ? 'error' : 'warning', outcome: 'SILENT' },
  );
}

export function execDmaUnmapPhys(dma: DmaState, ctx: StepContext, stmt: DmaUnmapPhysStmt, mapping: DmaMapping | undefined): void {
  if (!stmt.resource) checkMapPhysExists(ctx, stmt, 'dma_unmap_phys()');
  const dir = stmt.dir?.value;
  const mmio = stmt.mmio || stmt.resource;
  const call = `dma_unmap_${stmt.resource ? 'resource' : 'phys'}(${mapping?.device ?? '?'}, ${stmt.mapping.name}, size, ${dirName(dir ?? mapping?.dir ?? 'bidirectional')}, ${stmt.resource ? '0' : C.attrs(stmt)})`;
  if (!mapping) return ctx.call(call, 'nothing to unmap', false);
  if (dir === 'none') {
    dmaNone(ctx, stmt.dir ?? stmt, 'dma_unmap_phys()', 'dma_unmap_sg_attrs.dir-bug');
    return ctx.call(call, 'kernel BUG: DMA_NONE', false);
  }
  const mappedMmio = mapping.physMmio ?? mapping.via !== 'sg';
  if (mapping.live && mappedMmio !== mmio) reportAttrsMismatch(ctx, stmt, call, mapping, mappedMmio);
  const wasLive = mapping.live;
  // An MMIO unmap skips the CPU sync and swiotlb; a BAR has neither to give back, so the model skips them too.
  dmaUnmap(dma, ctx, mapping.id, stmt, stmt.skipCpuSync || mmio || mappedMmio, dir);
  ctx.call(call, wasLive ? 'void' : 'double unmap', wasLive);
}

function reportAttrsMismatch(ctx: StepContext, stmt: DmaUnmapPhysStmt, call: string, mapping: DmaMapping, mappedMmio: boolean): void {
  const nonCoherent = archMaintains(ctx.platform, mapping.device);
  const what = mappedMmio
    ? `the mapping was made with DMA_ATTR_MMIO and is unmapped without it: the memory path runs on an MMIO address${nonCoherent ? ', arch_sync_dma_for_cpu() through phys_to_virt() of a BAR address' : ''} and a swiotlb lookup`
    : `the mapping was made without DMA_ATTR_MMIO and is unmapped with it: dma_unmap_phys() skips the sync for the CPU${nonCoherent ? ' (the CPU reads stale lines over what the device wrote)' : ''}` +
      `${mapping.bounced ? ' and the swiotlb copy-back (the data stays in the bounce buffer, whose slots leak)' : ''}`;
  const harmful = mappedMmio ? nonCoherent : nonCoherent || mapping.bounced;
  ctx.report('DMAAPI-18', stmt, `${call}: ${what}. dma_unmap_phys() must get the attributes of the map (kernel/dma/mapping.c, dma_unmap_phys(); kernel/dma/direct.h, dma_direct_unmap_phys()).`, {
    severity: harmful ? 'error' : 'warning',
    outcome: mappedMmio && nonCoherent ? 'BUG' : 'SILENT',
    ...(mapping.at ? { related: [{ at: mapping.at, message: `mapped ${mappedMmio ? 'with' : 'without'} DMA_ATTR_MMIO here` }] } : {}),
  });
}
