// What a device access really touches. A DMA address goes out on the device's bus: a bus address
// (P2P through a switch) reaches the peer's BAR directly; anything else goes through the IOMMU
// domain the device's group is attached to right now (if any), else it is a physical address.
// Faults and misuse are reported here: IOMMU-08, IOMMU-05, DMAAPI-08, LIFE-05, COH-04.
import type { Node } from '../../../language/ast';
import type { AccessPath, PhysRegion, StepContext } from '../../seam';
import { physKind, regionAt } from '../dma-mapping/memory';
import { lookupIndex, pteCount, pteEnd } from './pagetable';
import { pieceCount, runOf, sliceRegions } from '../../regions';
import { entryOf, runCount, sliceEntries } from '../dma-mapping/sgrun';
import { dirName, hex } from '../dma-mapping/text';
import type { DmaMapping, DmaState, DomainState } from '../dma-mapping/state';
import { spend } from '../../deadline';
import { iovaAccess } from './dma-iova';

export type DmaVia = { readonly mapping: number } | { readonly iova: { readonly domainSymbol: number; readonly addr: number } };

/** Why a default DMA domain has no flush queue: the config, or an untrusted device in the group (iommu_get_def_domain_type()). */
function strictWhy(ctx: StepContext, device: string): string {
  if (ctx.platform.configs.IOMMU_DEFAULT_DMA_LAZY && ctx.platform.devices.get(device)?.untrusted) {
    return `${device} is untrusted, and iommu_get_def_domain_type() gives its group IOMMU_DOMAIN_DMA, never the flush queue (drivers/iommu/iommu.c)`;
  }
  return `CONFIG_IOMMU_DEFAULT_DMA_LAZY off, the default outside x86: ${ctx.cite('iommu_subsys_init.fq')}`;
}

/** The domain translating `device`'s DMA right now; undefined = untranslated (direct or detached). */
export function activeDomain(dma: DmaState, ctx: StepContext, device: string): DomainState | undefined {
  const dev = ctx.platform.devices.get(device);
  if (!dev?.iommu) return undefined;
  const group = dma.groups.get(dev.iommu.group);
  return group?.active === undefined ? undefined : dma.domains.get(group.active);
}

/** DMA-address pieces: `count` of `size` bytes, `stride` apart (a run of DMA segments). */
interface Piece {
  readonly addr: number;
  readonly size: number;
  readonly bus: boolean;
  readonly count: number;
  readonly stride: number;
}

/** The DMA segments (the first nents entries): `count` of `size` bytes from `addr`, `stride` apart. */
function segmentsOf(mapping: DmaMapping): (Piece & { readonly mapped: boolean })[] {
  const segs = sliceEntries(mapping.entries, 0, mapping.nents);
  spend(segs.length);
  return segs.map((e) => ({ addr: e.dmaAddress ?? 0, size: e.dmaLength ?? 0, bus: !!e.busAddress, count: runCount(e), stride: e.dmaStride ?? 0, mapped: e.dmaAddress !== undefined }));
}

/** The DMA-address pieces of bytes [offset, offset+size) of a mapping, in table order. */
function piecesOf(mapping: DmaMapping, offset: number, size: number): Piece[] {
  const out: Piece[] = [];
  let pos = 0;
  const end = offset + size;
  for (const seg of segmentsOf(mapping)) {
    if (pos >= end) break;
    const len = seg.size * seg.count;
    const from = Math.max(offset, pos);
    const to = Math.min(end, pos + len);
    if (seg.mapped && to > from && seg.size > 0) {
      const cut = sliceRegions([{ space: 'ram', addr: seg.addr, size: seg.size, count: seg.count, stride: seg.stride }], from - pos, to - from);
      for (const r of cut) out.push({ addr: r.addr, size: r.size, bus: seg.bus, count: pieceCount(r), stride: r.stride ?? 0 });
    }
    pos += len;
  }
  return out;
}

function tableLength(mapping: DmaMapping): number {
  return segmentsOf(mapping).reduce((n, s) => n + s.size * s.count, 0);
}

type Walk = { ok: true; regions: PhysRegion[] } | { ok: false; iova: number; why: 'unmapped' | 'read' | 'write'; mappingId?: number };

/** The memory at `count` physical ranges of `size` bytes, `stride` apart (a bus error leaves none). */
function regionsAt(dma: DmaState, addr: number, size: number, count: number, stride: number): PhysRegion[] {
  const first = regionAt(dma, addr, size);
  if (!first) return count === 1 ? [] : expandAt(dma, addr, size, count, stride);
  // Pieces of one run share their kind, except swiotlb slots, whose gaps are pool space other
  // mappings use: those stay one region each (never more than the pool holds).
  if (count === 1 || (first.space === 'swiotlb' && Math.abs(stride) !== size)) return count === 1 ? [first] : expandAt(dma, addr, size, count, stride);
  return [runOf(first, count, stride)];
}

function expandAt(dma: DmaState, addr: number, size: number, count: number, stride: number): PhysRegion[] {
  const out: PhysRegion[] = [];
  for (let i = 0; i < count; i++) {
    spend();
    const r = regionAt(dma, addr + i * stride, size);
    if (r) out.push(r);
  }
  return out;
}

/** Walks [addr, addr+size) through a domain's page table, a run of entries at a time. */
function walk(dma: DmaState, domain: DomainState, addr: number, size: number, access: 'read' | 'write'): Walk {
  const regions: PhysRegion[] = [];
  let at = addr;
  const end = addr + size;
  let index = -1;
  while (at < end) {
    spend();
    index = lookupIndex(domain, at, index);
    if (index < 0) return { ok: false, iova: at, why: 'unmapped' };
    const pte = domain.ptes[index];
    if ((access === 'read' && !pte.prot.read) || (access === 'write' && !pte.prot.write)) return { ok: false, iova: at, why: access, mappingId: pte.mappingId };
    const stop = Math.min(end, pteEnd(pte));
    // The run's pages laid end to end are its IOVA range: cut [at, stop) out of them.
    const pages: PhysRegion = { space: 'ram', addr: pte.phys, size: pte.size, count: pteCount(pte), stride: pte.physStride ?? 0 };
    for (const r of sliceRegions([pages], at - pte.iova, stop - at)) regions.push(...regionsAt(dma, r.addr, r.size, pieceCount(r), r.stride ?? 0));
    at = stop;
  }
  return { ok: true, regions };
}

function faultText(ctx: StepContext, device: string, iova: number, access: 'read' | 'write', why: string): string {
  if (ctx.platform.arch === 'x86_64') {
    return `DMAR: [DMA ${access === 'read' ? 'Read' : 'Write'} NO_PASID] Request device [${device}] fault addr ${hex(iova)} [fault reason ${why === 'unmapped' ? '0x06] PTE Read access is not set' : access === 'read' ? '0x06] PTE Read access is not set' : '0x05] PTE Write access is not set'}`;
  }
  return `arm-smmu: Unhandled context fault: fsr=0x${why === 'unmapped' ? '402' : '408'}, iova=${hex(iova)}, fsynr=0x${access === 'write' ? '11' : '1'}, cbfrsynra=0x0, cb=0`;
}

/** Translates a device access; see dma-mapping/api.ts. */
export function translate(
  dma: DmaState,
  ctx: StepContext,
  device: string,
  via: DmaVia,
  range: { readonly offset: number; readonly size: number } | undefined,
  access: 'read' | 'write',
  at: Node,
): AccessPath | undefined {
  const coherent = ctx.platform.devices.get(device)?.coherent ?? true;
  if ('iova' in via) return translateIova(dma, ctx, device, via.iova.domainSymbol, via.iova.addr, range, access, at, coherent);
  const mapping = dma.mappings.get(via.mapping);
  if (!mapping) return undefined;
  const name = mapping.symbol?.name ?? `the table`;
  if (!mapping.live) {
    afterUnmap(dma, ctx, device, name, mapping, access, at);
    return undefined;
  }
  if (mapping.owner === 'cpu') {
    const bounced = mapping.bounced;
    const fresh = mapping.alloc === 'noncoherent' && !mapping.synced;
    ctx.report(
      'COH-04',
      at,
      fresh
        ? `${device} accesses ${name}, dma_alloc_noncoherent() memory the CPU still owns: "Before giving the memory to the device, dma_sync_single_for_device() needs ` +
            `to be called" (${ctx.cite('dma-api.rst:noncoherent-sync')}). Without it the device may read stale memory under the CPU's dirty cache lines, and ` +
            `their later write-back overwrites what it writes.`
        : `${device} accesses ${name} while the CPU owns it (after dma_sync_sgtable_for_cpu): ownership must go back with ` +
          `dma_sync_sgtable_for_device() before the device uses the buffer again (${ctx.cite('dma_map_sgtable.ownership-doc')}; ` +
          `${ctx.cite('dma-api-howto.rst:streaming-sync')}).${bounced ? ' The mapping is bounced: the device works on a stale bounce copy.' : ''}`,
      { severity: coherent && !bounced ? 'warning' : 'error', outcome: 'SILENT', related: mapping.at ? [{ at: mapping.at, message: 'mapped here' }] : [] },
    );
  }
  const wrongWay = (access === 'write' && mapping.dir === 'to_device') || (access === 'read' && mapping.dir === 'from_device');
  const total = tableLength(mapping);
  const offset = range?.offset ?? 0;
  const size = Math.min(range?.size ?? total, Math.max(0, total - offset));
  const pieces = piecesOf(mapping, offset, size);
  const domain = activeDomain(dma, ctx, device);
  const mappedIn = mapping.domain === undefined ? undefined : dma.domains.get(mapping.domain);
  if (wrongWay && !domain) {
    ctx.report(
      'DMAAPI-08',
      at,
      `${device} ${access === 'write' ? 'writes into' : 'reads from'} ${name}, mapped ${dirName(mapping.dir)}. Without an IOMMU nothing stops it ` +
        `(silent), but the cache maintenance done for ${dirName(mapping.dir)} does not cover this access, so the data is not coherent ` +
        `(${ctx.cite('dma-api-howto.rst:direction')}).`,
      { outcome: 'SILENT', related: mapping.at ? [{ at: mapping.at, message: `mapped ${dirName(mapping.dir)} here` }] : [] },
    );
  }
  if (mappedIn && domain !== mappedIn && pieces.some((p) => !p.bus)) {
    ctx.report(
      'IOMMU-05',
      at,
      `${name} holds IOVAs of ${mappedIn.label}, but ${device}'s group is ${domain ? `attached to ${domain.label}` : 'attached to no domain (untranslated)'} now: ` +
        `the DMA API always maps into the group's default domain (iommu_get_dma_domain(), ${ctx.cite('iommu_get_dma_domain')}), so ` +
        `the device's addresses ${domain ? 'are looked up in the wrong page table' : 'are used as physical addresses'}.`,
      { outcome: domain ? 'HWFAULT' : 'SILENT' },
    );
  } else if (!mappedIn && domain && pieces.some((p) => !p.bus)) {
    ctx.report(
      'IOMMU-05',
      at,
      `${name} was mapped for untranslated DMA (physical addresses), but ${device}'s group is attached to ${domain.label} now: ` +
        `the physical addresses are looked up as IOVAs in that domain.`,
      { outcome: 'HWFAULT' },
    );
  }
  const regions: PhysRegion[] = [];
  for (const p of pieces) {
    if (p.bus || !domain) {
      regions.push(...regionsAt(dma, p.addr, p.size, p.count, p.stride));
      continue;
    }
    // Through the IOMMU a run of segments is walked segment by segment, unless the segments lie
    // end to end in IOVA space (dma-iommu's usual result: one IOVA range cut at the device's
    // max_segment, 131,072 segments for 8 GiB at the default 64 KiB), which is one walk.
    const whole = p.count > 1 && p.stride === p.size;
    const walks = whole ? 1 : p.count;
    for (let i = 0; i < walks; i++) {
      const w = walk(dma, domain, p.addr + i * p.stride, whole ? p.size * p.count : p.size, access);
      if (w.ok) {
        regions.push(...w.regions);
        continue;
      }
      if (w.why !== 'unmapped' && w.mappingId === mapping.id) {
        ctx.report(
          'DMAAPI-08',
          at,
          `${device} ${access === 'write' ? 'writes into' : 'reads from'} ${name}, mapped ${dirName(mapping.dir)}: dma-iommu gave the IOVA ` +
            `${mapping.dir === 'to_device' ? 'IOMMU_READ only' : 'IOMMU_WRITE only'} (${ctx.cite('dma_info_to_prot')}), so the IOMMU ` +
            `aborts the transaction: ${faultText(ctx, device, w.iova, access, w.why)}.`,
          { outcome: 'HWFAULT', related: mapping.at ? [{ at: mapping.at, message: `mapped ${dirName(mapping.dir)} here` }] : [] },
        );
        return undefined;
      }
      if (mappedIn && domain !== mappedIn) return undefined; // IOMMU-05 already says it faults
      ctx.report(
        'IOMMU-08',
        at,
        `${device} accesses IOVA ${hex(w.iova)}, which ${domain.label} ${w.why === 'unmapped' ? 'does not map' : `maps without ${w.why} permission`}: the IOMMU aborts the transaction ` +
          `(${faultText(ctx, device, w.iova, access, w.why)}); report_iommu_fault() runs the domain's handler, nothing recovers.`,
        { outcome: 'HWFAULT' },
      );
      return undefined;
    }
  }
  return { regions, coherent, mappingId: mapping.id };
}

function translateIova(
  dma: DmaState,
  ctx: StepContext,
  device: string,
  domainSymbol: number,
  addr: number,
  range: { readonly offset: number; readonly size: number } | undefined,
  access: 'read' | 'write',
  at: Node,
  coherent: boolean,
): AccessPath | undefined {
  let start = addr + (range?.offset ?? 0);
  const size = range?.size ?? ctx.platform.pageSize;
  let named = dma.domains.get(dma.symbolDomains.get(domainSymbol) ?? -1);
  if (dma.iovaStates.has(domainSymbol)) {
    // `iova STATE OFFSET`: an offset into a dma_iova_try_alloc() range (DMAAPI-17).
    const r = iovaAccess(dma, ctx, device, domainSymbol, start, size, at);
    if (!r) return undefined;
    start = r.iova;
    named = r.domain;
  }
  const domain = activeDomain(dma, ctx, device);
  if (!domain) {
    ctx.report(
      'IOMMU-05',
      at,
      `${device} is not translated by any IOMMU domain now${named ? ` (it is not attached to ${named.label})` : ''}: the IOVA ${hex(start)} goes out as a ` +
        `physical address${physKind(dma, start).space === 'none' ? ', where nothing answers (bus error)' : ' and touches whatever memory is there'}.`,
      { outcome: 'SILENT' },
    );
    const r = regionAt(dma, start, size);
    return r ? { regions: [r], coherent } : undefined;
  }
  const w = walk(dma, domain, start, size, access);
  if (w.ok) return { regions: w.regions, coherent };
  const elsewhere = named && named !== domain ? ` The job names ${named.label}, but ${device}'s group is attached to ${domain.label}.` : '';
  const wasMapped = domain.freed.some((f) => w.iova >= f.iova && w.iova < f.iova + f.size);
  ctx.report(
    'IOMMU-08',
    at,
    `${device} ${access}s IOVA ${hex(w.iova)}, which ${domain.label} ${w.why === 'unmapped' ? `does not map${wasMapped ? ' (it was unmapped earlier)' : ''}` : `maps without ${w.why} permission`}: ` +
      `the IOMMU aborts the transaction (${faultText(ctx, device, w.iova, access, w.why)}).${elsewhere}`,
    { outcome: 'HWFAULT' },
  );
  return undefined;
}

/**
 * A device access through a mapping after its unmap. Behind a default DMA domain what happens is
 * the domain's: with a flush queue (IOMMU_DOMAIN_DMA_FQ, CONFIG_IOMMU_DEFAULT_DMA_LAZY, the x86
 * default: iommu_subsys_init()) the IOTLB may still translate the old IOVAs until the queue
 * drains (IOMMU-09); strict (the default elsewhere) invalidated them at the unmap and the access
 * faults (IOMMU-08). Without an IOMMU (or through the arm32 arch mapping's own IOVAs freed) the
 * pages or bounce slots are simply no longer the driver's: LIFE-05.
 */
function afterUnmap(dma: DmaState, ctx: StepContext, device: string, name: string, mapping: DmaMapping, access: 'read' | 'write', at: Node): void {
  const domain = mapping.domain === undefined ? undefined : dma.domains.get(mapping.domain);
  const related = mapping.unmappedAt ? [{ at: mapping.unmappedAt, message: 'unmapped here' }] : [];
  if (domain?.kind === 'dma' && domain.flushQueue) {
    ctx.report(
      'IOMMU-09',
      at,
      `${device} uses ${name} after it was unmapped. Its IOVAs were unmapped from ${domain.label}, an IOMMU_DOMAIN_DMA_FQ domain ` +
        `(CONFIG_IOMMU_DEFAULT_DMA_LAZY, ${ctx.cite('iommu_subsys_init.fq')}): the IOTLB invalidation waits in the flush queue, so until it drains the device may ` +
        `still reach the old pages, which may already be freed or reused; afterwards it faults, and the IOVAs may already belong to a new mapping. Nothing reports it.`,
      { outcome: 'SILENT', related },
    );
    return;
  }
  if (domain?.kind === 'dma') {
    ctx.report(
      'IOMMU-08',
      at,
      `${device} uses ${name} after it was unmapped. ${domain.label} is strict (${strictWhy(ctx, device)}): ` +
        `the unmap invalidated the IOTLB before it returned, so the IOMMU aborts the transaction (${faultText(ctx, device, entryOf(mapping.entries, 0)?.dmaAddress ?? 0, access, 'unmapped')}).`,
      { outcome: 'HWFAULT', related },
    );
    return;
  }
  ctx.report(
    'LIFE-05',
    at,
    `${device} uses ${name} after it was unmapped. ` +
      (mapping.bounced ? 'Its swiotlb slots were released and may already hold another mapping\'s data.' : 'The pages may already be freed or reused: the access is a use-after-free.'),
    { outcome: 'SILENT', related },
  );
}
