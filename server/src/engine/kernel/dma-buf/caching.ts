// What the dma-buf core caches and pins per attachment, per kernel profile. Three rows decide it:
//  - `sgt-cache-dropped` (6.16, b72f66f22c0e "dma-buf: drop caching of sg_tables"): up to 6.15 an
//    exporter with ops->cache_sgt_mapping (GEM PRIME, drm_prime.c drm_gem_prime_dmabuf_ops) gets its
//    first table kept in attach->sgt by dma_buf_map_attachment(), later maps return it (-EBUSY for
//    another direction), unmap is a no-op and dma_buf_detach() does the real unmap
//    (linux-source-6.12 drivers/dma-buf/dma-buf.c: dma_buf_map_attachment(), dma_buf_detach()).
//    From 6.16 the field is gone: every map and unmap reaches the exporter, detach unmaps nothing.
//  - `attach-premap-dropped` (6.16, de68b17d5d07 "dma-buf: dma-buf: stop mapping sg_tables on
//    attach v2"): up to 6.15 dma_buf_dynamic_attach() pins (dynamic exporter) and maps a mixed
//    static/dynamic pair once, DMA_BIDIRECTIONAL, at attach (ATT-03). From 6.16 attach does neither;
//    dma_buf_map_attachment() pins when dma_buf_pin_on_map() says so and unmap unpins.
//  - `move-notify-always` (7.1, 609fc8766d68): CONFIG_DMABUF_MOVE_NOTIFY is gone (always on), so
//    dma_buf_pin_on_map() is `ops->pin && !dma_buf_attachment_is_dynamic(attach)`.
// The engine asks the rows (ctx.since), never the version.
import type { StepContext } from '../../seam';
import { exporterOf } from '../exporters/descriptions';
import type { AttachmentObj, BufferObj } from '../state';

/** ops->cache_sgt_mapping as the profile has it: GEM up to 6.15, nobody from 6.16. */
export function cachesSgt(ctx: StepContext, buffer: BufferObj): boolean {
  return exporterOf(ctx.platform, buffer).cacheSgt && !ctx.since('sgt-cache-dropped');
}

/** The core pins (dynamic exporter) and maps a mixed static/dynamic pair at attach (ATT-03): up to 6.15. */
export function premapsAtAttach(ctx: StepContext, dynamicImporter: boolean, buffer: BufferObj): boolean {
  return dynamicImporter !== exporterOf(ctx.platform, buffer).dynamic && !ctx.since('attach-premap-dropped');
}

/** Why the core pins at map, or undefined when it does not. */
export type PinOnMap = 'move-notify-off' | 'static-importer';

/**
 * Whether dma_buf_map_attachment() calls ops->pin before mapping (and unmap ops->unpin), for an
 * attachment that reaches the exporter (not a cached table).
 *  - up to 6.15: `dma_buf_is_dynamic(dmabuf) && !IS_ENABLED(CONFIG_DMABUF_MOVE_NOTIFY)` (6.1/6.12
 *    dma_buf_map_attachment()); a static importer of a dynamic exporter never gets here, its table
 *    was pre-mapped at attach;
 *  - 6.16 to 7.0: dma_buf_pin_on_map() = `ops->pin && (!attach->importer_ops ||
 *    !IS_ENABLED(CONFIG_DMABUF_MOVE_NOTIFY))`;
 *  - from 7.1: `ops->pin && !dma_buf_attachment_is_dynamic(attach)`.
 */
export function pinOnMap(ctx: StepContext, att: AttachmentObj, buffer: BufferObj): PinOnMap | undefined {
  if (!exporterOf(ctx.platform, buffer).dynamic) return undefined;
  if (!ctx.since('attach-premap-dropped')) return ctx.platform.configs.DMABUF_MOVE_NOTIFY ? undefined : 'move-notify-off';
  if (!att.dynamic) return 'static-importer';
  if (ctx.since('move-notify-always')) return undefined;
  return ctx.platform.configs.DMABUF_MOVE_NOTIFY ? undefined : 'move-notify-off';
}

/**
 * The names of the invalidation callback and of the exporter's call, per profile: 7.1 renamed
 * dma_buf_attach_ops.move_notify to invalidate_mappings (ef246da8e63c) and dma_buf_move_notify() to
 * dma_buf_invalidate_mappings() (95308225e5ba), row invalidate-rename. Same semantics.
 */
export function invalidateNames(ctx: StepContext): { readonly call: string; readonly callback: string } {
  return ctx.since('invalidate-rename')
    ? { call: 'dma_buf_invalidate_mappings', callback: 'invalidate_mappings' }
    : { call: 'dma_buf_move_notify', callback: 'move_notify' };
}
