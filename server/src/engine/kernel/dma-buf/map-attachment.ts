// dma_buf_map_attachment[_unlocked]() / dma_buf_unmap_attachment[_unlocked]() and importers that
// peek at struct page (drivers/dma-buf/dma-buf.c:1038-1209): locking per kernel profile (MAP-01),
// the cached table and its direction (MAP-02), double map of a heap attachment (MAP-03), the pin a
// dynamic exporter takes at map (MAP-04), kmap of an imported table (MAP-06).
import type { KmapStmt, MapStmt, Node, UnmapStmt } from '../../../language/ast';
import type { StepContext } from '../../seam';
import { dmaUnmap, mappingById } from '../dma-mapping/api';
import { exporterOf } from '../exporters/descriptions';
import { exporterMap } from '../exporters/map-ops';
import { checkWalkAtMap } from '../exporters/attachment-walk';
import { pinBuffer, unpinBuffer } from '../exporters/pin-ops';
import { cachesSgt, pinOnMap } from './caching';
import { attachmentChange, sgtChange } from './snapshot';
import type { AttachmentObj, BufferObj, KernelState, SgtObj } from '../state';
import { dirC, holdsLock, reportFailedUse, site, useAttachment, useSgt } from './use';
import { vfioUnmapped } from '../exporters/vfio';

/** Whether the locked variants must be called with dmabuf->resv held (MAP-01, VER-01). */
export function mapNeedsLock(ctx: StepContext, att: AttachmentObj, buffer: BufferObj): boolean {
  if (ctx.since('locking-convention')) return true;
  // 6.1 asserts for a dynamic importer first, then returns a cached attach->sgt before it asserts
  // for a dynamic exporter (dma_buf_map_attachment(), dma_buf_unmap_attachment()): a static
  // importer of a dynamic exporter always has one (mapped at attach), so nothing is asserted.
  return att.dynamic || (exporterOf(ctx.platform, buffer).dynamic && !att.cached);
}

function lockdepOutcome(ctx: StepContext): string {
  return ctx.platform.configs.LOCKDEP
    ? 'lockdep prints a "dma_resv_assert_held" splat'
    : 'without CONFIG_LOCKDEP nothing is printed';
}

/**
 * The lock rules shared by map and unmap. Returns false when the call deadlocks (the `_unlocked`
 * variant takes the lock its own thread holds): the agent hangs and nothing else happens.
 */
export function checkMapLocking(
  ctx: StepContext,
  stmt: Node,
  fn: string,
  unlocked: boolean,
  att: AttachmentObj,
  buffer: BufferObj,
): boolean {
  const holding = holdsLock(ctx, buffer);
  if (unlocked && holding) {
    ctx.report(
      'MAP-01',
      stmt,
      `${fn}() takes dma_resv_lock(dmabuf->resv) itself (${ctx.cite(['dma_buf_map_attachment_unlocked', 'dma_buf_unmap_attachment_unlocked'])}), but ` +
        `${ctx.agent} already holds it: the ww_mutex deadlocks on itself. Use the locked variant while holding the lock.`,
      { outcome: 'HANG' },
    );
    ctx.call(`${fn}(...)`, 'deadlock on dmabuf->resv', false);
    ctx.hang(`${fn}() waits for the dma_resv lock its own thread holds`);
    return false;
  }
  if (!unlocked && !holding && mapNeedsLock(ctx, att, buffer)) {
    const why =
      !ctx.since('locking-convention')
        ? `in 6.1 the caller must hold it when the ${att.dynamic ? 'importer' : 'exporter'} is dynamic (${ctx.cite(['dma_buf_map_attachment.assert-dynamic-importer', 'dma_buf_map_attachment.assert-dynamic-exporter'], 'dma-buf.c')})`
        : 'since 6.2 every caller of the locked variants must hold it (the dma-buf locking convention, VER-01)';
    ctx.report(
      'MAP-01',
      stmt,
      `${fn}() without holding dmabuf->resv: ${why}. dma_resv_assert_held() fires (${lockdepOutcome(ctx)}) and the ` +
        `exporter runs map/unmap without the lock it relies on. Take \`lock\` first or use the _unlocked variant.`,
      { outcome: 'LOCKDEP' },
    );
  }
  return true;
}

export function execMap(k: KernelState, ctx: StepContext, stmt: MapStmt): void {
  const symbol = ctx.sym(stmt.name);
  const dir = stmt.dir.value;
  const fn = stmt.unlocked ? 'dma_buf_map_attachment_unlocked' : 'dma_buf_map_attachment';
  const call = `${fn}(${stmt.att.name}, ${dirC(dir)})`;
  const used = useAttachment(k, ctx, stmt.att, stmt, `${fn}()`);
  if (!used) return ctx.call(call, 'use-after-free', false);
  const { att, buffer } = used;
  if (!checkMapLocking(ctx, stmt, fn, stmt.unlocked, att, buffer)) return;
  if (att.cached) return mapCached(k, ctx, stmt, att, buffer, call);

  const traits = exporterOf(ctx.platform, buffer);
  const caches = cachesSgt(ctx, buffer);
  let pinnedOnMap = false;
  const pinReason = pinOnMap(ctx, att, buffer);
  if (pinReason) {
    const modern = ctx.since('attach-premap-dropped');
    const because =
      pinReason === 'move-notify-off'
        ? 'because CONFIG_DMABUF_MOVE_NOTIFY is off'
        : 'because the importer is static (no importer_ops), and since 6.16 the core pins for a static importer at map instead of at attach';
    const pinned = pinBuffer(k, ctx, buffer, stmt, `${fn}() pins ${because} (MAP-04)`, att.dynamic);
    if (!pinned.ok) {
      if (pinReason === 'static-importer') {
        ctx.report(
          'P2P-04',
          stmt,
          `${fn}() fails with ${pinned.error}: since 6.16 the core pins the buffer for a static importer at map ` +
            `(dma_buf_pin_on_map() in drivers/dma-buf/dma-buf.c dma_buf_map_attachment()), and ${traits.ops} cannot pin it: ` +
            `${pinned.why}.`,
          { severity: 'error', outcome: 'RET' },
        );
      }
      k.failed.set(symbol.id, pinned.error);
      return ctx.call(call, pinned.error, false);
    }
    pinnedOnMap = true;
    ctx.report(
      'MAP-04',
      stmt,
      modern
        ? `${fn}() pins \`${buffer.symbol.name}\` first ${because}, and unmap unpins it: dma_buf_pin_on_map() is ` +
            `\`ops->pin && (!attach->importer_ops || !IS_ENABLED(CONFIG_DMABUF_MOVE_NOTIFY))\`` +
            `${ctx.since('move-notify-always') ? ' (from 7.1 without the config clause: CONFIG_DMABUF_MOVE_NOTIFY is always on)' : ''} ` +
            `(drivers/dma-buf/dma-buf.c: dma_buf_map_attachment(), dma_buf_unmap_attachment()). The backing storage stays ` +
            `pinned for as long as a mapping exists, so the exporter cannot move it meanwhile` +
            `${buffer.placement === 'system' ? '' : '; amdgpu pins into GTT'}.`
        : `${fn}() pins \`${buffer.symbol.name}\` first because CONFIG_DMABUF_MOVE_NOTIFY is off, and unmap unpins it ` +
            `(${ctx.cite(['dma_buf_map_attachment.pin', 'dma_buf_unmap_attachment'])}): "the underlying backing storage is pinned for as long as a ` +
            `mapping exists, therefore users/importers should not hold onto a mapping for undue amounts of time" (1046-1049). ` +
            `The exporter cannot move it meanwhile${buffer.placement === 'system' ? '' : '; amdgpu pins into GTT'}.`,
      { severity: 'information', outcome: 'INFO' },
    );
  }
  if (traits.perAttachmentTable && att.liveMaps.length > 0) {
    const first = k.buf.sgts.get(att.liveMaps[0]);
    ctx.report(
      'MAP-03',
      stmt,
      `Second map of \`${att.symbol.name}\` before unmap: ${traits.ops} keeps one sg_table per attachment and calls ` +
        `dma_map_sgtable() on it at every map (${ctx.cite('system_heap_map_dma_buf')}), so the same table is ` +
        `DMA-mapped twice ("the sg cannot be mapped again if it has been mapped once", ${ctx.cite('dma-api.rst:sg-map-once')}); ` +
        `the first mapping's DMA addresses are overwritten and leak.` +
        (ctx.platform.configs.DMA_API_DEBUG && dir !== 'to_device'
          ? ' dma-debug also reports "cacheline tracking EEXIST, overlapping mappings aren\'t supported".'
          : ''),
      { outcome: 'SILENT', related: first ? [{ at: first.symbol, message: 'first mapping, still live' }] : [] },
    );
  }
  checkWalkAtMap(ctx, stmt, traits, buffer, stmt.unlocked || holdsLock(ctx, buffer) || mapNeedsLock(ctx, att, buffer));
  const mapped = exporterMap(k, ctx, buffer, att, dir, stmt);
  if (!mapped.ok) {
    if (pinnedOnMap) unpinBuffer(k, ctx, buffer);
    k.failed.set(symbol.id, mapped.error);
    return ctx.call(call, `ERR_PTR(${mapped.error})`, false);
  }
  const sgt: SgtObj = {
    id: symbol.id,
    symbol,
    attachment: att.id,
    buffer: buffer.id,
    dir,
    mappingId: mapped.mappingId,
    cached: caches,
    pageless: mapped.pageless,
    generation: buffer.generation,
    ...(buffer.vfio ? { vfioEpoch: buffer.vfio.epoch } : {}),
    pinnedOnMap,
    live: true,
    created: site(ctx, stmt),
  };
  if (traits.perAttachmentTable) {
    // The heap's table is one object: an earlier name for it now sees the new DMA addresses.
    for (const id of att.liveMaps) {
      const older = k.buf.sgts.get(id);
      if (older) older.mappingId = mapped.mappingId;
    }
  }
  k.buf.sgts.set(sgt.id, sgt);
  if (caches) {
    att.cached = {
      mappingId: mapped.mappingId,
      dir,
      entries: mapped.entries,
      pageless: mapped.pageless,
      generation: buffer.generation,
      atAttach: false,
      at: site(ctx, stmt),
    };
  } else {
    att.liveMaps.push(sgt.id);
  }
  const mapping = mappingById(k.dma, mapped.mappingId);
  const counts = mapping ? (mapping.via === 'phys_vec' ? ` (no CPU entries: orig_nents 0, nents ${mapping.nents})` : ` (${mapping.origNents} ${mapping.origNents === 1 ? 'entry' : 'entries'}, nents ${mapping.nents})`) : '';
  ctx.call(call, `sg_table ${symbol.name}${counts}`);
  ctx.change(sgtChange(k, sgt, `${mapped.pageless ? 'page-less ' : ''}table mapped for ${att.device} ${dirC(dir)}${caches ? ', cached in attach->sgt' : ''}`));
  if (caches) ctx.change(attachmentChange(k, att, `attach->sgt cached with ${dirC(dir)}`));
}

/** attach->sgt is set: the same table for every direction it covers, -EBUSY otherwise (MAP-02). */
function mapCached(k: KernelState, ctx: StepContext, stmt: MapStmt, att: AttachmentObj, buffer: BufferObj, call: string): void {
  const symbol = ctx.sym(stmt.name);
  const cached = att.cached!;
  const dir = stmt.dir.value;
  if (cached.dir !== dir && cached.dir !== 'bidirectional') {
    const why = cached.atAttach
      ? 'the core pre-mapped it at attach (ATT-03)'
      : `the exporter caches its mapping (cache_sgt_mapping, ${exporterOf(ctx.platform, buffer).ops}) and the first map fixed its direction`;
    ctx.report(
      'MAP-02',
      stmt,
      `dma_buf_map_attachment() returns -EBUSY: \`${att.symbol.name}\` already has a mapping with direction ` +
        `${dirC(cached.dir)} because ${why}, and a second direction is refused ("Two mappings with different ` +
        `directions for the same attachment are not allowed", ${ctx.cite('dma_buf_map_attachment.cached-direction')}). Map ` +
        `DMA_BIDIRECTIONAL first, or use one direction.`,
      { outcome: 'RET', related: [{ at: cached.at, message: `first mapped ${dirC(cached.dir)} here` }] },
    );
    k.failed.set(symbol.id, '-EBUSY');
    return ctx.call(call, 'ERR_PTR(-EBUSY)', false);
  }
  const sgt: SgtObj = {
    id: symbol.id,
    symbol,
    attachment: att.id,
    buffer: buffer.id,
    dir,
    mappingId: cached.mappingId,
    cached: true,
    pageless: cached.pageless,
    generation: cached.generation,
    pinnedOnMap: false,
    live: true,
    created: site(ctx, stmt),
  };
  k.buf.sgts.set(sgt.id, sgt);
  ctx.call(call, `sg_table ${symbol.name} (the cached attach->sgt, ${dirC(cached.dir)})`);
  ctx.change(sgtChange(k, sgt, 'returned the cached table; no new mapping, no cache maintenance'));
}

export function execUnmap(k: KernelState, ctx: StepContext, stmt: UnmapStmt): void {
  const fn = stmt.unlocked ? 'dma_buf_unmap_attachment_unlocked' : 'dma_buf_unmap_attachment';
  const call = `${fn}(attach, ${stmt.sgt.name}, dir)`;
  const used = useSgt(k, ctx, stmt.sgt, stmt, `${fn}()`);
  if (!used) return ctx.call(call, 'use-after-free', false);
  const { sgt, att, buffer } = used;
  if (!checkMapLocking(ctx, stmt, fn, stmt.unlocked, att, buffer)) return;
  sgt.live = false;
  sgt.unmapped = site(ctx, stmt);
  if (sgt.cached) {
    ctx.call(`${fn}(${att.symbol.name}, ${stmt.sgt.name}, ${dirC(sgt.dir)})`, 'void (the cached table stays mapped until detach)');
    ctx.change(sgtChange(k, sgt, 'returned to the importer list; the cached mapping is unmapped at detach'));
    return;
  }
  // After MAP-03 two names share one table: the first unmap unmaps it, the second finds it unmapped
  // (a consequence of the reported double map, not a second violation).
  const mapping = mappingById(k.dma, sgt.mappingId);
  // Exporters unmap with the attrs they mapped with (drm_prime, the heaps, amdgpu).
  // The exporter's unmap_dma_buf unmaps with the direction the importer passes (drm_gem_unmap_dma_buf, the heaps).
  if (mapping?.live) dmaUnmap(k.dma, ctx, sgt.mappingId, stmt, mapping.skipCpuSync, stmt.dir?.value ?? sgt.dir);
  att.liveMaps = att.liveMaps.filter((id) => k.buf.sgts.get(id)?.live);
  if (sgt.pinnedOnMap) unpinBuffer(k, ctx, buffer);
  ctx.call(`${fn}(${att.symbol.name}, ${stmt.sgt.name}, ${dirC(stmt.dir?.value ?? sgt.dir)})`, `void${sgt.pinnedOnMap ? ' (unpinned)' : ''}`);
  ctx.change(sgtChange(k, sgt, 'unmapped'));
  vfioUnmapped(k, ctx, buffer, sgt);
}

export function execKmap(k: KernelState, ctx: StepContext, stmt: KmapStmt): void {
  const call = `kmap(sg_page(${stmt.sgt.name}->sgl))`;
  const sym = ctx.sym(stmt.sgt);
  if (!k.buf.sgts.has(sym.id)) {
    // A raw dma_map table of the driver's own pages: its struct pages are the driver's to use.
    if (reportFailedUse(k, ctx, sym, stmt)) return ctx.call(call, 'error pointer', false);
    return ctx.call(call, 'kernel address of the first page');
  }
  const used = useSgt(k, ctx, stmt.sgt, stmt, 'kmap()');
  if (!used) return ctx.call(call, 'use-after-free', false);
  const { sgt, buffer } = used;
  const outcome = reportPageUse(ctx, sgt, buffer, stmt, 'kmap');
  ctx.call(call, outcome === 'BUG' ? 'Oops: NULL/garbage struct page dereference' : 'kernel address (contract violation)', outcome !== 'BUG');
}

/**
 * MAP-06: an importer using the struct pages behind an imported table. `kmap` dereferences them
 * (an oops when they are NULL or scrambled); `iommu_map` computes sg_phys() from them for
 * iommu_map_sgtable() (tegra_bo_import, rockchip's and etnaviv's imports), so scrambled or NULL
 * pages become IOVAs of unrelated physical memory: no oops, DMA to the wrong place.
 */
export function reportPageUse(ctx: StepContext, sgt: SgtObj, buffer: BufferObj, at: Node, use: 'kmap' | 'iommu_map'): 'SILENT' | 'BUG' {
  const debug = ctx.platform.configs.DMABUF_DEBUG;
  const kmap = use === 'kmap';
  const consequence = (page: string): string =>
    kmap
      ? page === 'NULL'
        ? 'so sg_page() is NULL and kmap() dereferences it: a kernel oops'
        : 'so sg_page() returns garbage and kmap() oopses'
      : `so sg_page() is ${page} and iommu_map_sgtable() maps sg_phys() of it (${ctx.cite('sg_page')}): the IOVAs point at unrelated physical memory, and the device's DMA through them reads or corrupts it without any fault`;
  let what: string;
  let bad = true;
  if (sgt.pageless) {
    what =
      `the entries have no struct page (VRAM handed out for peer2peer: sg_set_page(sg, NULL, ...), ` +
      `${ctx.cite('amdgpu_vram_mgr_alloc_sgt', 'amdgpu_vram_mgr.c')}), ${consequence('NULL')} (SGT-03, P2P-02)`;
  } else if (debug && ctx.since('sgt-debug-wrapper')) {
    // 7.0 (51db5336e16d "dma-buf: improve sg_table debugging hack v4", row sgt-debug-wrapper):
    // dma_buf_mangle_sg_table() gives the importer a copy with DMA addresses and lengths only.
    what =
      `with CONFIG_DMABUF_DEBUG the core hands the importer a copy of the table holding only the DMA addresses and ` +
      `lengths, with a NULL page in every entry (since 7.0: dma_buf_mangle_sg_table() in drivers/dma-buf/dma-buf.c), ` +
      consequence('NULL');
  } else if (debug) {
    what =
      `with CONFIG_DMABUF_DEBUG the core XORs every entry's page_link after map "to catch abuse of the underlying ` +
      `struct page by importers" (${ctx.cite('mangle_sg_table')}), ${consequence('garbage')}`;
  } else {
    bad = false;
    what =
      `it happens to work on this kernel (CONFIG_DMABUF_DEBUG is off), but the pages belong to ${exporterOf(ctx.platform, buffer).ttm ? 'an exporter that may move them at any time' : 'the exporter'}, ` +
      `and the same code ${kmap ? 'oopses' : 'maps the wrong memory'} with DMABUF_DEBUG or on a page-less P2P table`;
  }
  const outcome = bad && kmap ? 'BUG' : 'SILENT';
  ctx.report(
    'MAP-06',
    at,
    `Importers must not touch struct page in an imported sg_table, only sg_dma_address()/sg_dma_len() over nents ` +
      `(${ctx.cite('for_each_sgtable_dma_sg')})${kmap ? '' : '; an importer that DMAs through a domain of its own must use the DMA addresses the exporter\'s map gave for the attached device, not map the pages again'}: ${what}.`,
    { outcome },
  );
  return outcome;
}
