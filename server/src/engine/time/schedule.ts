// Who can move now: why an agent's next step would block (unsignalled fences, a reservation lock
// another agent holds) and the order of the enabled agents in the default schedule. Read-only: it
// asks the kernel half through a context that records nothing. The explorer (explore/) picks among
// the enabled agents; end-of-run.ts explains the blockers that are left when none can move.
import type { Stmt } from '../../language/ast';
import type { AgentId } from '../../common/trace';
import { isKernelStmt } from '../../language/statements';
import { currentStmt } from './agents';
import { expiringWaits, pendingOf, pollUsage, waitBlocks } from './fence-ops';
import { resvFences } from './fences';
import { bufferOfName, dryContext, fenceKey, sym, targetIdent } from './step';
import type { Agent, Statics, World } from './world';

export type Blocker =
  | { readonly kind: 'fences'; readonly fences: readonly string[] }
  | { readonly kind: 'lock'; readonly buffer: number; readonly holder: AgentId };

/** Why the agent's next step cannot run now, or undefined when it can. */
export function blocker<K>(w: World<K>, st: Statics<K>, a: Agent): Blocker | undefined {
  if (a.status !== 'run') return undefined;
  if (a.kind === 'dev') {
    const job = a.queue[0];
    if (!job) return undefined;
    const pending = pendingOf(w, job.waits);
    return pending.length ? { kind: 'fences', fences: pending } : undefined;
  }
  const s = currentStmt(w, st, a);
  if (!s) return undefined;
  const lockBlock = (buf: number | undefined): Blocker | undefined => {
    if (buf === undefined) return undefined;
    const h = w.resv[buf]?.holder;
    return h !== undefined && h !== a.id ? { kind: 'lock', buffer: buf, holder: h } : undefined;
  };
  const fences = (keys: readonly string[]): Blocker | undefined => {
    const pending = pendingOf(w, keys);
    return pending.length ? { kind: 'fences', fences: pending } : undefined;
  };
  switch (s.kind) {
    case 'Wait':
      return waitBlocks(s) ? fences(s.fences.map((f) => fenceKey(sym(st, f)))) : undefined;
    case 'Get':
    case 'Put':
      if (sym(st, s.buf).kind === 'fence') return undefined;
      return fences(kernelWaits(w, st, a, s));
    case 'Lock':
      return lockBlock(sym(st, s.buf).id);
    case 'ImportSyncFile':
      return lockBlock(sym(st, s.buf).id);
    case 'Submit':
      return s.implicit ? lockBlock(bufferOfName(w, st, targetIdent(s) ?? s.dev)) : undefined;
    case 'WaitResv':
      return waitBlocks(s) ? fences(resvFences(w, sym(st, s.buf).id, s.usage.value)) : undefined;
    case 'Poll':
      return waitBlocks(s) ? fences(resvFences(w, sym(st, s.buf).id, pollUsage(s))) : undefined;
    default:
      if (isKernelStmt(s)) return fences(kernelWaits(w, st, a, s));
      return undefined;
  }
}

/** Fences a kernel statement waits for before it acts (begin_cpu: CPU-03; static map: MAP-05). */
export function kernelWaits<K>(w: World<K>, st: Statics<K>, a: Agent, s: Stmt): string[] {
  const waits = st.kernel.waitsBefore(w.kernel, dryContext(w, st, a), s);
  const out: string[] = [];
  for (const x of waits) for (const f of resvFences(w, x.buffer.id, x.usage)) if (!out.includes(f)) out.push(f);
  return out;
}

/** Agents that can move now, in the default schedule's order: device jobs first (devices are
 * fast), then the CPU and threads by the source position of their next statement, so the default
 * run follows the text. */
export function enabledAgents<K>(w: World<K>, st: Statics<K>): AgentId[] {
  const devs: AgentId[] = [];
  const others: { id: AgentId; pos: number }[] = [];
  for (const a of w.agents) {
    if (a.status !== 'run') continue;
    if (a.kind === 'dev') {
      if (a.queue.length && !blocker(w, st, a)) devs.push(a.id);
      continue;
    }
    if (blocker(w, st, a)) continue;
    others.push({ id: a.id, pos: currentStmt(w, st, a)?.span.start ?? 0 });
  }
  others.sort((x, y) => x.pos - y.pos);
  if (devs.length === 0 && others.length === 0) {
    // Nothing else can move, so nothing will signal what a timed wait waits for: it times out.
    return expiringWaits(w, st)
      .map((a) => ({ id: a.id, pos: currentStmt(w, st, a)?.span.start ?? 0 }))
      .sort((x, y) => x.pos - y.pos)
      .map((o) => o.id);
  }
  return [...devs, ...others.map((o) => o.id)];
}
