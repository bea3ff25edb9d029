// Snapshots of K-DMA's objects for hover, the trace inspector and leak reports.
import type { Symbol } from '../../../language/bound';
import { domainState, mappingState } from './streaming';
import { dirName } from './text';
import type { DmaState } from './state';

export function dmaOutstanding(dma: DmaState): { symbol: Symbol; what: string; code: 'DMAAPI-05'; agent: string }[] {
  const out: { symbol: Symbol; what: string; code: 'DMAAPI-05'; agent: string }[] = [];
  for (const m of dma.mappings.values()) {
    if (!m.live || !m.symbol) continue;
    out.push({ symbol: m.symbol, what: `The streaming DMA mapping \`${m.symbol.name}\` (${dirName(m.dir)} for ${m.device})`, code: 'DMAAPI-05', agent: m.agent ?? 'cpu' });
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
