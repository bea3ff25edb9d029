// One copy of each distinct string in the engine's results. A result crosses from the worker by
// structured clone, which copies every string it meets: the 20,000-line file's results held the
// file's path 19,000 times and names like "ram" or "cpu" tens of thousands of times, about 15 MB
// of the main thread's 60 MB heap. Interning on arrival keeps one of each.

/** Past this many distinct strings the pool starts again (messages quoting lines keep varying). */
const POOL_LIMIT = 200_000;

export class StringPool {
  private readonly pool = new Map<string, string>();

  /** Distinct strings held. */
  get size(): number {
    return this.pool.size;
  }

  /** Replaces, in place, every string inside `value` by the pool's copy; returns `value`. */
  intern<T>(value: T): T {
    if (this.pool.size > POOL_LIMIT) this.pool.clear();
    this.walk(value, new Set());
    return value;
  }

  private one(s: string): string {
    const known = this.pool.get(s);
    if (known !== undefined) return known;
    this.pool.set(s, s);
    return s;
  }

  private walk(v: unknown, seen: Set<object>): void {
    if (typeof v !== 'object' || v === null || seen.has(v)) return;
    // Traces share snapshots between steps: each object is visited once.
    seen.add(v);
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const x: unknown = v[i];
        if (typeof x === 'string') v[i] = this.one(x);
        else this.walk(x, seen);
      }
      return;
    }
    const o = v as Record<string, unknown>;
    for (const k in o) {
      const x = o[k];
      if (typeof x === 'string') o[k] = this.one(x);
      else this.walk(x, seen);
    }
  }
}
