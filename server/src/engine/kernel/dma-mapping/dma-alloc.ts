// dma_alloc_coherent() and dma_alloc_noncoherent()/dma_alloc_pages(): where the memory comes from
// and what the DMA handle is. dma-direct: __dma_direct_alloc_pages() (kernel/dma/direct.c, cited)
// takes the CMA area when it holds the request below the mask, else the page allocator with the
// ZONE_DMA32 retry; dma-iommu: iommu_dma_alloc() pages at contiguous IOVAs (coherent) or
// dma_common_alloc_pages() (kernel/dma/ops_helpers.c) contiguous pages mapped with
// iommu_dma_map_page() (non-coherent, kernel/dma/mapping.c __dma_alloc_pages()).
import type { Dir, DmaAllocCoherentStmt, DmaAllocNoncoherentStmt } from '../../../language/ast';
import type { ResolvedDevice } from '../../../language/bound';
import type { StepContext } from '../../seam';
import { allocBelow, allocCma, allocRam, cmaFits, MAX_PAGE_ORDER } from './memory';
import { buildEntries, maxEntryLength } from './sgtable';
import { maskLimit, maxSeg } from './device-limits';
import { dmaApiDomain } from '../iommu/dma-iommu';
import { dmaMap } from './mapping';
import { archMaintains } from './cache';
import type { Chunk, DmaKernelState } from './state';
import { dirName, hex, size as sizeText } from './text';

/**
 * dma_alloc_coherent() and dma_alloc_noncoherent(). Coherent memory is shared by the CPU and the
 * device without syncs (uncached for the CPU when the device does not snoop): its handle is a
 * mapping without ownership (alloc 'coherent'). Non-coherent memory is cacheable and owned like a
 * streaming mapping of its direction, starting with the CPU ("Before giving the memory to the
 * device, dma_sync_single_for_device() needs to be called", dma-api.rst). dma-direct places both
 * with __dma_direct_alloc_pages() (directAlloc below); behind an IOMMU a coherent allocation is
 * dma-iommu's 2 MiB / 4 KiB pages at contiguous IOVAs, a non-coherent one the physically contiguous
 * pages of dma_common_alloc_pages() mapped with iommu_dma_map_page(), not limited by the mask.
 */
export function execDmaAlloc(k: DmaKernelState, ctx: StepContext, stmt: DmaAllocCoherentStmt | DmaAllocNoncoherentStmt): void {
  const coherent = stmt.kind === 'DmaAllocCoherent';
  const dir: Dir = coherent ? 'bidirectional' : stmt.dir.value;
  const sym = ctx.sym(stmt.name);
  const device = ctx.sym(stmt.dev).name;
  const call = coherent
    ? `dma_alloc_coherent(${device}, ${stmt.size.value}, &${sym.name}_dma, GFP_KERNEL)`
    : `${stmt.pages ? 'dma_alloc_pages' : 'dma_alloc_noncoherent'}(${device}, ${stmt.size.value}, &${sym.name}_dma, ${dirName(dir)}, GFP_KERNEL)`;
  const dev = ctx.platform.devices.get(device);
  if (!dev || stmt.size.value <= 0) {
    k.failed.set(sym.id, 'NULL');
    return ctx.call(call, 'NULL', false);
  }
  const iommu = dmaApiDomain(k.dma, ctx.platform, device) !== undefined;
  const size = Math.ceil(stmt.size.value / ctx.platform.pageSize) * ctx.platform.pageSize;
  const r = iommu && coherent ? allocRam(k.dma, size, 'iommu_alloc') : directAlloc(k, ctx, dev, size, iommu ? Number.MAX_SAFE_INTEGER : maskLimit(dev));
  if ('error' in r) {
    k.failed.set(sym.id, 'NULL');
    return ctx.call(call, `NULL (${r.error})`, false);
  }
  const chunks = [...r];
  const entries = buildEntries(chunks, iommu ? maxEntryLength(ctx.platform.pageSize) : maxSeg(dev), ctx.platform.pageSize, true);
  const m = dmaMap(k.dma, ctx, device, entries, dir, { skipCpuSync: true }, { at: stmt, symbol: sym, bufferId: sym.id });
  if (!m.ok) {
    k.failed.set(sym.id, 'NULL');
    return ctx.call(call, `NULL (${m.error})`, false);
  }
  m.mapping.alloc = coherent ? 'coherent' : 'noncoherent';
  if (!coherent) m.mapping.owner = 'cpu';
  k.dma.sgtMappings.set(sym.id, m.mapping.id);
  k.dma.memory.set(sym.id, { id: sym.id, symbol: sym, kind: coherent ? 'coherent' : 'noncoherent', size: stmt.size.value, chunks, maps: [], device, mappingId: m.mapping.id });
  const uncached = coherent && archMaintains(ctx.platform, device);
  const pages = chunks.length > 1 || (chunks[0].count ?? 1) > 1 ? ' (pages)' : '';
  const handle = hex(m.mapping.entries[0]?.dmaAddress ?? 0);
  ctx.call(call, `${uncached ? 'an uncached' : 'a cacheable'} CPU mapping of ${hex(chunks[0].phys)}${pages}, handle ${handle}${coherent ? '' : '; the CPU owns it until dma_sync_single_for_device()'}`);
}

/**
 * dma-direct's allocation (__dma_direct_alloc_pages(), and dma_common_alloc_pages() behind an
 * IOMMU): the CMA area first when the request is more than a page and the area's memory is
 * within `limit` (dma_coherent_ok()); else the page allocator, retried in ZONE_DMA32 / ZONE_DMA
 * when the first pages are out of reach. The page allocator's largest block is 2^10 pages (4 MiB
 * with 4 KiB pages): a larger request without a CMA area that holds it is the allocator's
 * WARN_ON_ONCE and NULL.
 */
function directAlloc(k: DmaKernelState, ctx: StepContext, dev: ResolvedDevice, size: number, limit: number): readonly Chunk[] | { readonly error: string } {
  const page = ctx.platform.pageSize;
  if (size > page && cmaFits(k.dma, size, limit)) return allocCma(k.dma, size) ?? { error: '-ENOMEM' };
  const largest = page * 2 ** MAX_PAGE_ORDER;
  if (size > largest) {
    const cma = k.dma.cma;
    const why = cma
      ? `the CMA area (${hex(cma.base)}, ${sizeText(cma.size)}) has no ${sizeText(size)} ${cma.base + cma.size > limit ? `below ${dev.name}'s ${dev.dmaMask}-bit mask` : 'left'}`
      : 'the platform declares no CMA area (`cma SIZE at ADDR`: the kernel\'s cma= or CONFIG_CMA_SIZE_MBYTES reservation, when it has one)';
    return {
      error:
        `${why}, and the page allocator's largest block is ${sizeText(largest)} (order ${MAX_PAGE_ORDER}): ` +
        `WARN_ON_ONCE(order > MAX_PAGE_ORDER) in the allocator (${ctx.cite('__alloc_pages.max-order')}), reached from ${ctx.cite('__dma_direct_alloc_pages')}`,
    };
  }
  return allocBelow(k.dma, size, limit);
}
