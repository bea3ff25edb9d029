// sg tables the driver builds over its own memory (lib/scatterlist.c,
// sg_alloc_table_from_pages_segment(); SGT-07, SGT-08): runs of physically contiguous pages merge
// into one entry up to max_segment, aligned down to PAGE_SIZE, and a max_segment below one page is
// WARN_ON and -EINVAL (6.1:455-457, 6.12:469-471). A table is mapped at most once at a time: the
// map writes its DMA fields ("the mapping process is allowed to destroy information in the sg",
// dma-api.rst), so a second dma_map_sgtable() of a mapped table overwrites the first mapping's
// addresses, which then leak and are unmapped with the wrong values.
import type { Dir, DmaGetSgtableStmt, DmaMapStmt, SgTableStmt } from '../../../language/ast';
import type { StepContext } from '../../seam';
import { buildEntries, maxEntryLength } from './sgtable';
import { dmaMap } from './mapping';
import { dirName, size } from './text';
import type { DmaKernelState, DriverTable } from './state';
import { runCount } from './sgrun';

export function execSgTable(k: DmaKernelState, ctx: StepContext, stmt: SgTableStmt): void {
  const sym = ctx.sym(stmt.name);
  const memSym = ctx.sym(stmt.mem);
  const page = ctx.platform.pageSize;
  const asked = stmt.maxSegment?.value ?? 0xffff_ffff;
  const call = `sg_alloc_table_from_pages_segment(&${sym.name}, pages of ${memSym.name}, …, ${stmt.maxSegment ? asked : 'UINT_MAX'}, GFP_KERNEL)`;
  const mem = k.dma.memory.get(memSym.id);
  if (!mem || k.failed.has(memSym.id)) {
    k.failed.set(sym.id, 'no memory');
    return ctx.call(call, 'not built: the memory cannot be used', false);
  }
  const max = Math.floor(Math.min(asked, maxEntryLength(page)) / page) * page;
  if (max < page) {
    ctx.report(
      'SGT-07',
      stmt.maxSegment ?? stmt,
      `max_segment ${asked} is below PAGE_SIZE (${page}): sg_alloc_table_from_pages_segment() aligns it down to the page size and ` +
        `\`WARN_ON(max_segment < PAGE_SIZE)\` returns -EINVAL (${ctx.cite('sg_alloc_append_table_from_pages.max-segment')}). No table is built; ` +
        `a device limited to less than a page per segment needs a table built entry by entry (sg_set_page()), not the merging helper.`,
      { severity: 'error', outcome: 'WARN' },
    );
    k.failed.set(sym.id, '-EINVAL');
    return ctx.call(call, '-EINVAL (WARN_ON: max_segment < PAGE_SIZE)', false);
  }
  const entries = buildEntries(mem.chunks, max, page, true);
  const table: DriverTable = { id: sym.id, symbol: sym, memory: mem.id, entries };
  k.dma.tables.set(sym.id, table);
  const n = entries.reduce((acc, e) => acc + runCount(e), 0);
  const limit = max === maxEntryLength(page) ? 'UINT_MAX & PAGE_MASK' : size(max);
  ctx.call(call, `0 (${n} ${n === 1 ? 'entry' : 'entries'}, contiguous pages merged up to ${limit})`);
}

/** dma_map_sgtable() of a driver-built table (`dma_map DEV TABLE DIR`). */
export function execDmaMapTable(k: DmaKernelState, ctx: StepContext, stmt: DmaMapStmt, device: string, dir: Dir): void {
  const sym = ctx.sym(stmt.name);
  const tsym = ctx.sym(stmt.buf);
  const call = `dma_map_sgtable(${device}, ${tsym.name}, ${dirName(dir)}, ${stmt.skipCpuSync ? 'DMA_ATTR_SKIP_CPU_SYNC' : '0'})`;
  const table = k.dma.tables.get(tsym.id);
  const failed = k.failed.get(tsym.id);
  if (failed !== undefined) {
    ctx.report('LIFE-05', stmt.buf, `\`${tsym.name}\` holds ${failed}: the sg_alloc_table call that bound it failed, so there is no table to map; check its return value.`, {
      outcome: 'SILENT',
      related: [{ at: tsym, message: `failed with ${failed} here` }],
    });
  }
  if (!table || failed !== undefined) {
    k.failed.set(sym.id, 'the table cannot be used');
    return ctx.call(call, 'not mapped: the table was not built', false);
  }
  const earlier = table.mappedBy !== undefined ? k.dma.mappings.get(table.mappedBy) : undefined;
  if (earlier?.live) {
    ctx.report(
      'SGT-08',
      stmt,
      `\`${tsym.name}\` is already mapped (${earlier.symbol ? `\`${earlier.symbol.name}\`` : `mapping #${earlier.id}`}, ${dirName(earlier.dir)} for ${earlier.device}) and not unmapped: ` +
        `an sg list is mapped at most once at a time ("the sg cannot be mapped again if it has been mapped once", ${ctx.cite('dma-api.rst:sg-map-once')}). ` +
        `This map overwrites the entries' sg_dma_address()/sg_dma_len(): the first mapping's ${earlier.nents} DMA ${earlier.nents === 1 ? 'segment leaks' : 'segments leak'} and its unmap would be given the new addresses. ` +
        `Unmap first, or build a table per device.`,
      { outcome: 'SILENT', related: earlier.symbol ? [{ at: earlier.symbol, message: 'mapped here, still live' }] : [] },
    );
  }
  const r = dmaMap(k.dma, ctx, device, table.entries, dir, { skipCpuSync: stmt.skipCpuSync }, { at: stmt, symbol: sym, bufferId: table.memory });
  if (!r.ok) {
    k.failed.set(sym.id, r.error);
    return ctx.call(call, r.error, false);
  }
  table.mappedBy = r.mapping.id;
  k.dma.sgtMappings.set(sym.id, r.mapping.id);
  ctx.call(call, `0 (orig_nents ${r.mapping.origNents}, nents ${r.mapping.nents})`);
}

/**
 * dma_get_sgtable() of a coherent allocation: for dma-direct dma_direct_get_sgtable() makes one
 * entry with sg_set_page(sgt->sgl, page, PAGE_ALIGN(size), 0), whose `unsigned int len` keeps the
 * low 32 bits of a 4 GiB or larger size (SGT-04); dma-iommu's pages become a table from pages.
 */
export function execDmaGetSgtable(k: DmaKernelState, ctx: StepContext, stmt: DmaGetSgtableStmt): void {
  const sym = ctx.sym(stmt.name);
  const memSym = ctx.sym(stmt.mem);
  const mem = k.dma.memory.get(memSym.id);
  const call = `dma_get_sgtable(${mem?.device ?? 'dev'}, &${sym.name}, ${memSym.name}, ${memSym.name}_dma, ${mem?.size ?? 'size'})`;
  if (!mem || mem.kind !== 'coherent' || mem.freed) {
    k.failed.set(sym.id, '-ENXIO');
    return ctx.call(call, mem && mem.kind !== 'coherent' ? `not a dma_alloc_*() allocation: \`${memSym.name}\` is ${mem.kind}() memory` : 'no allocation', false);
  }
  const page = ctx.platform.pageSize;
  const total = Math.ceil(mem.size / page) * page;
  const single = mem.chunks.length === 1 && (mem.chunks[0].count ?? 1) === 1;
  if (!single) {
    const entries = buildEntries(mem.chunks, maxEntryLength(page), page, true);
    k.dma.tables.set(sym.id, { id: sym.id, symbol: sym, memory: mem.id, entries });
    return ctx.call(call, `0 (dma-iommu: a table of its ${entries.reduce((n, e) => n + runCount(e), 0)} page runs)`);
  }
  const length = total % 2 ** 32;
  if (length !== total) {
    ctx.report(
      'SGT-04',
      stmt,
      `\`${memSym.name}\` is ${size(total)}, and dma_direct_get_sgtable() describes it with one entry: sg_set_page(sgt->sgl, page, PAGE_ALIGN(size), 0) ` +
        `(${ctx.cite('dma_direct_get_sgtable')}) stores the size in \`unsigned int len\` (${ctx.cite('sg_set_page')}), so the entry is ${length === 0 ? '0 bytes long' : `${size(length)} long`}: ` +
        `the low 32 bits. An importer of this table maps and programs ${length === 0 ? 'nothing' : 'only the first part'}, silently. Split a buffer of 4 GiB or more into entries of less than 4 GiB.`,
      { outcome: 'SILENT' },
    );
  }
  const entries = length === 0 ? [] : [{ phys: mem.chunks[0].phys, page: true, offset: 0, length }];
  k.dma.tables.set(sym.id, { id: sym.id, symbol: sym, memory: mem.id, entries });
  ctx.call(call, `0 (one entry of ${size(length)}${length !== total ? `: ${size(total)} truncated to 32 bits` : ''})`);
}
