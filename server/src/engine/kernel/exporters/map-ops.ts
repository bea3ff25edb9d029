// The exporter's map_dma_buf / unmap_dma_buf: which table it builds and how it DMA-maps it.
//  - heaps: the attachment's own table, dma_map_sgtable(dev, table, dir, 0): cache maintenance
//    (drivers/dma-buf/heaps/system_heap.c:129-152, cma_heap.c:97-119);
//  - gem: drm_gem_map_dma_buf: a table of the shmem pages, DMA_ATTR_SKIP_CPU_SYNC (drm_prime.c:637-638);
//  - ttm: amdgpu_dma_buf_map: VRAM for a peer2peer importer through dma_map_resource (page-less
//    entries, amdgpu_vram_mgr.c:631-690), otherwise system pages with SKIP_CPU_SYNC, migrating an
//    unpinned VRAM buffer to system memory first, -EBUSY when it is pinned elsewhere
//    (amdgpu_dma_buf.c:173-202).
import type { Dir, Node } from '../../../language/ast';
import type { SgRun } from '../dma-mapping/sgrun';
import type { StepContext } from '../../seam';
import { dmaMap, dmaMapResource, pagelessTable } from '../dma-mapping/api';
import type { DmaMapResult } from '../dma-mapping/api';
import { inBar, pageTable, tableMaxSegment, TRAITS } from './traits';
import type { AttachmentObj, BufferObj, KernelState } from '../state';
import { migrate, placementName } from './ttm';

export type ExporterMapResult =
  | { readonly ok: true; readonly mappingId: number; readonly entries: readonly SgRun[]; readonly pageless: boolean }
  | { readonly ok: false; readonly error: string };

function done(r: DmaMapResult, entries: readonly SgRun[], pageless: boolean): ExporterMapResult {
  if (!r.ok) return { ok: false, error: r.error };
  return { ok: true, mappingId: r.mapping.id, entries, pageless };
}

export function exporterMap(k: KernelState, ctx: StepContext, buffer: BufferObj, att: AttachmentObj, dir: Dir, at: Node): ExporterMapResult {
  const origin = { at, bufferId: buffer.id };
  const traits = TRAITS[buffer.exporter];
  if (traits.perAttachmentTable) {
    const entries = att.table ?? pageTable(ctx.platform, buffer);
    return done(dmaMap(k.dma, ctx, att.device, entries, dir, { skipCpuSync: false }, origin), entries, false);
  }
  if (buffer.exporter === 'ttm' && inBar(buffer)) {
    if (att.peer2peer) {
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
          `(drivers/gpu/drm/amd/amdgpu/amdgpu_dma_buf.c:173-191).`,
        { outcome: 'RET' },
      );
      return { ok: false, error: moved.error };
    }
    ctx.cache({ kind: 'copy', from: moved.from, to: moved.to });
    ctx.report(
      'P2P-04',
      at,
      `The exporter migrated \`${buffer.symbol.name}\` from ${placementName(from)} to system memory for ${att.device}, ` +
        `which cannot take VRAM (attach->peer2peer is false): amdgpu_dma_buf_map() validates the BO into GTT ` +
        `(drivers/gpu/drm/amd/amdgpu/amdgpu_dma_buf.c:173-186).`,
      { severity: 'information', outcome: 'INFO' },
    );
  }
  const entries = pageTable(ctx.platform, buffer);
  return done(dmaMap(k.dma, ctx, att.device, entries, dir, { skipCpuSync: traits.skipCpuSync }, origin), entries, false);
}
