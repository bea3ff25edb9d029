// The end of a run: agents that can never move again (HANG-01, naming what they wait for and why
// nothing will signal it) and what nothing released (LEAK-01, DMAAPI-05 and the kernel half's other
// outstanding objects). Each gets a closing trace step, so the trace ends where the run stopped.
import type { Ident, Span, Stmt } from '../../language/ast';
import type { AgentId } from '../../common/trace';
import { currentStmt } from './agents';
import { blocker, type Blocker } from './schedule';
import { citeIn, bufferName, fenceKey, line, report, sym, type Step } from './step';
import type { Agent, Statics, StepRecord, World } from './world';

export function finishRun<K>(w: World<K>, st: Statics<K>): void {
  const blocked = w.agents.filter((a) => a.status === 'run' && (a.kind !== 'dev' || a.queue.length > 0));
  for (const a of blocked) reportHang(w, st, a, blocked);
  for (const a of blocked) a.status = 'hung';
  reportLeaks(w, st);
}

/** A closing trace step for an agent that never moved again. */
function endStep<K>(w: World<K>, st: Statics<K>, a: Agent, at: Span, call: string): Step<K> {
  const rec: StepRecord = { agent: a.id, at, call, outcome: 'blocks forever', ok: false, changes: [], findings: [], reads: [], writes: [] };
  w.steps.push(rec);
  return { w, st, a, rec, index: w.steps.length - 1, effects: [], copies: [] };
}

function reportHang<K>(w: World<K>, st: Statics<K>, a: Agent, blocked: readonly Agent[]): void {
  const b = blocker(w, st, a);
  if (a.kind === 'dev') {
    const job = a.queue[0];
    const stmt = st.stmts[job.stmt];
    const x = endStep(w, st, a, stmt.span, `${job.device}: job waits for ${job.waits.map((k) => w.fences[k]?.name ?? k).join(', ')}`);
    report(x, 'HANG-01', stmt, `The job on ${job.device} waits for ${waitsText(w, st, b, blocked, a.id)}; the queue stalls here and every later job on ${job.device} with it. A scheduler timeout would reset the device; in the dma_fence contract a fence must signal in bounded time (FENCE-04, ${citeIn(x.st, 'dma-fence.doc-contract.bounded')}).`, { outcome: 'HANG' });
    return;
  }
  const s = currentStmt(w, st, a)!;
  const x = endStep(w, st, a, s.span, `${a.id} blocked`);
  if (b?.kind === 'lock') {
    const r = w.resv[b.buffer];
    const holder = w.agents.find((h) => h.id === b.holder);
    const why = holder && holder.status === 'done' ? `${b.holder} finished without unlocking it` : `${b.holder} holds it and is itself blocked`;
    report(x, 'HANG-01', s, `${a.id} waits for a reservation lock that is never released: ${why} (locked at line ${line(st, r?.lockedAt)}). dma_resv_lock() waits forever (RESV-07).`, { outcome: 'HANG', related: r?.lockedAt ? [{ at: { span: r.lockedAt }, message: `locked here by ${b.holder}` }] : [] });
    return;
  }
  const what = s.kind === 'Wait' ? 'dma_fence_wait()' : s.kind === 'WaitResv' ? 'dma_resv_wait_timeout()' : s.kind === 'Poll' ? 'poll() with no timeout' : 'the implicit wait of this call';
  report(x, 'HANG-01', s, `${a.id} waits for ${waitsText(w, st, b, blocked, a.id)}. ${what} waits with MAX_SCHEDULE_TIMEOUT, so it never returns (FENCE-04: a fence must signal in bounded time, ${citeIn(x.st, 'dma-fence.doc-contract.bounded')}).`, { outcome: 'HANG' });
}

/** Names the fences agent `waiter` waits for and why none of them will signal. */
function waitsText<K>(w: World<K>, st: Statics<K>, b: Blocker | undefined, blocked: readonly Agent[], waiter: AgentId): string {
  if (!b || b.kind !== 'fences') return 'something that never happens';
  return b.fences
    .map((k) => {
      const f = w.fences[k];
      const name = f?.name ?? k;
      const by = signallerOf(w, st, k, blocked);
      if (!by) return `${name}, which nothing left in the scenario signals`;
      return `${name}, which only ${by} could signal, and ${by} is blocked too${leadsBack(w, st, by, waiter, blocked) ? ' (a cycle of waits)' : ''}`;
    })
    .join('; ');
}

/** Whether what blocked agent `from` waits for is, through its signallers and lock holders, in the end up to `to`. */
function leadsBack<K>(w: World<K>, st: Statics<K>, from: AgentId, to: AgentId, blocked: readonly Agent[], seen = new Set<AgentId>()): boolean {
  if (from === to) return true;
  if (seen.has(from)) return false;
  seen.add(from);
  const agent = blocked.find((x) => x.id === from);
  const b = agent && blocker(w, st, agent);
  if (!b) return false;
  if (b.kind === 'lock') return leadsBack(w, st, b.holder, to, blocked, seen);
  return b.fences.some((k) => {
    const by = signallerOf(w, st, k, blocked);
    return by !== undefined && leadsBack(w, st, by, to, blocked, seen);
  });
}

function signallerOf<K>(w: World<K>, st: Statics<K>, key: string, blocked: readonly Agent[]): AgentId | undefined {
  for (const a of blocked) {
    if (a.kind === 'dev') {
      if (a.queue.some((j) => j.fence === key)) return a.id;
      continue;
    }
    for (const idx of remaining(st, a)) {
      const s = st.stmts[idx];
      if (s.kind === 'Signal' && !st.scenario.broken.has(s) && fenceKey(sym(st, s.fence)) === key) return a.id;
      if (s.kind === 'Submit' && s.signal && !st.scenario.broken.has(s) && fenceKey(sym(st, s.signal)) === key) return a.id;
    }
  }
  return undefined;
}

/** Statement indices an agent has not run yet, thread bodies it would start included. */
function remaining<K>(st: Statics<K>, a: Agent): number[] {
  const out: number[] = [];
  const walk = (prog: number, from: number) => {
    for (const idx of st.progs[prog].slice(from)) {
      out.push(idx);
      const p = st.threadProg.get(idx);
      if (p !== undefined) walk(p, 0);
    }
  };
  if (a.kind !== 'dev' && a.pc >= 0) walk(a.prog, a.pc);
  return out;
}

function reportLeaks<K>(w: World<K>, st: Statics<K>): void {
  const hung = w.agents.filter((a) => a.status === 'hung');
  const hungIds = new Set(hung.map((a) => a.id));
  // What a hung agent would still have released is not a leak: it never got there.
  const mentioned = new Set<number>();
  for (const a of hung) for (const idx of remaining(st, a)) for (const id of identsOf(st.stmts[idx])) {
    const s = st.program.refs.get(id);
    if (s) mentioned.add(s.id);
  }
  const last = w.steps.length;
  const closing: StepRecord = { agent: 'cpu', at: st.scenario.decl.name.span, call: '', outcome: '', ok: true, changes: [], findings: [], reads: [], writes: [] };
  const x: Step<K> = { w, st, a: w.agents[0], rec: closing, index: last - 1, effects: [], copies: [] };
  for (const o of st.kernel.outstanding(w.kernel)) {
    if (hungIds.has(o.agent) || mentioned.has(o.symbol.id)) continue;
    const buf = st.kernel.bufferOf(w.kernel, o.symbol);
    if (buf && mentioned.has(buf.id) && hung.length) continue;
    const node = o.at ? { span: o.at } : o.symbol.decl;
    report(x, o.code, node, leakMessage(o.what, o.code), { outcome: o.code === 'HANG-01' ? 'HANG' : 'SILENT', ...(o.severity ? { severity: o.severity } : {}) });
  }
  for (const [id, r] of Object.entries(w.resv)) {
    if (!r.holder || hungIds.has(r.holder) || !r.lockedAt) continue;
    const name = bufferName(st, Number(id));
    report(x, 'LEAK-01', r.lockedAt, `${r.holder} still holds ${name}'s reservation lock when the scenario ends: every later dma_resv_lock() on it (importers' maps, implicit sync, moves) blocks forever.`, { outcome: 'HANG' });
  }
  for (const f of w.findings) if (f.traceStep === last && !w.steps[last - 1]?.findings.includes(f.code)) w.steps[last - 1]?.findings.push(f.code);
}

function leakMessage(what: string, code: string): string {
  if (code === 'DMAAPI-05') return `${what} is never unmapped: its IOVA space, swiotlb slots and dma-debug entry leak; with CONFIG_DMA_API_DEBUG the device's removal reports "DMA-API: device driver has pending DMA allocations while released from device" (kernel/dma/debug.c).`;
  return what;
}

function identsOf(s: Stmt): Ident[] {
  const out: Ident[] = [];
  for (const v of Object.values(s)) {
    if (v && typeof v === 'object' && (v as { kind?: string }).kind === 'Ident') out.push(v as Ident);
    else if (Array.isArray(v)) for (const e of v) if (e && typeof e === 'object' && (e as { kind?: string }).kind === 'Ident') out.push(e as Ident);
  }
  if (s.kind === 'Submit' && s.target.kind === 'Object') out.push(s.target.name);
  if (s.kind === 'Submit' && s.target.kind === 'Iova') out.push(s.target.domain);
  return out;
}
