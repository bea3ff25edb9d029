// The ttm exporter's placement: migrating a buffer between VRAM (a BAR of the exporting device)
// and system pages, as amdgpu does from pin (into GTT, amdgpu_dma_buf.c:126-133), map for a
// non-P2P importer (173-186), begin_cpu_access for reads (259-287) and its own evictions (`move`).
// A migration notifies dynamic importers (dma_buf_move_notify, drivers/dma-buf/dma-buf.c:1220-1229):
// their existing mappings keep pointing at the old place (MOVE-01).
import type { Node } from '../../../language/ast';
import type { StepContext, PhysRegion } from '../../seam';
import { allocBar, allocRam, chunkRegions } from '../dma-mapping/api';
import type { Chunk } from '../dma-mapping/api';
import { attachmentChange, bufferChange } from '../dma-buf/snapshot';
import type { BufferObj, KernelState } from '../state';
import { site } from '../dma-buf/use';
import { invalidateNames } from '../dma-buf/caching';

export type MigrateResult =
  | { readonly ok: true; readonly from: readonly PhysRegion[]; readonly to: readonly PhysRegion[] }
  | { readonly ok: false; readonly error: '-EBUSY' | '-ENOMEM'; readonly why: string };

function placementName(p: string): string {
  return p === 'system' ? 'system memory (GTT)' : `VRAM (BAR ${p})`;
}

/** Who holds the pins that keep the buffer in place, for messages. */
export function pinHolders(k: KernelState, buffer: BufferObj): string[] {
  const holders: string[] = [];
  for (const id of buffer.attachments) {
    const att = k.buf.attachments.get(id);
    if (!att) continue;
    if (att.corePinned) holders.push(`the core's pin for static importer \`${att.symbol.name}\` (ATT-03)`);
    if (att.importerPins.length > 0) holders.push(`dma_buf_pin() on \`${att.symbol.name}\``);
    for (const sid of att.liveMaps) {
      const sgt = k.buf.sgts.get(sid);
      if (sgt?.pinnedOnMap) holders.push(`the mapping \`${sgt.symbol.name}\` (MAP-04)`);
    }
  }
  return holders;
}

/**
 * Moves the buffer to `to` (`system` or a BAR name of its device). Fails with -EBUSY when pinned
 * (ttm cannot move a pinned BO) and -ENOMEM when the target is full; changes nothing then.
 */
export function migrate(k: KernelState, ctx: StepContext, buffer: BufferObj, to: string, at: Node, why: string): MigrateResult {
  if (buffer.placement === to) return { ok: true, from: [], to: [] };
  if (buffer.pins > 0) {
    return { ok: false, error: '-EBUSY', why: `it is pinned in ${placementName(buffer.placement)} by ${pinHolders(k, buffer).join(', ') || 'a pin'}` };
  }
  let chunks: Chunk[];
  if (to === 'system') {
    const r = allocRam(k.dma, ctx.platform, buffer.size, 'pages');
    if ('error' in r) return { ok: false, error: '-ENOMEM', why: 'system memory is exhausted' };
    chunks = [...r];
  } else {
    const r = allocBar(k.dma, ctx.platform, buffer.device ?? '', to, buffer.size);
    if ('error' in r) return { ok: false, error: '-ENOMEM', why: `BAR ${to} is full` };
    chunks = [r];
  }
  const from = chunkRegions(buffer.chunks);
  const toRegions = chunkRegions(chunks);
  const previous = buffer.placement;
  // The old backing store is not freed: mappings made before the move still point at it, and a
  // pipelined copy still reads it (ttm keeps a ghost object until the move fence signals).
  buffer.placement = to;
  buffer.chunks = chunks;
  buffer.generation += 1;
  buffer.lastMove = site(ctx, at);
  ctx.change(bufferChange(k, buffer, `migrated ${placementName(previous)} → ${placementName(to)} (${why})`));
  notifyMove(k, ctx, buffer);
  return { ok: true, from, to: toRegions };
}

/** dma_buf_move_notify() (dma_buf_invalidate_mappings() from 7.1): every dynamic importer is told its mappings are stale. */
function notifyMove(k: KernelState, ctx: StepContext, buffer: BufferObj): void {
  for (const id of buffer.attachments) {
    const att = k.buf.attachments.get(id);
    if (!att || !att.live || !att.dynamic || att.unnotified) continue;
    const { callback } = invalidateNames(ctx);
    ctx.change(attachmentChange(k, att, `${callback}(): existing mappings point at the old location; unmap and map again`));
  }
}

export { placementName };
