// dma-debug (kernel/dma/debug.c): the checks it makes at map time (SGT-05 segment limits,
// DMAAPI-10 overlapping cachelines) and its complaint about a mapping used after it was unmapped.
// Its checks at unmap and sync (DMAAPI-04, DMAAPI-07) are made where mapping.ts unmaps and syncs.
import type { Dir, Node } from '../../../language/ast';
import type { ResolvedDevice } from '../../../language/bound';
import type { SgEntry } from '../../../common/trace';
import type { StepContext } from '../../seam';
import { declaresMaxSegment, maxSeg } from './device-limits';
import type { DmaAttrs, MapOrigin, Plan } from './plan';
import { dirName, dmaDebug, dmaDebugSg, hex, hex16, size } from './text';
import type { DmaMapping, DmaState } from './state';
import { spend } from '../../deadline';

const CACHELINE = 64;

/** dma-debug at map time: SGT-05 segment limits and DMAAPI-10 overlapping cachelines. */
export function debugChecks(
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
        ` Build the table with the importer's dma_get_max_seg_size() (${ctx.cite('check_sg_segment')}; ${ctx.cite('dma_get_max_seg_size')}).`,
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
        `mappings (${ctx.cite('add_dma_entry.cacheline-overlap')}; ${ctx.cite('dma-attributes.rst:no-kernel-mapping')}).`,
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

export function deadUse(ctx: StepContext, mapping: DmaMapping, at: Node, what: string, debugLine: string): void {
  ctx.report(
    'LIFE-05',
    at,
    `${what} of a mapping that was already unmapped: ${dmaDebug(ctx.platform, mapping.device, [debugLine])} Without dma-debug ` +
      `the kernel frees the IOVA range or swiotlb slots a second time (silent corruption of the allocator).`,
    { outcome: 'SILENT', related: mapping.unmappedAt ? [{ at: mapping.unmappedAt, message: 'unmapped here' }] : [] },
  );
}
