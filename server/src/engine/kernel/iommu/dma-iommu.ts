// dma-iommu (drivers/iommu/dma-iommu.c) and the arm32 arch IOMMU ops (arch/arm/mm/dma-mapping.c):
// which domain the DMA API maps into for a device, and the IOVA plan of a map.
import type { Dir } from '../../../language/ast';
import type { ResolvedDevice, ResolvedPlatform } from '../../../language/bound';
import type { SgEntry } from '../../../common/trace';
import type { StepContext } from '../../seam';
import { maskLimit, maxSeg } from '../dma-mapping/device-limits';
import { alignDown, alignUp } from '../dma-mapping/init';
import { allocIova, protOf } from './pagetable';
import type { MapOrigin, PlanResult } from '../dma-mapping/plan';
import type { P2pDistance } from '../p2pdma/topology';
import type { DmaState, DomainState, IommuPte } from '../dma-mapping/state';
import { spend } from '../../deadline';

export function iommuOf(platform: ResolvedPlatform, domain: DomainState): { granule: number; iovaBits: number } {
  const iommu = platform.iommus.get(domain.iommu);
  return { granule: iommu?.pageSizes[0] ?? platform.pageSize, iovaBits: iommu?.iovaBits ?? 48 };
}

/** The domain the DMA API maps into for this device: dma-iommu's default domain or the arm32 mapping. */
export function dmaApiDomain(dma: DmaState, platform: ResolvedPlatform, device: string): DomainState | undefined {
  const ops = dma.devices.get(device);
  if (!ops || ops.ops === 'direct') return undefined;
  if (ops.ops === 'arm_iommu') return ops.armMapping === undefined ? undefined : dma.domains.get(ops.armMapping);
  const dev = platform.devices.get(device);
  const group = dev?.iommu ? dma.groups.get(dev.iommu.group) : undefined;
  return group?.defaultDomain === undefined ? undefined : dma.domains.get(group.defaultDomain);
}

/**
 * dma-iommu (iommu_dma_map_sg) and the arm32 arch ops: one IOVA allocation for all segments,
 * each padded so no segment crosses the device's segment boundary, then consecutive segments
 * merged (__finalise_sg) while they start on an IOVA page, stay inside a boundary and fit
 * max_segment. Bus-address (P2P through a switch) entries keep their bus address.
 */
export function planIommu(
  dma: DmaState,
  ctx: StepContext,
  dev: ResolvedDevice,
  entries: readonly SgEntry[],
  p2p: readonly (P2pDistance | undefined)[],
  dir: Dir,
  domain: DomainState,
  origin: MapOrigin,
): PlanResult {
  const platform = ctx.platform;
  const { granule, iovaBits } = iommuOf(platform, domain);
  spend(2 * entries.length);
  const boundary = dev.segmentBoundary;
  const layout: { off: number; len: number; ilen: number; bus: boolean }[] = [];
  let iovaLen = 0;
  let prev: (typeof layout)[number] | undefined;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i];
    const bus = p2p[i]?.type === 'BUS_ADDR';
    const off = (e.phys as number) % granule;
    const ilen = bus ? 0 : alignUp(off + e.length, granule);
    if (!bus && boundary !== undefined && prev) {
      const pad = (boundary - (iovaLen % boundary)) % boundary;
      if (pad && pad < ilen - 1) {
        prev.ilen += pad;
        iovaLen += pad;
      }
    }
    const l = { off, len: e.length, ilen, bus };
    layout.push(l);
    if (!bus) prev = l;
    iovaLen += ilen;
  }
  let base = 0;
  if (iovaLen > 0) {
    const full = Math.min(maskLimit(dev), 2 ** iovaBits);
    // iommu_dma_alloc_iova() tries below 4 GiB first for PCI devices (unless iommu.forcedac).
    const first = dev.bus.kind === 'pci' && !domain.iovaGrowsUp ? Math.min(full, 0x1_0000_0000) : full;
    const found = allocIova(domain, iovaLen, first, granule) ?? (first < full ? allocIova(domain, iovaLen, full, granule) : undefined);
    if (found === undefined) return { ok: false, error: '-ENOMEM' };
    base = found;
  }
  spend(2 * entries.length);
  const prot = protOf(dir);
  const ptes: IommuPte[] = [];
  const segs: { addr: number; len: number; bus: boolean }[] = [];
  const max = maxSeg(dev);
  let dmaAddr = base;
  let curLen = 0;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i];
    const l = layout[i];
    if (l.bus) {
      segs.push({ addr: e.phys as number, len: e.length, bus: true });
      curLen = 0;
      continue;
    }
    ptes.push({ iova: dmaAddr, phys: alignDown(e.phys as number, granule), size: l.ilen, prot });
    const atBoundary = boundary === undefined ? dmaAddr === 0 : dmaAddr % boundary === 0;
    if (curLen > 0 && l.off === 0 && !atBoundary && max - curLen >= l.len) {
      segs[segs.length - 1].len += l.len;
      curLen += l.len;
    } else {
      segs.push({ addr: dmaAddr + l.off, len: l.len, bus: false });
      curLen = l.len;
    }
    dmaAddr += l.ilen;
    if (l.len + l.off < l.ilen) curLen = 0;
  }
  const out = entries.map((e, i): SgEntry => {
    const s = segs[i];
    if (!s) return { ...e, dmaLength: 0 };
    return s.bus ? { ...e, dmaAddress: s.addr, dmaLength: s.len, busAddress: true } : { ...e, dmaAddress: s.addr, dmaLength: s.len };
  });
  const buses = segs.filter((x) => x.bus).length;
  const how =
    buses === segs.length
      ? 'P2PDMA bus addresses (SG_DMA_BUS_ADDRESS), no IOMMU mapping'
      : `${domain.armMapping ? `arm32 arch IOMMU mapping (${domain.label})` : `dma-iommu, IOVAs in ${domain.label}`}${buses ? `, ${buses} bus-address ${buses === 1 ? 'segment' : 'segments'}` : ''}`;
  return { ok: true, plan: { entries: out, nents: segs.length, domain, ptes, slots: [], how } };
}
