// The two-step DMA API of dma-iommu (drivers/iommu/dma-iommu.c, 6.16+, row dma-iova-api; what was
// read and where: ../dma-mapping/iova-research.md). DMAAPI-17:
//  - dma_iova_try_alloc() reserves an IOVA range in the device's DMA domain, or returns false with
//    the state zeroed (dma_use_iova() false) for a device that does not use dma-iommu (no IOMMU,
//    identity domain, the arm32 arch mapping) or when the space is exhausted; size 0 WARNs. The
//    caller must then map with dma_map_*(); dma_iova_link() on such a state dereferences a domain
//    cookie the device does not have.
//  - dma_iova_link() writes the IOMMU PTEs without an IOTLB sync ("The caller is responsible to
//    call to dma_iova_sync() to sync IOTLB at the end of linkage"), with CPU cache maintenance for
//    a non-coherent device unless DMA_ATTR_SKIP_CPU_SYNC; WARN_ON_ONCE(iova_start_pad && offset > 0)
//    and -EIO for an unaligned physical start anywhere but at offset 0; no bounds check.
//  - dma_iova_destroy(mapped_len) unlinks [0, mapped_len), WARN_ON(unmapped != size) on a hole,
//    and frees the range; dma_iova_free() frees it without unmapping: links left behind stay
//    mapped while the IOVA is handed out again.
//  - dma-debug has no hooks here: none of this is checked by CONFIG_DMA_API_DEBUG.
import type { Dir, DmaIovaAllocStmt, DmaIovaDestroyStmt, DmaIovaFreeStmt, DmaIovaLinkStmt, DmaIovaSyncStmt, DmaIovaUnlinkStmt, Ident, Node } from '../../../language/ast';
import type { PhysRegion, StepContext } from '../../seam';
import { expandRegions, sliceRegions } from '../../regions';
import { alignDown, alignUp } from '../dma-mapping/init';
import { emit, forCpuEffect, forDeviceEffect } from '../dma-mapping/cache';
import { hex, size as sizeText, dirName } from '../dma-mapping/text';
import type { DmaState, DomainState, IommuPte, IovaBounce, IovaState } from '../dma-mapping/state';
import { slotSearch, takeSlot } from '../dma-mapping/swiotlb';
import { insertMany, protOf, unmapRange } from './pagetable';
import { dmaApiDomain, iommuDmaAllocIova, iommuOf } from './dma-iommu';
import { domainState } from '../dma-mapping/snapshot';
import { archMaintains } from '../dma-mapping/cache';
import { checkMapPhysExists } from '../dma-mapping/map-phys';
import { C } from '../../../language/kernel-c-words';

/** The two-step API does not exist before 6.16: the driver does not build (NAME); the call runs as 6.16 defines it. */
function checkExists(ctx: StepContext, at: Node, fn: string): void {
  if (ctx.since('dma-iova-api')) return;
  ctx.report(
    'NAME',
    at,
    `${fn}() does not exist before 6.16 (the two-step DMA API, drivers/iommu/dma-iommu.c; Linux ${ctx.platform.kernel} has none of dma_iova_*()), so this ` +
      'driver does not build for this kernel. The rest of the scenario is checked as 6.16 defines it.',
  );
}

function reserve(domain: DomainState, iova: number, size: number): void {
  domain.reserved = [...(domain.reserved ?? []), { iova, size }].sort((a, b) => a.iova - b.iova);
}

function release(domain: DomainState, iova: number): void {
  domain.reserved = (domain.reserved ?? []).filter((r) => r.iova !== iova);
}

export function execIovaAlloc(dma: DmaState, ctx: StepContext, stmt: DmaIovaAllocStmt): void {
  const sym = ctx.sym(stmt.name);
  const device = ctx.sym(stmt.dev).name;
  const size = stmt.size.value;
  const call = `dma_iova_try_alloc(${device}, &${sym.name}, phys, ${size})`;
  checkExists(ctx, stmt, 'dma_iova_try_alloc');
  const fallback = (why: string): void => {
    dma.iovaStates.set(sym.id, { symbol: sym, device, at: { span: stmt.span }, base: 0, size: 0, links: [], unsynced: [] });
    ctx.call(call, `false: ${why}; the state is zeroed (dma_use_iova() false): map with dma_map_*() instead`);
  };
  if (size <= 0) {
    ctx.report('DMAAPI-17', stmt.size, `${call}: WARN_ON_ONCE(!size) and false: an IOVA range of nothing.`, { severity: 'warning', outcome: 'WARN' });
    return fallback('WARN_ON_ONCE(!size)');
  }
  const dev = ctx.platform.devices.get(device);
  const domain = dmaApiDomain(dma, ctx.platform, device);
  if (!dev || !domain || domain.kind !== 'dma' || domain.armMapping) {
    return fallback(`${device} does not use dma-iommu (${!domain ? 'no IOMMU domain: direct mapping' : domain.armMapping ? 'the arm32 arch mapping' : `its group is in ${domain.label}`})`);
  }
  const { granule } = iommuOf(ctx.platform, domain);
  const total = alignUp(size, granule);
  const iova = iommuDmaAllocIova(ctx, dev, domain, total);
  if (iova === undefined) return fallback(`no ${sizeText(total)} of IOVA space left in ${domain.label}`);
  reserve(domain, iova, total);
  dma.iovaStates.set(sym.id, { symbol: sym, device, at: { span: stmt.span }, domain: domain.id, base: iova, size: total, links: [], unsynced: [] });
  ctx.call(call, `true: ${sizeText(total)} of IOVA at ${hex(iova)} in ${domain.label}, nothing mapped yet`);
}

/** The state a statement names, or undefined after reporting a use of an ended one. */
function usedState(dma: DmaState, ctx: StepContext, stmt: Node, ident: Ident, fn: string): IovaState | undefined {
  const st = dma.iovaStates.get(ctx.sym(ident).id);
  if (!st) return undefined;
  if (st.ended) {
    ctx.report('LIFE-05', stmt, `${fn}() of \`${st.symbol.name}\` after its range was destroyed or freed: the IOVA may already belong to another mapping.`, {
      outcome: 'SILENT',
      related: [{ at: st.ended, message: 'ended here' }],
    });
    return undefined;
  }
  return st;
}

export function execIovaLink(dma: DmaState, ctx: StepContext, stmt: DmaIovaLinkStmt, source: readonly PhysRegion[] | undefined): void {
  checkExists(ctx, stmt, 'dma_iova_link');
  const st = usedState(dma, ctx, stmt, stmt.state, 'dma_iova_link');
  const offset = stmt.offset?.value ?? 0;
  const call = `dma_iova_link(${st?.device ?? 'dev'}, &${stmt.state.name}, phys(${stmt.mem.name}), ${offset}, size, ${dirName(stmt.dir.value)}, ${C.attrs(stmt)})`;
  if (stmt.mmio) checkMapPhysExists(ctx, stmt, 'DMA_ATTR_MMIO');
  if (!st || !source) return ctx.call(call, 'nothing linked', false);
  const domain = st.domain === undefined ? undefined : dma.domains.get(st.domain);
  if (!domain) {
    ctx.report(
      'DMAAPI-17',
      stmt,
      `${call} on a state dma_iova_try_alloc() did not allocate (dma_use_iova() is false: ${st.device} does not use dma-iommu): dma_iova_link() has no ` +
        `dma_use_iova() check and dereferences the domain's IOVA cookie, which this device does not have: an oops. Check dma_use_iova() and map with dma_map_*() instead.`,
      { outcome: 'BUG', related: [{ at: st.at, message: 'dma_iova_try_alloc() returned false here' }] },
    );
    return ctx.call(call, 'oops', false);
  }
  const regions = stmt.range ? sliceRegions(source, stmt.range.offset.value, stmt.range.size.value) : source;
  const pieces = expandRegions(regions);
  const length = pieces.reduce((n, p) => n + p.size, 0);
  const { granule } = iommuOf(ctx.platform, domain);
  const pad = (pieces[0]?.addr ?? 0) % granule;
  if (pad && offset > 0) {
    ctx.report(
      'DMAAPI-17',
      stmt,
      `${call}: the memory starts ${pad} bytes into an IOMMU page and the link is not the first (offset ${offset}): WARN_ON_ONCE(iova_start_pad && offset > 0) ` +
        'and -EIO. Only the link at offset 0 may start unaligned.',
      { severity: 'warning', outcome: 'WARN' },
    );
    return ctx.call(call, '-EIO', false);
  }
  if (offset + length > st.size) {
    ctx.report(
      'DMAAPI-17',
      stmt,
      `${call} links ${sizeText(length)} at offset ${offset}, past the ${sizeText(st.size)} dma_iova_try_alloc() reserved: dma_iova_link() has no bounds check, ` +
        `so the PTEs land on IOVAs beyond the range, which the allocator may give (or have given) to another mapping.`,
      { outcome: 'SILENT', related: [{ at: st.at, message: `${sizeText(st.size)} reserved here` }] },
    );
  }
  if (ctx.since('dma-map-phys')) checkLinkAttrs(ctx, stmt, call, st.device, pieces[0]?.space === 'bar');
  const prot = protOf(stmt.dir.value);
  const ptes: IommuPte[] = [];
  let at = st.base + offset;
  for (const p of pieces) {
    const start = alignDown(p.addr, granule);
    const span = alignUp(p.addr + p.size, granule) - start;
    ptes.push({ iova: at, phys: start, size: span, prot });
    at += span;
  }
  const bounced = untrustedBounce(dma, ctx, stmt, call, st, pieces, granule);
  if (bounced === 'refused') return ctx.call(call, '-EPERM', false);
  const bounces = bounced ?? [];
  if (bounces.length) bounceEnds(ptes, bounces, pieces, granule);
  insertMany(domain, ptes);
  // Each piece holds a whole granule of the pool (swiotlb_tbl_map_single() with the IOVA mask as alignment).
  for (const b of bounces) dma.swiotlb.slots.push({ addr: b.page, size: granule, orig: b.orig, iovaState: st.symbol.id });
  // swiotlb_tbl_map_single() copies the original into the slot whatever the direction.
  if (bounces.length) ctx.cache({ kind: 'bounceToDevice', from: bounces.map((b) => ramRegion(b.orig, b.size)), to: bounces.map((b) => slotRegion(b)) });
  // 6.18's __dma_iova_link(): no arch_sync_dma_for_device() for DMA_ATTR_SKIP_CPU_SYNC | DMA_ATTR_MMIO.
  if (!stmt.skipCpuSync && !stmt.mmio) emit(ctx, forDeviceEffect(ctx.platform, st.device, stmt.dir.value, pieces));
  const link = { offset, length, at: { span: stmt.span }, ...(bounces.length ? { bounces } : {}) };
  st.links.push(link);
  st.unsynced.push(link);
  ctx.call(call, `0: ${sizeText(length)} at IOVA ${hex(st.base + offset + pad)}, IOTLB not synced`);
  ctx.change({ object: domain.label, kind: 'domain', summary: `${stmt.state.name}: ${sizeText(length)} linked at ${hex(st.base + offset)} (dma_iova_sync() pending)`, state: domainState(domain) });
}

/** DMA_ATTR_MMIO must say what the memory is (6.18+): a BAR without it gets memory's cache maintenance and IOMMU_CACHE, RAM with it neither. */
function checkLinkAttrs(ctx: StepContext, stmt: DmaIovaLinkStmt, call: string, device: string, bar: boolean): void {
  if (bar === stmt.mmio) return;
  const nonCoherent = archMaintains(ctx.platform, device);
  const message = bar
    ? `${call}: ${stmt.mem.name} is in a BAR, but without DMA_ATTR_MMIO dma_iova_link() takes it for memory: the PTEs get IOMMU_CACHE instead of IOMMU_MMIO` +
      (nonCoherent && !stmt.skipCpuSync ? ', and arch_sync_dma_for_device() cleans the caches through phys_to_virt() of an address the linear map does not cover' : '') +
      '. Pass DMA_ATTR_MMIO (`mmio`), as dma_buf_phys_vec_to_sgt() does'
    : `${call}: ${stmt.mem.name} is RAM, but DMA_ATTR_MMIO skips its cache maintenance and maps it IOMMU_MMIO` +
      (nonCoherent ? `: ${device} is not coherent and reads what reached DRAM, not the CPU's dirty lines` : '') +
      '. Drop `mmio` for memory';
  ctx.report('DMAAPI-18', stmt, `${message} (drivers/iommu/dma-iommu.c, __dma_iova_link(); include/linux/dma-mapping.h, DMA_ATTR_MMIO).`, {
    severity: nonCoherent || bar ? 'error' : 'warning',
    outcome: bar && nonCoherent && !stmt.skipCpuSync ? 'BUG' : 'SILENT',
  });
}

export function execIovaSync(dma: DmaState, ctx: StepContext, stmt: DmaIovaSyncStmt): void {
  checkExists(ctx, stmt, 'dma_iova_sync');
  const st = usedState(dma, ctx, stmt, stmt.state, 'dma_iova_sync');
  const call = `dma_iova_sync(${st?.device ?? 'dev'}, &${stmt.state.name}, 0, size)`;
  if (!st) return ctx.call(call, 'nothing to sync', false);
  st.unsynced = [];
  ctx.call(call, st.domain === undefined ? '-EOPNOTSUPP-like no-op: nothing was allocated' : '0: iommu_sync_map() over the range');
}

/**
 * dma_iova_unlink(): unmaps [offset, offset + size) with a synchronous IOTLB flush (even on a
 * flush-queue domain), syncs for the CPU unless DMA_ATTR_SKIP_CPU_SYNC, WARN_ON(unmapped != size)
 * where the range is not all linked; the IOVA range stays reserved.
 */
export function execIovaUnlink(dma: DmaState, ctx: StepContext, stmt: DmaIovaUnlinkStmt): void {
  checkExists(ctx, stmt, 'dma_iova_unlink');
  const st = usedState(dma, ctx, stmt, stmt.state, 'dma_iova_unlink');
  const linkedEnd = st ? st.links.reduce((n, l) => Math.max(n, l.offset + l.length), 0) : 0;
  const offset = stmt.range?.offset.value ?? 0;
  const size = stmt.range?.size.value ?? linkedEnd;
  const call = `dma_iova_unlink(${st?.device ?? 'dev'}, &${stmt.state.name}, ${offset}, ${size}, ${dirName(stmt.dir.value)}, ${stmt.skipCpuSync ? 'DMA_ATTR_SKIP_CPU_SYNC' : '0'})`;
  if (!st) return ctx.call(call, 'nothing to unlink', false);
  const domain = st.domain === undefined ? undefined : dma.domains.get(st.domain);
  if (!domain) return ctx.call(call, 'no-op: nothing was allocated');
  const { granule } = iommuOf(ctx.platform, domain);
  const start = st.base + alignDown(offset, granule);
  const regions = domain.ptes.filter((p) => p.iova < st.base + offset + size && st.base + offset < p.iova + p.size).map((p) => ({ space: 'ram' as const, addr: p.phys, size: p.size }));
  const unmapped = unmapRange(domain, start, alignUp(st.base + offset + size, granule) - start);
  if (unmapped < size) {
    ctx.report('DMAAPI-17', stmt, `${call}: [${offset}, ${offset + size}) is not all linked (unmapping stopped after ${unmapped} bytes): WARN_ON(unmapped != size).`, { severity: 'warning', outcome: 'WARN' });
  }
  if (!stmt.skipCpuSync) emit(ctx, forCpuEffect(ctx.platform, st.device, stmt.dir.value, regions));
  const end = offset + size;
  releaseBounces(dma, ctx, st, st.links.filter((l) => !(l.offset + l.length <= offset || l.offset >= end)), stmt.dir.value, stmt.skipCpuSync);
  st.links = st.links.filter((l) => l.offset + l.length <= offset || l.offset >= end);
  st.unsynced = st.unsynced.filter((l) => l.offset + l.length <= offset || l.offset >= end);
  ctx.call(call, `void: ${sizeText(Math.min(unmapped, size))} unmapped, IOTLB flushed; the IOVAs stay reserved`);
  ctx.change({ object: domain.label, kind: 'domain', summary: `${stmt.state.name}: [${offset}, ${end}) unlinked`, state: domainState(domain) });
}

export function execIovaEnd(dma: DmaState, ctx: StepContext, stmt: DmaIovaDestroyStmt | DmaIovaFreeStmt): void {
  const destroy = stmt.kind === 'DmaIovaDestroy';
  const fn = destroy ? 'dma_iova_destroy' : 'dma_iova_free';
  checkExists(ctx, stmt, fn);
  const st = usedState(dma, ctx, stmt, stmt.state, fn);
  const call = destroy ? `dma_iova_destroy(${st?.device ?? 'dev'}, &${stmt.state.name}, ${stmt.size.value}, ${dirName(stmt.dir.value)}, 0)` : `dma_iova_free(${st?.device ?? 'dev'}, &${stmt.state.name})`;
  if (!st) return ctx.call(call, 'nothing to end', false);
  st.ended = { span: stmt.span };
  const domain = st.domain === undefined ? undefined : dma.domains.get(st.domain);
  if (!domain) return ctx.call(call, 'no-op: nothing was allocated');
  const linkedEnd = st.links.reduce((n, l) => Math.max(n, l.offset + l.length), 0);
  if (destroy) {
    const asked = stmt.size.value;
    const unmapped = unmapRange(domain, st.base, alignUp(asked, iommuOf(ctx.platform, domain).granule));
    if (unmapped < Math.min(asked, st.size)) {
      ctx.report('DMAAPI-17', stmt, `${call}: [0, ${asked}) is not all linked (unmapping stopped after ${unmapped} bytes): WARN_ON(unmapped != size), and the rest is left as it is.`, {
        severity: 'warning',
        outcome: 'WARN',
      });
    }
    if (linkedEnd > asked) reportStale(ctx, stmt, call, st, `mapped_len ${asked} leaves links up to ${linkedEnd} mapped`);
    releaseBounces(dma, ctx, st, st.links.filter((l) => l.offset < asked), stmt.dir.value, false);
  } else if (st.links.length > 0) {
    reportStale(ctx, stmt, call, st, `${st.links.length} link${st.links.length === 1 ? '' : 's'} still mapped`);
  }
  release(domain, st.base);
  ctx.call(call, destroy ? 'void: unlinked and freed' : 'void: the IOVA range is free again');
  ctx.change({ object: domain.label, kind: 'domain', summary: `${stmt.state.name}: IOVA range ${hex(st.base)} ${destroy ? 'destroyed' : 'freed'}`, state: domainState(domain) });
}

/** The swiotlb pieces' regions, for the coherency model. */
function ramRegion(addr: number, size: number): PhysRegion {
  return { space: 'ram', addr, size };
}
function slotRegion(b: IovaBounce): PhysRegion {
  return { space: 'swiotlb', addr: b.slot, size: b.size };
}

/**
 * iommu_dma_iova_link_swiotlb(): for an untrusted device (dev_use_swiotlb(), CONFIG_SWIOTLB on) a
 * link whose start or length is not granule-aligned has its partial head and tail granules bounced
 * (the aligned middle is linked in place), padding zeroed; 6.18+ refuses it for DMA_ATTR_MMIO with
 * -EPERM. Undefined when nothing is bounced.
 */
function untrustedBounce(dma: DmaState, ctx: StepContext, stmt: DmaIovaLinkStmt, call: string, st: IovaState, pieces: readonly PhysRegion[], granule: number): IovaBounce[] | 'refused' | undefined {
  const dev = ctx.platform.devices.get(st.device);
  const first = pieces[0];
  const last = pieces[pieces.length - 1];
  if (!dev?.untrusted || !ctx.platform.configs.SWIOTLB || !first || !last) return undefined;
  const length = pieces.reduce((n, p) => n + p.size, 0);
  if ((first.addr | length) % granule === 0) return undefined;
  if (stmt.mmio && ctx.since('dma-map-phys')) {
    ctx.report('DMAAPI-18', stmt, `${call} returns -EPERM: ${st.device} is untrusted and the link is not IOMMU-page aligned, so it would have to be bounced through swiotlb, and MMIO never is (__dma_iova_link(), drivers/iommu/dma-iommu.c).`, { outcome: 'RET' });
    return 'refused';
  }
  const search = slotSearch(dma);
  const out: IovaBounce[] = [];
  const pad = first.addr % granule;
  const head = pad ? Math.min(length, granule - pad) : 0;
  const end = last.addr + last.size;
  const tail = length > head ? end % granule : 0;
  for (const [orig, size] of [[first.addr, head], [end - tail, tail]] as const) {
    if (size === 0) continue;
    const slot = takeSlot(dma, search, granule);
    if (slot === undefined) return undefined;
    out.push({ page: slot, slot: slot + (orig % granule), orig, size });
  }
  ctx.report(
    'DMAAPI-17',
    stmt,
    `${call}: ${st.device} is untrusted, so the partial ${out.length === 2 ? 'head and tail granules are' : head ? 'head granule is' : 'tail granule is'} bounced through swiotlb ` +
      '(iommu_dma_iova_link_swiotlb(), padding zeroed) and the aligned middle is linked in place. The device works on the bounce copy of those bytes: the CPU sees its ' +
      'writes there only after dma_iova_unlink()/dma_iova_destroy() copy them back, and the state is marked DMA_IOVA_USE_SWIOTLB, so every later unlink walks it granule by granule.',
    { severity: 'information', outcome: 'INFO' },
  );
  return out;
}

/** Points the head and tail granules of the link's PTEs at their bounce slots. */
function bounceEnds(ptes: IommuPte[], bounces: readonly IovaBounce[], pieces: readonly PhysRegion[], granule: number): void {
  const first = pieces[0]!;
  for (const b of bounces) {
    const headPiece = b.orig === first.addr && first.addr % granule !== 0;
    const i = headPiece ? 0 : ptes.length - 1;
    const p = ptes[i];
    const slotPage = b.page;
    const parts: IommuPte[] = headPiece
      ? [{ ...p, phys: slotPage, size: granule }, ...(p.size > granule ? [{ ...p, iova: p.iova + granule, phys: p.phys + granule, size: p.size - granule }] : [])]
      : [...(p.size > granule ? [{ ...p, size: p.size - granule }] : []), { ...p, iova: p.iova + p.size - granule, phys: slotPage, size: granule }];
    ptes.splice(i, 1, ...parts);
  }
}

/** Unlinking bounced pieces: swiotlb_tbl_unmap_single() copies back (FROM_DEVICE/BIDIRECTIONAL, unless skip_cpu_sync) and frees the slots. */
function releaseBounces(dma: DmaState, ctx: StepContext, st: IovaState, links: IovaState['links'], dir: Dir, skipCpuSync: boolean): void {
  const bounces = links.flatMap((l) => l.bounces ?? []);
  if (bounces.length === 0) return;
  if (!skipCpuSync && dir !== 'to_device') ctx.cache({ kind: 'bounceToCpu', from: bounces.map(slotRegion), to: bounces.map((b) => ramRegion(b.orig, b.size)) });
  const gone = new Set(bounces.map((b) => b.page));
  dma.swiotlb.slots = dma.swiotlb.slots.filter((s) => s.iovaState !== st.symbol.id || !gone.has(s.addr));
}

function reportStale(ctx: StepContext, stmt: Node, call: string, st: IovaState, what: string): void {
  ctx.report(
    'DMAAPI-17',
    stmt,
    `${call} returns the IOVA range to the allocator with ${what}: their PTEs stay, the device can still reach the memory through them, and the next ` +
      'allocation that gets these IOVAs finds them occupied. dma_iova_destroy() must cover everything linked (and dma_iova_free() is only for a state with nothing linked); ' +
      'unlink first.',
    { outcome: 'SILENT', related: st.links.map((l) => ({ at: l.at, message: `linked at offset ${l.offset} here` })) },
  );
}

/**
 * A device access through a state (`iova STATE OFFSET`): DMAAPI-17 for a fallback state or a
 * range linked since the last dma_iova_sync(); the walk itself is the domain's (IOMMU-08 where
 * nothing is linked). Returns the IOVA to walk, or undefined after reporting.
 */
export function iovaAccess(dma: DmaState, ctx: StepContext, device: string, symbolId: number, offset: number, size: number, at: Node): { domain: DomainState; iova: number } | undefined {
  const st = dma.iovaStates.get(symbolId);
  if (!st) return undefined;
  const domain = st.domain === undefined ? undefined : dma.domains.get(st.domain);
  if (!domain) {
    ctx.report('DMAAPI-17', at, `${device} is programmed with an address from \`${st.symbol.name}\`, a state dma_iova_try_alloc() did not allocate (dma_use_iova() false): it holds no IOVA, and the device DMAs to address ${hex(offset)}.`, {
      outcome: 'SILENT',
      related: [{ at: st.at, message: 'dma_iova_try_alloc() returned false here' }],
    });
    return undefined;
  }
  if (st.ended) {
    ctx.report('LIFE-05', at, `${device} uses \`${st.symbol.name}\` after its IOVA range was destroyed or freed.`, { outcome: 'SILENT', related: [{ at: st.ended, message: 'ended here' }] });
    return undefined;
  }
  const pending = st.unsynced.find((l) => offset < l.offset + l.length && l.offset < offset + size);
  if (pending) {
    ctx.report(
      'DMAAPI-17',
      at,
      `${device} uses IOVAs of \`${st.symbol.name}\` linked by dma_iova_link() but not yet synced: the link writes the PTEs without an IOTLB sync ("The caller is ` +
        'responsible to call to dma_iova_sync() to sync IOTLB at the end of linkage", drivers/iommu/dma-iommu.c): on an IOMMU whose driver needs iotlb_sync_map the ' +
        'device may fault or translate through stale entries. Call dma_iova_sync() after the last link, before the device starts.',
      { outcome: 'SILENT', related: [{ at: pending.at, message: 'linked here' }] },
    );
  }
  return { domain, iova: st.base + offset };
}

/** States allocated and never destroyed or freed (LEAK-01 at the end). */
export function iovaOutstanding(dma: DmaState): readonly IovaState[] {
  return [...dma.iovaStates.values()].filter((s) => s.domain !== undefined && !s.ended);
}
