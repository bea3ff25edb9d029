// DMAAPI-01: DMA_NONE at a streaming map, unmap or sync entry point.
import type { Node } from '../../../language/ast';
import type { StepContext } from '../../seam';
import type { SiteId } from '../citations';

/**
 * DMAAPI-01: DMA_NONE, which every streaming map, unmap and sync entry point refuses with
 * BUG_ON(!valid_dma_direction(dir)). The oops kills the calling task: nothing after this line
 * happens on a real kernel; the engine goes on (the call made nothing) to check the rest.
 */
export function dmaNone(ctx: StepContext, at: Node, fn: string, site: SiteId): void {
  ctx.report(
    'DMAAPI-01',
    at,
    `${fn} with DMA_NONE: BUG_ON(!valid_dma_direction(dir)) (${ctx.cite(site)}; ${ctx.cite('valid_dma_direction')}) oopses the kernel in the calling task. ` +
      `DMA_NONE is only for debugging (${ctx.cite('dma-api-howto.rst:direction')}); pass DMA_TO_DEVICE, DMA_FROM_DEVICE or DMA_BIDIRECTIONAL. The engine goes on past this line; the kernel does not.`,
    { outcome: 'BUG' },
  );
}
