// The exporter's map_dma_buf / unmap_dma_buf: which table it builds and how it DMA-maps it.
//  - heaps: the attachment's own table, dma_map_sgtable(dev, table, dir, 0): cache maintenance
//    (drivers/dma-buf/heaps/system_heap.c:129-152, cma_heap.c:97-119);
//  - gem: drm_gem_map_dma_buf: a table of the shmem pages, DMA_ATTR_SKIP_CPU_SYNC (drm_prime.c:637-638);
//  - ttm: amdgpu_dma_buf_map: VRAM for a peer2peer importer through dma_map_resource (page-less
//    entries, amdgpu_vram_mgr.c:631-690), otherwise system pages with SKIP_CPU_SYNC, migrating an
//    unpinned VRAM buffer to system memory first, -EBUSY when it is pinned elsewhere
//    (amdgpu_dma_buf.c:173-202); from 6.15 (row ttm-amdgpu-pin-domain) a BO pinned in VRAM is
//    mapped from VRAM for every importer.
import type { Dir, Node } from '../../../language/ast';
import type { SgRun } from '../dma-mapping/sgrun';
import type { StepContext } from '../../seam';
import { dmaMap, dmaMapResource, pagelessTable } from '../dma-mapping/api';
import type { DmaMapResult } from '../dma-mapping/api';
import { describedAt, exporterOf, inBar, pageTable, tableMaxSegment, type ExporterDescription } from './descriptions';
import { p2pDistance } from '../p2pdma/topology';
import type { AttachmentObj, BufferObj, KernelState } from '../state';
import { migrate, pinHolders, placementName } from './ttm';
import { pipelinedCopy, queueOrCopy } from './pin-ops';
import { vfioMap } from './vfio';

export type ExporterMapResult =
  | { readonly ok: true; readonly mappingId: number; readonly entries: readonly SgRun[]; readonly pageless: boolean }
  | { readonly ok: false; readonly error: string };

function done(r: DmaMapResult, entries: readonly SgRun[], pageless: boolean): ExporterMapResult {
  if (!r.ok) return { ok: false, error: r.error };
  return { ok: true, mappingId: r.mapping.id, entries, pageless };
}

export function exporterMap(k: KernelState, ctx: StepContext, buffer: BufferObj, att: AttachmentObj, dir: Dir, at: Node): ExporterMapResult {
  const traits = exporterOf(ctx.platform, buffer);
  const r = mapByDescription(k, ctx, traits, buffer, att, dir, at);
  if (r.ok && traits.entryOffset % ctx.platform.pageSize !== 0) reportUnalignedTable(ctx, traits, att, at);
  return r;
}

function mapByDescription(k: KernelState, ctx: StepContext, traits: ExporterDescription, buffer: BufferObj, att: AttachmentObj, dir: Dir, at: Node): ExporterMapResult {
  const origin = { at, bufferId: buffer.id };
  if (traits.vfio) return vfioMap(k, ctx, buffer, att, dir, at);
  if (traits.described && inBar(buffer) && traits.barEntries !== 'pages') return mapBarPageless(k, ctx, traits, buffer, att, dir, at);
  if (traits.perAttachmentTable) {
    const entries = att.table ?? pageTable(ctx.platform, buffer);
    return done(dmaMap(k.dma, ctx, att.device, entries, dir, { skipCpuSync: false }, origin), entries, false);
  }
  if (traits.ttm && inBar(buffer)) {
    const pinnedInVram = buffer.pins > 0 && ctx.since('ttm-amdgpu-pin-domain');
    if (att.peer2peer || pinnedInVram) {
      if (!att.peer2peer) {
        // f5e7fabd1f5c (6.15) dropped amdgpu_dma_buf_map()'s -EBUSY for a BO pinned outside GTT when it
        // let amdgpu_dma_buf_pin() keep a BO in VRAM: the TTM_PL_VRAM case now serves every importer.
        ctx.report(
          'P2P-04',
          at,
          `amdgpu_dma_buf_map() hands ${att.device} a VRAM table although attach->peer2peer is false: \`${buffer.symbol.name}\` ` +
            `is pinned in ${placementName(buffer.placement)} by ${pinHolders(k, buffer).join(', ') || 'a pin'}, and since 6.15 ` +
            `(f5e7fabd1f5c "drm/amdgpu: allow pinning DMA-bufs into VRAM if all importers can do P2P") the map no longer ` +
            `returns -EBUSY for a BO pinned outside GTT; amdgpu_vram_mgr_alloc_sgt() maps the BAR with dma_map_resource(). ` +
            `The importer gets page-less entries it did not ask for (sg_page() is NULL: MAP-06 if it touches them), and its ` +
            `device must reach the BAR peer-to-peer. Attach every importer before the pin, or pin only when all are peer2peer.`,
          { severity: 'error', outcome: 'SILENT' },
        );
      }
      const entries = pagelessTable(ctx.platform, buffer.chunks, tableMaxSegment(ctx.platform));
      return done(dmaMapResource(k.dma, ctx, att.device, entries, dir, origin), entries, true);
    }
    const from = buffer.placement;
    const moved = migrate(k, ctx, buffer, 'system', at, `map for ${att.device}, which cannot take VRAM (no peer2peer)`);
    if (!moved.ok) {
      ctx.report(
        'P2P-04',
        at,
        `amdgpu_dma_buf_map() returns ${moved.error}: ${att.device} cannot reach VRAM (attach->peer2peer is false), ` +
          `so the exporter must move \`${buffer.symbol.name}\` to system memory, but ${moved.why} ` +
          `(${ctx.cite('amdgpu_dma_buf_map.placement')}).`,
        { outcome: 'RET' },
      );
      return { ok: false, error: moved.error };
    }
    queueOrCopy(ctx, buffer, moved.from, moved.to, att.dynamic);
    ctx.report(
      'P2P-04',
      at,
      `The exporter migrated \`${buffer.symbol.name}\` from ${placementName(from)} to system memory for ${att.device}, ` +
        `which cannot take VRAM (attach->peer2peer is false): amdgpu_dma_buf_map() validates the BO into GTT ` +
        `(${ctx.cite('amdgpu_dma_buf_map.validate')}).${att.dynamic ? ` ${pipelinedCopy(ctx)}` : ''}`,
      { severity: 'information', outcome: 'INFO' },
    );
  }
  const entries = pageTable(ctx.platform, buffer);
  return done(dmaMap(k.dma, ctx, att.device, entries, dir, { skipCpuSync: traits.skipCpuSync }, origin), entries, false);
}

/**
 * A driver's exporter handing out a BAR buffer as page-less entries (sg_set_page(sg, NULL, …) and
 * dma_map_resource(attach->dev, …), as amdgpu_vram_mgr_alloc_sgt() and habanalabs do). Only a
 * peer2peer importer may get them (P2P-02); dma_map_resource() itself checks nothing about P2P
 * reachability, which the exporter's attach must have done (P2P-09).
 */
function mapBarPageless(k: KernelState, ctx: StepContext, traits: ExporterDescription, buffer: BufferObj, att: AttachmentObj, dir: Dir, at: Node): ExporterMapResult {
  const { related } = describedAt(traits);
  if (!att.peer2peer && traits.barEntries === 'pageless') {
    ctx.report(
      'P2P-02',
      at,
      `${traits.ops}.map_dma_buf refuses ${att.device} with -EPERM: \`${buffer.symbol.name}\` is in BAR ${buffer.placement}, which has no ` +
        `struct pages, and attach->peer2peer is false, so the exporter may not hand it page-less entries: only an importer that sets allow_peer2peer "must be able to handle peer resources without struct pages" (${ctx.cite('struct dma_buf_attach_ops.allow_peer2peer')}); ` +
        `habanalabs refuses the same way ("Failed to map dmabuf because p2p is disabled"). A static importer never gets peer2peer (P2P-01).`,
      { severity: 'information', outcome: 'RET', related },
    );
    return { ok: false, error: '-EPERM' };
  }
  if (!att.peer2peer) {
    ctx.report(
      'P2P-02',
      at,
      `${traits.ops}.map_dma_buf hands ${att.device} page-less entries (sg_page() is NULL, DMA addresses from dma_map_resource() of BAR ` +
        `${buffer.placement}) although attach->peer2peer is false: only an importer that sets allow_peer2peer "must be able to handle peer ` +
        `resources without struct pages" (${ctx.cite('struct dma_buf_attach_ops.allow_peer2peer')}). The kernel checks nothing: the importer ` +
        `oopses if it touches sg_page() (MAP-06), and its device must reach the BAR peer-to-peer. Refuse with -EPERM, or migrate to system memory.`,
      { outcome: 'SILENT', related },
    );
  } else if (buffer.device) {
    const d = p2pDistance(ctx.platform, buffer.device, att.device);
    if (d.type === 'NOT_SUPPORTED') {
      ctx.report(
        'P2P-09',
        at,
        `dma_map_resource(${att.device}, BAR ${buffer.placement} of ${buffer.device}) maps the BAR although ${att.device} cannot reach it ` +
          `peer-to-peer (${d.reason}): dma_map_resource() does no reachability check (${ctx.cite('dma_map_resource')}), and ` +
          `${traits.ops}.attach kept attach->peer2peer (\`peer2peer trust\`). The device's reads and writes of that address are routed ` +
          `up to a bridge that does not forward them: PCIe Unsupported Requests / AER errors, reads of all-ones. Check ` +
          `pci_p2pdma_distance() in attach and drop peer2peer (\`peer2peer check_distance\`).`,
        { outcome: 'HWFAULT', related },
      );
    }
  }
  const entries = pagelessTable(ctx.platform, buffer.chunks, tableMaxSegment(ctx.platform));
  return done(dmaMapResource(k.dma, ctx, att.device, entries, dir, { at, bufferId: buffer.id }), entries, true);
}

/** MAP-07: dma_buf_map_attachment() only pr_debug()s an unaligned table, under CONFIG_DMA_API_DEBUG. */
function reportUnalignedTable(ctx: StepContext, traits: ExporterDescription, att: AttachmentObj, at: Node): void {
  const debug = ctx.platform.configs.DMA_API_DEBUG;
  ctx.report(
    'MAP-07',
    at,
    `${traits.ops}.map_dma_buf returns a table whose first entry starts ${traits.entryOffset} bytes into its page: dma-buf requires ` +
      `"addresses and lengths in the scatter list are PAGE_SIZE aligned" (${ctx.cite('struct dma_buf_ops.map_dma_buf-aligned')}), and importers ` +
      `that program page-granular device MMUs from sg_dma_address() map the wrong bytes for ${att.device}. The core only ` +
      (debug
        ? `pr_debug()s "addr … or len … is not page aligned!" (CONFIG_DMA_API_DEBUG, ${ctx.cite('dma_buf_map_attachment.debug-align')}), invisible unless dynamic debug is on.`
        : `reports it with pr_debug() under CONFIG_DMA_API_DEBUG, which is off here (${ctx.cite('dma_buf_map_attachment.debug-align')}).`),
    { outcome: 'SILENT', ...describedAt(traits) },
  );
}
