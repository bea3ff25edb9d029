// dma-debug (kernel/dma/debug.c): the checks it makes at map time (SGT-05 segment limits,
// DMAAPI-10 overlapping cachelines) and its complaint about a mapping used after it was unmapped.
// Its checks at unmap and sync (DMAAPI-04, DMAAPI-07) are made where mapping.ts unmaps and syncs.
import type { Dir, Node } from '../../../language/ast';
import type { ResolvedDevice } from '../../../language/bound';
import type { StepContext } from '../../seam';
import { declaresMaxSegment, maxSeg } from './device-limits';
import type { DmaAttrs, MapOrigin, Plan } from './plan';
import { dirName, dmaDebug, dmaDebugSg, hex, hex16, size } from './text';
import type { DmaMapping, DmaState } from './state';
import { spend } from '../../deadline';
import { entryAt, runCount, sliceEntries, type SgRun } from './sgrun';

const CACHELINE = 64;

/** dma-debug at map time: SGT-05 segment limits and DMAAPI-10 overlapping cachelines. */
export function debugChecks(
  dma: DmaState,
  ctx: StepContext,
  dev: ResolvedDevice,
  cpu: readonly SgRun[],
  plan: Plan,
  dir: Dir,
  attrs: DmaAttrs,
  origin: MapOrigin,
): void {
  const platform = ctx.platform;
  const max = maxSeg(dev);
  // The DMA segments are the first nents entries; a run's entries share their length, so the
  // length check is one per run, and only a segment boundary needs the entries one by one.
  const segments = sliceEntries(plan.entries, 0, plan.nents);
  spend(segments.length);
  let index = 0;
  for (const run of segments) {
    const at = index;
    index += runCount(run);
    const len = run.length;
    let line: string | undefined;
    let why = '';
    // The 64 KiB default is what PCI enumeration sets (drivers/pci/probe.c:2599-2603) and stays
    // until the driver raises it; a platform device without a declared limit is taken to have
    // been configured by its driver (dma_set_max_seg_size), so only declared limits count there.
    const limited = dev.bus.kind === 'pci' || declaresMaxSegment(dev);
    if (limited && len > max) {
      line = `mapping sg segment longer than device claims to support [len=${len}] [max=${max}]`;
      why = `entry ${at} is ${size(len)} but ${dev.name}'s dma_get_max_seg_size() is ${size(max)}`;
    } else if (dev.segmentBoundary !== undefined && run.dmaAddress !== undefined && run.dmaLength) {
      for (let j = 0; j < runCount(run) && !line; j++) {
        spend();
        const e = entryAt(run, j);
        const start = e.dmaAddress as number;
        const end = start + (e.dmaLength as number) - 1;
        if (Math.floor(start / dev.segmentBoundary) !== Math.floor(end / dev.segmentBoundary)) {
          line = `mapping sg segment across boundary [start=${hex16(start)}] [end=${hex16(end)}] [boundary=${hex16(dev.segmentBoundary - 1)}]`;
          why = `DMA segment ${at + j} crosses a ${size(dev.segmentBoundary)} boundary of ${dev.name}`;
        }
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
  const mine = trackedCachelines(plan.entries, plan.nents);
  for (const other of dma.mappings.values()) {
    if (!other.live || other.dir === 'to_device') continue;
    const shared = firstShared(mine, trackedCachelines(other.entries, other.nents));
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

/** Cachelines first, first + step, … (`count` of them). */
interface LineRun {
  readonly first: number;
  readonly step: number;
  readonly count: number;
}

/**
 * dma-debug tracks the first cacheline of each mapped segment (entries 0..nents-1, CPU address).
 * Entries of a run are a page multiple apart, so their cachelines are a run too.
 */
function trackedCachelines(entries: readonly SgRun[], nents: number): LineRun[] {
  const out: LineRun[] = [];
  for (const e of sliceEntries(entries, 0, nents)) {
    if (e.busAddress || e.phys === null) continue;
    const stride = e.stride ?? 0;
    const n = runCount(e);
    if (n > 1 && stride % CACHELINE !== 0) {
      for (let j = 0; j < n; j++) out.push({ first: Math.floor((e.phys + j * stride + e.offset) / CACHELINE), step: 0, count: 1 });
      continue;
    }
    out.push({ first: Math.floor((e.phys + e.offset) / CACHELINE), step: stride / CACHELINE, count: n });
  }
  return out;
}

/** Whether `line` is one of a run's cachelines. */
function inRun(r: LineRun, line: number): boolean {
  if (r.step === 0 || r.count === 1) return line === r.first;
  const k = (line - r.first) / r.step;
  return Number.isInteger(k) && k >= 0 && k < r.count;
}

/** The first of `mine` (in table order) that `theirs` also tracks. */
function firstShared(mine: readonly LineRun[], theirs: readonly LineRun[]): number | undefined {
  for (const m of mine) {
    for (let j = 0; j < m.count; j++) {
      const line = m.first + j * m.step;
      if (theirs.some((t) => inRun(t, line))) return line;
      // Past the first, only lines of a run with the same step can start matching later; runs
      // with another step are checked entry by entry, which only tables of single entries reach.
      if (j === 0 && m.count > 1 && theirs.every((t) => t.count === 1 || t.step === m.step)) {
        const hit = firstAligned(m, theirs);
        if (hit !== undefined) return hit;
        break;
      }
      spend();
    }
  }
  return undefined;
}

/** The first line of run `m` after its first that a run of `theirs` (single, or with m's step) tracks. */
function firstAligned(m: LineRun, theirs: readonly LineRun[]): number | undefined {
  let best: number | undefined;
  for (const t of theirs) {
    const d = (t.first - m.first) / m.step;
    if (!Number.isInteger(d)) continue;
    // m's line j is t's line j - d: both must exist.
    const j = Math.max(1, d);
    const until = Math.min(m.count, d + t.count);
    if (j < until && (best === undefined || j < best)) best = j;
  }
  return best === undefined ? undefined : m.first + best * m.step;
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
