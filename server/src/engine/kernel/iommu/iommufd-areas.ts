// iommufd's side of a revoke (drivers/iommu/iommufd/pages.c iopt_revoke_notify(), 6.19+, row
// iommufd-dmabuf): the importer callback iommufd registered when it attached to the dma-buf unmaps
// every area of that buffer from every domain it was mapped into and empties it; un-revoking calls
// it again and it returns early, so nothing is filled back (IOMMUFD-02). Its own module so that the
// exporter that revokes (exporters/vfio.ts) and the ioctls (iommufd.ts) share it without importing
// each other.
import type { Node } from '../../../language/ast';
import type { StepContext } from '../../seam';
import type { DmaState } from '../dma-mapping/state';
import { unmapRange } from './pagetable';
import { domainState } from '../dma-mapping/snapshot';
import { hex, size as sizeText } from '../dma-mapping/text';

/** iopt_revoke_notify() for every live, filled area of the buffer; what it did, for the trace. */
export function revokeIoasAreas(dma: DmaState, ctx: StepContext, bufferId: number, at: Node): string[] {
  const out: string[] = [];
  for (const area of dma.ioasAreas) {
    if (!area.live || area.bufferId !== bufferId || area.revoked) continue;
    area.revoked = at.span;
    const domain = dma.domains.get(area.domain);
    if (!domain) continue;
    unmapRange(domain, area.iova, area.size);
    out.push(`iopt_revoke_notify(): ${sizeText(area.size)} at ${hex(area.iova)} unmapped from ioas ${area.ioas}`);
    ctx.change({ object: domain.label, kind: 'domain', summary: `iopt_revoke_notify(): [${hex(area.iova)}, +${sizeText(area.size)}) unmapped; it stays empty`, state: domainState(domain) });
  }
  return out;
}
