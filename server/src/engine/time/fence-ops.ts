// Fence statements beyond signal/wait (issue #4) and fence lifetime, true to Linux 6.1
// (kernel-rules.md §6): named contexts and seqno order (FENCE-02), dma_fence_set_error (FENCE-03),
// timed waits (FENCE-06, RESV-08), reference counts and release with pending callbacks (FENCE-07;
// use after the last put is LIFE-01, the buffer rule for a use after the last reference), arrays
// and chains (FENCE-08, RESV-05), userspace fences (FENCE-09) and the reservation's usage and
// slot rules as they show to the author (RESV-01, RESV-06).
import type { Span, Stmt, Usage } from '../../language/ast';
import type { RuleId } from '../rule-docs/registry';
import { join, type Clock } from './clock';
import { addFence, containerFences, fenceClock, isContainer, isFreed, isSignalled, newFence, nextContext, resvFences, USAGE_C, USAGE_ORDER, type AddResult } from './fences';
import { currentStmt } from './agents';
import { citeIn, changeFence, fence05, fenceKey, line, observe, report, sym, waitOn, type Step } from './step';
import type { Agent, Fence, Statics, World } from './world';

/** -MAX_ERRNO is the most negative errno (include/linux/err.h). */
const MAX_ERRNO = 4095;
const EDEADLK = 35;

function errnoName(e: number): string {
  return e === -EDEADLK ? '-EDEADLK' : String(e);
}

// ---------------------------------------------------------------------------------------------
// Creation

/** `context C` names: the first use allocates the context (dma_fence_context_alloc). */
function namedContext<K>(w: World<K>, name: string): number {
  const table = (w.namedContexts ??= {});
  return (table[name] ??= nextContext(w));
}

export function fenceStmt<K>(x: Step<K>, s: Stmt & { kind: 'Fence' }): void {
  const { w, st, rec } = x;
  const context = s.context ? namedContext(w, s.context.name) : nextContext(w);
  const seqno = s.seqno?.value ?? 1;
  const f = newFence(w, fenceKey(sym(st, s.name)), s.name.name, 'software', s.span, { context, seqno }, undefined, { refs: 1, ...(s.userspace ? { userspace: true } : {}) });
  rec.call = `dma_fence_init(${f.name}, &${s.userspace ? 'userspace_fence_ops' : 'ops'}, &lock, ${s.context ? `${s.context.name} = ${context}` : context}, ${seqno})`;
  rec.outcome = s.userspace ? 'unsignalled; completes when userspace acts' : 'unsignalled';
  changeFence(x, f, 'created, unsignalled');
}

export function fenceArrayStmt<K>(x: Step<K>, s: Stmt & { kind: 'FenceArray' }): void {
  const { w, st, rec } = x;
  const keys = s.fences.map((id) => fenceKey(sym(st, id))).filter((k) => w.fences[k] && usable(x, k, s, 'dma_fence_array_create()'));
  rec.call = `dma_fence_array_create(${keys.length}, fences, context, seqno, ${s.any ? 'true' : 'false'} /* signal_on_any */)`;
  const nested = keys.map((k) => w.fences[k]).filter((m) => isContainer(w, m.key));
  if (nested.length) {
    const names = nested.map((m) => m.name);
    const list = names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
    report(x, 'FENCE-08', s, `${list} ${nested.length === 1 ? `is itself a container (${containerWord(nested[0])})` : 'are themselves containers'}: dma_fence_array_create() WARNs once for every member that is an array or a chain (${nested.length} WARN${nested.length === 1 ? '' : 's'} here) — "recursion and potential kernel stack overflow" on operations on the array (${citeIn(x.st, 'dma_fence_array_create.nested-warn')}). The array is created anyway; flatten the members first (dma_fence_unwrap_for_each / dma_fence_unwrap_merge).`, {
      outcome: 'WARN',
      related: nested.map((m) => ({ at: { span: m.at }, message: `${m.name} is created here` })),
    });
  }
  const f = newFence(w, fenceKey(sym(st, s.name)), s.name.name, 'array', s.span, { context: nextContext(w), seqno: 1 }, undefined, { refs: 1, container: 'array', any: s.any, parts: keys });
  for (const k of keys) takeRef(w, k);
  rec.outcome = `array of ${keys.map((k) => w.fences[k].name).join(', ') || 'nothing'}${s.any ? ' (signals on any)' : ''}`;
  changeFence(x, f, 'created');
  settleContainers(x);
}

export function fenceChainStmt<K>(x: Step<K>, s: Stmt & { kind: 'FenceChain' }): void {
  const { w, st, rec } = x;
  const fk = fenceKey(sym(st, s.fence));
  const pk = s.prev ? fenceKey(sym(st, s.prev)) : undefined;
  const parts = [fk, ...(pk ? [pk] : [])].filter((k) => w.fences[k] && usable(x, k, s, 'dma_fence_chain_init()'));
  rec.call = `dma_fence_chain_init(${s.name.name}, ${s.prev ? s.prev.name : 'NULL'}, ${s.fence.name}, seqno)`;
  const inner = w.fences[fk];
  if (inner?.container === 'chain' && parts.includes(fk)) {
    report(x, 'FENCE-08', s, `${inner.name} is a chain node: a dma_fence_chain must not contain another chain — dma_fence_chain_init() WARNs (${citeIn(x.st, 'dma_fence_chain_init.nested-warn')}). Link it as \`prev\` instead, or unwrap it.`, {
      outcome: 'WARN',
      related: [{ at: { span: inner.at }, message: `${inner.name} is created here` }],
    });
  }
  const f = newFence(w, fenceKey(sym(st, s.name)), s.name.name, 'chain', s.span, { context: nextContext(w), seqno: 1 }, undefined, { refs: 1, container: 'chain', parts });
  for (const k of parts) takeRef(w, k);
  rec.outcome = `chain node of ${s.fence.name}${s.prev ? ` after ${s.prev.name}` : ''}`;
  changeFence(x, f, 'created');
  settleContainers(x);
}

function containerWord(f: Fence): string {
  return f.container === 'chain' ? 'a fence chain' : f.container === 'array' ? 'a fence array' : `a sync file of ${f.members?.length ?? 0} fences, i.e. a dma_fence_array`;
}

/** dma_fence_signal(): waiters that see it signalled are ordered after the signaller; containers it completes signal with it. */
export function signal<K>(x: Step<K>, f: Fence): void {
  f.signalled = true;
  f.clock = { ...x.a.clock };
  f.signalledAtStep = x.index;
  x.rec.signals = [f.name];
  changeFence(x, f, f.error !== undefined ? `signalled with error ${f.error}` : 'signalled');
  settleContainers(x);
}

/**
 * Signals every container whose parts now allow it: an array when all (or, with signal_on_any,
 * any) of its fences signalled, a chain when its fence and every earlier link did. The container's
 * callbacks run in the signaller's context, so its clock is the signaller's joined with its parts'.
 */
function settleContainers<K>(x: Step<K>): void {
  const { w } = x;
  for (let changed = true; changed; ) {
    changed = false;
    for (const c of containerFences(w)) {
      if (c.signalled || c.freedAt) continue;
      const parts = c.parts ?? [];
      const done = parts.filter((p) => isSignalled(w, p));
      const ready = c.any ? done.length > 0 : done.length === parts.length;
      if (!ready) continue;
      let clock: Clock = { ...x.a.clock };
      for (const p of c.any ? done.slice(0, 1) : parts) clock = join(clock, fenceClock(w, p));
      c.signalled = true;
      c.clock = clock;
      c.signalledAtStep = x.index;
      const errored = parts.map((p) => w.fences[p]).find((p) => p?.error !== undefined && isSignalled(w, p.key));
      if (c.container === 'array' && errored?.error !== undefined) c.error = errored.error;
      changeFence(x, c, `signalled (${c.any ? 'one of its fences' : 'all its fences'} did)${c.error !== undefined ? `, error ${errnoName(c.error)}` : ''}`);
      changed = true;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// References and release

export function takeRef<K>(w: World<K>, key: string): void {
  const f = w.fences[key];
  if (f && f.refs !== undefined) f.refs += 1;
}

/** dma_fence_put(): the last reference runs dma_fence_release() (drivers/dma-buf/dma-fence.c:531-564). */
export function dropRef<K>(x: Step<K>, key: string, at: Span): void {
  const f = x.w.fences[key];
  if (!f || f.refs === undefined || f.freedAt) return;
  f.refs -= 1;
  if (f.refs > 0) return;
  release(x, f, at);
}

function release<K>(x: Step<K>, f: Fence, at: Span): void {
  const { w } = x;
  const waiters = isSignalled(w, f.key) || f.members ? [] : waitersOf(x, f.key);
  if (waiters.length) {
    report(
      x,
      'FENCE-07',
      { span: at },
      `The last reference to ${f.name} is dropped while it is unsignalled and ${waiters.map((a) => a.replace(/^dev:/, '')).join(', ')} still wait${waiters.length === 1 ? 's' : ''} on it: dma_fence_release() WARNs "Fence ${f.name}:…:${f.context}:${f.seqno} released with pending signals!", sets the error to -EDEADLK and signals it (${citeIn(x.st, 'dma_fence_release')}). ` +
        'The waiters run now, before the work the fence stood for: a callback (dma_fence_add_callback, a job dependency, a CPU wait) holds no reference, so whoever waits must keep one (dma_fence_get) until it is done, and the fence must be signalled before its last put.',
      { outcome: 'WARN', related: [{ at: { span: f.at }, message: `${f.name} is created here` }] },
    );
    f.error = -EDEADLK;
    signal(x, f);
  }
  f.freedAt = at;
  changeFence(x, f, 'released: the last reference is gone, the fence is freed');
  for (const p of f.parts ?? f.members ?? []) dropRef(x, p, at);
}

/** Who has a callback on the fence: queued jobs depending on it and agents blocked waiting on it. */
function waitersOf<K>(x: Step<K>, key: string): string[] {
  const { w, st } = x;
  const out: string[] = [];
  for (const a of w.agents) {
    if (a.id === x.a.id || a.status !== 'run') continue;
    if (a.kind === 'dev') {
      if (a.queue.some((j) => j.waits.includes(key))) out.push(a.id);
      continue;
    }
    const s = currentStmt(w, st, a);
    if (s?.kind === 'Wait' && s.fences.some((id) => fenceKey(sym(st, id)) === key) && (s.timeout === undefined || s.timeout.value > 0)) out.push(a.id);
  }
  return out;
}

/**
 * A statement about to use a fence: false (after LIFE-01) when its last reference is gone.
 * Fences have no statement of their own for this, so the buffer rule for a use after the last
 * reference, LIFE-01, stands for it.
 */
export function usable<K>(x: Step<K>, key: string, at: Stmt, what: string): boolean {
  const f = x.w.fences[key];
  if (!f?.freedAt) return true;
  report(
    x,
    'LIFE-01',
    at,
    `${what} on ${f.name} after its last dma_fence_put() (line ${line(x.st, f.freedAt)}) freed it: dma_fence_release() has run and the memory is returned (${citeIn(x.st, 'dma_fence_release')}), so this is a use-after-free the kernel does not detect. Keep a reference (get) until the last use.`,
    { outcome: 'SILENT', related: [{ at: { span: f.freedAt }, message: 'the last reference is dropped here' }] },
  );
  return false;
}

/** `get F` / `put F` on a fence: dma_fence_get() / dma_fence_put(). */
export function fenceRefStmt<K>(x: Step<K>, s: Stmt & { kind: 'Get' | 'Put' }): void {
  const { w, st, rec } = x;
  const key = fenceKey(sym(st, s.buf));
  const f = w.fences[key];
  const get = s.kind === 'Get';
  rec.call = `dma_fence_${get ? 'get' : 'put'}(${s.buf.name})`;
  if (!f) {
    rec.outcome = 'no fence (its statement was not simulated)';
    return;
  }
  if (!usable(x, key, s, rec.call)) {
    rec.outcome = 'use-after-free';
    rec.ok = false;
    return;
  }
  if (f.refs === undefined) {
    rec.outcome = 'ok';
    return;
  }
  if (get) takeRef(w, key);
  else dropRef(x, key, s.span);
  rec.outcome = f.freedAt ? 'released' : `${f.refs} reference${f.refs === 1 ? '' : 's'} left`;
}

// ---------------------------------------------------------------------------------------------
// Errors and signalling order

export function setErrorStmt<K>(x: Step<K>, s: Stmt & { kind: 'SetError' }): void {
  const { w, st, rec } = x;
  const key = fenceKey(sym(st, s.fence));
  const f = w.fences[key];
  const e = s.error.value;
  rec.call = `dma_fence_set_error(${s.fence.name}, ${e})`;
  if (!f || !usable(x, key, s, 'dma_fence_set_error()')) return;
  const problems: string[] = [];
  if (isSignalled(w, key)) {
    problems.push(`${f.name} is already signalled${f.signalledAtStep !== undefined ? ` (step ${f.signalledAtStep + 1})` : ''}, so WARN_ON(test_bit(DMA_FENCE_FLAG_SIGNALED_BIT)) fires. The error is stored, but whoever already saw the fence signalled took it as a success.`);
  }
  if (e >= 0 || e < -MAX_ERRNO) {
    problems.push(`${e} is not a negative errno in [-${MAX_ERRNO}, -1], so WARN_ON(error >= 0 || error < -MAX_ERRNO) fires; the error is stored anyway, and dma_fence_get_status() then reports ${e > 0 ? 'a "success" code no waiter expects' : e === 0 ? 'success (0 means no error)' : 'an out-of-range value'}.`);
  }
  f.error = e;
  rec.outcome = problems.length ? 'WARN' : '0';
  rec.ok = problems.length === 0;
  changeFence(x, f, `error set to ${e}`);
  if (problems.length) {
    report(x, 'FENCE-03', s, `dma_fence_set_error() must come before the fence signals and take a negative errno (${citeIn(x.st, 'dma_fence_set_error')}). ${problems.join(' ')}`, { outcome: 'WARN' });
  }
}

/** FENCE-02: a later seqno signalled while an earlier fence of its context is still pending. */
export function checkSeqnoOrder<K>(x: Step<K>, s: Stmt, f: Fence): void {
  if (f.kind !== 'software') return;
  const earlier = Object.values(x.w.fences).filter((g) => g !== f && g.kind === 'software' && g.context === f.context && g.seqno < f.seqno && !isSignalled(x.w, g.key) && !g.freedAt);
  if (earlier.length === 0) return;
  const g = earlier[0];
  report(
    x,
    'FENCE-02',
    s,
    `${f.name} (seqno ${f.seqno}) signals while ${g.name} (seqno ${g.seqno}) on the same fence context is still pending. The kernel assumes that all fences of one context signal in order ("all fences on the same context are fully ordered", ${citeIn(x.st, 'dma-fence.doc-overview.ordered')}): dma_fence_is_later() and dma_resv_add_fence() (which drops the older fence of a context, RESV-06) rely on it, so waiters on a replaced ${g.name} proceed early. Nothing is reported by the kernel.`,
    { outcome: 'SILENT', related: [{ at: { span: g.at }, message: `${g.name} (seqno ${g.seqno}) is created here` }] },
  );
}

// ---------------------------------------------------------------------------------------------
// Userspace fences

/** FENCE-09, once per userspace fence, at its first use as a kernel dependency. */
export function kernelDependency<K>(x: Step<K>, keys: readonly string[], at: Stmt, what: string): void {
  for (const k of keys) {
    for (const u of userspaceFences(x.w, k)) {
      if (u.userspaceReported) continue;
      u.userspaceReported = true;
      const via = u.key === k ? '' : ` (through ${x.w.fences[k].name})`;
      report(
        x,
        'FENCE-09',
        at,
        `${what} makes the kernel depend on ${u.name}${via}, whose completion depends on userspace: "No future fences, proxy fences or userspace fences imported as DMA fences, with or without a timeout" (${citeIn(x.st, 'dma-buf.rst:indefinite-fences')}). ` +
          'Memory reclaim, the GPU scheduler and other drivers may wait on a dma_fence; if userspace never acts (or waits on the kernel itself) they deadlock. Keep userspace fences out of dma_fence dependencies: wait for them in userspace before submitting.',
        { outcome: 'HANG', related: [{ at: { span: u.at }, message: `${u.name} is created here as a userspace fence` }] },
      );
    }
  }
}

function userspaceFences<K>(w: World<K>, key: string, seen = new Set<string>()): Fence[] {
  const f = w.fences[key];
  if (!f || seen.has(key)) return [];
  seen.add(key);
  if (f.userspace) return [f];
  return (f.parts ?? f.members ?? []).flatMap((p) => userspaceFences(w, p, seen));
}

// ---------------------------------------------------------------------------------------------
// Waiting

/** Fences a wait still needs: unsignalled and not freed (a freed fence was reported at its use). */
export function pendingOf<K>(w: World<K>, keys: readonly string[]): string[] {
  return keys.filter((k) => !isSignalled(w, k) && !isFreed(w, k));
}

/** A timeout of 0 only tests and a negative one fails at once: neither blocks. */
export function waitBlocks(s: Stmt & { kind: 'Wait' | 'WaitResv' | 'Poll' }): boolean {
  return s.timeout === undefined || s.timeout.value > 0;
}

/** The reservation usage poll(2) waits for: EPOLLIN dma_resv_usage_rw(false), EPOLLOUT (true) (dma_buf_poll()). */
export function pollUsage(s: Stmt & { kind: 'Poll' }): Usage {
  return s.events.value === 'in' ? 'write' : 'read';
}

/** Agents that would stay blocked forever but whose wait has a timeout: it expires instead. */
export function expiringWaits<K>(w: World<K>, st: Statics<K>): Agent[] {
  return w.agents.filter((a) => {
    if (a.kind === 'dev' || a.status !== 'run') return false;
    const s = currentStmt(w, st, a);
    return (s?.kind === 'Wait' || s?.kind === 'WaitResv' || s?.kind === 'Poll') && s.timeout !== undefined && s.timeout.value > 0;
  });
}

export function waitStmt<K>(x: Step<K>, s: Stmt & { kind: 'Wait' }): void {
  const { w, st, a, rec } = x;
  const keys = s.fences.map((id) => fenceKey(sym(st, id))).filter((k) => w.fences[k] && usable(x, k, s, 'dma_fence_wait()'));
  const t = s.timeout?.value;
  rec.call = s.fences.map((f) => (t === undefined ? `dma_fence_wait(${f.name}, false)` : `dma_fence_wait_timeout(${f.name}, false, ${t})`)).join('; ');
  if (t !== undefined && t < 0) {
    rec.outcome = '-EINVAL';
    rec.ok = false;
    report(x, 'FENCE-06', s, `A negative timeout (${t}) makes dma_fence_wait_timeout() WARN (WARN_ON(timeout < 0)) and return -EINVAL without waiting (${citeIn(x.st, 'dma_fence_wait_timeout')}): nothing after this line is ordered after ${s.fences.map((f) => f.name).join(', ')}. Use MAX_SCHEDULE_TIMEOUT (no \`timeout\`) or a positive number of jiffies.`, { outcome: 'WARN' });
    return;
  }
  kernelDependency(x, keys, s, 'dma_fence_wait()');
  if (a.signalling > 0) fence05(x, s, `waits on ${s.fences.map((f) => f.name).join(', ')}`);
  const pending = pendingOf(w, keys);
  waitOn(x, keys.filter((k) => !pending.includes(k)));
  if (pending.length === 0) {
    const errors = keys.map((k) => w.fences[k]).filter((f) => f.error !== undefined);
    rec.outcome = `${t === undefined ? '0' : t === 0 ? '1' : 'remaining jiffies'} (signalled${errors.length ? `; ${errors.map((f) => `${f.name} with error ${errnoName(f.error!)}`).join(', ')}` : ''})`;
    return;
  }
  timedOut(x, s, 'FENCE-06', pending, (names, are) =>
    t === 0
      ? `A timeout of 0 only tests the fence (dma_fence_is_signaled): ${names} ${are} still pending here, so it returns 0 at once (${citeIn(x.st, 'dma_fence_wait_timeout')}). What follows is not ordered after ${names}: check the return value before touching what ${pending.length === 1 ? 'it guards' : 'they guard'}.`
      : `Nothing left in the scenario signals ${names}, so dma_fence_wait_timeout() returns 0 after ${t} jiffies instead of hanging (${citeIn(x.st, 'dma_fence_wait_timeout')}). What follows is not ordered after ${names}: check the return value before touching what ${pending.length === 1 ? 'it guards' : 'they guard'}.`,
  );
}

/** A timed wait that returns 0: an information finding, and no ordering edge from the fences. */
function timedOut<K>(x: Step<K>, s: Stmt, code: RuleId, pending: readonly string[], message: (names: string, are: string) => string): void {
  const names = pending.map((k) => x.w.fences[k].name).join(', ');
  x.rec.outcome = '0 (timed out)';
  x.rec.ok = false;
  report(x, code, s, message(names, pending.length === 1 ? 'is' : 'are'), { severity: 'information', outcome: 'RET' });
}

/** Orders the agent after the signalled fences; true when none is pending (the outcome is set). */
function waitedFor<K>(x: Step<K>, fences: readonly string[], pending: readonly string[]): boolean {
  waitOn(x, fences.filter((k) => !pending.includes(k)));
  if (pending.length > 0) return false;
  x.rec.outcome = fences.length ? `waited for ${fences.map((f) => x.w.fences[f].name).join(', ')}` : 'nothing to wait for';
  return true;
}

/**
 * poll(2) on the dma-buf's fd: dma_buf_poll() arms a callback on the first unsignalled fence of
 * the usage (KERNEL+WRITE for EPOLLIN, all but BOOKKEEP for EPOLLOUT). It reports completion
 * only; the agent remembers the poll so a CPU access without a SYNC bracket can say so (POLL-01).
 */
export function pollStmt<K>(x: Step<K>, s: Stmt & { kind: 'Poll' }): void {
  const { w, st, a, rec } = x;
  const b = sym(st, s.buf);
  const usage = pollUsage(s);
  const fences = resvFences(w, b.id, usage);
  const t = s.timeout?.value;
  const event = s.events.value === 'in' ? 'POLLIN' : 'POLLOUT';
  rec.call = `poll(&{ ${b.name}_fd, ${event} }, 1, ${t ?? -1}) → dma_buf_poll(): ${USAGE_C[usage]} fences (${citeIn(st, 'dma_buf_poll.usage')})`;
  (a.waitedResv ??= {})[b.id] = { usage, at: s.span };
  (a.polled ??= {})[b.id] = s.span;
  if (a.signalling > 0 && t !== 0) fence05(x, s, 'polls the reservation\'s fences');
  const pending = pendingOf(w, fences);
  if (waitedFor(x, fences, pending)) {
    rec.outcome = `${event} (${rec.outcome})`;
    return;
  }
  // A poll that times out reports nothing itself; what follows is not ordered after the fences (RACE-01 says so where it matters).
  rec.outcome = `0 (timed out: ${pending.map((k) => w.fences[k].name).join(', ')} pending)`;
  rec.ok = false;
}

export function waitResvStmt<K>(x: Step<K>, s: Stmt & { kind: 'WaitResv' }): void {
  const { w, st, a, rec } = x;
  const b = sym(st, s.buf);
  const fences = resvFences(w, b.id, s.usage.value);
  const t = s.timeout?.value;
  (a.waitedResv ??= {})[b.id] = { usage: s.usage.value, at: s.span };
  rec.call =
    t === 0
      ? `dma_resv_test_signaled(${b.name}->resv, ${USAGE_C[s.usage.value]})`
      : `dma_resv_wait_timeout(${b.name}->resv, ${USAGE_C[s.usage.value]}, false, ${t === undefined ? 'MAX_SCHEDULE_TIMEOUT' : t})`;
  const pending = pendingOf(w, fences);
  if (t !== undefined && t < 0) {
    rec.outcome = pending.length ? '-EINVAL' : '1 (nothing to wait for)';
    if (!pending.length) return;
    rec.ok = false;
    report(x, 'FENCE-06', s, `A negative timeout (${t}) reaches dma_fence_wait_timeout() for ${w.fences[pending[0]].name}, which WARNs (WARN_ON(timeout < 0)) and returns -EINVAL without waiting (${citeIn(x.st, 'dma_fence_wait_timeout')}, via dma_resv_wait_timeout, ${citeIn(x.st, 'dma_resv_wait_timeout')}): nothing after this line is ordered after the reservation's fences.`, { outcome: 'WARN' });
    return;
  }
  if (a.signalling > 0 && t !== 0) fence05(x, s, 'waits on the reservation\'s fences');
  if (waitedFor(x, fences, pending)) return;
  timedOut(x, s, 'RESV-08', pending, (names, are) =>
    t === 0
      ? `A timeout of 0 only tests the reservation (dma_resv_test_signaled, ${citeIn(x.st, 'dma_resv_test_signaled')}): ${names} ${are} still pending here, so it returns at once. What follows is not ordered after ${names}: check the return value before touching ${b.name}.`
      : `Nothing left in the scenario signals ${names}, so dma_resv_wait_timeout() returned 0 after the timeout (${t} jiffies) instead of hanging (${citeIn(x.st, 'dma_resv_wait_timeout')}). What follows is not ordered after ${names}: check the return value before touching ${b.name}.`,
  );
}

// ---------------------------------------------------------------------------------------------
// Reservations

/** dma_resv_add_fence() with its references: the slot holds one, a replaced fence loses its slot's. */
export function resvAdd<K>(x: Step<K>, buffer: number, key: string, usage: Usage, at: Span): AddResult {
  takeRef(x.w, key);
  const r = addFence(x.w, buffer, key, usage, observe(x));
  if (r.old !== undefined) dropRef(x, r.old, at);
  return r;
}

/** RESV-01: the fence is already in the reservation with a stronger usage; it keeps it. */
export function strongerUsage<K>(w: World<K>, buffer: number, key: string, usage: Usage): Usage | undefined {
  const entries = w.resv[buffer]?.entries ?? [];
  const e = entries.find((x) => x.fence === key && USAGE_ORDER[x.usage] < USAGE_ORDER[usage]);
  return e && !isSignalled(w, key) ? e.usage : undefined;
}

export function reportNoDegrade<K>(x: Step<K>, s: Stmt, bufName: string, f: Fence, had: Usage, usage: Usage): void {
  report(
    x,
    'RESV-01',
    s,
    `${f.name} is already in ${bufName}'s reservation as ${USAGE_C[had]}; adding it as ${USAGE_C[usage]} does not weaken it: usages are promoted, never degraded (${citeIn(x.st, 'enum dma_resv_usage')}). dma_resv_add_fence() never lets a weaker usage replace a stronger entry (${citeIn(x.st, 'dma_resv_add_fence.replace')}), so waiters for ${had.toUpperCase()} still wait for ${f.name}.`,
    { severity: 'information', outcome: 'INFO' },
  );
}

export function reportReplaced<K>(x: Step<K>, s: Stmt, bufName: string, f: Fence, old: Fence): void {
  report(
    x,
    'RESV-06',
    s,
    `Adding ${f.name} to ${bufName}'s reservation replaced ${old.name}, which has not signalled: both are on fence context ${f.context}, ${old.name}'s usage is the same or weaker and ${f.name} (seqno ${f.seqno}) is not earlier than it (seqno ${old.seqno}), so dma_resv_add_fence() takes its slot (${citeIn(x.st, 'dma_resv_add_fence.replace')}). ` +
      `Waiters on ${bufName}'s reservation (wait_resv, implicit sync, begin_cpu, export_sync_file) no longer see ${old.name}: that is only right if the fences of one context signal in order (FENCE-02).`,
    { severity: 'information', outcome: 'INFO', related: [{ at: { span: old.at }, message: `${old.name} is created here` }] },
  );
}
