// dma-iommu for an untrusted device (pci_dev->untrusted: behind an external-facing port), 6.1 and
// 6.12 alike (drivers/iommu/dma-iommu.c):
//  - dev_use_sg_swiotlb() is true for it, so iommu_dma_map_sg() hands the table to
//    iommu_dma_map_sg_swiotlb(), which maps every entry on its own with iommu_dma_map_page(): one IOVA
//    range per entry, no merging (nents = orig_nents);
//  - iommu_dma_map_page() bounces an entry whose start or length is not a multiple of the IOVA
//    granule (`iova_offset(iovad, phys | size)`) through swiotlb_tbl_map_single() with the granule
//    as alignment, zeroing the padding, so the device never sees the rest of the page.
// Both tests start with IS_ENABLED(CONFIG_SWIOTLB): with swiotlb compiled out (`config SWIOTLB no`)
// an untrusted device is mapped like any other (mapping.ts does not come here).
// Its group's default domain is strict (iommu_get_def_domain_type(): IOMMU_DOMAIN_DMA): init.ts.
import type { Dir } from '../../../language/ast';
import type { ResolvedDevice } from '../../../language/bound';
import type { StepContext } from '../../seam';
import { alignUp } from '../dma-mapping/init';
import { protOf } from './pagetable';
import type { MapOrigin, Plan, PlanResult } from '../dma-mapping/plan';
import type { DmaState, DomainState, IommuPte } from '../dma-mapping/state';
import { spend } from '../../deadline';
import { entryCount, expandEntries, RunBuilder, type SgRun } from '../dma-mapping/sgrun';
import { slotSearch, SWIOTLB_MAX_MAPPING, swiotlbFull, takeSlot } from '../dma-mapping/swiotlb';
import { iommuDmaAllocIova, iommuOf } from './dma-iommu';
import { hex, size as sizeText } from '../dma-mapping/text';

export function planUntrusted(dma: DmaState, ctx: StepContext, dev: ResolvedDevice, entries: readonly SgRun[], dir: Dir, domain: DomainState, origin: MapOrigin): PlanResult {
  const { granule } = iommuOf(ctx.platform, domain);
  const out = new RunBuilder();
  const ptes: IommuPte[] = [];
  const slots: Plan['slots'] = [];
  const search = slotSearch(dma);
  const pending = { ...domain, ptes: [...domain.ptes] };
  for (const e of expandEntries(entries)) {
    spend();
    const phys = e.phys as number;
    const unaligned = (phys | e.length) % granule !== 0;
    let target = phys;
    if (unaligned) {
      const slot = bounceSlot(dma, ctx, dev, search, e.length, granule, origin);
      if (slot === undefined) return { ok: false, error: '-EIO' };
      slots.push({ addr: slot, size: e.length, orig: phys });
      target = slot;
    }
    const off = target % granule;
    const ilen = alignUp(off + e.length, granule);
    const iova = iommuDmaAllocIova(ctx, dev, pending, ilen);
    if (iova === undefined) return { ok: false, error: '-ENOMEM' };
    const pte = { iova, phys: target - off, size: ilen, prot: protOf(dir) };
    ptes.push(pte);
    pending.ptes.push(pte);
    out.push({ ...e, dmaAddress: iova + off, dmaLength: e.length, ...(unaligned ? { bounced: true, bounceSlot: target } : {}) });
  }
  if (slots.length > 0) {
    ctx.report(
      'DMAAPI-13',
      origin.at,
      `${dev.name} is untrusted (an external-facing port): dma-iommu maps each entry on its own (iommu_dma_map_sg_swiotlb()) and bounces the ` +
        `${slots.length === 1 ? 'entry that does' : `${slots.length} entries that do`} not start and end on a ${sizeText(granule)} IOMMU page through swiotlb, zeroing the padding ` +
        `(iommu_dma_map_page(), drivers/iommu/dma-iommu.c), so the device never sees the rest of those pages. It reads and writes the bounce copy: ` +
        `other agents see its writes only after sync_for_cpu or unmap copies them back (DMAAPI-15).`,
      { severity: 'information', outcome: 'INFO' },
    );
  }
  const mapped = entryCount(out.runs);
  const how = `dma-iommu, untrusted ${dev.name}: ${mapped} ${mapped === 1 ? 'entry' : 'entries'} mapped one by one in ${domain.label}${slots.length ? `, ${slots.length} bounced through swiotlb` : ''}`;
  return { ok: true, plan: { entries: out.runs, nents: mapped, domain, ptes, slots, how } };
}

/** swiotlb_tbl_map_single() with the IOVA granule as alignment, or undefined after reporting why it failed. */
function bounceSlot(dma: DmaState, ctx: StepContext, dev: ResolvedDevice, search: ReturnType<typeof slotSearch>, length: number, granule: number, origin: MapOrigin): number | undefined {
  const slot = length <= SWIOTLB_MAX_MAPPING ? takeSlot(dma, search, alignUp(length, granule)) : undefined;
  if (slot !== undefined) return slot;
  const { why, printed } = swiotlbFull(dma, 'entry', length);
  ctx.report(
    'DMAAPI-14',
    origin.at,
    `${dev.name} is untrusted and the ${sizeText(length)} entry must be bounced, but ${why}: ` +
      `swiotlb prints ${printed} and the mapping fails ` +
      `(iommu_dma_map_page(); iommu_dma_max_mapping_size() is swiotlb_max_mapping_size() for an untrusted device, at ${hex(dma.swiotlb.base)}).`,
    { severity: 'error', outcome: 'RET' },
  );
  return undefined;
}
