// Which live streaming mappings cover given physical memory: the CPU-access checks (DMAAPI-06,
// DMAAPI-09) ask it for a dma-buf's mmap/vmap and for the driver's own memory alike.
import type { PhysRegion } from '../../seam';
import type { DmaMapping, DmaState } from './state';
import { span } from '../../regions';
import { runCount } from './sgrun';

/** Live streaming mappings whose pages overlap `regions` (for DMAAPI-06 CPU-access checks). */
export function liveMappingsOverlapping(dma: DmaState, regions: readonly PhysRegion[]): readonly DmaMapping[] {
  // Runs are compared by their spans: the holes inside a run belong to no buffer, so two runs'
  // spans overlap only where their pages do (seam.ts PhysRegion).
  const spans = regions.map(span);
  return [...dma.mappings.values()].filter(
    (m) =>
      m.live &&
      m.entries.some((e) => {
        if (e.phys === null) return false;
        const s = span({ space: 'ram', addr: e.phys, size: e.length, count: runCount(e), stride: e.stride ?? 0 });
        return spans.some((r) => r.start < s.end && s.start < r.end);
      }),
  );
}
