// dma_fence and dma_resv bookkeeping (kernel-rules.md §6): fence states and their happens-before
// clocks, sync-file containers, reservation slots with usages and the slot replacement rule.
import type { Span, Usage } from '../../language/ast';
import { join, type Clock } from './clock';
import type { Fence, Resv, World } from './world';

/** KERNEL < WRITE < READ < BOOKKEEP (include/linux/dma-resv.h:52-117). */
export const USAGE_ORDER: Record<Usage, number> = { kernel: 0, write: 1, read: 2, bookkeep: 3 };

export const USAGE_C: Record<Usage, string> = {
  kernel: 'DMA_RESV_USAGE_KERNEL',
  write: 'DMA_RESV_USAGE_WRITE',
  read: 'DMA_RESV_USAGE_READ',
  bookkeep: 'DMA_RESV_USAGE_BOOKKEEP',
};

/** dma_resv_usage_rw(write): a new write waits for readers and writers, a new read for writers. */
export function usageRw(write: boolean): Usage {
  return write ? 'read' : 'write';
}

/** A fence that was never created (its statement was broken) counts as signalled: no second finding. */
export function isSignalled<K>(w: World<K>, key: string): boolean {
  const f = w.fences[key];
  if (!f) return true;
  if (f.members) return f.members.every((m) => isSignalled(w, m));
  return f.signalled;
}

export function fenceClock<K>(w: World<K>, key: string): Clock | undefined {
  const f = w.fences[key];
  if (!f) return undefined;
  if (f.members) return f.members.reduce<Clock>((c, m) => join(c, fenceClock(w, m)), {});
  return f.clock;
}

/** The individual fences a sync file, array or chain stands for (dma_fence_unwrap_for_each). */
export function unwrap<K>(w: World<K>, key: string): string[] {
  const f = w.fences[key];
  if (f?.members) return [...f.members];
  if (!f?.parts) return [key];
  const out: string[] = [];
  for (const p of f.parts) for (const leaf of unwrap(w, p)) if (!out.includes(leaf)) out.push(leaf);
  return out;
}

/** dma_fence_is_container(): an array or a chain (a sync file of several fences is an array). */
export function isContainer<K>(w: World<K>, key: string): boolean {
  const f = w.fences[key];
  return !!f && (f.container !== undefined || (f.members !== undefined && f.members.length > 1));
}

/** Freed by its last dma_fence_put(): it will never signal, and using it is a use-after-free. */
export function isFreed<K>(w: World<K>, key: string): boolean {
  return w.fences[key]?.freedAt !== undefined;
}

export function resvOf<K>(w: World<K>, buffer: number): Resv {
  let r = w.resv[buffer];
  if (!r) {
    r = { entries: [] };
    w.resv[buffer] = r;
  }
  return r;
}

/** Fences of `usage` and every stronger usage (what dma_resv_for_each_fence(usage) visits). */
export function resvFences<K>(w: World<K>, buffer: number, usage: Usage): string[] {
  const r = w.resv[buffer];
  if (!r) return [];
  return r.entries.filter((e) => USAGE_ORDER[e.usage] <= USAGE_ORDER[usage]).map((e) => e.fence);
}

/**
 * dma_resv_add_fence(): replaces the first entry of the same context whose usage is the same or
 * weaker and whose fence is not later, or any signalled entry; otherwise appends (RESV-06,
 * drivers/dma-buf/dma-resv.c:291-313).
 */
export interface AddResult {
  readonly result: 'replaced' | 'appended';
  /** The fence whose slot was taken (its reference is dropped). */
  readonly old?: string;
  /** It was still unsignalled: waiters on the reservation no longer see it. */
  readonly oldPending?: boolean;
}

export function addFence<K>(w: World<K>, buffer: number, key: string, usage: Usage, observe: (signalled: string) => void = () => undefined): AddResult {
  const r = resvOf(w, buffer);
  const f = w.fences[key];
  const prev = f.addedTo[buffer];
  if (prev === undefined || USAGE_ORDER[usage] < USAGE_ORDER[prev]) f.addedTo[buffer] = usage;
  for (let i = 0; i < r.entries.length; i++) {
    const e = r.entries[i];
    const old = w.fences[e.fence];
    const sameContextOlder = old.context === f.context && USAGE_ORDER[e.usage] >= USAGE_ORDER[usage] && f.seqno >= old.seqno;
    const done = isSignalled(w, e.fence);
    if (sameContextOlder || done) {
      // Dropping a signalled fence is only right because the caller saw it signalled: that
      // observation orders the caller after the fence's signaller.
      if (done) observe(e.fence);
      r.entries[i] = { fence: key, usage };
      return { result: 'replaced', old: e.fence, oldPending: !done };
    }
  }
  r.entries.push({ fence: key, usage });
  return { result: 'appended' };
}

export function describeResv<K>(w: World<K>, buffer: number): string {
  const r = w.resv[buffer];
  if (!r || r.entries.length === 0) return 'no fences';
  return r.entries.map((e) => `${w.fences[e.fence].name}:${e.usage}${isSignalled(w, e.fence) ? '✓' : ''}`).join(', ');
}

/** A fresh fence context (dma_fence_context_alloc). */
export function nextContext<K>(w: World<K>): number {
  w.contextSeq += 1;
  return w.contextSeq;
}

/** Creates an unsignalled fence; the caller records it in the trace. */
export function newFence<K>(w: World<K>, key: string, name: string, kind: Fence['kind'], at: Span, ctx: { context: number; seqno: number }, members?: string[], extra: Partial<Fence> = {}): Fence {
  const f: Fence = { ...extra, key, name, kind, context: ctx.context, seqno: ctx.seqno, signalled: false, at, members, addedTo: {} };
  const wasContainer = w.fences[key]?.container !== undefined;
  w.fences[key] = f;
  // Rare (containers are few): rebuilt rather than kept in place, so it follows the record's key
  // order exactly as a walk over every fence would.
  if (f.container !== undefined || wasContainer) w.containers = Object.keys(w.fences).filter((k) => w.fences[k].container !== undefined);
  return f;
}

/** The container fences (arrays, chains), in the order of `w.fences`. */
export function containerFences<K>(w: World<K>): Fence[] {
  return w.containers.map((k) => w.fences[k]);
}
