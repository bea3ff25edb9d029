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
import type { Arch } from '../../language/ast';
import type { CacheEffect, PhysRegion, AccessPath } from '../seam';
import { query, update, type RunMap } from './runmap';

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

function setNum(m: RunMap<number>, s: number, e: number, v: number): void {
  update(m, s, e, 0, sameNum, () => v);
}

function setLine(m: RunMap<Line>, s: number, e: number, fn: (l: Line, s: number, e: number) => Line): void {
  update(m, s, e, INVALID0, sameLine, fn);
}

function memAt(sp: Space, s: number, e: number) {
  return query(sp.mem, s, e, 0);
}

function nextVersion(c: Coherency): number {
  c.version += 1;
  return c.version;
}

/** Freshly allocated memory is clean: memory holds a new first version, no cache holds a line of it. */
export function freshMemory(c: Coherency, regions: readonly PhysRegion[]): void {
  const v = nextVersion(c);
  for (const r of regions) {
    const sp = space(c, regionKey(r));
    setNum(sp.mem, r.addr, r.addr + r.size, v);
    setNum(sp.latest, r.addr, r.addr + r.size, v);
    setLine(sp.cache, r.addr, r.addr + r.size, () => ({ s: 'I', sp: v }));
  }
}

/** Propagates a new `latest` across live bounce aliases: the slot and the original hold one datum. */
function propagateLatest(c: Coherency, key: string, s: number, e: number, v: number): void {
  for (const a of c.aliases) {
    if (a.slotKey === key) {
      const lo = Math.max(s, a.slot);
      const hi = Math.min(e, a.slot + a.size);
      if (lo < hi) setNum(space(c, a.origKey).latest, a.orig + (lo - a.slot), a.orig + (hi - a.slot), v);
    }
    if (a.origKey === key) {
      const lo = Math.max(s, a.orig);
      const hi = Math.min(e, a.orig + a.size);
      if (lo < hi) setNum(space(c, a.slotKey).latest, a.slot + (lo - a.orig), a.slot + (hi - a.orig), v);
    }
  }
}

function aliased(c: Coherency, key: string, s: number, e: number): boolean {
  return c.aliases.some(
    (a) => (a.origKey === key && a.orig < e && s < a.orig + a.size) || (a.slotKey === key && a.slot < e && s < a.slot + a.size),
  );
}

/** Sub-runs of [s,e) where `got(version)` is older than latest. */
function staleRuns(sp: Space, s: number, e: number, got: RunMap<number>): { start: number; end: number; got: number; latest: number }[] {
  const out: { start: number; end: number; got: number; latest: number }[] = [];
  for (const g of query(got, s, e, 0)) {
    for (const l of query(sp.latest, g.start, g.end, 0)) {
      if (g.value < l.value) out.push({ start: l.start, end: l.end, got: g.value, latest: l.value });
    }
  }
  return out;
}

/** The version a CPU read of [s,e) returns, as a temporary run map (cache hit, fill, or memory). */
function cpuView(c: Coherency, key: string, s: number, e: number, cacheable: boolean): RunMap<number> {
  const sp = space(c, key);
  const view: RunMap<number> = { runs: [] };
  if (!cacheable || !cached(key)) {
    view.runs = memAt(sp, s, e).map((r) => ({ ...r }));
    return view;
  }
  for (const l of query(sp.cache, s, e, INVALID0)) {
    if (l.value.s !== 'I') view.runs.push({ start: l.start, end: l.end, value: l.value.v });
    else if (speculates(c, key)) {
      // The line may have been filled at any moment since it was invalidated: the oldest memory
      // version of that window is what an unlucky read returns.
      const sp0 = l.value.sp;
      for (const m of memAt(sp, l.start, l.end)) view.runs.push({ start: m.start, end: m.end, value: Math.min(sp0, m.value) });
    } else for (const m of memAt(sp, l.start, l.end)) view.runs.push({ ...m });
  }
  return view;
}

export function cpuRead(c: Coherency, path: AccessPath): CohProblem[] {
  const problems: CohProblem[] = [];
  const cacheable = path.cacheable !== false;
  for (const r of path.regions) {
    const key = regionKey(r);
    const sp = space(c, key);
    const s = r.addr;
    const e = r.addr + r.size;
    const view = cpuView(c, key, s, e, cacheable);
    for (const st of staleRuns(sp, s, e, view)) {
      const cause = aliased(c, key, st.start, st.end)
        ? 'bounce'
        : cacheable && cached(key) && lineAt(sp, st.start).s === 'I' && speculates(c, key)
          ? 'speculative-fill'
          : cacheable && cached(key) && lineAt(sp, st.start).s !== 'I'
            ? 'stale-cache'
            : 'stale-memory';
      problems.push({ code: 'COH-01', key, start: st.start, end: st.end, got: st.got, latest: st.latest, cause });
    }
    // A read miss fills the line with what was read.
    if (cacheable && cached(key)) {
      for (const v of view.runs) setLine(sp.cache, v.start, v.end, (l) => (l.s === 'I' ? { s: 'C', v: v.value } : l));
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
  for (const r of path.regions) {
    const key = regionKey(r);
    const sp = space(c, key);
    const s = r.addr;
    const e = r.addr + r.size;
    if (cacheable && cached(key)) setLine(sp.cache, s, e, () => ({ s: 'D', v }));
    else setNum(sp.mem, s, e, v);
    setNum(sp.latest, s, e, v);
    propagateLatest(c, key, s, e, v);
  }
  return v;
}

/** What a device read returns: memory, or (snooping) the newest of cache and memory. */
function deviceView(c: Coherency, key: string, s: number, e: number, coherent: boolean): RunMap<number> {
  const sp = space(c, key);
  if (!coherent || !cached(key)) return { runs: memAt(sp, s, e).map((r) => ({ ...r })) };
  const view: RunMap<number> = { runs: [] };
  for (const l of query(sp.cache, s, e, INVALID0)) {
    if (l.value.s === 'D') view.runs.push({ start: l.start, end: l.end, value: l.value.v });
    else for (const m of memAt(sp, l.start, l.end)) view.runs.push({ ...m });
  }
  return view;
}

export function deviceRead(c: Coherency, path: AccessPath): CohProblem[] {
  const problems: CohProblem[] = [];
  for (const r of path.regions) {
    const key = regionKey(r);
    const sp = space(c, key);
    const view = deviceView(c, key, r.addr, r.addr + r.size, path.coherent);
    for (const st of staleRuns(sp, r.addr, r.addr + r.size, view)) {
      const dirty = cached(key) && lineAt(sp, st.start).s === 'D';
      const cause = aliased(c, key, st.start, st.end) ? 'bounce' : dirty ? 'stale-cache' : 'stale-memory';
      problems.push({ code: 'COH-02', key, start: st.start, end: st.end, got: st.got, latest: st.latest, cause });
    }
  }
  return problems;
}

export function deviceWrite(c: Coherency, path: AccessPath): { version: number; problems: CohProblem[] } {
  const v = nextVersion(c);
  const problems: CohProblem[] = [];
  for (const r of path.regions) {
    const key = regionKey(r);
    const sp = space(c, key);
    const s = r.addr;
    const e = r.addr + r.size;
    setNum(sp.mem, s, e, v);
    setNum(sp.latest, s, e, v);
    propagateLatest(c, key, s, e, v);
    if (!cached(key)) continue;
    if (path.coherent) {
      // Snooping invalidates the CPU's copies; a later fill brings in the device's data.
      setLine(sp.cache, s, e, () => ({ s: 'I', sp: v }));
      continue;
    }
    // A dirty CPU line over the device's data will be written back at the next eviction and
    // overwrite it. Report it and let that eviction happen now, so the loss is counted once.
    for (const l of query(sp.cache, s, e, INVALID0)) {
      if (l.value.s !== 'D') continue;
      problems.push({ code: 'COH-03', key, start: l.start, end: l.end, got: v, latest: v, cause: 'eviction' });
      const old = l.value.v;
      setNum(sp.mem, l.start, l.end, old);
      setNum(sp.latest, l.start, l.end, old);
      setLine(sp.cache, l.start, l.end, () => ({ s: 'C', v: old }));
    }
  }
  return { version: v, problems };
}

/** The exporter's copy job of a move: the device reads `from` and writes the same data to `to`. */
export function deviceCopy(c: Coherency, from: readonly PhysRegion[], to: readonly PhysRegion[], coherent: boolean): CohProblem[] {
  const problems: CohProblem[] = [];
  const src = flatten(c, from, (key, s, e) => deviceView(c, key, s, e, coherent));
  const lat = flatten(c, from, (key, s, e) => ({ runs: query(space(c, key).latest, s, e, 0).map((r) => ({ ...r })) }));
  writeFlat(c, to, src, lat, coherent, problems);
  return problems;
}

/** Values of a region list laid end to end (offset 0 = first byte of the first region). */
function flatten(c: Coherency, regions: readonly PhysRegion[], view: (key: string, s: number, e: number) => RunMap<number>): { off: number; len: number; v: number }[] {
  const out: { off: number; len: number; v: number }[] = [];
  let off = 0;
  for (const r of regions) {
    for (const run of view(regionKey(r), r.addr, r.addr + r.size).runs) out.push({ off: off + (run.start - r.addr), len: run.end - run.start, v: run.value });
    off += r.size;
  }
  return out;
}

function forEachTarget(to: readonly PhysRegion[], vals: { off: number; len: number; v: number }[], fn: (key: string, s: number, e: number, v: number) => void): void {
  let off = 0;
  for (const r of to) {
    for (const x of vals) {
      const lo = Math.max(off, x.off);
      const hi = Math.min(off + r.size, x.off + x.len);
      if (lo < hi) fn(regionKey(r), r.addr + (lo - off), r.addr + (hi - off), x.v);
    }
    off += r.size;
  }
}

function writeFlat(
  c: Coherency,
  to: readonly PhysRegion[],
  vals: { off: number; len: number; v: number }[],
  lat: { off: number; len: number; v: number }[],
  coherent: boolean,
  _problems: CohProblem[],
): void {
  forEachTarget(to, vals, (key, s, e, v) => {
    const sp = space(c, key);
    setNum(sp.mem, s, e, v);
    if (cached(key) && coherent) setLine(sp.cache, s, e, () => ({ s: 'I', sp: v }));
  });
  forEachTarget(to, lat, (key, s, e, v) => setNum(space(c, key).latest, s, e, v));
}

/** Applies one cache-maintenance or bounce effect of a kernel call; returns the writes it lost. */
export function applyEffect(c: Coherency, effect: CacheEffect): CohProblem[] {
  const problems: CohProblem[] = [];
  switch (effect.kind) {
    case 'clean':
    case 'flush':
      for (const r of effect.regions) {
        const key = regionKey(r);
        if (!cached(key)) continue;
        const sp = space(c, key);
        for (const l of query(sp.cache, r.addr, r.addr + r.size, INVALID0)) {
          if (l.value.s === 'D') {
            const v = l.value.v;
            setNum(sp.mem, l.start, l.end, v);
            setLine(sp.cache, l.start, l.end, () => (effect.kind === 'flush' ? { s: 'I', sp: v } : { s: 'C', v }));
          } else if (effect.kind === 'flush') {
            for (const m of memAt(sp, l.start, l.end)) setLine(sp.cache, m.start, m.end, () => ({ s: 'I', sp: m.value }));
          }
        }
      }
      return problems;
    case 'invalidate':
      for (const r of effect.regions) {
        const key = regionKey(r);
        if (!cached(key)) continue;
        const sp = space(c, key);
        for (const l of query(sp.cache, r.addr, r.addr + r.size, INVALID0)) {
          if (l.value.s === 'D') {
            // The dirty data never reached memory: it is gone. Count it once: memory is now the truth.
            for (const m of memAt(sp, l.start, l.end)) {
              problems.push({ code: 'COH-03', key, start: m.start, end: m.end, got: l.value.v, latest: l.value.v, cause: 'invalidate' });
              setNum(sp.latest, m.start, m.end, m.value);
            }
          }
          for (const m of memAt(sp, l.start, l.end)) setLine(sp.cache, m.start, m.end, () => ({ s: 'I', sp: m.value }));
        }
      }
      return problems;
    case 'copy':
      return deviceCopy(c, effect.from, effect.to, false);
    case 'bounceToDevice': {
      // swiotlb copies with the CPU: the slot gets what the CPU sees of the original.
      const vals = flatten(c, effect.from, (key, s, e) => cpuView(c, key, s, e, true));
      const lat = flatten(c, effect.from, (key, s, e) => ({ runs: query(space(c, key).latest, s, e, 0).map((r) => ({ ...r })) }));
      writeFlat(c, effect.to, vals, lat, false, problems);
      link(c, effect.to, effect.from);
      return problems;
    }
    case 'bounceToCpu': {
      const vals = flatten(c, effect.from, (key, s, e) => ({ runs: memAt(space(c, key), s, e).map((r) => ({ ...r })) }));
      forEachTarget(effect.to, vals, (key, s, e, v) => {
        const sp = space(c, key);
        const before = cpuView(c, key, s, e, true);
        for (const b of before.runs) {
          for (const l of query(sp.latest, b.start, b.end, 0)) {
            // The CPU's newer data in the original is overwritten by the older bounce copy.
            if (b.value === l.value && v < l.value) problems.push({ code: 'COH-03', key, start: l.start, end: l.end, got: l.value, latest: l.value, cause: 'copy-back' });
          }
        }
        setNum(sp.mem, s, e, v);
        if (cached(key)) setLine(sp.cache, s, e, () => ({ s: 'C', v }));
        for (const p of problems) if (p.key === key) setNum(sp.latest, Math.max(p.start, s), Math.min(p.end, e), v);
      });
      link(c, effect.from, effect.to);
      return problems;
    }
  }
}

/** Records that `slots` stand for `origs` (laid end to end), replacing older aliases of those slots. */
function link(c: Coherency, slots: readonly PhysRegion[], origs: readonly PhysRegion[]): void {
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

/** One line per touched run, for the trace: memory version, cache state, latest. */
export function describe(c: Coherency, regions: readonly PhysRegion[]): string[] {
  const out: string[] = [];
  for (const r of regions) {
    const key = regionKey(r);
    const sp = space(c, key);
    for (const l of query(sp.latest, r.addr, r.addr + r.size, 0)) {
      const mem = memAt(sp, l.start, l.end).map((m) => `v${m.value}`).join('/');
      const cache = cached(key)
        ? query(sp.cache, l.start, l.end, INVALID0)
            .map((x) => (x.value.s === 'I' ? 'I' : `${x.value.s}(v${x.value.v})`))
            .join('/')
        : 'uncached';
      out.push(`${key} ${hex(l.start)}..${hex(l.end)}: mem ${mem}, cpu cache ${cache}, latest v${l.value}`);
    }
  }
  return out.slice(0, 8);
}

export function hex(n: number): string {
  return '0x' + n.toString(16);
}
