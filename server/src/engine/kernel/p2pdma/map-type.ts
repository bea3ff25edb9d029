// How a streaming map treats P2PDMA pages (drivers/pci/p2pdma.c pci_p2pdma_map_type(), called
// from dma-direct and dma-iommu): each BAR entry's map type for the importing device, and the
// P2P-05 information finding with the warnings the kernel prints.
import type { Node } from '../../../language/ast';
import type { ResolvedPlatform } from '../../../language/bound';
import type { SgRun } from '../dma-mapping/sgrun';
import type { StepContext } from '../../seam';
import { physKind } from '../dma-mapping/memory';
import { p2pDistance, type P2pDistance } from './topology';
import type { DmaState } from '../dma-mapping/state';

/** P2PDMA classification of each entry: undefined for RAM, the map type for BAR memory. */
export function classifyP2p(dma: DmaState, platform: ResolvedPlatform, device: string, entries: readonly SgRun[]): (P2pDistance & { provider: string })[] | undefined[] {
  return entries.map((e) => {
    if (e.phys === null) return undefined;
    const kind = physKind(dma, e.phys);
    if (kind.space !== 'bar') return undefined;
    return { ...p2pDistance(platform, kind.device, device), provider: kind.device };
  }) as (P2pDistance & { provider: string })[];
}

/** P2P-05 (information): the map type pci_p2pdma_map_type() chose, with the warnings it prints. */
export function reportMapType(ctx: StepContext, device: string, d: P2pDistance & { provider: string }, at: Node): void {
  const acs = /ACS redirect is set/.test(d.reason);
  const warnings = acs
    ? ` The kernel warns "ACS redirect is set between the client and provider" and "to disable ACS redirect for this path, add the kernel parameter: pci=disable_acs_redir=..." (${ctx.cite('calc_map_type_and_dist.acs-warning')}).`
    : '';
  const what =
    d.type === 'BUS_ADDR'
      ? 'the device is programmed with PCI bus addresses (SG_DMA_BUS_ADDRESS), with no IOMMU mapping'
      : 'the traffic passes through it, mapped like ordinary memory (an IOVA or the physical address)';
  ctx.report(
    'P2P-05',
    at,
    `pci_p2pdma_distance(${d.provider}, ${device}) = ${d.distance}, map type ${d.type}: ${d.reason}, so ${what} ` +
      `(${ctx.cite('calc_map_type_and_dist')}).${warnings}`,
    { severity: 'information', outcome: acs ? 'WARN' : 'INFO' },
  );
}
