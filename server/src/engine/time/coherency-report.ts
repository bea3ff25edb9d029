// From the coherency model's verdicts to what the user sees: COH-01/02/03 (and DMAAPI-15 where a
// swiotlb bounce caused the stale data) as findings with the writer of the newest data, and the
// memory/cache state as trace changes. coherency.ts decides what an access gets; this module only
// words it and applies the cache maintenance a kernel call asked for.
import type { Stmt } from '../../language/ast';
import type { StateChange } from '../../common/trace';
import type { PhysRegion } from '../seam';
import { applyEffect, describe, hex, type CohProblem } from './coherency';
import { report, type Step } from './step';

export function dataChanges<K>(x: Step<K>, regions: readonly PhysRegion[], what: string): StateChange[] {
  const lines = describe(x.w.coh, regions);
  return [{ object: 'memory', kind: 'cache', summary: `${what}: ${lines[0] ?? ''}${lines.length > 1 ? ` (+${lines.length - 1})` : ''}`, state: { runs: lines } }];
}

export function reportCoherency<K>(x: Step<K>, s: Stmt, problems: readonly CohProblem[]): void {
  const byCode = new Map<CohProblem['code'], CohProblem[]>();
  for (const p of problems) byCode.set(p.code, [...(byCode.get(p.code) ?? []), p]);
  for (const [code, ps] of byCode) {
    const p = ps[0];
    const more = ps.reduce((n, q) => n + q.ranges, 0) - 1;
    const where = `${p.key} ${hex(p.start)}..${hex(p.end)}${more > 0 ? ` and ${more} more ${more === 1 ? 'range' : 'ranges'}` : ''}`;
    const writer = x.w.versions[p.latest];
    const related = writer && code !== 'COH-03' ? [{ at: { span: writer.at }, message: `the newest data (v${p.latest}) was written here by ${writer.agent}` }] : [];
    report(x, code, s, cohMessage(x, p, where), { outcome: 'SILENT', related });
    // A stale read through a bounce copy is the consequence of DMAAPI-15's contract breach; the
    // catalogue asks the engine to name it where the stale data is read.
    if (p.cause === 'bounce' && code !== 'COH-03' && !x.rec.findings.includes('DMAAPI-15')) {
      report(x, 'DMAAPI-15', s, dmaapi15Message(x, p, code), { outcome: 'SILENT', related });
    }
  }
}

/** Whether the problem's range lies in a live swiotlb bounce slot (rather than in the original pages it stands for). */
function inBounceSlot<K>(x: Step<K>, p: CohProblem): boolean {
  return x.w.coh.aliases.some((a) => a.slotKey === p.key && a.slot < p.end && p.start < a.slot + a.size);
}

function dmaapi15Message<K>(x: Step<K>, p: CohProblem, code: string): string {
  const who = x.a.kind === 'dev' ? x.a.id.slice(4) : 'the CPU';
  const what = inBounceSlot(x, p)
    ? 'reads a swiotlb bounce slot, but the newest data only exists outside it, in the original pages (as the CPU sees them)'
    : 'reads the original pages, but the newest data only exists in a swiotlb bounce slot';
  return (
    `${who} ${what}. A bounced mapping works on a private copy: other agents see its device's writes only after that importer's dma_sync_*_for_cpu() or unmap, ` +
    `and the device sees later writes only after dma_sync_*_for_device(); a hand-over through fences performs neither copy (DMAAPI-15, kernel/dma/swiotlb.c). The read gets old data (${code}). ` +
    'Avoid bouncing shared buffers: give the device an IOMMU or a wide enough DMA mask, or allocate the buffer where it can reach.'
  );
}

function cohMessage<K>(x: Step<K>, p: CohProblem, where: string): string {
  const dev = x.a.kind === 'dev' ? x.a.id.slice(4) : '';
  switch (p.code) {
    case 'COH-01': {
      const why =
        p.cause === 'bounce'
          ? 'The newest data sits in a swiotlb bounce slot: a bounced mapping\'s device writes reach the original pages only when dma_sync_*_for_cpu() or the unmap copies them back (DMAAPI-15).'
          : p.cause === 'speculative-fill'
            ? 'On arm64 the CPU may fill these lines speculatively through the linear map at any moment while the device works, so an invalidate before the device\'s write does not help: only dma_sync_*_for_cpu() (begin_cpu with a read direction) after the device finished makes the read safe (arch/arm64/mm/dma-mapping.c).'
            : p.cause === 'stale-cache'
              ? 'The CPU cache still holds an older copy of these lines: nothing invalidated them (dma_sync_*_for_cpu() / begin_cpu with a read direction) after the device wrote memory.'
              : 'Memory still holds older data than the latest write.';
      return `Stale read: the CPU reads ${where} and gets version v${p.got}, but the latest data is v${p.latest}. ${why} Nothing in the kernel reports it.`;
    }
    case 'COH-02': {
      const why =
        p.cause === 'bounce'
          ? `${inBounceSlot(x, p) ? 'The device works on a swiotlb bounce slot while the newest data is in the original pages (as the CPU sees them)' : 'The device works on the original pages while the newest data sits in a swiotlb bounce slot'}: the copy between them happens only at map, unmap and dma_sync_* (DMAAPI-15).`
          : p.cause === 'stale-cache'
            ? `The newest data is in dirty CPU cache lines that were never cleaned to memory (no dma_sync_*_for_device() / end_cpu after the CPU write), and ${dev || 'the device'} does not snoop the CPU caches.`
            : 'Memory holds older data than the latest write.';
      return `Stale read: ${dev || 'the device'} reads ${where} and gets version v${p.got}, but the latest data is v${p.latest}. ${why} Nothing in the kernel reports it.`;
    }
    default: {
      const why =
        p.cause === 'eviction'
          ? `The CPU holds dirty cache lines over memory that non-coherent ${dev || 'device'} writes: when the lines are evicted (at any moment) they overwrite the device's data with the CPU's older copy.`
          : p.cause === 'copy-back'
            ? 'The swiotlb copy-back overwrites newer CPU data in the original pages with the bounce slot\'s older copy.'
            : 'This call invalidates CPU cache lines holding data that never reached memory (arm32 dma_sync_*_for_device(FROM_DEVICE), or dma_sync_*_for_cpu() after CPU writes): the CPU\'s writes are discarded.';
      return `Lost write at ${where}. ${why} Nothing in the kernel reports it.`;
    }
  }
}

export function applyPendingEffects<K>(x: Step<K>, s: Stmt): void {
  const effects = x.effects.splice(0);
  if (effects.length === 0) return;
  const problems: CohProblem[] = [];
  const touched: PhysRegion[] = [];
  for (const e of effects) {
    problems.push(...applyEffect(x.w.coh, e));
    touched.push(...('regions' in e ? e.regions : e.to));
  }
  reportCoherency(x, s, problems);
  if (touched.length) x.rec.changes.push(...dataChanges(x, touched, `cache maintenance (${effects.map((e) => e.kind).join(', ')})`));
}
