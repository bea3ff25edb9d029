// dma_map_resource() (kernel/dma/mapping.c) for MMIO: dma_direct_map_resource()
// (kernel/dma/direct.c:517-531) or iommu_dma_map_resource() (drivers/iommu/dma-iommu.c), never
// bounced, with no check that the device can reach the resource.
import type { Dir } from '../../../language/ast';
import { entryCount, expandEntries, RunBuilder, type SgRun } from './sgrun';
import type { StepContext } from '../../seam';
import { capable, maskHex, maskLimit } from './device-limits';
import { dmaApiDomain, iommuOf } from '../iommu/dma-iommu';
import { alignUp } from './init';
import { dmaDevice, reportDmaAfterFailedMask } from './mask';
import { commit } from './mapping';
import { physKind } from './memory';
import { allocIova, protOf } from '../iommu/pagetable';
import type { DmaMapResult, MapOrigin, Plan } from './plan';
import { hex, hex16 } from './text';
import { p2pDistance } from '../p2pdma/topology';
import type { DmaState, IommuPte } from './state';

/** Which MMIO mapping call runs: its name, where dma-direct's side is, who decides reachability, and whether a BUS_ADDR pair gets the bus address. */
export interface MmioCall {
  readonly fn: 'dma_map_resource' | 'dma_map_phys';
  readonly site: (ctx: StepContext) => string;
  readonly decides: string;
  readonly busAddress: boolean;
}

const RESOURCE: MmioCall = {
  fn: 'dma_map_resource',
  site: (ctx) => ctx.cite('dma_direct_map_resource'),
  decides: 'the exporter must drop peer2peer at attach (P2P-03)',
  busAddress: true,
};

/**
 * dma_map_phys(…, DMA_ATTR_MMIO) (6.18+): dma_direct_map_phys() returns the physical address after
 * dma_capable(…, is_ram false), iommu_dma_map_phys() an IOVA with IOMMU_MMIO; it knows nothing of
 * P2PDMA bus addresses (the caller asks pci_p2pdma_map_type() and uses pci_p2pdma_bus_addr_map()).
 */
export const MAP_PHYS_MMIO: MmioCall = {
  fn: 'dma_map_phys',
  site: () => 'kernel/dma/mapping.c, dma_map_phys(); kernel/dma/direct.h, dma_direct_map_phys()',
  decides: 'the driver must ask pci_p2pdma_map_type() first',
  busAddress: false,
};

/**
 * dma_map_resource() for each page-less BAR entry (a ttm exporter's VRAM table). Per
 * language.md, a pair whose map type is BUS_ADDR gets the PCI bus address (no IOMMU mapping);
 * otherwise dma-direct returns the physical address after a mask check, dma-iommu a fresh IOVA
 * per entry (IOMMU_MMIO). No reachability check is made here (P2P-09): the exporter must have
 * decided it; an unreachable pair is reported.
 */
export function dmaMapResource(dma: DmaState, ctx: StepContext, device: string, entries: readonly SgRun[], dir: Dir, origin: MapOrigin, call: MmioCall = RESOURCE): DmaMapResult {
  const platform = ctx.platform;
  const dev = dmaDevice(dma, platform, device);
  if (!dev || entries.length === 0) return { ok: false, error: '-EINVAL' };
  reportDmaAfterFailedMask(dma, ctx, device, origin);
  const domain = dmaApiDomain(dma, platform, device);
  const out = new RunBuilder();
  const ptes: IommuPte[] = [];
  const granule = domain ? iommuOf(platform, domain).granule : platform.pageSize;
  let reportedUnreachable = false;
  // BAR tables are a few entries of up to 4 GiB each (tableMaxSegment): taken one by one.
  for (const e of expandEntries(entries)) {
    const phys = e.phys as number;
    const kind = physKind(dma, phys);
    const d = kind.space === 'bar' ? p2pDistance(platform, kind.device, device) : undefined;
    if (d?.type === 'NOT_SUPPORTED' && !reportedUnreachable) {
      reportedUnreachable = true;
      ctx.report(
        'P2P-09',
        origin.at,
        `${call.fn}() maps ${kind.space === 'bar' ? kind.owner : 'the BAR'} for ${device} although the pair cannot do P2P ` +
          `(${d.reason}). ${call.fn}() performs no reachability check (${call.site(ctx)}): ${call.decides}. ` +
          `The device's transactions will not reach the BAR.`,
        { outcome: 'SILENT' },
      );
    }
    if (d?.type === 'BUS_ADDR' && call.busAddress) {
      out.push({ ...e, dmaAddress: phys, dmaLength: e.length, busAddress: true });
      continue;
    }
    if (!domain) {
      if (!capable(dev, phys, e.length)) {
        ctx.report(
          'DMAAPI-13',
          origin.at,
          `${call.fn}(): ${hex(phys)} is beyond ${device}'s ${dev.dmaMask}-bit mask; dma-direct prints ${call.fn === 'dma_map_resource' ? 'dev_err_once' : 'dev_WARN_ONCE'} ` +
            `"DMA addr ${hex16(phys)}+${e.length} overflow (mask ${maskHex(dev)}, bus limit 0)."${call.fn === 'dma_map_resource' ? ' with WARN_ON_ONCE' : ''} and returns ` +
            `DMA_MAPPING_ERROR (${call.site(ctx)}). MMIO is never bounced.`,
          { outcome: 'WARN' },
        );
        return { ok: false, error: '-EIO' };
      }
      out.push({ ...e, dmaAddress: phys, dmaLength: e.length });
      continue;
    }
    const { iovaBits } = iommuOf(platform, domain);
    const off = phys % granule;
    const ilen = alignUp(off + e.length, granule);
    const pending = { ...domain, ptes: [...domain.ptes, ...ptes] };
    const iova = allocIova(pending, ilen, Math.min(maskLimit(dev), 2 ** iovaBits), granule);
    if (iova === undefined) return { ok: false, error: '-ENOMEM' };
    ptes.push({ iova, phys: phys - off, size: ilen, prot: protOf(dir) });
    out.push({ ...e, dmaAddress: iova + off, dmaLength: e.length });
  }
  const plan: Plan = { entries: out.runs, nents: entryCount(out.runs), domain, ptes, slots: [], how: resourceHow(call.fn, domain?.label, ptes.length, entryCount(out.runs)) };
  return { ok: true, mapping: commit(dma, ctx, device, dir, true, plan, entryCount(out.runs), call.fn === 'dma_map_phys' ? 'phys' : 'resource', origin) };
}

/** How the entries were mapped, as the trace says it: IOVAs only where the IOMMU mapped something. */
function resourceHow(fn: string, domain: string | undefined, mapped: number, entries: number): string {
  if (!domain) return `${fn} (bus/physical addresses)`;
  if (mapped === 0) return `${fn}: PCI bus addresses (BUS_ADDR), no IOMMU mapping`;
  const bus = entries - mapped;
  return `${fn}, IOVAs in ${domain}${bus > 0 ? `, ${bus} bus-address ${bus === 1 ? 'entry' : 'entries'}` : ''}`;
}
