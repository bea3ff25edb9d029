// The streaming DMA API's entry points as kernel/dma/mapping.c dispatches them: dma_map_sgtable,
// dma_unmap_sgtable and dma_sync_sgtable_for_cpu/_for_device go to dma-direct (direct.ts,
// swiotlb.ts) or to dma-iommu and the arm32 arch IOMMU ops (../iommu/dma-iommu.ts), with dma-debug's checks
// (debug.ts) and the cache maintenance and bounce copies the call performs (cache.ts).
// dma_map_resource is map-resource.ts.
//
// A map is planned first (addresses, IOVAs, bounce slots, page-table entries: plan.ts) and
// committed only when it succeeds, so a failing call changes nothing.
import type { Dir, Node } from '../../../language/ast';
import type { SgRun } from './sgrun';
import type { StepContext } from '../../seam';
import { bouncePairs, emit, forCpuEffect, forDeviceEffect, inRange, mapEffects, ramOnly, unmapEffects, type TableBytes } from './cache';
import { deadUse, debugChecks } from './debug';
import { planDirect } from './direct';
import { dmaDevice, reportDmaAfterFailedMask } from './mask';
import { dmaApiDomain, planIommu } from '../iommu/dma-iommu';
import { planUntrusted } from '../iommu/untrusted';
import { classifyP2p, reportMapType } from '../p2pdma/map-type';
import { insertMany, removeMapping, unmapRange } from '../iommu/pagetable';
import type { DmaAttrs, DmaMapResult, MapOrigin, Plan } from './plan';
import { domainState, mappingState } from './snapshot';
import { dirName, dmaDebug, hex16 } from './text';
import type { BounceSlot, DmaMapping, DmaState } from './state';
import { entryCount, entryOf, expandEntries, findEntryIndex, sliceEntries } from './sgrun';
import { pteCount } from '../iommu/pagetable';

// --- mapping ------------------------------------------------------------------------------------

export function dmaMap(
  dma: DmaState,
  ctx: StepContext,
  device: string,
  entries: readonly SgRun[],
  dir: Dir,
  attrs: DmaAttrs,
  origin: MapOrigin,
): DmaMapResult {
  const platform = ctx.platform;
  const dev = dmaDevice(dma, platform, device);
  if (!dev || entries.length === 0) return { ok: false, error: '-EINVAL' };
  const origNents = entryCount(entries);
  reportDmaAfterFailedMask(dma, ctx, device, origin);
  if (dev.dmaMask <= 0) {
    ctx.report(
      'DMAAPI-02',
      origin.at,
      `${device} has no DMA mask (dma_mask 0): dma_map_sg() hits WARN_ON_ONCE(!dev->dma_mask) and maps nothing ` +
        `(${ctx.cite('__dma_map_sg_attrs.mask-warn')}). A driver must not use DMA before dma_set_mask() succeeded.`,
      { outcome: 'WARN' },
    );
    return { ok: false, error: '-EIO' };
  }
  const pageless = findEntryIndex(entries, (e) => !e.page || e.phys === null);
  if (pageless >= 0) {
    ctx.report(
      'SGT-03',
      origin.at,
      `entry ${pageless} of the table has no struct page: dma_map_sgtable() computes sg_phys() from sg_page() and ` +
        `dereferences a NULL page (${ctx.cite('sg_page')}). Page-less tables are DMA-mapped with ` +
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
        `P2PDMA memory specified in the sg_table. This will not succeed if retried" (${ctx.cite('dma_map_sgtable.eremoteio-doc')}; ` +
        `${ctx.cite('dma_direct_map_sg')}).`,
      { outcome: 'RET' },
    );
    return { ok: false, error: '-EREMOTEIO' };
  }
  const peer = p2p.find((x) => x !== undefined);
  if (peer) reportMapType(ctx, device, peer, origin.at);
  const domain = dmaApiDomain(dma, platform, device);
  const planned = !domain
    ? planDirect(dma, ctx, dev, entries, p2p, origin)
    : dev.untrusted && platform.configs.SWIOTLB && domain.kind === 'dma' && !domain.armMapping && !peer
      ? planUntrusted(dma, ctx, dev, entries, dir, domain, origin)
      : planIommu(dma, ctx, dev, entries, p2p, dir, domain, origin);
  if (!planned.ok) return planned;
  const plan = planned.plan;
  debugChecks(dma, ctx, dev, entries, plan, dir, attrs, origin);
  const mapping = commit(dma, ctx, device, dir, attrs.skipCpuSync, plan, origNents, 'sg', origin);
  mapEffects(dma, ctx, mapping, dir, attrs.skipCpuSync);
  return { ok: true, mapping };
}

export function commit(
  dma: DmaState,
  ctx: StepContext,
  device: string,
  dir: Dir,
  skipCpuSync: boolean,
  plan: Plan,
  origNents: number,
  via: DmaMapping['via'],
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
  if (plan.domain) insertMany(plan.domain, plan.ptes.map((p) => ({ ...p, mappingId: id })));
  const name = origin.symbol?.name ?? `mapping #${id}`;
  ctx.change({
    object: name,
    kind: 'sgt',
    summary: `mapped ${origNents} entr${origNents === 1 ? 'y' : 'ies'} for ${device} ${dirName(dir)}, nents ${plan.nents}: ${plan.how}`,
    state: mappingState(dma, mapping),
  });
  const ranges = plan.ptes.reduce((n, p) => n + pteCount(p), 0);
  if (plan.domain && ranges > 0) {
    ctx.change({ object: plan.domain.label, kind: 'domain', summary: `${ranges} IOVA ${ranges === 1 ? 'range' : 'ranges'} mapped for ${name}`, state: domainState(plan.domain) });
  }
  return mapping;
}

// --- unmap and sync -----------------------------------------------------------------------------

function firstSegment(mapping: DmaMapping): { addr: number; len: number } {
  const e = entryOf(mapping.entries, 0);
  return { addr: e?.dmaAddress ?? 0, len: e?.dmaLength ?? 0 };
}

/**
 * DMAAPI-11 at a driver's own unmap with DMA_ATTR_SKIP_CPU_SYNC while the device still owns a
 * mapping it may have written: the attribute "force[s the] buffer to stay in device domain", so
 * the CPU gets no invalidate and no swiotlb copy-back. Right after dma_sync_*_for_cpu (the CPU
 * owns it) or for a TO_DEVICE mapping, nothing is skipped that matters: no finding.
 */
function reportSkippedSync(ctx: StepContext, mapping: DmaMapping, dir: Dir, at: Node): void {
  if (dir === 'to_device' || mapping.owner === 'cpu') return;
  const coherent = ctx.platform.devices.get(mapping.device)?.coherent ?? true;
  if (coherent && !mapping.bounced) return;
  const lost = mapping.bounced
    ? `the device's data stays in the swiotlb slots, which are released without the copy back to the buffer (${ctx.cite('swiotlb_tbl_unmap_single')})`
    : `the CPU cache lines over the buffer are not invalidated, so the CPU may read stale lines instead of what ${mapping.device} wrote`;
  ctx.report(
    'DMAAPI-11',
    at,
    `dma_unmap_sgtable(${mapping.device}, ..., ${dirName(dir)}, DMA_ATTR_SKIP_CPU_SYNC) skips the sync for the CPU (${ctx.cite('dma_direct_unmap_page')}): ` +
      `"This attribute can be also used for dma_unmap_{single,page,sg} functions family to force buffer to stay in device domain" (${ctx.cite('dma-attributes.rst:skip-cpu-sync')}). ` +
      `${mapping.device} still owns the mapping (no dma_sync_sgtable_for_cpu since it last did), so ${lost}. Sync for the CPU first, or unmap without the attribute.`,
    { severity: 'information', outcome: 'SILENT', related: mapping.at ? [{ at: mapping.at, message: `mapped ${dirName(mapping.dir)} here` }] : [] },
  );
}

export function dmaUnmap(dma: DmaState, ctx: StepContext, mappingId: number, at: Node, skipCpuSync: boolean, dir?: Dir, nents?: number): void {
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
        `(${ctx.cite(['dma-api.rst:unmap-same-args', 'dma-api.rst:unmap-sg-same-args'])}; ${ctx.cite('check_unmap')}).`,
      { outcome: 'DMADBG', related: mapping.at ? [{ at: mapping.at, message: `mapped ${dirName(mapping.dir)} with ${mapping.origNents} entr${mapping.origNents === 1 ? 'y' : 'ies'} here` }] : [] },
    );
  }
  if (skipCpuSync && mapping.symbol) reportSkippedSync(ctx, mapping, useDir, at);
  unmapEffects(dma, ctx, mapping, useDir, Math.min(count, mapping.origNents), skipCpuSync);
  const firstTranslated = findEntryIndex(mapping.entries, (e) => !e.busAddress);
  const translated = firstTranslated >= 0 && firstTranslated < mapping.nents;
  if (mapping.domain !== undefined && translated) {
    const domain = dma.domains.get(mapping.domain);
    if (domain) {
      if (count >= mapping.nents || mapping.via !== 'sg') removeMapping(domain, mapping.id);
      else {
        const last = entryOf(mapping.entries, count - 1);
        const first = entryOf(mapping.entries, 0);
        if (count > 0 && first?.dmaAddress !== undefined && last?.dmaAddress !== undefined) {
          unmapRange(domain, first.dmaAddress, last.dmaAddress + (last.dmaLength ?? 0) - first.dmaAddress);
        }
      }
      ctx.change({ object: domain.label, kind: 'domain', summary: `IOVAs of ${mapping.symbol?.name ?? `mapping #${mapping.id}`} unmapped (${domain.flushQueue ? 'IOTLB invalidation queued: flush queue' : 'IOTLB invalidated'})`, state: domainState(domain) });
    }
  }
  // Bounced entries are at most as many as the pool has slots: expanding them is bounded.
  const keep = new Set(mapping.bounced ? expandEntries(sliceEntries(mapping.entries, count, Infinity).filter((e) => e.bounced)).map((e) => e.dmaAddress) : []);
  dma.swiotlb.slots = dma.swiotlb.slots.filter((s: BounceSlot) => s.mappingId !== mapping.id || keep.has(s.addr));
  mapping.live = false;
  mapping.owner = 'cpu';
  mapping.unmappedAt = { span: at.span };
  ctx.change({ object: mapping.symbol?.name ?? `mapping #${mapping.id}`, kind: 'sgt', summary: `unmapped ${dirName(useDir)}`, state: mappingState(dma, mapping) });
}

/**
 * DMAAPI-07 for a range sync (dma_sync_single_range_for_*() on sg_dma_address(sgl)) that reaches
 * past the first DMA segment: dma-debug's check_sync() finds no entry containing it
 * (containing_match()) and says the memory was never mapped; the arch sync still runs over the
 * whole range, past the segment. Returns the bytes of the table the sync really maintains.
 */
function rangeSync(ctx: StepContext, mapping: DmaMapping, bytes: TableBytes, target: 'for_cpu' | 'for_device', at: Node): TableBytes {
  const seg = firstSegment(mapping);
  const end = bytes.offset + bytes.size;
  if (end <= seg.len) return bytes;
  ctx.report(
    'DMAAPI-07',
    at,
    `dma_sync_single_range_${target}() of bytes ${bytes.offset}..${end} from the table's first DMA segment, which is ${seg.len} bytes: the sync reaches past what was mapped there ` +
      `(${ctx.cite('check_sync')}). ${dmaDebug(ctx.platform, mapping.device, [`device driver tries to sync DMA memory it has not allocated [device address=${hex16(seg.addr + bytes.offset)}] [size=${bytes.size} bytes]`])} ` +
      `The cache maintenance still covers the whole range: past the segment it cleans or invalidates memory that is not this mapping's, and invalidating another buffer's dirty lines loses its writes.`,
    { outcome: 'DMADBG', related: mapping.at ? [{ at: mapping.at, message: 'mapped here' }] : [] },
  );
  return { offset: Math.min(bytes.offset, seg.len), size: Math.max(0, seg.len - bytes.offset) };
}

export function dmaSync(dma: DmaState, ctx: StepContext, mappingId: number, target: 'for_cpu' | 'for_device', at: Node, dir?: Dir, bytes?: TableBytes): void {
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
        `mapping's direction (${ctx.cite('dma-api.rst:sync')}; ${ctx.cite('check_sync')}). Here its cache maintenance ${useDir === 'to_device' && toCpu ? 'does nothing (DMA_TO_DEVICE needs no invalidate)' : 'does not match what the device did'}. ` +
        `${dmaDebug(ctx.platform, mapping.device, lines)}`,
      { outcome: 'DMADBG', related: mapping.at ? [{ at: mapping.at, message: `mapped ${dirName(mapping.dir)} here` }] : [] },
    );
  }
  {
    const part = bytes ? inRange(dma, mapping, rangeSync(ctx, mapping, bytes, target, at)) : undefined;
    const bounces = part ? part.bounces : bouncePairs(mapping);
    const ram = () => (part ? part.ram : ramOnly(dma, mapping));
    if (toCpu) {
      emit(ctx, forCpuEffect(ctx.platform, mapping.device, useDir, bounces.map((b) => b.slot)));
      if (bounces.length && useDir !== 'to_device') ctx.cache({ kind: 'bounceToCpu', from: bounces.map((b) => b.slot), to: bounces.map((b) => b.from) });
      emit(ctx, forCpuEffect(ctx.platform, mapping.device, useDir, ram));
    } else {
      if (bounces.length && useDir !== 'from_device') ctx.cache({ kind: 'bounceToDevice', from: bounces.map((b) => b.from), to: bounces.map((b) => b.slot) });
      emit(ctx, forDeviceEffect(ctx.platform, mapping.device, useDir, bounces.map((b) => b.slot)));
      emit(ctx, forDeviceEffect(ctx.platform, mapping.device, useDir, ram));
    }
  }
  mapping.owner = toCpu ? 'cpu' : 'device';
  mapping.synced = true;
  ctx.change({
    object: mapping.symbol?.name ?? `mapping #${mapping.id}`,
    kind: 'sgt',
    summary: `synced ${target} (${dirName(useDir)}): ${toCpu ? 'the CPU owns it' : 'the device owns it'}`,
    state: mappingState(dma, mapping),
  });
}
