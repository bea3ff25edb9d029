// The driver's own memory and dma_map_single() of it (DMAAPI-09, DMAAPI-12): kmalloc() memory in
// the linear map, alloc_pages(), vmalloc() memory and an on-stack array (vmalloc space under
// CONFIG_VMAP_STACK, the default on x86_64 and arm64), the CPU's loads and stores on them, and
// `free` of every kind (the dma_alloc_*() allocations themselves are dma-alloc.ts's).
//  - dma_map_single_attrs() refuses a vmalloc address before mapping anything: dev_WARN_ONCE
//    "rejecting DMA map of vmalloc memory" and DMA_MAPPING_ERROR (include/linux/dma-mapping.h,
//    6.1:328-338, 6.12:377-387). A table of its pages (vmalloc_to_page) may be mapped: `dma_map`.
//  - The mapped region must begin and end on cache-line boundaries, which the API does not check
//    (dma-api.rst 287-298): on a non-coherent device the maintenance of a partial line also hits
//    the neighbours. From 6.5 arm64 bounces small mappings whose kmalloc size class is not
//    cache-aligned (dma_kmalloc_needs_bounce(): by size only, not by the pointer), row kmalloc-bounce.
import { assertNever } from '../../../common/assert';
import type { CpuAccessStmt, DmaMapSingleStmt, DriverMemStmt, FreeStmt } from '../../../language/ast';
import type { ResolvedPlatform } from '../../../language/bound';
import type { AccessPath, PhysRegion, StepContext } from '../../seam';
import { sliceRegions } from '../../regions';
import { allocRam, chunkRegions, MAX_PAGE_ORDER } from './memory';
import { archMaintains } from './cache';
import { liveMappingsOverlapping } from './overlap';
import { dmaMap } from './mapping';
import { dmaNone } from './dma-none';
import type { DmaKernelState } from './state';
import { dirName, hex, size as sizeText } from './text';
import type { DriverMem } from './state';

/** dma_get_cache_alignment(): ARCH_DMA_MINALIGN (arch/arm64/include/asm/cache.h: 128; 64 elsewhere here). */
function cacheAlignment(platform: ResolvedPlatform): number {
  return platform.arch === 'arm64' ? 128 : 64;
}

/** The kmalloc size classes from 8 bytes (ARCH_KMALLOC_MINALIGN 8 on arm64 from 6.5). */
function kmallocSizeRoundup(n: number): number {
  for (const c of [8, 16, 32, 64, 96, 128, 192, 256]) if (n <= c) return c;
  let c = 512;
  while (c < n) c *= 2;
  return c;
}

function kind(m: { readonly vmalloc: boolean; readonly stack: boolean; readonly pages: boolean }): DriverMem['kind'] {
  return m.stack ? 'stack' : m.vmalloc ? 'vmalloc' : m.pages ? 'pages' : 'kmalloc';
}

export function execDriverMem(k: DmaKernelState, ctx: StepContext, stmt: DriverMemStmt): void {
  const sym = ctx.sym(stmt.name);
  const what = kind(stmt);
  const page = ctx.platform.pageSize;
  const order = Math.max(0, Math.ceil(Math.log2(Math.max(stmt.size.value, 1) / page)));
  const call =
    what === 'stack'
      ? `u8 ${sym.name}[${stmt.size.value}] /* on the stack */`
      : what === 'pages'
        ? `page_address(alloc_pages(GFP_KERNEL, ${order} /* get_order(${stmt.size.value}) */))`
        : `${what}(${stmt.size.value}${what === 'kmalloc' ? ', GFP_KERNEL' : ''})`;
  if (stmt.size.value <= 0) {
    k.failed.set(sym.id, 'NULL');
    return ctx.call(call, 'NULL (zero size)', false);
  }
  if (what === 'pages' && order > MAX_PAGE_ORDER) {
    k.failed.set(sym.id, 'NULL');
    return ctx.call(call, `NULL: order ${order} is above the page allocator's largest (${MAX_PAGE_ORDER}): WARN_ON_ONCE(order > MAX_PAGE_ORDER) (${ctx.cite('__alloc_pages.max-order')})`, false);
  }
  const bytes = what === 'pages' ? page * 2 ** order : Math.ceil(stmt.size.value / page) * page;
  const r = allocRam(k.dma, bytes, what === 'kmalloc' || what === 'pages' ? 'contiguous' : 'pages');
  if ('error' in r) {
    k.failed.set(sym.id, 'NULL');
    return ctx.call(call, 'NULL (-ENOMEM)', false);
  }
  k.dma.memory.set(sym.id, { id: sym.id, symbol: sym, kind: what, size: stmt.size.value, chunks: [...r], maps: [] });
  const first = r[0];
  ctx.call(call, what === 'kmalloc' || what === 'pages' ? `${hex(first.phys)} in the linear map (physically contiguous)` : `a ${what === 'stack' ? 'vmapped stack' : 'vmalloc'} address (pages scattered)`);
}

/** The CPU's bytes [offset, offset + length) of the memory, as physical regions. */
function memRegions(mem: DriverMem, offset: number, length: number): readonly PhysRegion[] {
  return sliceRegions(chunkRegions(mem.chunks), offset, length);
}

export function execDmaMapSingle(k: DmaKernelState, ctx: StepContext, stmt: DmaMapSingleStmt): void {
  const sym = ctx.sym(stmt.name);
  const device = ctx.sym(stmt.dev).name;
  const memSym = ctx.sym(stmt.mem);
  const offset = stmt.range?.offset.value ?? 0;
  const call = `dma_map_single(${device}, ${memSym.name}${offset ? ` + ${offset}` : ''}, ${stmt.range?.size.value ?? 'size'}, ${dirName(stmt.dir.value)})`;
  if (stmt.dir.value === 'none') {
    dmaNone(ctx, stmt.dir, 'dma_map_single()', 'dma_map_page_attrs.dir-bug');
    k.failed.set(sym.id, 'BUG');
    return ctx.call(call, 'kernel BUG: DMA_NONE', false);
  }
  const mem = k.dma.memory.get(memSym.id);
  if (!mem) {
    k.failed.set(sym.id, 'the memory cannot be used');
    return ctx.call(call, 'not mapped: the memory cannot be used', false);
  }
  const length = Math.min(stmt.range?.size.value ?? mem.size, mem.size - offset);
  const vmalloced = vmallocSpace(ctx, mem);
  if (vmalloced) {
    ctx.report(
      'DMAAPI-12',
      stmt,
      `dma_map_single() of ${vmalloced}: ` +
        `dma_map_single_attrs() checks is_vmalloc_addr() first, dev_WARN_ONCE()s "rejecting DMA map of vmalloc memory" and returns ` +
        `DMA_MAPPING_ERROR (${ctx.cite('dma_map_single_attrs.vmalloc')}): the pages behind a vmalloc address are not contiguous and ` +
        `virt_to_page() does not find them. ${mem.kind === 'stack' ? 'Use kmalloc() memory for DMA, never the stack' : mem.kind === 'coherent' ? 'Coherent memory needs no streaming mapping: give the device its DMA handle' : 'Map the pages instead (vmalloc_to_page() into an sg table, `dma_map`), or allocate with kmalloc() or dma_alloc_*()'}.`,
      { outcome: 'WARN', related: [{ at: mem.symbol, message: `${mem.kind === 'stack' ? 'on-stack array' : mem.kind === 'coherent' ? 'dma_alloc_coherent() memory' : 'vmalloc() memory'} declared here` }] },
    );
    k.failed.set(sym.id, 'DMA_MAPPING_ERROR');
    return ctx.call(call, 'DMA_MAPPING_ERROR (dev_WARN_ONCE: rejecting DMA map of vmalloc memory)', false);
  }
  if (length <= 0) {
    k.failed.set(sym.id, 'nothing to map');
    return ctx.call(call, 'not mapped: the range lies outside the allocation', false);
  }
  const note = checkCacheLines(ctx, stmt, device, mem, offset, length);
  const [region] = memRegions(mem, offset, length);
  const page = ctx.platform.pageSize;
  const entries = [{ phys: region.addr, page: true, offset: region.addr % page, length }];
  const r = dmaMap(k.dma, ctx, device, entries, stmt.dir.value, { skipCpuSync: false }, { at: stmt, symbol: sym, bufferId: mem.id });
  if (!r.ok) {
    k.failed.set(sym.id, r.error);
    return ctx.call(call, r.error, false);
  }
  k.dma.sgtMappings.set(sym.id, r.mapping.id);
  mem.maps.push({ mappingId: r.mapping.id, offset, length, shared: note === 'shared' });
  ctx.call(call, `${hex(r.mapping.entries[0]?.dmaAddress ?? 0)}${note === 'bounced' ? ' (bounced through swiotlb: dma_kmalloc_needs_bounce())' : ''}`);
}

/**
 * What puts the memory's kernel address in vmalloc space (dma_map_single() refuses it), or
 * undefined for linear-map memory: kmalloc, alloc_pages, dma_alloc_noncoherent (page_address()),
 * and dma_alloc_coherent() where no uncached remap is needed.
 */
function vmallocSpace(ctx: StepContext, mem: DriverMem): string | undefined {
  switch (mem.kind) {
    case 'kmalloc':
    case 'pages':
    case 'noncoherent':
      return undefined;
    case 'vmalloc':
      return 'vmalloc() memory';
    case 'stack':
      return 'an on-stack array, which CONFIG_VMAP_STACK (the default on x86_64 and arm64) puts in vmalloc space';
    case 'coherent':
      return archMaintains(ctx.platform, mem.device ?? '') ? 'dma_alloc_coherent() memory, whose CPU address for a non-coherent device is an uncached remap in vmalloc space (dma_common_contiguous_remap() / dma_common_pages_remap())' : undefined;
    default:
      return assertNever(mem.kind);
  }
}

/** DMAAPI-09 at the map: 'shared' when the range shares cache lines that maintenance will hit. */
function checkCacheLines(ctx: StepContext, stmt: DmaMapSingleStmt, device: string, mem: DriverMem, offset: number, length: number): 'aligned' | 'bounced' | 'shared' {
  const platform = ctx.platform;
  const align = cacheAlignment(platform);
  if (offset % align === 0 && (offset + length) % align === 0) return 'aligned';
  if (stmt.dir.value === 'to_device' || !archMaintains(platform, device)) return 'aligned';
  const bounces =
    (platform.arch === 'arm64' || platform.arch === 'riscv64') &&
    ctx.since('kmalloc-bounce') &&
    platform.configs.SWIOTLB &&
    length < 2 * align &&
    kmallocSizeRoundup(length) % align !== 0;
  if (bounces) return 'bounced';
  ctx.report(
    'DMAAPI-09',
    stmt.range ?? stmt,
    `${device} is not coherent and bytes ${offset}..${offset + length} of \`${mem.symbol.name}\` do not begin and end on ${align}-byte cache lines: ` +
      `"the mapped region must begin exactly on a cache line boundary and end exactly on one … the API will not enforce this requirement" ` +
      `(${ctx.cite('dma-api.rst:cacheline')}). The ${dirName(stmt.dir.value)} maintenance at map, sync and unmap invalidates the partial lines ` +
      `whole, so CPU writes to the neighbouring bytes are lost, and a CPU write-back of those lines during the transfer overwrites the device's data` +
      `${platform.arch === 'arm64' && ctx.since('kmalloc-bounce') ? ` (dma_kmalloc_needs_bounce() bounces by size only: ${sizeText(length)} rounds to the ${kmallocSizeRoundup(length)}-byte kmalloc class, so nothing is bounced here)` : ''}. ` +
      `Give the DMA buffer its own allocation, or align it with ____cacheline_aligned / dma_get_cache_alignment().`,
    { severity: 'warning', outcome: 'SILENT', related: [{ at: mem.symbol, message: `${mem.kind}() memory allocated here` }] },
  );
  return 'shared';
}

/** A CPU load or store on the driver's own memory: DMAAPI-06 against a device-owned mapping, DMAAPI-09 on its shared lines. */
export function memoryAccess(k: DmaKernelState, ctx: StepContext, stmt: CpuAccessStmt, mem: DriverMem): AccessPath | undefined {
  const access = stmt.access.value;
  const offset = stmt.range?.offset.value ?? 0;
  const length = stmt.range?.size.value ?? mem.size;
  const regions = memRegions(mem, offset, length);
  if (mem.freed) {
    ctx.report('LIFE-05', stmt, `CPU ${access} of \`${mem.symbol.name}\` after it was freed: a use-after-free.`, { outcome: 'SILENT', related: [{ at: mem.freed, message: 'freed here' }] });
    return undefined;
  }
  if (mem.kind === 'coherent') {
    // dma_alloc_coherent() memory: no ownership; for a non-snooping device the CPU mapping is uncached.
    return { regions, coherent: false, cacheable: !archMaintains(ctx.platform, mem.device ?? '') };
  }
  const owned = liveMappingsOverlapping(k.dma, regions).filter((m) => m.symbol && m.owner === 'device' && m.alloc !== 'coherent');
  if (owned.length > 0) {
    const m = owned[0];
    ctx.report(
      'DMAAPI-06',
      stmt,
      `CPU ${access} of \`${mem.symbol.name}\` while ${m.device} owns the streaming mapping \`${m.symbol!.name}\`: after the map "the ownership for the ` +
        `buffer is transferred to the DMA domain"; call dma_sync_single_for_cpu() or unmap first (${ctx.cite('dma_map_sgtable.ownership-doc')}).`,
      { severity: archMaintains(ctx.platform, m.device) || m.bounced ? 'error' : 'warning', outcome: 'SILENT', related: [{ at: m.symbol!, message: 'mapped here' }] },
    );
  } else if (access === 'write') {
    checkNeighbourWrite(k, ctx, stmt, mem, offset, length);
  }
  return { regions, coherent: false, cacheable: true };
}

/** DMAAPI-09 (error): the CPU writes bytes that share a cache line with a live device-owned mapping. */
function checkNeighbourWrite(k: DmaKernelState, ctx: StepContext, stmt: CpuAccessStmt, mem: DriverMem, offset: number, length: number): void {
  const align = cacheAlignment(ctx.platform);
  for (const map of mem.maps) {
    const m = k.dma.mappings.get(map.mappingId);
    if (!m || !m.live || !map.shared || m.owner !== 'device') continue;
    const lines = (a: number, b: number): [number, number] => [Math.floor(a / align), Math.floor((b - 1) / align)];
    const [w0, w1] = lines(offset, offset + length);
    const [m0, m1] = lines(map.offset, map.offset + map.length);
    if (w1 < m0 || w0 > m1) continue;
    ctx.report(
      'DMAAPI-09',
      stmt,
      `CPU write to bytes ${offset}..${offset + length} of \`${mem.symbol.name}\`, in a cache line shared with the ${dirName(m.dir)} mapping \`${m.symbol?.name ?? '?'}\` ` +
        `of bytes ${map.offset}..${map.offset + map.length} that ${m.device} owns: the unmap or sync_for_cpu invalidates that line and discards this write, ` +
        `or its write-back overwrites what ${m.device} wrote (${ctx.cite('dma-api.rst:cacheline')}).`,
      { severity: 'error', outcome: 'SILENT', related: m.symbol ? [{ at: m.symbol, message: 'the mapping sharing the line' }] : [] },
    );
    return;
  }
}

const FREE_FN: Record<DriverMem['kind'], string> = { kmalloc: 'kfree', vmalloc: 'vfree', pages: '__free_pages', stack: 'kfree', coherent: 'dma_free_coherent', noncoherent: 'dma_free_noncoherent' };

/** kfree() / vfree() / dma_free_coherent() / dma_free_noncoherent(): a later use is LIFE-05. */
export function execFree(k: DmaKernelState, ctx: StepContext, stmt: FreeStmt): void {
  const memSym = ctx.sym(stmt.mem);
  const mem = k.dma.memory.get(memSym.id);
  if (!mem) return ctx.call(`free(${memSym.name})`, k.failed.has(memSym.id) ? 'NULL: freeing it is a no-op' : 'nothing to free', false);
  const fn = FREE_FN[mem.kind];
  const mapping = mem.mappingId === undefined ? undefined : k.dma.mappings.get(mem.mappingId);
  const dmaArgs = `${mem.device}, ${mem.size}, ${memSym.name}, ${memSym.name}_dma${mem.kind === 'noncoherent' && mapping ? `, ${dirName(mapping.dir)}` : ''}`;
  const call = `${fn}(${mem.device !== undefined ? dmaArgs : memSym.name})`;
  if (mem.kind === 'stack') return ctx.call(call, 'not heap memory: kfree() of a stack address is a bug (the array goes away with its function)', false);
  if (mem.freed) {
    ctx.report('LIFE-05', stmt, `\`${memSym.name}\` is freed a second time: ${fn}() of freed memory corrupts the allocator.`, { outcome: 'SILENT', related: [{ at: mem.freed, message: 'freed here' }] });
    return ctx.call(call, 'double free', false);
  }
  mem.freed = stmt;
  if (mapping) mapping.live = false;
  ctx.call(call, 'void');
}
