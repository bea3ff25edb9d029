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

/**
 * dma_map_resource() for each page-less BAR entry (a ttm exporter's VRAM table). Per
 * language.md, a pair whose map type is BUS_ADDR gets the PCI bus address (no IOMMU mapping);
 * otherwise dma-direct returns the physical address after a mask check, dma-iommu a fresh IOVA
 * per entry (IOMMU_MMIO). No reachability check is made here (P2P-09): the exporter must have
 * decided it; an unreachable pair is reported.
 */
export function dmaMapResource(dma: DmaState, ctx: StepContext, device: string, entries: readonly SgRun[], dir: Dir, origin: MapOrigin): DmaMapResult {
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
        `dma_map_resource() maps ${kind.space === 'bar' ? kind.owner : 'the BAR'} for ${device} although the pair cannot do P2P ` +
          `(${d.reason}). dma_map_resource() performs no reachability check (${ctx.cite('dma_direct_map_resource')}): the exporter ` +
          `must drop peer2peer at attach (P2P-03). The device's transactions will not reach the BAR.`,
        { outcome: 'SILENT' },
      );
    }
    if (d?.type === 'BUS_ADDR') {
      out.push({ ...e, dmaAddress: phys, dmaLength: e.length, busAddress: true });
      continue;
    }
    if (!domain) {
      if (!capable(dev, phys, e.length)) {
        ctx.report(
          'DMAAPI-13',
          origin.at,
          `dma_map_resource(): ${hex(phys)} is beyond ${device}'s ${dev.dmaMask}-bit mask; dma-direct prints dev_err_once ` +
            `"DMA addr ${hex16(phys)}+${e.length} overflow (mask ${maskHex(dev)}, bus limit 0)." with WARN_ON_ONCE and returns ` +
            `DMA_MAPPING_ERROR (${ctx.cite('dma_direct_map_resource')}). MMIO is never bounced.`,
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
  const plan: Plan = { entries: out.runs, nents: entryCount(out.runs), domain, ptes, slots: [], how: resourceHow(domain?.label, ptes.length, entryCount(out.runs)) };
  return { ok: true, mapping: commit(dma, ctx, device, dir, true, plan, entryCount(out.runs), 'resource', origin) };
}

/** How the entries were mapped, as the trace says it: IOVAs only where the IOMMU mapped something. */
function resourceHow(domain: string | undefined, mapped: number, entries: number): string {
  if (!domain) return 'dma_map_resource (bus/physical addresses)';
  if (mapped === 0) return 'dma_map_resource: PCI bus addresses (BUS_ADDR), no IOMMU mapping';
  const bus = entries - mapped;
  return `dma_map_resource, IOVAs in ${domain}${bus > 0 ? `, ${bus} bus-address ${bus === 1 ? 'entry' : 'entries'}` : ''}`;
}
