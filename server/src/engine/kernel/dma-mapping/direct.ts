// dma-direct's map (kernel/dma/direct.c, direct.h): the DMA address is the physical (or PCI bus)
// address when the device's mask reaches it; otherwise swiotlb bounces the segment
// (kernel/dma/swiotlb.c) or, with swiotlb off or for P2PDMA pages, the map fails.
import type { SgRun } from './sgrun';
import type { ResolvedDevice } from '../../../language/bound';
import type { StepContext } from '../../seam';
import { capable, maskHex } from './device-limits';
import type { MapOrigin, Plan, PlanResult } from './plan';
import { slotSearch, swiotlbFull, takeSlot } from './swiotlb';
import { hex, hex16 } from './text';
import type { P2pDistance } from '../p2pdma/topology';
import type { DmaState } from './state';
import { spend } from '../../deadline';
import { entryAt, entryCount, runCount, RunBuilder } from './sgrun';

/** dma-direct: addresses are physical (or bus addresses), bounced through swiotlb when out of reach. */
export function planDirect(
  dma: DmaState,
  ctx: StepContext,
  dev: ResolvedDevice,
  entries: readonly SgRun[],
  p2p: readonly (P2pDistance | undefined)[],
  origin: MapOrigin,
): PlanResult {
  const platform = ctx.platform;
  const out = new RunBuilder();
  const slots: Plan['slots'] = [];
  let pool: ReturnType<typeof slotSearch> | undefined;
  for (let ri = 0; ri < entries.length; ri++) {
    const run = entries[ri];
    const type = p2p[ri]?.type;
    const n = runCount(run);
    const stride = run.stride ?? 0;
    const step = n > 1 ? { dmaStride: stride } : {};
    const first = run.phys as number;
    const highest = Math.max(first, first + (n - 1) * stride);
    if (type === 'BUS_ADDR') {
      // pci_p2pdma_map_segment(): bus address = CPU physical + bus offset (0 on our platforms).
      out.pushRun({ ...run, dmaAddress: first, dmaLength: run.length, busAddress: true, ...step });
      continue;
    }
    // dma_capable() is a limit on the highest byte: the run's highest entry decides for all.
    if (capable(dev, highest, run.length)) {
      out.pushRun({ ...run, dmaAddress: first, dmaLength: run.length, ...step });
      continue;
    }
    // Bouncing is entry by entry, and the pool (64 MiB) ends it after at most its slot count.
    for (let j = 0; j < n; j++) {
      spend();
      const e = entryAt(run, j);
      const phys = e.phys as number;
      if (capable(dev, phys, e.length)) {
        out.push({ ...e, dmaAddress: phys, dmaLength: e.length });
        continue;
      }
      if (type === 'THRU_HOST_BRIDGE') {
        ctx.report(
          'P2P-07',
          origin.at,
          `P2P memory of a BAR at ${hex(phys)} is beyond ${dev.name}'s ${dev.dmaMask}-bit DMA mask and P2PDMA pages are never ` +
            `bounced: dma_direct_map_page() returns DMA_MAPPING_ERROR for them (${ctx.cite('dma_direct_map_page.p2p-no-bounce')}), so ` +
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
            `(${ctx.cite('dma_direct_map_page')}).`,
          { severity: 'error', outcome: 'WARN' },
        );
        return { ok: false, error: '-EIO' };
      }
      pool ??= slotSearch(dma);
      const slot = takeSlot(dma, pool, e.length);
      if (slot === undefined) {
        const { why, printed } = swiotlbFull(dma, 'segment', e.length);
        ctx.report(
          'DMAAPI-14',
          origin.at,
          `${dev.name} needs a bounce buffer for ${hex(phys)} (beyond its ${dev.dmaMask}-bit mask) but ${why}: swiotlb prints ` +
            `${printed} and the mapping fails with -EIO (${ctx.cite(['swiotlb_tbl_map_single.full', 'swiotlb_max_mapping_size'])}).`,
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
  return { ok: true, plan: { entries: out.runs, nents: entryCount(out.runs), ptes: [], slots, how } };
}
