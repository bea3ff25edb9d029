// What is still held when the scenario ends (LEAK-01 at the creating statement; DMAAPI-05 for raw
// dma_map mappings, from K-DMA). Not fences, sync files or domains; locks are the time half's.
import type { Span } from '../../../language/ast';
import type { Symbol } from '../../../language/bound';
import type { AgentId } from '../../../common/trace';
import { dmaOutstanding } from '../dma-mapping/api';
import type { KernelState } from '../state';

export interface Outstanding {
  readonly symbol: Symbol;
  readonly what: string;
  readonly code: 'LEAK-01' | 'DMAAPI-05';
  readonly agent: AgentId;
  readonly at?: Span;
}

export function outstanding(k: KernelState): Outstanding[] {
  const out: Outstanding[] = [];
  for (const b of k.buf.buffers.values()) {
    if (b.released || b.releaseBugged || b.refs === 0) continue;
    out.push({
      symbol: b.symbol,
      what: `${b.refs} reference(s) to dma_buf \`${b.symbol.name}\` never dropped with dma_buf_put(): the buffer and its memory are never released`,
      code: 'LEAK-01',
      agent: b.created.agent,
    });
  }
  for (const a of k.buf.attachments.values()) {
    const buffer = k.buf.buffers.get(a.buffer);
    if (!a.live || buffer?.releaseBugged) continue;
    out.push({
      symbol: a.symbol,
      what: `attachment \`${a.symbol.name}\` never detached with dma_buf_detach()${a.cached ? ' (its cached mapping stays DMA-mapped)' : ''}`,
      code: 'LEAK-01',
      agent: a.created.agent,
    });
    if (a.importerPins.length > 0) {
      out.push({
        symbol: a.symbol,
        what: `${a.importerPins.length} dma_buf_pin() on \`${a.symbol.name}\` never unpinned: the buffer can never move again`,
        code: 'LEAK-01',
        agent: a.importerPins[0].agent,
        at: a.importerPins[0].span,
      });
    }
  }
  for (const s of k.buf.sgts.values()) {
    const att = k.buf.attachments.get(s.attachment);
    // A mapping left live by a detach (LIFE-04) still leaks: it belongs to its map statement.
    if (!s.live || s.cached || !att || (k.buf.buffers.get(s.buffer)?.releaseBugged ?? false)) continue;
    out.push({
      symbol: s.symbol,
      what: `mapping \`${s.symbol.name}\` never unmapped with dma_buf_unmap_attachment(): its DMA addresses${s.pinnedOnMap ? ' and the pin it took' : ''} are never released`,
      code: 'LEAK-01',
      agent: s.created.agent,
    });
  }
  for (const m of k.buf.cpuMaps.values()) {
    const buffer = k.buf.buffers.get(m.buffer);
    if (!m.live || buffer?.released || buffer?.releaseBugged) continue;
    out.push({
      symbol: m.symbol,
      what: m.kind === 'vmap' ? `kernel vmap \`${m.symbol.name}\` never released with dma_buf_vunmap()` : `mmap \`${m.symbol.name}\` never unmapped`,
      code: 'LEAK-01',
      agent: m.created.agent,
    });
  }
  for (const d of dmaOutstanding(k.dma)) out.push(d);
  return out;
}
