// When two steps are dependent, from their footprints alone. A footprint key names one object as
// `kind:object` (`mem:3`, `fence:f12`); `kind:*` stands for every object of the kind, and a key
// without a colon (`alloc`) is a single object. The explorer's index of executed steps
// (step-index.ts) relies on exactly this matching to look up a step's conflicts by key instead
// of comparing it with every earlier step, so the two live together here.

export interface Footprint {
  readonly reads: readonly string[];
  readonly writes: readonly string[];
  /** A step whose dependencies this transition inherits (a device job: the step that queued it). */
  readonly origin?: number;
}

export function conflicts(a: Footprint, b: Footprint): boolean {
  return overlapsAny(a.writes, b.writes) || overlapsAny(a.writes, b.reads) || overlapsAny(a.reads, b.writes);
}

/**
 * True when one step blocks on a fence the other signals: the waiter cannot run before the signal,
 * so the pair can never be reordered (whatever else they share). Exact keys only: a wildcard
 * names no particular fence to wait for.
 */
export function neverCoEnabled(a: Footprint, b: Footprint): boolean {
  return signalled(a, b) || signalled(b, a);
}

function signalled(x: Footprint, y: Footprint): boolean {
  for (const k of x.writes) if (isFenceKey(k) && y.reads.includes(k)) return true;
  return false;
}

export function isFenceKey(k: string): boolean {
  return k.startsWith('fence:');
}

function overlapsAny(xs: readonly string[], ys: readonly string[]): boolean {
  for (const x of xs) for (const y of ys) if (keyMatch(x, y)) return true;
  return false;
}

function keyMatch(x: string, y: string): boolean {
  if (x === y) return true;
  const i = x.indexOf(':');
  const j = y.indexOf(':');
  if (i < 0 || j < 0 || x.slice(0, i) !== y.slice(0, j)) return false;
  return x.slice(i + 1) === '*' || y.slice(j + 1) === '*';
}

/** How a key matches others: the exact key, plus its kind's wildcard, or every key of its kind. */
export type KeyMatch =
  | { readonly kind: 'single'; readonly key: string }
  | { readonly kind: 'object'; readonly key: string; readonly wildcard: string }
  | { readonly kind: 'everyOfKind'; readonly kindName: string };

// Keys are few per scenario (its objects) and looked up at every step: parse each once.
const parsed = new Map<string, KeyMatch>();

export function keyMatches(key: string): KeyMatch {
  let m = parsed.get(key);
  if (!m) {
    m = parseKey(key);
    if (parsed.size > 100_000) parsed.clear();
    parsed.set(key, m);
  }
  return m;
}

function parseKey(key: string): KeyMatch {
  const i = key.indexOf(':');
  if (i < 0) return { kind: 'single', key };
  const kindName = key.slice(0, i);
  if (key.slice(i + 1) === '*') return { kind: 'everyOfKind', kindName };
  return { kind: 'object', key, wildcard: `${kindName}:*` };
}

/** The kind of a `kind:object` key, undefined for a single-object key. */
export function kindOf(key: string): string | undefined {
  const i = key.indexOf(':');
  return i < 0 ? undefined : key.slice(0, i);
}

/**
 * Keys whose conflicts the simulation reports itself in whichever order the two steps run: memory
 * (`mem:`), which every device job, copy and CPU access records in the access log with its
 * happens-before clock (time/races.ts), so two unordered accesses are RACE-01 either way. Such a
 * conflict is a finding, not an order to explore: the explorer neither reverses it nor orders
 * steps through it. A step that conflicts on anything else too (a kernel call writes `k:` beside
 * `mem:`) is still ordered by that.
 */
export function explored(fp: Footprint): Footprint {
  if (!fp.reads.some(isReported) && !fp.writes.some(isReported)) return fp;
  return { ...fp, reads: fp.reads.filter((k) => !isReported(k)), writes: fp.writes.filter((k) => !isReported(k)) };
}

function isReported(k: string): boolean {
  return k.startsWith('mem:');
}
