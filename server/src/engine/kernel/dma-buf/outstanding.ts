// What is still held when the scenario ends (LEAK-01 at the creating statement; DMAAPI-05 for raw
// dma_map mappings, from K-DMA). Not fences, sync files or domains; locks are the time half's.
import type { Span } from '../../../language/ast';
import type { Symbol } from '../../../language/bound';
import type { AgentId } from '../../../common/trace';
import { dmaOutstanding } from '../dma-mapping/api';
import type { KernelState } from '../state';
import { vfioWaits } from '../exporters/vfio';
import { liveIoasAreas } from '../iommu/iommufd';

export interface Outstanding {
  readonly symbol: Symbol;
  /** LEAK-01: the finding's message, in sentences. DMAAPI-05: the mapping, named (end-of-run.ts says the rest). */
  readonly what: string;
  readonly code: 'LEAK-01' | 'DMAAPI-05' | 'HANG-01' | 'CPU-02';
  readonly severity?: 'warning';
  readonly agent: AgentId;
  readonly at?: Span;
}

export function outstanding(k: KernelState): Outstanding[] {
  const out: Outstanding[] = [];
  const areas = liveIoasAreas(k.dma);
  for (const b of k.buf.buffers.values()) {
    // iommufd's references are reported at their IOMMU_IOAS_MAP_FILE below.
    const refs = b.refs - areas.filter((a) => a.bufferId === b.id).length;
    if (b.released || b.releaseBugged || refs <= 0) continue;
    // More than one: the last reference taken (a get still held) is where the imbalance shows.
    const lastGet = refs > 1 ? b.refSites[b.refSites.length - 1] : undefined;
    if (lastGet) {
      out.push({
        symbol: b.symbol,
        what: `The reference to dma_buf \`${b.symbol.name}\` taken here is never dropped with dma_buf_put(): ${refs} references are still held when the scenario ends, so the buffer and its memory (and whatever it pins) are never released and leak.`,
        code: 'LEAK-01',
        agent: lastGet.agent,
        at: lastGet.span,
      });
      continue;
    }
    out.push({
      symbol: b.symbol,
      what:
        refs === 1
          ? `1 reference to dma_buf \`${b.symbol.name}\` is never dropped with dma_buf_put(): it is still held when the scenario ends, so the buffer and its memory (and whatever it pins) are never released and leak.`
          : `${refs} references to dma_buf \`${b.symbol.name}\` are never dropped with dma_buf_put(): they are still held when the scenario ends, so the buffer and its memory (and whatever it pins) are never released and leak.`,
      code: 'LEAK-01',
      agent: b.created.agent,
    });
  }
  for (const a of k.buf.attachments.values()) {
    const buffer = k.buf.buffers.get(a.buffer);
    if (!a.live || buffer?.releaseBugged) continue;
    out.push({
      symbol: a.symbol,
      what: `The attachment \`${a.symbol.name}\` is never detached with dma_buf_detach()${a.cached ? ' (its cached mapping stays DMA-mapped)' : ''}: it is still attached when the scenario ends and nothing releases it, so the memory (and whatever it pins) leaks.`,
      code: 'LEAK-01',
      agent: a.created.agent,
    });
    if (a.importerPins.length > 0) {
      out.push({
        symbol: a.symbol,
        what:
          a.importerPins.length === 1
            ? `1 dma_buf_pin() on \`${a.symbol.name}\` is never undone with dma_buf_unpin(): the pin is still held when the scenario ends, so the buffer can never move again and the memory it pins leaks.`
            : `${a.importerPins.length} dma_buf_pin() calls on \`${a.symbol.name}\` are never undone with dma_buf_unpin(): the pins are still held when the scenario ends, so the buffer can never move again and the memory they pin leaks.`,
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
      what: `The mapping \`${s.symbol.name}\` is never unmapped with dma_buf_unmap_attachment(): it is still mapped when the scenario ends, so its DMA addresses${s.pinnedOnMap ? ' and the pin it took' : ''} are never released and leak.`,
      code: 'LEAK-01',
      agent: s.created.agent,
    });
  }
  for (const m of k.buf.cpuMaps.values()) {
    const buffer = k.buf.buffers.get(m.buffer);
    if (!m.live || buffer?.released || buffer?.releaseBugged) continue;
    out.push({
      symbol: m.symbol,
      what: `${m.kind === 'vmap' ? `The kernel vmap \`${m.symbol.name}\` is never released with dma_buf_vunmap()` : `The mmap \`${m.symbol.name}\` is never unmapped`}: it is still mapped when the scenario ends and nothing releases it, so the memory (and whatever it pins) leaks.`,
      code: 'LEAK-01',
      agent: m.created.agent,
    });
  }
  for (const d of dmaOutstanding(k.dma)) out.push(d);
  // A write bracket never ended: end_cpu_access() is where the exporter flushes the CPU's writes for the
  // devices (the heaps' dma_sync_sgtable_for_device()); a read bracket left open has nothing left to do.
  for (const b of k.buf.buffers.values()) {
    if (b.released || b.releaseBugged) continue;
    for (const br of b.brackets) {
      if (br.dir === 'read') continue;
      out.push({
        symbol: b.symbol,
        what:
          `The CPU-access bracket for ${br.dir === 'write' ? 'writing' : 'reading and writing'} \`${b.symbol.name}\` is never ended with end_cpu_access: the exporter's end_cpu_access is where ` +
          'the CPU\'s writes are cleaned to memory for the devices (dma_buf_end_cpu_access(); the heaps sync every mapped attachment for the device there), so a device that reads the buffer next may see stale data.',
        code: 'CPU-02',
        severity: 'warning',
        agent: br.at.agent,
        at: br.at.span,
      });
    }
  }
  for (const a of areas) {
    const b = k.buf.buffers.get(a.bufferId);
    if (!b || b.releaseBugged) continue;
    out.push({
      symbol: b.symbol,
      what: `The IOAS area at 0x${a.iova.toString(16)} of ioas ${a.ioas} is never unmapped with IOMMU_IOAS_UNMAP: iommufd keeps its attachment to \`${b.symbol.name}\` and a reference to it, so the dma-buf is never released while the IOAS lives.`,
      code: 'LEAK-01',
      agent: a.at.agent,
      at: a.at.span,
    });
  }
  for (const { buffer, wait } of vfioWaits(k)) {
    const names = wait.sgts.map((id) => k.buf.sgts.get(id)?.symbol.name ?? `#${id}`).map((n) => `\`${n}\``);
    out.push({
      symbol: buffer.symbol,
      what:
        `vfio-pci's revoke of \`${buffer.symbol.name}\` never returns: from 7.1 vfio_pci_dma_buf_move() waits with wait_for_completion() (no timeout) until every ` +
        `mapping of the buffer is unmapped, and ${names.join(', ')} ${names.length === 1 ? 'is' : 'are'} never unmapped. The importer must unmap from its ` +
        `invalidate_mappings callback or a worker it kicks (dma_buf_invalidate_mappings() kdoc); the task that wrote PCI_COMMAND, asked for the reset or closed the fd hangs.`,
      code: 'HANG-01',
      agent: wait.at.agent,
      at: wait.at.span,
    });
  }
  return out;
}
