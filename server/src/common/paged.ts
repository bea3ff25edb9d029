// A long list in a state snapshot (a table's sg entries, a buffer's chunks, a domain's IOVA
// ranges) travels as the engine keeps it: runs of entries that differ only by constant steps. The
// snapshot spells out the first 64 under the list's own key and adds the runs under `KEYPaged`,
// so a consumer (the trace view) can show any page without the engine building one object per
// entry: a 1 GiB buffer is 262,144 page entries, and one run. Pure and kernel-agnostic: how a
// run's fields step is data in the run.

/** `count` entries: entry i is `first` with every field named in `step` plus i × its step. */
export interface PagedRun {
  readonly first: Readonly<Record<string, unknown>>;
  readonly count: number;
  readonly step?: Readonly<Record<string, number>>;
}

export interface Paged {
  readonly total: number;
  readonly runs: readonly PagedRun[];
}

const SUFFIX = 'Paged';

/** The snapshot key holding the runs of the list under `key`. */
export function pagedKey(key: string): string {
  return `${key}${SUFFIX}`;
}

/** True for a key that holds runs (consumers that only print a snapshot skip it). */
export function isPagedKey(key: string): boolean {
  return key.endsWith(SUFFIX) && key.length > SUFFIX.length;
}

/** The key of the count a snapshot gives for entries beyond the first page (`moreEntries`). */
export function moreKey(key: string): string {
  return `more${key[0].toUpperCase()}${key.slice(1)}`;
}

/** A value of the right shape to page through, or undefined (the webview trusts no message). */
export function asPaged(v: unknown): Paged | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const p = v as { total?: unknown; runs?: unknown };
  if (typeof p.total !== 'number' || !Number.isSafeInteger(p.total) || p.total < 0 || !Array.isArray(p.runs)) return undefined;
  for (const r of p.runs as unknown[]) {
    if (typeof r !== 'object' || r === null) return undefined;
    const run = r as { first?: unknown; count?: unknown; step?: unknown };
    if (typeof run.first !== 'object' || run.first === null || typeof run.count !== 'number' || !(run.count >= 1)) return undefined;
    if (run.step !== undefined && (typeof run.step !== 'object' || run.step === null)) return undefined;
  }
  return p as Paged;
}

/** Entry i of a run. */
function entryAt(r: PagedRun, i: number): Record<string, unknown> {
  const e: Record<string, unknown> = { ...r.first };
  if (r.step) for (const [k, d] of Object.entries(r.step)) if (typeof e[k] === 'number') e[k] = (e[k] as number) + i * d;
  return e;
}

/** Entries [from, from + size) of the list, clipped to its end; only those entries are built. */
export function pageOf(p: Paged, from: number, size: number): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const to = Math.min(p.total, from + size);
  let at = 0;
  for (const r of p.runs) {
    if (at >= to) break;
    const lo = Math.max(from, at);
    const hi = Math.min(to, at + r.count);
    for (let i = lo; i < hi; i++) out.push(entryAt(r, i - at));
    at += r.count;
  }
  return out;
}
