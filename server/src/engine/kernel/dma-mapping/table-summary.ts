// One line for a whole sg table, as a driver engineer would describe what the kernel built: how
// many entries (sgt->orig_nents) of which lengths, and the DMA segments (sgt->nents) dma_map_sg()
// merged them into ("262,144 entries of 4 KiB, DMA-mapped as 1 segment of 1 GiB"). Counted from
// the runs, so a table of a million entries is summarised without building one.
import { runCount, type SgRun } from './sgrun';
import { size } from './text';

/** Lengths in order of first appearance with how many have each. */
function tally(items: Iterable<{ readonly length: number; readonly count: number }>): Map<number, number> {
  const by = new Map<number, number>();
  for (const { length, count } of items) by.set(length, (by.get(length) ?? 0) + count);
  return by;
}

function counted(n: number, one: string, many: string): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

function describe(by: Map<number, number>, total: number, one: string, many: string): string {
  const kinds = [...by];
  if (kinds.length === 1) return `${counted(total, one, many)} of ${size(kinds[0][0])}`;
  const shown = kinds.slice(0, 3).map(([len, n]) => `${n.toLocaleString('en-US')} × ${size(len)}`);
  return `${counted(total, one, many)} (${shown.join(', ')}${kinds.length > 3 ? ', …' : ''})`;
}

/** The DMA segments: the dma fields of the first `nents` entries. */
function* segments(runs: readonly SgRun[], nents: number): Generator<{ length: number; count: number }> {
  let left = nents;
  for (const r of runs) {
    if (left <= 0) return;
    const n = Math.min(runCount(r), left);
    yield { length: r.dmaLength ?? r.length, count: n };
    left -= n;
  }
}

export function tableSummary(runs: readonly SgRun[], nents: number): string {
  const cpu = tally(runs.map((r) => ({ length: r.length, count: runCount(r) })));
  const total = [...cpu.values()].reduce((a, b) => a + b, 0);
  const dma = tally(segments(runs, nents));
  return `${describe(cpu, total, 'entry', 'entries')}, DMA-mapped as ${describe(dma, nents, 'segment', 'segments')}`;
}
