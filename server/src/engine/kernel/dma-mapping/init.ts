// The platform's DMA hardware at boot: RAM and the swiotlb pool, BAR windows in the PCI MMIO
// window, IOMMU groups with their default domains, and (arm32 with ARM_DMA_USE_IOMMU) the arch
// code's private mapping that every IOMMU-backed device is attached to before its driver probes.
import type { ResolvedPlatform } from '../../../language/bound';
import type { BarWindow, DeviceDmaState, DmaState, DomainState, GroupState } from './state';

/** Default swiotlb pool (IO_TLB_DEFAULT_SIZE, include/linux/swiotlb.h). */
export const SWIOTLB_POOL = 64 * 1024 * 1024;

/**
 * Where BARs go. 64-bit arches: a window at 256 GiB, far above any RAM we model. arm32: physical
 * addresses are 32-bit, so the window is 0x4000_0000..0x8000_0000 below the usual RAM base (and
 * never the 0xC000_0000 area, which is kernel virtual space people confuse with physical). If the
 * platform puts RAM there, the window moves just above RAM.
 */
const BAR_WINDOW_64 = 0x40_0000_0000;
const BAR_WINDOW_ARM32 = 0x4000_0000;

/** dma-iommu first tries IOVAs below 4 GiB (iommu_dma_alloc_iova), allocating downwards. */
export const IOVA_32BIT_TOP = 0x1_0000_0000;

/** arm32 arch mapping base (arm_setup_iommu_dma_ops gets dma_base; we keep page 0 unused). */
export const ARM_MAPPING_BASE = 0x1000_0000;

export function initDmaState(platform: ResolvedPlatform): DmaState {
  const state: DmaState = {
    pageSize: platform.pageSize,
    ram: { base: platform.ram.base, size: platform.ram.size },
    swiotlb: { base: platform.ram.base, size: Math.min(SWIOTLB_POOL, platform.ram.size), slots: [] },
    ramTop: platform.ram.base + platform.ram.size,
    ...(platform.cma ? { cma: { base: platform.cma.base, size: platform.cma.size, top: platform.cma.base + platform.cma.size } } : {}),
    ramFree: [],
    bars: layoutBars(platform),
    devices: new Map(),
    groups: new Map(),
    domains: new Map(),
    nextDomainId: 1,
    mappings: new Map(),
    nextMappingId: 1,
    sgtMappings: new Map(),
    symbolDomains: new Map(),
    memory: new Map(),
    tables: new Map(),
    iovaStates: new Map(),
    ioasAreas: [],
  };
  const armIommu = platform.arch === 'arm32' && platform.configs.ARM_DMA_USE_IOMMU;
  for (const group of platform.groups.values()) {
    const defaultDomain = platform.arch === 'arm32' ? undefined : newDomain(state, 'dma', group.iommu, `${group.name} (default DMA domain)`);
    // iommu_get_def_domain_type(): a group with an untrusted device gets IOMMU_DOMAIN_DMA, never DMA_FQ.
    const untrusted = group.devices.some((d) => platform.devices.get(d)?.untrusted);
    if (defaultDomain && platform.configs.IOMMU_DEFAULT_DMA_LAZY && !untrusted) defaultDomain.flushQueue = true;
    const g: GroupState = { name: group.name, iommu: group.iommu, devices: group.devices, defaultDomain: defaultDomain?.id, active: defaultDomain?.id };
    state.groups.set(group.name, g);
  }
  for (const device of platform.devices.values()) {
    const d: DeviceDmaState = { ops: device.iommu && platform.arch !== 'arm32' ? 'iommu' : 'direct' };
    state.devices.set(device.name, d);
    if (!armIommu || !device.iommu) continue;
    const group = state.groups.get(device.iommu.group);
    // arm_iommu_attach_device() goes through iommu_attach_device(), which needs a singleton
    // group (IOMMU-01); on failure the arch code falls back to direct DMA ops.
    if (!group || group.devices.length !== 1) continue;
    const mapping = newDomain(state, 'unmanaged', device.iommu.iommu, `arm_iommu mapping of ${device.name}`, true);
    group.active = mapping.id;
    d.ops = 'arm_iommu';
    d.armMapping = mapping.id;
  }
  return state;
}

export function newDomain(
  state: DmaState,
  kind: DomainState['kind'],
  iommu: string,
  label: string,
  armMapping = false,
  symbolId?: number,
): DomainState {
  const growsUp = armMapping;
  const domain: DomainState = {
    id: state.nextDomainId++,
    kind,
    iommu,
    label,
    symbolId,
    armMapping: armMapping || undefined,
    ptes: [],
    freed: [],
    iovaCursor: growsUp ? ARM_MAPPING_BASE : IOVA_32BIT_TOP,
    iovaGrowsUp: growsUp,
  };
  state.domains.set(domain.id, domain);
  return domain;
}

function layoutBars(platform: ResolvedPlatform): Map<string, BarWindow> {
  const bars = new Map<string, BarWindow>();
  const ramEnd = platform.ram.base + platform.ram.size;
  let cursor = platform.arch === 'arm32' ? BAR_WINDOW_ARM32 : BAR_WINDOW_64;
  const windowOverlapsRam = cursor < ramEnd && cursor + 0x4000_0000 > platform.ram.base;
  if (windowOverlapsRam) cursor = alignUp(ramEnd, 0x4000_0000);
  for (const device of platform.devices.values()) {
    for (const bar of device.bars.values()) {
      const size = pow2AtLeast(Math.max(bar.size, platform.pageSize));
      const base = alignUp(cursor, size);
      bars.set(`${device.name}.${bar.name}`, { owner: `${device.name}.${bar.name}`, base, size: bar.size, mmio: bar.mmio, next: base });
      cursor = base + size;
    }
  }
  return bars;
}

export function alignUp(value: number, align: number): number {
  return Math.ceil(value / align) * align;
}

export function alignDown(value: number, align: number): number {
  return Math.floor(value / align) * align;
}

function pow2AtLeast(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}
