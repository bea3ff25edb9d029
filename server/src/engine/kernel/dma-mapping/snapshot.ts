// Snapshots of K-DMA's objects for hover, the trace inspector and leak reports.
import type { Symbol } from '../../../language/bound';
import { dirName } from './text';
import type { DmaMapping, DmaState, DomainState, IommuPte } from './state';
import { entryCount, expandEntries } from './sgrun';
import { tableSummary } from './table-summary';
import { pteCount, ptePiece } from '../iommu/pagetable';
import { pagedKey, type Paged, type PagedRun } from '../../../common/paged';
import type { SgRun } from './sgrun';

export function dmaOutstanding(dma: DmaState): { symbol: Symbol; what: string; code: 'DMAAPI-05' | 'LEAK-01'; agent: string }[] {
  const out: { symbol: Symbol; what: string; code: 'DMAAPI-05' | 'LEAK-01'; agent: string }[] = [];
  for (const m of dma.mappings.values()) {
    if (!m.live || !m.symbol) continue;
    if (m.alloc) {
      const kind = m.alloc;
      out.push({
        symbol: m.symbol,
        what: `\`${m.symbol.name}\` (dma_alloc_${kind}() for ${m.device}) is never freed with dma_free_${kind}(): the memory and its DMA handle leak; with CONFIG_DMA_API_DEBUG the device's removal reports "device driver has pending DMA allocations while released from device" (kernel/dma/debug.c, dma_debug_device_change()).`,
        code: 'LEAK-01',
        agent: m.agent ?? 'cpu',
      });
      continue;
    }
    out.push({ symbol: m.symbol, what: `The streaming DMA mapping \`${m.symbol.name}\` (${dirName(m.dir)} for ${m.device})`, code: 'DMAAPI-05', agent: m.agent ?? 'cpu' });
  }
  for (const st of dma.iovaStates.values()) {
    if (st.domain === undefined || st.ended) continue;
    out.push({
      symbol: st.symbol,
      what: `The IOVA range \`${st.symbol.name}\` (dma_iova_try_alloc() for ${st.device}) is never destroyed or freed: its IOVA space${st.links.length ? ' and the PTEs of its links' : ''} leak (dma-debug does not see it).`,
      code: 'LEAK-01',
      agent: 'cpu',
    });
  }
  return out;
}

export function dmaSnapshot(dma: DmaState, object: Symbol): Record<string, unknown> | undefined {
  const mappingId = dma.sgtMappings.get(object.id);
  if (mappingId !== undefined) {
    const m = dma.mappings.get(mappingId);
    return m ? mappingState(dma, m) : undefined;
  }
  const domainId = dma.symbolDomains.get(object.id);
  if (domainId !== undefined) {
    const d = dma.domains.get(domainId);
    if (!d) return undefined;
    const groups = [...dma.groups.values()].filter((g) => g.active === d.id).map((g) => g.name);
    return { ...domainState(d), attachedGroups: groups };
  }
  if (object.kind === 'group') {
    const g = dma.groups.get(object.name);
    if (!g) return undefined;
    return { devices: [...g.devices], domain: g.active === undefined ? 'none (untranslated)' : dma.domains.get(g.active)?.label };
  }
  return undefined;
}

export function iommuSnapshot(dma: DmaState): Record<string, unknown> {
  const groups: Record<string, string> = {};
  for (const g of dma.groups.values()) groups[g.name] = g.active === undefined ? 'none (untranslated)' : dma.domains.get(g.active)?.label ?? '?';
  const domains: Record<string, unknown> = {};
  for (const d of dma.domains.values()) if (d.ptes.length > 0 || d.symbolId !== undefined) domains[d.label] = domainState(d);
  return { groups, domains };
}

// A mapping's entries never change after it is made: every snapshot of it shares one view, so a
// trace that shows the mapping at many steps (and its copy in the language server) holds it once.
// The view spells out the first 64 entries as the kernel holds them; the rest is counted and the
// whole table summarised (tableSummary), never expanded.
const MAX_SHOWN = 64;
const entryViews = new WeakMap<DmaMapping['entries'], readonly Record<string, unknown>[]>();

function entriesView(entries: DmaMapping['entries']): readonly Record<string, unknown>[] {
  let view = entryViews.get(entries);
  if (!view) {
    view = expandEntries(entries, MAX_SHOWN).map((e) => ({ ...e }));
    entryViews.set(entries, view);
  }
  return view;
}

// Past the first page the trace view pages through the runs themselves (common/paged.ts). A table
// of more runs than this (a swiotlb table bounced slot by slot) is summarised and counted only:
// the runs would be as many as its entries.
const MAX_PAGED_RUNS = 4096;
const pagedViews = new WeakMap<object, Paged | null>();

/** The list's runs for paging, built once per list (lists are replaced, never edited). */
export function pagedView<R extends { readonly count?: number }>(runs: readonly R[], total: number, convert: (r: R) => PagedRun): Paged | undefined {
  if (total <= MAX_SHOWN || runs.length > MAX_PAGED_RUNS) return undefined;
  let view = pagedViews.get(runs);
  if (view === undefined) {
    view = { total, runs: runs.map(convert) };
    pagedViews.set(runs, view);
  }
  return view ?? undefined;
}

function withPaged(key: string, view: Paged | undefined): Record<string, Paged> {
  return view ? { [pagedKey(key)]: view } : {};
}

function sgPagedRun(r: SgRun): PagedRun {
  const e = expandEntries([r], 1)[0];
  const step: Record<string, number> = {};
  if (r.phys !== null && r.stride) step.phys = r.stride;
  if (r.dmaAddress !== undefined && r.dmaStride) step.dmaAddress = r.dmaStride;
  return { first: { ...e }, count: r.count ?? 1, ...(Object.keys(step).length ? { step } : {}) };
}

function ptePagedRun(p: IommuPte): PagedRun {
  const one = ptePiece(p, 0);
  const first = { iova: one.iova, phys: one.phys, size: one.size, prot: one.prot, ...(one.mappingId !== undefined ? { mappingId: one.mappingId } : {}) };
  return { first, count: pteCount(p), step: { iova: p.size, ...(p.physStride ? { phys: p.physStride } : {}) } };
}

export function mappingState(dma: DmaState, mapping: DmaMapping): Record<string, unknown> {
  const domain = mapping.domain === undefined ? undefined : dma.domains.get(mapping.domain);
  const total = entryCount(mapping.entries);
  return {
    device: mapping.device,
    dir: dirName(mapping.dir),
    skipCpuSync: mapping.skipCpuSync,
    nents: mapping.nents,
    orig_nents: mapping.origNents,
    owner: mapping.owner,
    live: mapping.live,
    bounced: mapping.bounced,
    via: mapping.via === 'resource' ? 'dma_map_resource' : mapping.via === 'phys' || mapping.physMmio !== undefined ? 'dma_map_phys' : 'dma_map_sgtable',
    domain: domain?.label,
    table: tableSummary(mapping.entries, mapping.nents),
    entries: entriesView(mapping.entries),
    ...(total > MAX_SHOWN ? { moreEntries: total - MAX_SHOWN } : {}),
    ...withPaged('entries', pagedView(mapping.entries, total, sgPagedRun)),
  };
}

export function domainState(domain: DomainState): Record<string, unknown> {
  const total = domain.ptes.reduce((n, p) => n + pteCount(p), 0);
  const shown: IommuPte[] = [];
  for (const p of domain.ptes) {
    for (let i = 0; i < pteCount(p) && shown.length < MAX_SHOWN; i++) shown.push(ptePiece(p, i));
    if (shown.length >= MAX_SHOWN) break;
  }
  return {
    kind: domain.kind === 'dma' ? (domain.flushQueue ? 'IOMMU_DOMAIN_DMA_FQ' : 'IOMMU_DOMAIN_DMA') : domain.kind === 'blocking' ? 'IOMMU_DOMAIN_BLOCKED' : 'IOMMU_DOMAIN_UNMANAGED',
    iommu: domain.iommu,
    label: domain.label,
    mappings: shown.map((p) => ({ iova: p.iova, phys: p.phys, size: p.size, prot: p.prot, mappingId: p.mappingId })),
    ...(total > MAX_SHOWN ? { moreMappings: total - MAX_SHOWN } : {}),
    ...withPaged('mappings', pagedView(domain.ptes, total, ptePagedRun)),
  };
}
