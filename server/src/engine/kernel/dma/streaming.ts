// The streaming DMA API: dma_map_sgtable / dma_map_resource / dma_unmap / dma_sync as
// kernel/dma/mapping.c dispatches them to dma-direct (kernel/dma/direct.c, swiotlb) or dma-iommu
// (drivers/iommu/dma-iommu.c), or to the arm32 arch IOMMU ops (arch/arm/mm/dma-mapping.c).
//
// A map is planned first (addresses, IOVAs, bounce slots, page-table entries) and committed only
// when it succeeds, so a failing call changes nothing.
import type { Dir, Node } from '../../../language/ast';
import type { ResolvedDevice, ResolvedPlatform } from '../../../language/bound';
import type { SgEntry } from '../../../common/trace';
import type { CacheEffect, PhysRegion, StepContext } from '../../seam';
import { forCpuEffect, forDeviceEffect } from './cache';
import { alignDown, alignUp } from './init';
import { physKind } from './memory';
import { allocIova, insertMany, protOf, removeMapping, unmapRange } from './pagetable';
import { slotSearch, SWIOTLB_MAX_MAPPING, takeSlot, totalSlots, usedSlots } from './swiotlb';
import { dirName, dmaDebug, dmaDebugSg, hex, hex16, size } from './text';
import { p2pDistance, type P2pDistance } from './topology';
import type { BounceSlot, DmaMapping, DmaState, DomainState, IommuPte } from './state';
import { spend } from '../../deadline';

export type DmaMapError = '-EREMOTEIO' | '-ENOMEM' | '-EIO' | '-EINVAL';
export type DmaMapResult = { readonly ok: true; readonly mapping: DmaMapping } | { readonly ok: false; readonly error: DmaMapError };

export interface DmaAttrs {
  readonly skipCpuSync: boolean;
}

export interface MapOrigin {
  readonly at: Node;
  readonly symbol?: DmaMapping['symbol'];
  readonly bufferId?: number;
}

/** A planned map: what commit() writes into the state. */
interface Plan {
  readonly entries: SgEntry[];
  readonly nents: number;
  readonly domain?: DomainState;
  readonly ptes: IommuPte[];
  readonly slots: { addr: number; size: number; orig: number }[];
  readonly how: string;
}

type PlanResult = { ok: true; plan: Plan } | { ok: false; error: DmaMapError };

const CACHELINE = 64;

export function isCoherent(platform: ResolvedPlatform, device: string): boolean {
  return platform.devices.get(device)?.coherent ?? true;
}

/** The highest address the device can reach plus one (dma_mask as a limit). */
export function maskLimit(dev: ResolvedDevice): number {
  return dev.dmaMask >= 64 ? Number.MAX_SAFE_INTEGER : 2 ** dev.dmaMask;
}

function capable(dev: ResolvedDevice, addr: number, len: number): boolean {
  return addr + len <= maskLimit(dev);
}

function maskHex(dev: ResolvedDevice): string {
  return dev.dmaMask >= 64 ? '0xffffffffffffffff' : hex(2 ** dev.dmaMask - 1);
}

/** dma_get_max_seg_size(). */
function maxSeg(dev: ResolvedDevice): number {
  return Math.min(dev.maxSegment, 0xffff_ffff);
}

/** Whether the platform file declares `max_segment` for the device (else it is the 64 KiB default). */
function declaresMaxSegment(dev: ResolvedDevice): boolean {
  const decl = dev.symbol.decl as { items?: readonly { kind: string }[] };
  return decl.items?.some((i) => i.kind === 'MaxSegment') ?? false;
}

function iommuOf(platform: ResolvedPlatform, domain: DomainState): { granule: number; iovaBits: number } {
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

// --- mapping ------------------------------------------------------------------------------------

/** P2PDMA classification of each entry: undefined for RAM, the map type for BAR memory. */
function classifyP2p(dma: DmaState, platform: ResolvedPlatform, device: string, entries: readonly SgEntry[]): (P2pDistance & { provider: string })[] | undefined[] {
  return entries.map((e) => {
    if (e.phys === null) return undefined;
    const kind = physKind(dma, e.phys);
    if (kind.space !== 'bar') return undefined;
    return { ...p2pDistance(platform, kind.device, device), provider: kind.device };
  }) as (P2pDistance & { provider: string })[];
}

export function dmaMap(
  dma: DmaState,
  ctx: StepContext,
  device: string,
  entries: readonly SgEntry[],
  dir: Dir,
  attrs: DmaAttrs,
  origin: MapOrigin,
): DmaMapResult {
  const platform = ctx.platform;
  const dev = platform.devices.get(device);
  if (!dev || entries.length === 0) return { ok: false, error: '-EINVAL' };
  if (dev.dmaMask <= 0) {
    ctx.report(
      'DMAAPI-02',
      origin.at,
      `${device} has no DMA mask (dma_mask 0): dma_map_sg() hits WARN_ON_ONCE(!dev->dma_mask) and maps nothing ` +
        `(kernel/dma/mapping.c:190-191). A driver must not use DMA before dma_set_mask() succeeded.`,
      { outcome: 'WARN' },
    );
    return { ok: false, error: '-EIO' };
  }
  const pageless = entries.findIndex((e) => !e.page || e.phys === null);
  if (pageless >= 0) {
    ctx.report(
      'SGT-03',
      origin.at,
      `entry ${pageless} of the table has no struct page: dma_map_sgtable() computes sg_phys() from sg_page() and ` +
        `dereferences a NULL page (include/linux/scatterlist.h:144-150). Page-less tables are DMA-mapped with ` +
        `dma_map_resource() by their exporter, never with dma_map_sg().`,
      { outcome: 'BUG' },
    );
    return { ok: false, error: '-EINVAL' };
  }
  const p2p = classifyP2p(dma, platform, device, entries);
  const refused = p2p.find((p) => p?.type === 'NOT_SUPPORTED');
  if (refused) {
    ctx.report(
      'P2P-06',
      origin.at,
      `dma_map_sgtable() returns -EREMOTEIO: the table holds P2PDMA pages of ${refused.provider}'s BAR and ` +
        `pci_p2pdma_map_type() says NOT_SUPPORTED for ${device} (${refused.reason}). "The DMA device cannot access ` +
        `P2PDMA memory specified in the sg_table. This will not succeed if retried" (kernel/dma/mapping.c:263-264; ` +
        `kernel/dma/direct.c:488-497).`,
      { outcome: 'RET' },
    );
    return { ok: false, error: '-EREMOTEIO' };
  }
  const peer = p2p.find((x) => x !== undefined);
  if (peer) reportMapType(ctx, device, peer, origin.at);
  const domain = dmaApiDomain(dma, platform, device);
  const planned = domain ? planIommu(dma, ctx, dev, entries, p2p, dir, domain, origin) : planDirect(dma, ctx, dev, entries, p2p, origin);
  if (!planned.ok) return planned;
  const plan = planned.plan;
  debugChecks(dma, ctx, dev, entries, plan, dir, attrs, origin);
  const mapping = commit(dma, ctx, device, dir, attrs.skipCpuSync, plan, entries.length, 'sg', origin);
  mapEffects(dma, ctx, mapping, dir, attrs.skipCpuSync);
  return { ok: true, mapping };
}

/** P2P-05 (information): the map type pci_p2pdma_map_type() chose, with the warnings it prints. */
function reportMapType(ctx: StepContext, device: string, d: P2pDistance & { provider: string }, at: Node): void {
  const acs = /ACS redirect is set/.test(d.reason);
  const warnings = acs
    ? ` The kernel warns "ACS redirect is set between the client and provider" and "to disable ACS redirect for this path, add the kernel parameter: pci=disable_acs_redir=..." (drivers/pci/p2pdma.c:517-523).`
    : '';
  const what =
    d.type === 'BUS_ADDR'
      ? 'the device is programmed with PCI bus addresses (SG_DMA_BUS_ADDRESS), with no IOMMU mapping'
      : 'the traffic passes through it, mapped like ordinary memory (an IOVA or the physical address)';
  ctx.report(
    'P2P-05',
    at,
    `pci_p2pdma_distance(${d.provider}, ${device}) = ${d.distance}, map type ${d.type}: ${d.reason}, so ${what} ` +
      `(drivers/pci/p2pdma.c:449-538).${warnings}`,
    { severity: 'information', outcome: acs ? 'WARN' : 'INFO' },
  );
}

/** dma-direct: addresses are physical (or bus addresses), bounced through swiotlb when out of reach. */
function planDirect(
  dma: DmaState,
  ctx: StepContext,
  dev: ResolvedDevice,
  entries: readonly SgEntry[],
  p2p: readonly (P2pDistance | undefined)[],
  origin: MapOrigin,
): PlanResult {
  const platform = ctx.platform;
  const out: SgEntry[] = [];
  const slots: Plan['slots'] = [];
  let pool: ReturnType<typeof slotSearch> | undefined;
  for (let i = 0; i < entries.length; i++) {
    spend();
    const e = entries[i];
    const phys = e.phys as number;
    const type = p2p[i]?.type;
    if (type === 'BUS_ADDR') {
      // pci_p2pdma_map_segment(): bus address = CPU physical + bus offset (0 on our platforms).
      out.push({ ...e, dmaAddress: phys, dmaLength: e.length, busAddress: true });
      continue;
    }
    if (capable(dev, phys, e.length)) {
      out.push({ ...e, dmaAddress: phys, dmaLength: e.length });
      continue;
    }
    if (type === 'THRU_HOST_BRIDGE') {
      ctx.report(
        'P2P-07',
        origin.at,
        `P2P memory of a BAR at ${hex(phys)} is beyond ${dev.name}'s ${dev.dmaMask}-bit DMA mask and P2PDMA pages are never ` +
          `bounced: dma_direct_map_page() returns DMA_MAPPING_ERROR for them (kernel/dma/direct.h:91-100), so ` +
          `dma_map_sgtable() fails with -EIO.`,
        { outcome: 'RET' },
      );
      return { ok: false, error: '-EIO' };
    }
    const overflow = `DMA addr ${hex16(phys)}+${e.length} overflow (mask ${maskHex(dev)}, bus limit 0).`;
    if (!platform.configs.SWIOTLB) {
      ctx.report(
        'DMAAPI-13',
        origin.at,
        `${dev.name} cannot reach ${hex(phys)} with its ${dev.dmaMask}-bit mask and swiotlb is off: dma-direct prints ` +
          `dev_WARN_ONCE "${overflow}" and returns DMA_MAPPING_ERROR, so dma_map_sgtable() fails with -EIO ` +
          `(kernel/dma/direct.h:84-112).`,
        { severity: 'error', outcome: 'WARN' },
      );
      return { ok: false, error: '-EIO' };
    }
    pool ??= slotSearch(dma);
    const slot = takeSlot(dma, pool, e.length);
    if (slot === undefined) {
      const why =
        e.length > SWIOTLB_MAX_MAPPING
          ? `the segment is ${size(e.length)}, more than one swiotlb mapping can hold (IO_TLB_SIZE × IO_TLB_SEGSIZE = 256 KiB; ` +
            `dma_max_mapping_size() reports that limit)`
          : 'the 64 MiB pool has no free run of slots left';
      ctx.report(
        'DMAAPI-14',
        origin.at,
        `${dev.name} needs a bounce buffer for ${hex(phys)} (beyond its ${dev.dmaMask}-bit mask) but ${why}: swiotlb prints ` +
          `"swiotlb buffer is full (sz: ${e.length} bytes), total ${totalSlots(dma)} (slots), used ${usedSlots(dma)} (slots)" and ` +
          `the mapping fails with -EIO (kernel/dma/swiotlb.c:815-823, 960-975).`,
        { outcome: 'RET' },
      );
      return { ok: false, error: '-EIO' };
    }
    if (!capable(dev, slot, e.length)) {
      ctx.report(
        'DMAAPI-13',
        origin.at,
        `Even the swiotlb pool at ${hex(slot)} is beyond ${dev.name}'s ${dev.dmaMask}-bit mask: swiotlb_map() prints ` +
          `"swiotlb addr ${hex16(slot)}+${e.length} overflow (mask ${maskHex(dev)}, bus limit 0)." and the mapping fails with -EIO.`,
        { severity: 'error', outcome: 'WARN' },
      );
      return { ok: false, error: '-EIO' };
    }
    slots.push({ addr: slot, size: e.length, orig: phys });
    out.push({ ...e, dmaAddress: slot, dmaLength: e.length, bounced: true });
  }
  if (slots.length > 0) {
    ctx.report(
      'DMAAPI-13',
      origin.at,
      `${dev.name} cannot reach the buffer with its ${dev.dmaMask}-bit mask: swiotlb bounces ${slots.length} ${slots.length === 1 ? 'segment' : 'segments'} through ` +
        `its pool at the bottom of RAM. The device reads and writes the bounce copy, never the buffer: other agents see its ` +
        `writes only after sync_for_cpu or unmap copies them back (DMAAPI-15).`,
      { severity: 'information', outcome: 'INFO' },
    );
  }
  const how = slots.length ? `dma-direct, ${slots.length} ${slots.length === 1 ? 'segment' : 'segments'} bounced through swiotlb` : 'dma-direct (physical addresses)';
  return { ok: true, plan: { entries: out, nents: out.length, ptes: [], slots, how } };
}

/**
 * dma-iommu (iommu_dma_map_sg) and the arm32 arch ops: one IOVA allocation for all segments,
 * each padded so no segment crosses the device's segment boundary, then consecutive segments
 * merged (__finalise_sg) while they start on an IOVA page, stay inside a boundary and fit
 * max_segment. Bus-address (P2P through a switch) entries keep their bus address.
 */
function planIommu(
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

/** dma-debug at map time: SGT-05 segment limits and DMAAPI-10 overlapping cachelines. */
function debugChecks(
  dma: DmaState,
  ctx: StepContext,
  dev: ResolvedDevice,
  cpu: readonly SgEntry[],
  plan: Plan,
  dir: Dir,
  attrs: DmaAttrs,
  origin: MapOrigin,
): void {
  spend(plan.nents);
  const platform = ctx.platform;
  const max = maxSeg(dev);
  for (let i = 0; i < plan.nents; i++) {
    const e = plan.entries[i];
    const len = cpu[i].length;
    let line: string | undefined;
    let why = '';
    // The 64 KiB default is what PCI enumeration sets (drivers/pci/probe.c:2599-2603) and stays
    // until the driver raises it; a platform device without a declared limit is taken to have
    // been configured by its driver (dma_set_max_seg_size), so only declared limits count there.
    const limited = dev.bus.kind === 'pci' || declaresMaxSegment(dev);
    if (limited && len > max) {
      line = `mapping sg segment longer than device claims to support [len=${len}] [max=${max}]`;
      why = `entry ${i} is ${size(len)} but ${dev.name}'s dma_get_max_seg_size() is ${size(max)}`;
    } else if (dev.segmentBoundary !== undefined && e.dmaAddress !== undefined && e.dmaLength) {
      const start = e.dmaAddress;
      const end = start + e.dmaLength - 1;
      if (Math.floor(start / dev.segmentBoundary) !== Math.floor(end / dev.segmentBoundary)) {
        line = `mapping sg segment across boundary [start=${hex16(start)}] [end=${hex16(end)}] [boundary=${hex16(dev.segmentBoundary - 1)}]`;
        why = `DMA segment ${i} crosses a ${size(dev.segmentBoundary)} boundary of ${dev.name}`;
      }
    }
    if (!line) continue;
    const declared = declaresMaxSegment(dev);
    ctx.report(
      'SGT-05',
      origin.at,
      `${why}. The DMA API does not split segments for the device (dma-iommu merges up to the limit but never splits an ` +
        `entry): ${declared ? 'the platform declares this limit, so the device cannot take the segment and the transfer is truncated or faults' : 'the device keeps the PCI default limit; whether it really cannot take longer segments depends on the hardware'}. ` +
        dmaDebugSg(platform, dev.name, line) +
        ' Build the table with the importer\'s dma_get_max_seg_size() (kernel/dma/debug.c:1166-1190; include/linux/dma-mapping.h:480-501).',
      { severity: declared ? 'error' : 'warning', outcome: 'DMADBG' },
    );
    break;
  }
  if (dir === 'to_device') return;
  const mine = trackedCachelines(plan.entries, plan.nents, cpu);
  for (const other of dma.mappings.values()) {
    if (!other.live || other.dir === 'to_device') continue;
    const theirs = new Set(trackedCachelines(other.entries, other.nents, other.entries));
    const shared = mine.find((c) => theirs.has(c));
    if (shared === undefined) continue;
    if (attrs.skipCpuSync) return;
    const line = 'cacheline tracking EEXIST, overlapping mappings aren\'t supported';
    ctx.report(
      'DMAAPI-10',
      origin.at,
      `${dev.name} maps memory at ${hex(shared * CACHELINE)} ${dirName(dir)} while it is already mapped ${dirName(other.dir)} for ` +
        `${other.device} (mapping #${other.id}) without DMA_ATTR_SKIP_CPU_SYNC. ${dmaDebug(platform, dev.name, [line])} ` +
        `Each mapping does its own cache maintenance on the same lines; pass DMA_ATTR_SKIP_CPU_SYNC on the additional ` +
        `mappings (kernel/dma/debug.c:454-575; Documentation/core-api/dma-attributes.rst:46-68).`,
      { severity: 'warning', outcome: 'DMADBG', related: other.at ? [{ at: other.at, message: `the earlier ${dirName(other.dir)} mapping for ${other.device}` }] : [] },
    );
    return;
  }
}

/** dma-debug tracks the first cacheline of each mapped segment (entries 0..nents-1, CPU address). */
function trackedCachelines(entries: readonly SgEntry[], nents: number, cpu: readonly SgEntry[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < nents; i++) {
    const e = entries[i];
    const c = cpu[i];
    if (e.busAddress || c.phys === null) continue;
    out.push(Math.floor((c.phys + c.offset) / CACHELINE));
  }
  return out;
}

function commit(
  dma: DmaState,
  ctx: StepContext,
  device: string,
  dir: Dir,
  skipCpuSync: boolean,
  plan: Plan,
  origNents: number,
  via: 'sg' | 'resource',
  origin: MapOrigin,
): DmaMapping {
  const id = dma.nextMappingId++;
  const mapping: DmaMapping = {
    id,
    device,
    dir,
    skipCpuSync,
    entries: plan.entries,
    nents: plan.nents,
    origNents,
    domain: plan.domain?.id,
    bounced: plan.slots.length > 0,
    via,
    owner: 'device',
    live: true,
    symbol: origin.symbol,
    bufferId: origin.bufferId,
    agent: ctx.agent,
    at: { span: origin.at.span },
  };
  dma.mappings.set(id, mapping);
  for (const s of plan.slots) dma.swiotlb.slots.push({ ...s, mappingId: id });
  if (plan.domain) insertMany(plan.domain, plan.ptes.map((p) => ({ iova: p.iova, phys: p.phys, size: p.size, prot: p.prot, mappingId: id })));
  const name = origin.symbol?.name ?? `mapping #${id}`;
  ctx.change({
    object: name,
    kind: 'sgt',
    summary: `mapped ${origNents} entr${origNents === 1 ? 'y' : 'ies'} for ${device} ${dirName(dir)}, nents ${plan.nents}: ${plan.how}`,
    state: mappingState(dma, mapping),
  });
  if (plan.domain && plan.ptes.length > 0) {
    ctx.change({ object: plan.domain.label, kind: 'domain', summary: `${plan.ptes.length} IOVA ${plan.ptes.length === 1 ? 'range' : 'ranges'} mapped for ${name}`, state: domainState(plan.domain) });
  }
  return mapping;
}

// --- cache effects ------------------------------------------------------------------------------

function bouncePairs(mapping: DmaMapping, upTo = mapping.entries.length): { from: PhysRegion; slot: PhysRegion }[] {
  const out: { from: PhysRegion; slot: PhysRegion }[] = [];
  spend(upTo);
  const n = Math.min(upTo, mapping.entries.length);
  for (let i = 0; i < n; i++) {
    const e = mapping.entries[i];
    if (!e.bounced || e.phys === null || e.dmaAddress === undefined) continue;
    out.push({ from: { space: 'ram', addr: e.phys, size: e.length }, slot: { space: 'swiotlb', addr: e.dmaAddress, size: e.length } });
  }
  return out;
}

function emit(ctx: StepContext, effect: CacheEffect | undefined): void {
  if (effect) ctx.cache(effect);
}

function mapEffects(dma: DmaState, ctx: StepContext, mapping: DmaMapping, dir: Dir, skip: boolean): void {
  const bounces = bouncePairs(mapping);
  // swiotlb_tbl_map_single() always copies the original into the slot, whatever the direction
  // and attributes ("unconditional bounce may prevent leaking swiotlb content").
  if (bounces.length) ctx.cache({ kind: 'bounceToDevice', from: bounces.map((b) => b.from), to: bounces.map((b) => b.slot) });
  if (skip) return;
  emit(ctx, forDeviceEffect(ctx.platform, mapping.device, dir, bounces.map((b) => b.slot)));
  emit(ctx, forDeviceEffect(ctx.platform, mapping.device, dir, () => ramOnly(dma, mapping)));
}

/** Page-backed RAM of the first `upTo` CPU entries: what arch_sync_dma_* maintains. P2PDMA (BAR)
 * pages are skipped: the CPU maps BARs write-combined, so there is nothing in its cache. */
function ramOnly(dma: DmaState, mapping: DmaMapping, upTo = mapping.entries.length): PhysRegion[] {
  spend(upTo);
  const out: PhysRegion[] = [];
  const n = Math.min(upTo, mapping.entries.length);
  for (let i = 0; i < n; i++) {
    const e = mapping.entries[i];
    if (e.phys === null || e.bounced || e.busAddress || !e.page || physKind(dma, e.phys).space !== 'ram') continue;
    out.push({ space: 'ram', addr: e.phys, size: e.length });
  }
  return out;
}

// --- dma_map_resource ---------------------------------------------------------------------------

/**
 * dma_map_resource() for each page-less BAR entry (a ttm exporter's VRAM table). Per
 * language.md, a pair whose map type is BUS_ADDR gets the PCI bus address (no IOMMU mapping);
 * otherwise dma-direct returns the physical address after a mask check, dma-iommu a fresh IOVA
 * per entry (IOMMU_MMIO). No reachability check is made here (P2P-09): the exporter must have
 * decided it; an unreachable pair is reported.
 */
export function dmaMapResource(dma: DmaState, ctx: StepContext, device: string, entries: readonly SgEntry[], dir: Dir, origin: MapOrigin): DmaMapResult {
  const platform = ctx.platform;
  const dev = platform.devices.get(device);
  if (!dev || entries.length === 0) return { ok: false, error: '-EINVAL' };
  const domain = dmaApiDomain(dma, platform, device);
  const out: SgEntry[] = [];
  const ptes: IommuPte[] = [];
  const granule = domain ? iommuOf(platform, domain).granule : platform.pageSize;
  let reportedUnreachable = false;
  for (const e of entries) {
    const phys = e.phys as number;
    const kind = physKind(dma, phys);
    const d = kind.space === 'bar' ? p2pDistance(platform, kind.device, device) : undefined;
    if (d?.type === 'NOT_SUPPORTED' && !reportedUnreachable) {
      reportedUnreachable = true;
      ctx.report(
        'P2P-09',
        origin.at,
        `dma_map_resource() maps ${kind.space === 'bar' ? kind.owner : 'the BAR'} for ${device} although the pair cannot do P2P ` +
          `(${d.reason}). dma_map_resource() performs no reachability check (kernel/dma/direct.c:517-531): the exporter ` +
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
            `DMA_MAPPING_ERROR (kernel/dma/direct.c:517-531). MMIO is never bounced.`,
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
  const plan: Plan = { entries: out, nents: out.length, domain, ptes, slots: [], how: domain ? `dma_map_resource, IOVAs in ${domain.label}` : 'dma_map_resource (bus/physical addresses)' };
  return { ok: true, mapping: commit(dma, ctx, device, dir, true, plan, out.length, 'resource', origin) };
}

// --- unmap and sync -----------------------------------------------------------------------------

function deadUse(ctx: StepContext, mapping: DmaMapping, at: Node, what: string, debugLine: string): void {
  ctx.report(
    'LIFE-05',
    at,
    `${what} of a mapping that was already unmapped: ${dmaDebug(ctx.platform, mapping.device, [debugLine])} Without dma-debug ` +
      `the kernel frees the IOVA range or swiotlb slots a second time (silent corruption of the allocator).`,
    { outcome: 'SILENT', related: mapping.unmappedAt ? [{ at: mapping.unmappedAt, message: 'unmapped here' }] : [] },
  );
}

function firstSegment(mapping: DmaMapping): { addr: number; len: number } {
  const e = mapping.entries[0];
  return { addr: e?.dmaAddress ?? 0, len: e?.dmaLength ?? 0 };
}

export function dmaUnmap(dma: DmaState, ctx: StepContext, mappingId: number, at: Node, dir?: Dir, nents?: number): void {
  const mapping = dma.mappings.get(mappingId);
  if (!mapping) return;
  const seg = firstSegment(mapping);
  if (!mapping.live) {
    deadUse(ctx, mapping, at, 'dma_unmap', `device driver tries to free DMA memory it has not allocated [device address=${hex16(seg.addr)}] [size=${seg.len} bytes]`);
    return;
  }
  const useDir = dir ?? mapping.dir;
  const count = nents ?? mapping.origNents;
  const lines: string[] = [];
  const consequences: string[] = [];
  if (mapping.via === 'sg' && count !== mapping.origNents) {
    lines.push(`device driver frees DMA sg list with different entry count [map count=${mapping.origNents}] [unmap count=${count}]`);
    if (count < mapping.origNents) {
      consequences.push(
        mapping.domain !== undefined
          ? count < mapping.nents
            ? `only the IOVAs of the first ${count === 1 ? 'DMA segment are' : `${count} DMA segments are`} unmapped, the rest stay mapped for the device and leak, and only ${count} CPU entr${count === 1 ? 'y gets' : 'ies get'} cache maintenance`
            : `cache maintenance covers only the first ${count === 1 ? '' : `${count} `}of ${mapping.origNents} CPU entries`
          : `only the first ${count} entr${count === 1 ? 'y is' : 'ies are'} unmapped and synced; the rest keep stale cache lines${mapping.bounced ? ' and leak their swiotlb slots' : ''}`,
      );
    }
  }
  if (useDir !== mapping.dir) {
    lines.push(
      `device driver frees DMA memory with different direction [device address=${hex16(seg.addr)}] [size=${seg.len} bytes] [mapped with ${dirName(mapping.dir)}] [unmapped with ${dirName(useDir)}]`,
    );
    consequences.push(`cache maintenance follows ${dirName(useDir)}, not ${dirName(mapping.dir)}`);
  }
  if (lines.length) {
    ctx.report(
      'DMAAPI-04',
      at,
      `dma_unmap must repeat the map's parameters: the nents passed to dma_map_sg (not the count it returned, SGT-02) and the same direction. ` +
        `This unmap passes ${[
          ...(mapping.via === 'sg' && count !== mapping.origNents
            ? [`${count} entr${count === 1 ? 'y' : 'ies'} instead of ${mapping.origNents}${count === mapping.nents ? ' (the count dma_map_sg returned)' : ''}`]
            : []),
          ...(useDir !== mapping.dir ? [`${dirName(useDir)} instead of ${dirName(mapping.dir)}`] : []),
        ].join(' and ')}. ${dmaDebug(ctx.platform, mapping.device, lines)} What really happens: ${consequences.join('; ')} ` +
        `(Documentation/core-api/dma-api.rst:327-329, 420-425; kernel/dma/debug.c:956-1048).`,
      { outcome: 'DMADBG', related: mapping.at ? [{ at: mapping.at, message: `mapped ${dirName(mapping.dir)} with ${mapping.origNents} entr${mapping.origNents === 1 ? 'y' : 'ies'} here` }] : [] },
    );
  }
  unmapEffects(dma, ctx, mapping, useDir, Math.min(count, mapping.origNents));
  const translated = mapping.entries.some((e, i) => i < mapping.nents && !e.busAddress);
  if (mapping.domain !== undefined && translated) {
    const domain = dma.domains.get(mapping.domain);
    if (domain) {
      if (count >= mapping.nents || mapping.via === 'resource') removeMapping(domain, mapping.id);
      else {
        const last = mapping.entries[count - 1];
        const first = mapping.entries[0];
        if (count > 0 && first.dmaAddress !== undefined && last.dmaAddress !== undefined) {
          unmapRange(domain, first.dmaAddress, last.dmaAddress + (last.dmaLength ?? 0) - first.dmaAddress);
        }
      }
      ctx.change({ object: domain.label, kind: 'domain', summary: `IOVAs of ${mapping.symbol?.name ?? `mapping #${mapping.id}`} unmapped (queued for deferred invalidation)`, state: domainState(domain) });
    }
  }
  const keep = new Set(mapping.bounced ? mapping.entries.slice(count).filter((e) => e.bounced).map((e) => e.dmaAddress) : []);
  dma.swiotlb.slots = dma.swiotlb.slots.filter((s: BounceSlot) => s.mappingId !== mapping.id || keep.has(s.addr));
  mapping.live = false;
  mapping.owner = 'cpu';
  mapping.unmappedAt = { span: at.span };
  ctx.change({ object: mapping.symbol?.name ?? `mapping #${mapping.id}`, kind: 'sgt', summary: `unmapped ${dirName(useDir)}`, state: mappingState(dma, mapping) });
}

function unmapEffects(dma: DmaState, ctx: StepContext, mapping: DmaMapping, dir: Dir, count: number): void {
  if (mapping.skipCpuSync) return;
  const bounces = bouncePairs(mapping, count);
  emit(ctx, forCpuEffect(ctx.platform, mapping.device, dir, bounces.map((b) => b.slot)));
  if (bounces.length && dir !== 'to_device') ctx.cache({ kind: 'bounceToCpu', from: bounces.map((b) => b.slot), to: bounces.map((b) => b.from) });
  emit(ctx, forCpuEffect(ctx.platform, mapping.device, dir, () => ramOnly(dma, mapping, count)));
}

export function dmaSync(dma: DmaState, ctx: StepContext, mappingId: number, target: 'for_cpu' | 'for_device', at: Node, dir?: Dir): void {
  const mapping = dma.mappings.get(mappingId);
  if (!mapping) return;
  const seg = firstSegment(mapping);
  if (!mapping.live) {
    deadUse(ctx, mapping, at, `dma_sync ${target}`, `device driver tries to sync DMA memory it has not allocated [device address=${hex16(seg.addr)}] [size=${seg.len} bytes]`);
    return;
  }
  const useDir = dir ?? mapping.dir;
  const toCpu = target === 'for_cpu';
  const lines: string[] = [];
  const tail = `[device address=${hex16(seg.addr)}] [size=${seg.len} bytes] [mapped with ${dirName(mapping.dir)}] [synced with ${dirName(useDir)}]`;
  if (mapping.dir !== 'bidirectional') {
    if (useDir !== mapping.dir) lines.push(`device driver syncs DMA memory with different direction ${tail}`);
    if (toCpu && mapping.dir !== 'from_device' && useDir !== 'to_device') lines.push(`device driver syncs device read-only DMA memory for cpu ${tail}`);
    if (!toCpu && mapping.dir !== 'to_device' && useDir !== 'from_device') lines.push(`device driver syncs device write-only DMA memory to device ${tail}`);
  }
  if (lines.length) {
    ctx.report(
      'DMAAPI-07',
      at,
      `dma_sync_sgtable_${target}() with ${dirName(useDir)} on a mapping made ${dirName(mapping.dir)}: the sync must use the ` +
        `mapping's direction (Documentation/core-api/dma-api.rst:449-465; kernel/dma/debug.c:1091-1164). Here its cache maintenance ${useDir === 'to_device' && toCpu ? 'does nothing (DMA_TO_DEVICE needs no invalidate)' : 'does not match what the device did'}. ` +
        `${dmaDebug(ctx.platform, mapping.device, lines)}`,
      { outcome: 'DMADBG', related: mapping.at ? [{ at: mapping.at, message: `mapped ${dirName(mapping.dir)} here` }] : [] },
    );
  }
  {
    const bounces = bouncePairs(mapping);
    if (toCpu) {
      emit(ctx, forCpuEffect(ctx.platform, mapping.device, useDir, bounces.map((b) => b.slot)));
      if (bounces.length && useDir !== 'to_device') ctx.cache({ kind: 'bounceToCpu', from: bounces.map((b) => b.slot), to: bounces.map((b) => b.from) });
      emit(ctx, forCpuEffect(ctx.platform, mapping.device, useDir, () => ramOnly(dma, mapping)));
    } else {
      if (bounces.length && useDir !== 'from_device') ctx.cache({ kind: 'bounceToDevice', from: bounces.map((b) => b.from), to: bounces.map((b) => b.slot) });
      emit(ctx, forDeviceEffect(ctx.platform, mapping.device, useDir, bounces.map((b) => b.slot)));
      emit(ctx, forDeviceEffect(ctx.platform, mapping.device, useDir, () => ramOnly(dma, mapping)));
    }
  }
  mapping.owner = toCpu ? 'cpu' : 'device';
  ctx.change({
    object: mapping.symbol?.name ?? `mapping #${mapping.id}`,
    kind: 'sgt',
    summary: `synced ${target} (${dirName(useDir)}): ${toCpu ? 'the CPU owns it' : 'the device owns it'}`,
    state: mappingState(dma, mapping),
  });
}

// --- snapshots ----------------------------------------------------------------------------------

// A mapping's entries never change after it is made: every snapshot of it shares one view, so a
// trace that shows the mapping at many steps (and its copy in the language server) holds it once.
const entryViews = new WeakMap<DmaMapping['entries'], readonly Record<string, unknown>[]>();

function entriesView(entries: DmaMapping['entries']): readonly Record<string, unknown>[] {
  let view = entryViews.get(entries);
  if (!view) {
    view = entries.slice(0, 64).map((e) => ({ ...e }));
    entryViews.set(entries, view);
  }
  return view;
}

export function mappingState(dma: DmaState, mapping: DmaMapping): Record<string, unknown> {
  const domain = mapping.domain === undefined ? undefined : dma.domains.get(mapping.domain);
  return {
    device: mapping.device,
    dir: dirName(mapping.dir),
    skipCpuSync: mapping.skipCpuSync,
    nents: mapping.nents,
    orig_nents: mapping.origNents,
    owner: mapping.owner,
    live: mapping.live,
    bounced: mapping.bounced,
    via: mapping.via === 'resource' ? 'dma_map_resource' : 'dma_map_sgtable',
    domain: domain?.label,
    entries: entriesView(mapping.entries),
    ...(mapping.entries.length > 64 ? { moreEntries: mapping.entries.length - 64 } : {}),
  };
}

export function domainState(domain: DomainState): Record<string, unknown> {
  return {
    kind: domain.kind === 'dma' ? 'IOMMU_DOMAIN_DMA_FQ' : domain.kind === 'blocking' ? 'IOMMU_DOMAIN_BLOCKED' : 'IOMMU_DOMAIN_UNMANAGED',
    iommu: domain.iommu,
    label: domain.label,
    mappings: domain.ptes.slice(0, 64).map((p) => ({ iova: p.iova, phys: p.phys, size: p.size, prot: p.prot, mappingId: p.mappingId })),
    ...(domain.ptes.length > 64 ? { moreMappings: domain.ptes.length - 64 } : {}),
  };
}

