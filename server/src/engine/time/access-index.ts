// Where to look for the earlier accesses a new one may race with, without walking the whole
// access log: positions in `World.accesses` per address space, address granule and agent. An
// access is listed under every granule it touches, or, when it spans too many, in the space's
// wide list, which every lookup reads too. A lookup too wide for granules reads the space's full
// per-agent lists. Plain records, so a world still clones. It knows the log only by its clocks
// (world.ts holds the index, so it does not import world.ts).
import type { AgentId } from '../../common/trace';
import type { Clock } from './clock';
import type { Range } from './runmap';

export interface AccessIndex {
  /** Per address space, per agent: every access. */
  readonly all: Record<string, Record<AgentId, number[]>>;
  /** Per address space, granule and agent: the accesses touching that granule. */
  readonly granules: Record<string, Record<number, Record<AgentId, number[]>>>;
  /** Per address space, per agent: accesses spanning more than MAX_GRANULES granules. */
  readonly wide: Record<string, Record<AgentId, number[]>>;
}

// 64 KiB granules, up to 4 MiB listed granule by granule: a buffer's pages share few granules,
// and a large buffer goes to the wide list rather than into thousands of lists.
const GRANULE = 0x1_0000;
const MAX_GRANULES = 64;

export function newAccessIndex(): AccessIndex {
  return { all: {}, granules: {}, wide: {} };
}

/** The granules the ranges touch, or undefined when they are more than MAX_GRANULES. */
function granulesOf(ranges: readonly Range[]): number[] | undefined {
  const out: number[] = [];
  for (const r of ranges) {
    if (r.end <= r.start) continue;
    const last = Math.floor((r.end - 1) / GRANULE);
    for (let g = Math.floor(r.start / GRANULE); g <= last; g++) {
      if (out[out.length - 1] === g) continue;
      if (out.length === MAX_GRANULES) return undefined;
      out.push(g);
    }
  }
  return out;
}

function append(byAgent: Record<AgentId, number[]>, agent: AgentId, at: number): void {
  const l = (byAgent[agent] ??= []);
  if (l[l.length - 1] !== at) l.push(at);
}

/** Lists the access at position `at` of the log. Ranges are per space, sorted and merged. */
export function indexAccess(ix: AccessIndex, at: number, agent: AgentId, ranges: Readonly<Record<string, readonly Range[]>>): void {
  for (const space of Object.keys(ranges)) {
    append((ix.all[space] ??= {}), agent, at);
    const gs = granulesOf(ranges[space]);
    if (!gs) {
      append((ix.wide[space] ??= {}), agent, at);
      continue;
    }
    const bySpace = (ix.granules[space] ??= {});
    for (const g of gs) append((bySpace[g] ??= {}), agent, at);
  }
}

/**
 * Positions of earlier accesses of other agents that may touch the ranges and may not be
 * ordered before `clock`, ascending (the log's order). An access of agent q at q's count t is
 * ordered before any clock that has seen a later count of q: such a clock was joined from q's own
 * clock after that access. So per list only the accesses from count clock[q] on are candidates, a
 * suffix; the caller still checks each one fully (order, overlap, kind).
 */
export function candidates(ix: AccessIndex, log: readonly { readonly clock: Clock }[], me: AgentId, clock: Clock, ranges: Readonly<Record<string, readonly Range[]>>): number[] {
  const out: number[] = [];
  const walk = (byAgent: Record<AgentId, number[]> | undefined): void => {
    if (!byAgent) return;
    for (const q of Object.keys(byAgent)) {
      if (q === me) continue;
      const seen = clock[q] ?? 0;
      const list = byAgent[q];
      for (let j = list.length - 1; j >= 0 && (log[list[j]].clock[q] ?? 0) >= seen; j--) out.push(list[j]);
    }
  };
  for (const space of Object.keys(ranges)) {
    const gs = granulesOf(ranges[space]);
    if (!gs) {
      walk(ix.all[space]);
      continue;
    }
    const bySpace = ix.granules[space];
    if (bySpace) for (const g of gs) walk(bySpace[g]);
    walk(ix.wide[space]);
  }
  out.sort((x, y) => x - y);
  return out.filter((v, i) => i === 0 || out[i - 1] !== v);
}
