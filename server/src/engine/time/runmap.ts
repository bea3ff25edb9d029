// An interval map over addresses: runs of equal values instead of one entry per cache line, so that
// a 1 GiB buffer costs a handful of entries. Values are plain data (numbers or small records) and
// are compared with `same` to merge neighbours. Gaps read as the map's default value.
// Buffers made of thousands of scattered pages are handled in one sweep per operation
// (`queryMany` / `updateMany` over sorted ranges), never one full pass per page.
import { spend } from '../deadline';
import { firstEndingAfter } from '../intervals';

export interface Run<T> {
  readonly start: number;
  readonly end: number;
  readonly value: T;
}

export interface RunMap<T> {
  /** Sorted, non-overlapping, end exclusive. */
  runs: Run<T>[];
}

export interface Range {
  readonly start: number;
  readonly end: number;
}

/** The runs covering each range (sorted, disjoint), in order, gaps filled with `dflt`, clipped. */
export function queryMany<T>(m: RunMap<T>, ranges: readonly Range[], dflt: T): Run<T>[] {
  const out: Run<T>[] = [];
  const runs = m.runs;
  let i = ranges.length ? firstEndingAfter(runs, ranges[0].start) : 0;
  for (const rg of ranges) {
    spend();
    let at = rg.start;
    while (i < runs.length && runs[i].end <= at) i++;
    let j = i;
    while (at < rg.end) {
      const r = runs[j];
      if (!r || r.start >= rg.end) {
        out.push({ start: at, end: rg.end, value: dflt });
        at = rg.end;
        break;
      }
      if (r.start > at) {
        out.push({ start: at, end: r.start, value: dflt });
        at = r.start;
      }
      const e = Math.min(r.end, rg.end);
      out.push({ start: at, end: e, value: r.value });
      at = e;
      if (r.end <= rg.end) j++;
    }
    i = j;
  }
  return out;
}

export function query<T>(m: RunMap<T>, start: number, end: number, dflt: T): Run<T>[] {
  return end > start ? queryMany(m, [{ start, end }], dflt) : [];
}

/**
 * Rewrites every item's range (sorted, disjoint): `fn` sees each covered run (gaps as `dflt`)
 * with the item's data and returns its new value. One pass over the map.
 */
export function updateMany<T, U>(
  m: RunMap<T>,
  items: readonly (Range & { readonly data: U })[],
  dflt: T,
  same: (a: T, b: T) => boolean,
  fn: (value: T, data: U, start: number, end: number) => T,
): void {
  if (items.length === 0) return;
  const out: Run<T>[] = [];
  const push = (r: Run<T>) => {
    if (r.end <= r.start) return;
    const last = out[out.length - 1];
    if (last && last.end === r.start && same(last.value, r.value)) out[out.length - 1] = { start: last.start, end: r.end, value: last.value };
    else out.push(r);
  };
  const runs = m.runs;
  let i = 0;
  for (const it of items) {
    spend();
    // Runs entirely before the item stay; a run straddling its start is split.
    while (i < runs.length && runs[i].end <= it.start) push(runs[i++]);
    if (i < runs.length && runs[i].start < it.start) push({ start: runs[i].start, end: it.start, value: runs[i].value });
    let at = it.start;
    while (at < it.end) {
      const r = runs[i];
      if (!r || r.start >= it.end) {
        push({ start: at, end: it.end, value: fn(dflt, it.data, at, it.end) });
        at = it.end;
        break;
      }
      if (r.start > at) {
        push({ start: at, end: r.start, value: fn(dflt, it.data, at, r.start) });
        at = r.start;
      }
      const e = Math.min(r.end, it.end);
      push({ start: at, end: e, value: fn(r.value, it.data, at, e) });
      at = e;
      if (r.end <= it.end) i++;
    }
    // A run straddling the item's end keeps its tail; the next item may still cut into it.
    if (i < runs.length && runs[i].start < it.end && runs[i].end > it.end) {
      const r = runs[i];
      const tail = { start: it.end, end: r.end, value: r.value };
      (runs as Run<T>[])[i] = tail;
    }
  }
  while (i < runs.length) push(runs[i++]);
  m.runs = out;
}

export function update<T>(m: RunMap<T>, start: number, end: number, dflt: T, same: (a: T, b: T) => boolean, fn: (value: T, start: number, end: number) => T): void {
  if (end > start) updateMany(m, [{ start, end, data: null }], dflt, same, (v, _d, s, e) => fn(v, s, e));
}

/** Pairs two run lists that cover exactly the same ranges, splitting at every boundary of either. */
export function zipRuns<A, B>(a: readonly Run<A>[], b: readonly Run<B>[]): { start: number; end: number; a: A; b: B }[] {
  const out: { start: number; end: number; a: A; b: B }[] = [];
  let i = 0;
  let j = 0;
  let at = a.length ? a[0].start : 0;
  while (i < a.length && j < b.length) {
    spend();
    const x = a[i];
    const y = b[j];
    const s = Math.max(at, x.start, y.start);
    const e = Math.min(x.end, y.end);
    if (s < e) out.push({ start: s, end: e, a: x.value, b: y.value });
    at = e;
    if (x.end <= e) i++;
    if (y.end <= e) j++;
  }
  return out;
}

/** Sorts ranges by start and merges overlapping or touching ones. */
export function normalise(ranges: readonly Range[]): Range[] {
  spend(ranges.length);
  const sorted = [...ranges].filter((r) => r.end > r.start).sort((x, y) => x.start - y.start);
  const out: Range[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.start <= last.end) out[out.length - 1] = { start: last.start, end: Math.max(last.end, r.end) };
    else out.push(r);
  }
  return out;
}
