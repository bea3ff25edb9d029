// An interval map over addresses: runs of equal values instead of one entry per cache line, so that
// a 1 GiB buffer costs a handful of entries. Values are plain data (numbers or small records) and
// are compared with `same` to merge neighbours. Gaps read as the map's default value.

export interface Run<T> {
  readonly start: number;
  readonly end: number;
  readonly value: T;
}

export interface RunMap<T> {
  /** Sorted, non-overlapping, end exclusive. */
  runs: Run<T>[];
}

export function emptyRunMap<T>(): RunMap<T> {
  return { runs: [] };
}

/** The runs covering [start, end), gaps filled with `dflt`, clipped to the range. */
export function query<T>(m: RunMap<T>, start: number, end: number, dflt: T): Run<T>[] {
  const out: Run<T>[] = [];
  let at = start;
  for (const r of m.runs) {
    if (r.end <= at) continue;
    if (r.start >= end) break;
    if (r.start > at) out.push({ start: at, end: r.start, value: dflt });
    const s = Math.max(r.start, at);
    const e = Math.min(r.end, end);
    out.push({ start: s, end: e, value: r.value });
    at = e;
    if (at >= end) break;
  }
  if (at < end) out.push({ start: at, end, value: dflt });
  return out;
}

/** Rewrites [start, end) run by run: `fn` sees each covered run (gaps as `dflt`) and returns its new value. */
export function update<T>(
  m: RunMap<T>,
  start: number,
  end: number,
  dflt: T,
  same: (a: T, b: T) => boolean,
  fn: (value: T, start: number, end: number) => T,
): void {
  if (end <= start) return;
  const inside = query(m, start, end, dflt).map((r) => ({ start: r.start, end: r.end, value: fn(r.value, r.start, r.end) }));
  const before: Run<T>[] = [];
  const after: Run<T>[] = [];
  for (const r of m.runs) {
    if (r.end <= start) before.push(r);
    else if (r.start >= end) after.push(r);
    else {
      if (r.start < start) before.push({ start: r.start, end: start, value: r.value });
      if (r.end > end) after.push({ start: end, end: r.end, value: r.value });
    }
  }
  const merged: Run<T>[] = [];
  for (const r of [...before, ...inside, ...after]) {
    const last = merged[merged.length - 1];
    if (last && last.end === r.start && same(last.value, r.value)) merged[merged.length - 1] = { start: last.start, end: r.end, value: last.value };
    else merged.push(r);
  }
  m.runs = merged;
}

export function assign<T>(m: RunMap<T>, start: number, end: number, value: T, dflt: T, same: (a: T, b: T) => boolean): void {
  update(m, start, end, dflt, same, () => value);
}
