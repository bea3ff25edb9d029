// Data versions in memory, in the CPU cache and in swiotlb bounce slots (kernel-rules.md §8).
// Every write creates a new version; `latest` says, per granule, which version a correct program
// would see there. Stale reads (COH-01 CPU, COH-02 device) and lost writes (COH-03) are found by
// comparing what an access really gets with `latest`, not by matching statement patterns.
//
// Nondeterministic cache behaviour is adversarial rather than explored: a dirty line may be evicted
// at any moment, and on arm64 an invalid line may be filled speculatively at any moment (through
// the linear map, which always maps RAM cacheable). So an invalid line remembers the oldest memory
// version it could have been filled with since it was last invalidated (`sp`), and a read of it
// returns that version.
//
// Accesses come as lists of physical regions (a buffer may be thousands of scattered pages, or one
// run of a million: seam.ts); each operation groups them by address space and sweeps each map
// once, a run over its span (bridged.ts), and names what it finds by the pieces.
import type { Arch } from '../../language/ast';
import type { AccessPath, CacheEffect, PhysRegion } from '../seam';
import { normalise, query, queryMany, updateMany, zipRuns, type Range, type Run, type RunMap } from './runmap';
import { bridge, firstPieces, piecesIn, type Bridged } from './bridged';
import { addrSpan, length, place, toAddresses, toOffsets } from './laid-end-to-end';
import { expandRegions } from '../regions';

/** A CPU cache line: invalid (with the oldest version a speculative fill could bring in), clean or dirty. */
export type Line = { readonly s: 'I'; readonly sp: number } | { readonly s: 'C'; readonly v: number } | { readonly s: 'D'; readonly v: number };

export interface Space {
  mem: RunMap<number>;
  latest: RunMap<number>;
  cache: RunMap<Line>;
}

/** A bounce slot and the original memory it stands for while a swiotlb mapping is live. */
export interface Alias {
  readonly slotKey: string;
  readonly slot: number;
  readonly origKey: string;
  readonly orig: number;
  readonly size: number;
}

export interface Coherency {
  readonly arch: Arch;
  spaces: Record<string, Space>;
  aliases: Alias[];
  /** The last version handed out; version 0 is "what memory held before the scenario". */
  version: number;
}

export type CohCode = 'COH-01' | 'COH-02' | 'COH-03';

/** A consequence found by simulation, for the step to report. */
export interface CohProblem {
  readonly code: CohCode;
  readonly key: string;
  readonly start: number;
  readonly end: number;
  /** How many of the accessed ranges (pieces of a run each count) the problem covers; start..end is the first. */
  readonly ranges: number;
  /** The version obtained (stale reads) or the version lost (lost writes). */
  readonly got: number;
  readonly latest: number;
  readonly cause: 'stale-memory' | 'stale-cache' | 'speculative-fill' | 'bounce' | 'invalidate' | 'eviction' | 'copy-back';
}

const INVALID0: Line = { s: 'I', sp: 0 };
const sameNum = (a: number, b: number) => a === b;
const sameLine = (a: Line, b: Line) => a.s === b.s && (a.s === 'I' ? a.sp === (b as { sp: number }).sp : a.v === (b as { v: number }).v);

export function newCoherency(arch: Arch): Coherency {
  return { arch, spaces: {}, aliases: [], version: 0 };
}

export function regionKey(r: PhysRegion): string {
  return r.space === 'bar' ? `bar:${r.owner ?? '?'}` : 'ram';
}

function space(c: Coherency, key: string): Space {
  let s = c.spaces[key];
  if (!s) {
    s = { mem: { runs: [] }, latest: { runs: [] }, cache: { runs: [] } };
    c.spaces[key] = s;
  }
  return s;
}

/** Only RAM is ever cached by the CPU: BAR mappings are write-combined or uncached. */
function cached(key: string): boolean {
  return key === 'ram';
}

function speculates(c: Coherency, key: string): boolean {
  return c.arch === 'arm64' && cached(key);
}

/** Regions grouped by address space, each group sorted, merged and bridged over run holes. */
function groups(regions: readonly PhysRegion[]): Map<string, Bridged> {
  const by = new Map<string, PhysRegion[]>();
  for (const r of regions) {
    const k = regionKey(r);
    const list = by.get(k) ?? [];
    list.push(r);
    by.set(k, list);
  }
  const out = new Map<string, Bridged>();
  for (const [k, list] of by) out.set(k, bridge(list));
  return out;
}

/**
 * The problems runs found over bridged spans stand for: one per run that meets a piece, located
 * at its first piece and counting them all, as if each piece had been swept on its own.
 */
function located<R extends Range>(b: Bridged, runs: readonly R[], make: (run: R, first: Range, ranges: number) => CohProblem): CohProblem[] {
  const out: CohProblem[] = [];
  for (const run of runs) {
    const { count, first } = piecesIn(b, run.start, run.end);
    if (first) out.push(make(run, first, count));
  }
  return out;
}

function setNums(m: RunMap<number>, ranges: readonly Range[], v: number): void {
  updateMany(m, ranges.map((r) => ({ start: r.start, end: r.end, data: v })), 0, sameNum, (_o, d) => d);
}

/** The same line state over every range (one shared object: lines are never mutated). */
function setLineAll(m: RunMap<Line>, ranges: readonly Range[], line: Line): void {
  updateMany(m, ranges.map((r) => ({ start: r.start, end: r.end, data: line })), INVALID0, sameLine, (_o, d) => d);
}

function setNumRuns(m: RunMap<number>, runs: readonly Run<number>[]): void {
  updateMany(m, runs.map((r) => ({ start: r.start, end: r.end, data: r.value })), 0, sameNum, (_o, d) => d);
}

function setLines(m: RunMap<Line>, items: readonly (Range & { data: Line })[]): void {
  updateMany(m, items, INVALID0, sameLine, (_o, d) => d);
}

function nextVersion(c: Coherency): number {
  c.version += 1;
  return c.version;
}

/** Freshly allocated memory is clean: memory holds a new first version, no cache holds a line of it. */
export function freshMemory(c: Coherency, regions: readonly PhysRegion[]): void {
  const v = nextVersion(c);
  for (const [key, { ranges }] of groups(regions)) {
    const sp = space(c, key);
    setNums(sp.mem, ranges, v);
    setNums(sp.latest, ranges, v);
    setLineAll(sp.cache, ranges, { s: 'I', sp: v });
  }
}

/** Propagates a new `latest` across live bounce aliases: the slot and the original hold one datum. */
function propagateLatest(c: Coherency, key: string, ranges: readonly Range[], v: number): void {
  if (c.aliases.length === 0) return;
  const targets = new Map<string, Range[]>();
  const add = (k: string, r: Range) => targets.set(k, [...(targets.get(k) ?? []), r]);
  for (const a of c.aliases) {
    for (const r of ranges) {
      if (a.slotKey === key) {
        const lo = Math.max(r.start, a.slot);
        const hi = Math.min(r.end, a.slot + a.size);
        if (lo < hi) add(a.origKey, { start: a.orig + (lo - a.slot), end: a.orig + (hi - a.slot) });
      }
      if (a.origKey === key) {
        const lo = Math.max(r.start, a.orig);
        const hi = Math.min(r.end, a.orig + a.size);
        if (lo < hi) add(a.slotKey, { start: a.slot + (lo - a.orig), end: a.slot + (hi - a.orig) });
      }
    }
  }
  for (const [k, rs] of targets) setNums(space(c, k).latest, normalise(rs), v);
}

function aliased(c: Coherency, key: string, s: number, e: number): boolean {
  return c.aliases.some(
    (a) => (a.origKey === key && a.orig < e && s < a.orig + a.size) || (a.slotKey === key && a.slot < e && s < a.slot + a.size),
  );
}

/** The version a CPU read returns, run by run: cache hit, possibly-stale speculative fill, or memory. */
function cpuView(c: Coherency, key: string, ranges: readonly Range[], cacheable: boolean): Run<number>[] {
  const sp = space(c, key);
  const mem = queryMany(sp.mem, ranges, 0);
  if (!cacheable || !cached(key)) return mem;
  const spec = speculates(c, key);
  return zipRuns(queryMany(sp.cache, ranges, INVALID0), mem).map((z) => ({
    start: z.start,
    end: z.end,
    // The line may have been filled at any moment since it was invalidated: the oldest memory
    // version of that window is what an unlucky read returns.
    value: z.a.s !== 'I' ? z.a.v : spec ? Math.min(z.a.sp, z.b) : z.b,
  }));
}

/** What a device read returns: memory, or (snooping) the newest of cache and memory. */
function deviceView(c: Coherency, key: string, ranges: readonly Range[], coherent: boolean): Run<number>[] {
  const sp = space(c, key);
  const mem = queryMany(sp.mem, ranges, 0);
  if (!coherent || !cached(key)) return mem;
  return zipRuns(queryMany(sp.cache, ranges, INVALID0), mem).map((z) => ({ start: z.start, end: z.end, value: z.a.s === 'D' ? z.a.v : z.b }));
}

function staleAgainstLatest(sp: Space, ranges: readonly Range[], view: readonly Run<number>[]) {
  return zipRuns(view, queryMany(sp.latest, ranges, 0)).filter((z) => z.a < z.b);
}

export function cpuRead(c: Coherency, path: AccessPath): CohProblem[] {
  const problems: CohProblem[] = [];
  const cacheable = path.cacheable !== false;
  for (const [key, b] of groups(path.regions)) {
    const ranges = b.ranges;
    const sp = space(c, key);
    const view = cpuView(c, key, ranges, cacheable);
    problems.push(
      ...located(b, staleAgainstLatest(sp, ranges, view), (st, at, n): CohProblem => {
        const line = cacheable && cached(key) ? lineAt(sp, at.start) : undefined;
        const cause = aliased(c, key, at.start, at.end) ? 'bounce' : line?.s === 'I' && speculates(c, key) ? 'speculative-fill' : line && line.s !== 'I' ? 'stale-cache' : 'stale-memory';
        return { code: 'COH-01', key, start: at.start, end: at.end, ranges: n, got: st.a, latest: st.b, cause };
      }),
    );
    // A read miss fills the line with what was read.
    if (cacheable && cached(key)) {
      updateMany(sp.cache, view.map((v) => ({ start: v.start, end: v.end, data: v.value })), INVALID0, sameLine, (l, v): Line => (l.s === 'I' ? { s: 'C', v } : l));
    }
  }
  return problems;
}

function lineAt(sp: Space, addr: number): Line {
  return query(sp.cache, addr, addr + 1, INVALID0)[0].value;
}

export function cpuWrite(c: Coherency, path: AccessPath): number {
  const v = nextVersion(c);
  const cacheable = path.cacheable !== false;
  for (const [key, { ranges }] of groups(path.regions)) {
    const sp = space(c, key);
    if (cacheable && cached(key)) setLineAll(sp.cache, ranges, { s: 'D', v });
    else setNums(sp.mem, ranges, v);
    setNums(sp.latest, ranges, v);
    propagateLatest(c, key, ranges, v);
  }
  return v;
}

export function deviceRead(c: Coherency, path: AccessPath): CohProblem[] {
  const problems: CohProblem[] = [];
  for (const [key, b] of groups(path.regions)) {
    const ranges = b.ranges;
    const sp = space(c, key);
    const view = deviceView(c, key, ranges, path.coherent);
    problems.push(
      ...located(b, staleAgainstLatest(sp, ranges, view), (st, at, n): CohProblem => {
        const dirty = cached(key) && lineAt(sp, at.start).s === 'D';
        const cause = aliased(c, key, at.start, at.end) ? 'bounce' : dirty ? 'stale-cache' : 'stale-memory';
        return { code: 'COH-02', key, start: at.start, end: at.end, ranges: n, got: st.a, latest: st.b, cause };
      }),
    );
  }
  return problems;
}

export function deviceWrite(c: Coherency, path: AccessPath): { version: number; problems: CohProblem[] } {
  const v = nextVersion(c);
  const problems: CohProblem[] = [];
  for (const [key, b] of groups(path.regions)) {
    const ranges = b.ranges;
    const sp = space(c, key);
    setNums(sp.mem, ranges, v);
    setNums(sp.latest, ranges, v);
    propagateLatest(c, key, ranges, v);
    if (!cached(key)) continue;
    if (path.coherent) {
      // Snooping invalidates the CPU's copies; a later fill brings in the device's data.
      setLineAll(sp.cache, ranges, { s: 'I', sp: v });
      continue;
    }
    // A dirty CPU line over the device's data will be written back at the next eviction and
    // overwrite it. Report it and let that eviction happen now, so the loss is counted once.
    const dirty = queryMany(sp.cache, ranges, INVALID0).filter((l) => l.value.s === 'D');
    if (dirty.length === 0) continue;
    problems.push(...located(b, dirty, (_l, at, n): CohProblem => ({ code: 'COH-03', key, start: at.start, end: at.end, ranges: n, got: v, latest: v, cause: 'eviction' })));
    const old = dirty.map((l) => ({ start: l.start, end: l.end, value: (l.value as { v: number }).v }));
    setNumRuns(sp.mem, old);
    setNumRuns(sp.latest, old);
    setLines(sp.cache, old.map((o) => ({ start: o.start, end: o.end, data: { s: 'C', v: o.value } as Line })));
  }
  return { version: v, problems };
}

// ---------------------------------------------------------------------------------------------
// Copies between region lists laid end to end (moves, bounce copies)

interface Piece {
  readonly off: number;
  readonly len: number;
  readonly v: number;
}

/** Values of a region list laid end to end (offset 0 = first byte of the first region), by offset. */
function flatten(runs: readonly PhysRegion[], view: (key: string, ranges: readonly Range[]) => Run<number>[]): Piece[] {
  // Copies pair bytes by their offset in the list. Each run is read over its span, as every other
  // access is, and what it holds is mapped back to list offsets (laid-end-to-end.ts).
  const found: Piece[] = [];
  for (const p of place(runs)) {
    for (const v of view(regionKey(p.region), [addrSpan(p)])) {
      for (const r of toOffsets(p, v.start, v.end)) found.push({ off: p.base + r.start, len: r.end - r.start, v: v.value });
    }
  }
  found.sort((x, y) => x.off - y.off);
  const out: Piece[] = [];
  for (const q of found) {
    const last = out[out.length - 1];
    if (last && last.off + last.len === q.off && last.v === q.v) out[out.length - 1] = { off: last.off, len: last.len + q.len, v: q.v };
    else out.push(q);
  }
  return out;
}

/** Lays pieces (by offset) onto target regions (end to end); returns runs per address space. */
function scatter(runs: readonly PhysRegion[], pieces: readonly Piece[]): Map<string, Run<number>[]> {
  const out = new Map<string, Run<number>[]>();
  let q = 0;
  for (const p of place(runs)) {
    const end = p.base + length(p);
    while (q < pieces.length && pieces[q].off + pieces[q].len <= p.base) q++;
    const key = regionKey(p.region);
    const list = out.get(key) ?? [];
    for (let k = q; k < pieces.length && pieces[k].off < end; k++) {
      const lo = Math.max(p.base, pieces[k].off) - p.base;
      const hi = Math.min(end, pieces[k].off + pieces[k].len) - p.base;
      for (const r of toAddresses(p, lo, hi)) list.push({ start: r.start, end: r.end, value: pieces[k].v });
    }
    if (list.length > 0) out.set(key, list);
  }
  for (const [k, list] of out) out.set(k, list.sort((a, b) => a.start - b.start));
  return out;
}

function latestView(c: Coherency) {
  return (key: string, ranges: readonly Range[]) => queryMany(space(c, key).latest, ranges, 0);
}

/** The exporter's copy job of a move: the device reads `from` and writes the same data to `to`. */
export function deviceCopy(c: Coherency, from: readonly PhysRegion[], to: readonly PhysRegion[], coherent: boolean): CohProblem[] {
  const vals = flatten(from, (key, ranges) => deviceView(c, key, ranges, coherent));
  const lat = flatten(from, latestView(c));
  for (const [key, runs] of scatter(to, vals)) {
    const sp = space(c, key);
    setNumRuns(sp.mem, runs);
    if (cached(key)) setLines(sp.cache, runs.map((r) => ({ start: r.start, end: r.end, data: { s: 'I', sp: r.value } as Line })));
  }
  for (const [key, runs] of scatter(to, lat)) setNumRuns(space(c, key).latest, runs);
  return [];
}

/** Applies one cache-maintenance or bounce effect of a kernel call; returns the writes it lost. */
export function applyEffect(c: Coherency, effect: CacheEffect): CohProblem[] {
  switch (effect.kind) {
    case 'clean':
    case 'flush':
    case 'invalidate':
      return maintain(c, effect.kind, effect.regions);
    case 'copy':
      return deviceCopy(c, effect.from, effect.to, false);
    case 'bounceToDevice': {
      // swiotlb copies with the CPU: the slot gets what the CPU sees of the original.
      const vals = flatten(effect.from, (key, ranges) => cpuView(c, key, ranges, true));
      const lat = flatten(effect.from, latestView(c));
      for (const [key, runs] of scatter(effect.to, vals)) setNumRuns(space(c, key).mem, runs);
      for (const [key, runs] of scatter(effect.to, lat)) setNumRuns(space(c, key).latest, runs);
      link(c, effect.to, effect.from);
      return [];
    }
    case 'bounceToCpu':
      return copyBack(c, effect.from, effect.to);
  }
}

function maintain(c: Coherency, kind: 'clean' | 'flush' | 'invalidate', regions: readonly PhysRegion[]): CohProblem[] {
  const problems: CohProblem[] = [];
  for (const [key, b] of groups(regions)) {
    if (!cached(key)) continue;
    const ranges = b.ranges;
    const sp = space(c, key);
    const zs = zipRuns(queryMany(sp.cache, ranges, INVALID0), queryMany(sp.mem, ranges, 0));
    const memWrites: Run<number>[] = [];
    const lines: (Range & { data: Line })[] = [];
    const lostLatest: Run<number>[] = [];
    for (const z of zs) {
      const l = z.a;
      if (kind === 'invalidate') {
        if (l.s === 'D') {
          // The dirty data never reached memory: it is gone. Count it once: memory is now the truth.
          problems.push(...located(b, [z], (_z, at, n): CohProblem => ({ code: 'COH-03', key, start: at.start, end: at.end, ranges: n, got: l.v, latest: l.v, cause: 'invalidate' })));
          lostLatest.push({ start: z.start, end: z.end, value: z.b });
        }
        lines.push({ start: z.start, end: z.end, data: { s: 'I', sp: z.b } });
        continue;
      }
      if (l.s === 'D') {
        memWrites.push({ start: z.start, end: z.end, value: l.v });
        lines.push({ start: z.start, end: z.end, data: kind === 'flush' ? { s: 'I', sp: l.v } : { s: 'C', v: l.v } });
      } else if (kind === 'flush') lines.push({ start: z.start, end: z.end, data: { s: 'I', sp: z.b } });
    }
    setNumRuns(sp.mem, memWrites);
    setNumRuns(sp.latest, lostLatest);
    setLines(sp.cache, lines);
  }
  return problems;
}

/** swiotlb copy-back: the CPU copies the slot over the original pages (through its cache). */
function copyBack(c: Coherency, from: readonly PhysRegion[], to: readonly PhysRegion[]): CohProblem[] {
  const problems: CohProblem[] = [];
  const vals = flatten(from, (key, ranges) => queryMany(space(c, key).mem, ranges, 0));
  for (const [key, runs] of scatter(to, vals)) {
    const sp = space(c, key);
    const ranges = runs.map((r) => ({ start: r.start, end: r.end }));
    const before = zipRuns(zipRuns(cpuView(c, key, ranges, true), queryMany(sp.latest, ranges, 0)).map((z) => ({ start: z.start, end: z.end, value: z })), runs);
    const acknowledged: Run<number>[] = [];
    for (const z of before) {
      const cpuSees = z.a.a;
      const latest = z.a.b;
      // The CPU's newer data in the original is overwritten by the older bounce copy.
      if (cpuSees === latest && z.b < latest) {
        problems.push({ code: 'COH-03', key, start: z.start, end: z.end, ranges: 1, got: latest, latest, cause: 'copy-back' });
        acknowledged.push({ start: z.start, end: z.end, value: z.b });
      }
    }
    setNumRuns(sp.mem, runs);
    if (cached(key)) setLines(sp.cache, runs.map((r) => ({ start: r.start, end: r.end, data: { s: 'C', v: r.value } as Line })));
    setNumRuns(sp.latest, acknowledged);
  }
  link(c, from, to);
  return problems;
}

/** Records that `slots` stand for `origs` (laid end to end), replacing older aliases of those slots. */
function link(c: Coherency, slotRuns: readonly PhysRegion[], origRuns: readonly PhysRegion[]): void {
  const slots = expandRegions(slotRuns);
  const origs = expandRegions(origRuns);
  const pairs: Alias[] = [];
  let oi = 0;
  let oOff = 0;
  for (const s of slots) {
    let done = 0;
    while (done < s.size && oi < origs.length) {
      const o = origs[oi];
      const take = Math.min(s.size - done, o.size - oOff);
      pairs.push({ slotKey: regionKey(s), slot: s.addr + done, origKey: regionKey(o), orig: o.addr + oOff, size: take });
      done += take;
      oOff += take;
      if (oOff >= o.size) {
        oi++;
        oOff = 0;
      }
    }
  }
  c.aliases = c.aliases.filter((a) => !pairs.some((p) => p.slotKey === a.slotKey && a.slot < p.slot + p.size && p.slot < a.slot + a.size));
  c.aliases.push(...pairs);
}

/** A few lines about the touched runs, for the trace: memory version, cache state, latest. */
export function describe(c: Coherency, regions: readonly PhysRegion[]): string[] {
  const out: string[] = [];
  for (const [key, b] of groups(regions)) {
    const sp = space(c, key);
    const { ranges: first, total } = firstPieces(b, 4);
    for (const l of queryMany(sp.latest, first, 0)) {
      const mem = query(sp.mem, l.start, l.end, 0).map((m) => `v${m.value}`).join('/');
      const cache = cached(key)
        ? query(sp.cache, l.start, l.end, INVALID0)
            .map((x) => (x.value.s === 'I' ? 'I' : `${x.value.s}(v${x.value.v})`))
            .join('/')
        : 'uncached';
      out.push(`${key} ${hex(l.start)}..${hex(l.end)}: mem ${mem}, cpu cache ${cache}, latest v${l.value}`);
      if (out.length >= 6) return out;
    }
    if (total > first.length) out.push(`${key}: ${total - first.length} more ${total - first.length === 1 ? 'range' : 'ranges'}`);
  }
  return out;
}

export function hex(n: number): string {
  return '0x' + n.toString(16);
}
