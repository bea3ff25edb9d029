// dma-iommu (drivers/iommu/dma-iommu.c) and the arm32 arch IOMMU ops (arch/arm/mm/dma-mapping.c):
// which domain the DMA API maps into for a device, and the IOVA plan of a map.
import type { Dir } from '../../../language/ast';
import type { ResolvedDevice, ResolvedPlatform } from '../../../language/bound';
import type { StepContext } from '../../seam';
import { maskLimit, maxSeg } from '../dma-mapping/device-limits';
import { alignDown, alignUp } from '../dma-mapping/init';
import { allocIova, protOf } from './pagetable';
import type { MapOrigin, PlanResult } from '../dma-mapping/plan';
import type { P2pDistance } from '../p2pdma/topology';
import type { DmaState, DomainState, IommuPte } from '../dma-mapping/state';
import { spend } from '../../deadline';
import { expandEntries, runCount, RunBuilder, subRun, type SgRun } from '../dma-mapping/sgrun';

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

/** iommu_dma_alloc_iova(), as dma_iova_try_alloc() and every dma-iommu mapping use it: below 4 GiB first for a PCI device. */
export function iommuDmaAllocIova(ctx: Pick<StepContext, 'platform'>, dev: ResolvedDevice, domain: DomainState, size: number): number | undefined {
  const { granule, iovaBits } = iommuOf(ctx.platform, domain);
  const full = Math.min(maskLimit(dev), 2 ** iovaBits);
  const first = dev.bus.kind === 'pci' && !domain.iovaGrowsUp ? Math.min(full, 0x1_0000_0000) : full;
  return allocIova(domain, size, first, granule) ?? (first < full ? allocIova(domain, size, full, granule) : undefined);
}

/** DMA segments as runs: `count` segments of `len` bytes, `stride` apart. */
interface SegRun {
  readonly addr: number;
  len: number;
  readonly count: number;
  readonly stride: number;
  readonly bus: boolean;
}

/** Where the walk over the entries stands: the next IOVA and the length of the open segment. */
interface Cursor {
  dmaAddr: number;
  curLen: number;
}

/**
 * dma-iommu (iommu_dma_map_sg) and the arm32 arch ops: one IOVA allocation for all segments,
 * each padded so no segment crosses the device's segment boundary, then consecutive segments
 * merged (__finalise_sg) while they start on an IOVA page, stay inside a boundary and fit
 * max_segment. Bus-address (P2P through a switch) entries keep their bus address.
 * Runs of entries are laid out and merged run by run (closed forms below); a device with a
 * segment boundary pads entry by entry, so its tables are walked one entry at a time.
 */
export function planIommu(
  dma: DmaState,
  ctx: StepContext,
  dev: ResolvedDevice,
  entries: readonly SgRun[],
  p2p: readonly (P2pDistance | undefined)[],
  dir: Dir,
  domain: DomainState,
  origin: MapOrigin,
): PlanResult {
  const platform = ctx.platform;
  const { granule, iovaBits } = iommuOf(platform, domain);
  const boundary = dev.segmentBoundary;
  // Per entry when an entry's offset in its IOVA page varies within a run; with a segment boundary,
  // only the runs whose entries the boundary could pad (see padFree()).
  const irregular = entries.some((r) => runCount(r) > 1 && (r.stride ?? 0) % granule !== 0);
  const perEntry = irregular || boundary !== undefined;
  const runs: SgRun[] = [];
  const kinds: (P2pDistance | undefined)[] = [];
  const layout: { off: number; len: number; ilen: number; bus: boolean }[] = [];
  let iovaLen = 0;
  let prev: (typeof layout)[number] | undefined;
  const place = (e: SgRun, kind: P2pDistance | undefined): void => {
    const bus = kind?.type === 'BUS_ADDR';
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
    runs.push(e);
    kinds.push(kind);
    layout.push(l);
    if (!bus) prev = l;
    iovaLen += ilen * runCount(e);
  };
  entries.forEach((r, i) => {
    const whole = !irregular && (boundary === undefined || padFree(r, p2p[i], granule, boundary, iovaLen));
    spend(whole ? 2 : 2 * runCount(r));
    if (!whole) {
      for (const e of expandEntries([r])) place(e, p2p[i]);
      return;
    }
    if (boundary === undefined) return place(r, p2p[i]);
    // The next entry's pad lengthens the previous entry only: keep the run's last entry on its own.
    const n = runCount(r);
    place(subRun(r, 0, n - 1), p2p[i]);
    place(subRun(r, n - 1, 1), p2p[i]);
  });
  let base = 0;
  if (iovaLen > 0) {
    const full = Math.min(maskLimit(dev), 2 ** iovaBits);
    // iommu_dma_alloc_iova() tries below 4 GiB first for PCI devices (unless iommu.forcedac).
    const first = dev.bus.kind === 'pci' && !domain.iovaGrowsUp ? Math.min(full, 0x1_0000_0000) : full;
    const found = allocIova(domain, iovaLen, first, granule) ?? (first < full ? allocIova(domain, iovaLen, full, granule) : undefined);
    if (found === undefined) return { ok: false, error: '-ENOMEM' };
    base = found;
  }
  spend(2 * runs.length);
  const prot = protOf(dir);
  const ptes: IommuPte[] = [];
  const segs: SegRun[] = [];
  const max = maxSeg(dev);
  const at: Cursor = { dmaAddr: base, curLen: 0 };
  for (let i = 0; i < runs.length; i++) {
    spend();
    const e = runs[i];
    const l = layout[i];
    const n = runCount(e);
    const stride = e.stride ?? 0;
    if (l.bus) {
      segs.push({ addr: e.phys as number, len: e.length, count: n, stride, bus: true });
      at.curLen = 0;
      continue;
    }
    const pte: IommuPte = { iova: at.dmaAddr, phys: alignDown(e.phys as number, granule), size: l.ilen, prot };
    ptes.push(n > 1 ? { ...pte, count: n, physStride: stride } : pte);
    if (boundary !== undefined && n > 1) {
      mergeBounded(segs, at, l, n, boundary, max);
      continue;
    }
    mergeEntry(segs, at, l, boundary, max);
    if (n > 1) mergeRest(segs, at, l, n - 1, max);
  }
  // The entry-by-entry path folds what it built back into runs, so what is kept stays small.
  const out = perEntry ? folded(overlay(runs, segs)) : overlay(runs, segs);
  if (perEntry) ptes.splice(0, ptes.length, ...foldPtes(ptes));
  const segCount = segs.reduce((k, x) => k + x.count, 0);
  const buses = segs.reduce((k, x) => k + (x.bus ? x.count : 0), 0);
  const how =
    buses === segCount
      ? 'P2PDMA bus addresses (SG_DMA_BUS_ADDRESS), no IOMMU mapping'
      : `${domain.armMapping ? `arm32 arch IOMMU mapping (${domain.label})` : `dma-iommu, IOVAs in ${domain.label}`}${buses ? `, ${buses} bus-address ${buses === 1 ? 'segment' : 'segments'}` : ''}`;
  return { ok: true, plan: { entries: out, nents: segCount, domain, ptes, slots: [], how } };
}

function folded(entries: readonly SgRun[]): SgRun[] {
  const b = new RunBuilder();
  for (const e of entries) {
    spend();
    b.pushEntries(e);
  }
  return b.runs;
}

/**
 * Whether no entry of a run placed at IOVA length `at` gets padded for the segment boundary: its
 * IOVA size and the boundary divide one another and it starts aligned to the smaller, so each
 * pad iommu_dma_map_sg() computes is 0 or a whole multiple of the entry (never `< s_length - 1`).
 */
function padFree(r: SgRun, kind: P2pDistance | undefined, granule: number, boundary: number, at: number): boolean {
  if (runCount(r) < 2 || kind?.type === 'BUS_ADDR') return false;
  const ilen = alignUp(((r.phys as number) % granule) + r.length, granule);
  const unit = Math.min(ilen, boundary);
  return (ilen % boundary === 0 || boundary % ilen === 0) && at % unit === 0;
}

/**
 * __finalise_sg() over `n` like entries (padFree) with a segment boundary, in time independent of
 * `n`: entries of a boundary's size or more each start on one and never merge; smaller ones merge
 * within a boundary window, and a window that makes a single segment repeats for every whole
 * window after it. Anything else goes entry by entry.
 */
function mergeBounded(segs: SegRun[], at: Cursor, l: { off: number; len: number; ilen: number }, n: number, boundary: number, max: number): void {
  let left = n;
  const one = (): void => {
    mergeEntry(segs, at, l, boundary, max);
    left--;
  };
  if (l.ilen % boundary === 0 && at.dmaAddr % boundary === 0) {
    segs.push({ addr: at.dmaAddr + l.off, len: l.len, count: n, stride: l.ilen, bus: false });
    at.dmaAddr += n * l.ilen;
    at.curLen = l.len + l.off < l.ilen ? 0 : l.len;
    return;
  }
  while (left > 0 && at.dmaAddr % boundary !== 0) one();
  const per = boundary / l.ilen;
  if (Number.isInteger(per) && left >= per) {
    const before = segs.length;
    for (let i = 0; i < per; i++) one();
    const windows = Math.floor(left / per);
    if (segs.length === before + 1 && windows > 0) {
      segs[before] = { ...segs[before], count: windows + 1, stride: boundary };
      at.dmaAddr += windows * boundary;
      left -= windows * per;
    }
  }
  while (left > 0) {
    spend();
    one();
  }
}

/** Consecutive single ptes at consecutive IOVAs, same size and permissions, phys a constant step apart: one run. */
function foldPtes(ptes: readonly IommuPte[]): IommuPte[] {
  const out: IommuPte[] = [];
  const fold = (p: IommuPte): void => {
    const last = out[out.length - 1];
    const n = last?.count ?? 1;
    const step = last ? p.phys - (last.phys + (n - 1) * (last.physStride ?? 0)) : 0;
    const fits = last && p.size === last.size && p.iova === last.iova + n * last.size && p.prot.read === last.prot.read && p.prot.write === last.prot.write && (n === 1 || step === last.physStride);
    if (last && fits) out[out.length - 1] = { ...last, count: n + 1, physStride: n === 1 ? step : last.physStride ?? 0 };
    else out.push(p);
  };
  for (const p of ptes) {
    spend();
    const m = p.count ?? 1;
    if (m === 1) {
      fold(p);
      continue;
    }
    // A run of ptes folds as its ptes one by one would: once two of them continue the open run, all do.
    for (let i = 0; i < m; i++) {
      const { count: _count, physStride: _stride, ...one } = p;
      fold({ ...one, iova: p.iova + i * p.size, phys: p.phys + i * (p.physStride ?? 0) });
      const last = out[out.length - 1]!;
      if (i > 0 && (last.count ?? 1) >= 2 && last.physStride === (p.physStride ?? 0)) {
        out[out.length - 1] = { ...last, count: (last.count ?? 1) + (m - 1 - i) };
        break;
      }
    }
  }
  return out;
}

/** Appends `len` bytes to the last segment (splitting a run's last segment off to grow it). */
function grow(segs: SegRun[], len: number): void {
  const last = segs[segs.length - 1];
  if (last.count === 1) {
    last.len += len;
    return;
  }
  segs[segs.length - 1] = { ...last, count: last.count - 1 };
  segs.push({ addr: last.addr + (last.count - 1) * last.stride, len: last.len + len, count: 1, stride: 0, bus: false });
}

/** One entry of __finalise_sg(): merge into the open segment or start one. */
function mergeEntry(segs: SegRun[], at: Cursor, l: { off: number; len: number; ilen: number }, boundary: number | undefined, max: number): void {
  const atBoundary = boundary === undefined ? at.dmaAddr === 0 : at.dmaAddr % boundary === 0;
  if (at.curLen > 0 && l.off === 0 && !atBoundary && max - at.curLen >= l.len) {
    grow(segs, l.len);
    at.curLen += l.len;
  } else {
    segs.push({ addr: at.dmaAddr + l.off, len: l.len, count: 1, stride: 0, bus: false });
    at.curLen = l.len;
  }
  at.dmaAddr += l.ilen;
  if (l.len + l.off < l.ilen) at.curLen = 0;
}

/**
 * `n` more entries like the one just merged (no segment boundary: only max_segment and IOVA-page
 * alignment decide), in closed form: an entry that does not fill its IOVA pages or starts inside
 * one never merges, so each is a segment; page-filling entries fill segments of
 * floor(max / len) entries, the first topping up the open one.
 */
function mergeRest(segs: SegRun[], at: Cursor, l: { off: number; len: number; ilen: number }, n: number, max: number): void {
  const fills = l.len + l.off >= l.ilen;
  if (!fills || l.off !== 0) {
    segs.push({ addr: at.dmaAddr + l.off, len: l.len, count: n, stride: l.ilen, bus: false });
    at.dmaAddr += n * l.ilen;
    at.curLen = fills ? l.len : 0;
    return;
  }
  let left = n;
  const join = at.curLen > 0 && at.dmaAddr !== 0 ? Math.min(left, Math.max(0, Math.floor((max - at.curLen) / l.len))) : 0;
  if (join > 0) {
    grow(segs, join * l.len);
    at.curLen += join * l.len;
    at.dmaAddr += join * l.ilen;
    left -= join;
  }
  if (left === 0) return;
  const per = Math.max(1, Math.floor(max / l.len));
  const whole = Math.floor(left / per);
  const rest = left % per;
  if (whole > 0) segs.push({ addr: at.dmaAddr, len: per * l.len, count: whole, stride: per * l.ilen, bus: false });
  at.dmaAddr += whole * per * l.ilen;
  if (rest > 0) segs.push({ addr: at.dmaAddr, len: rest * l.len, count: 1, stride: 0, bus: false });
  at.dmaAddr += rest * l.ilen;
  at.curLen = (rest > 0 ? rest : per) * l.len;
}

/** The mapped table: entry i carries DMA segment i (the first nents entries), the rest dma_length 0. */
function overlay(runs: readonly SgRun[], segs: readonly SegRun[]): SgRun[] {
  const out: SgRun[] = [];
  let si = 0;
  let sOff = 0;
  for (const r of runs) {
    let done = 0;
    const n = runCount(r);
    while (done < n) {
      spend();
      const seg = segs[si];
      if (!seg) {
        out.push({ ...subRun(r, done, n - done), dmaLength: 0 });
        break;
      }
      const take = Math.min(n - done, seg.count - sOff);
      const cpu = subRun(r, done, take);
      const dma = { dmaAddress: seg.addr + sOff * seg.stride, dmaLength: seg.len, ...(seg.bus ? { busAddress: true } : {}) };
      out.push(take > 1 ? { ...cpu, ...dma, dmaStride: seg.stride } : { ...cpu, ...dma });
      done += take;
      sOff += take;
      if (sOff >= seg.count) {
        si++;
        sOff = 0;
      }
    }
  }
  return out;
}
