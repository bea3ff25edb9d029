// One run of a scenario, one step at a time: a run's starting state and what executing one step of
// an agent means. The explorer (explore/) decides who moves, schedule.ts who can; a CPU or thread
// step runs its statement (statements.ts), a device step runs the job at the head of its queue
// (here: its memory accesses, then its fence signals). end-of-run.ts closes the run.
import { regionBytes, regionCount } from '../regions';
import type { Stmt } from '../../language/ast';
import type { AgentId } from '../../common/trace';
import type { PhysRegion } from '../seam';
import { advance, agent, currentStmt } from './agents';
import { newAccessIndex } from './access-index';
import { join, tick } from './clock';
import { deviceCopy, deviceRead, deviceWrite, hex, newCoherency, regionKey } from './coherency';
import { applyPendingEffects, dataChanges, reportCoherency } from './coherency-report';
import { dropRef, signal } from './fence-ops';
import { fenceClock, isSignalled } from './fences';
import { jobTarget, nextFootprint } from './footprint';
import { recordAccesses } from './races';
import { runStmt } from './statements';
import { citeIn, ctxFor, report, type Step } from './step';
import type { Agent, Statics, StepRecord, World } from './world';

// ---------------------------------------------------------------------------------------------
// Setting up

export function initWorld<K>(st: Statics<K>): World<K> {
  const w: World<K> = {
    kernel: st.kernel.init(st.platform, st.scenario),
    agents: [],
    fences: {},
    containers: [],
    resv: {},
    coh: newCoherency(st.platform.arch),
    accesses: [],
    accessIndex: newAccessIndex(),
    steps: [],
    findings: [],
    jobSeq: 0,
    contextSeq: 0,
    queueContexts: {},
    versions: {},
  };
  const cpu: Agent = { id: 'cpu', kind: 'cpu', prog: 0, pc: -1, queue: [], status: 'run', clock: { cpu: 0 }, signalling: 0, origin: st.scenario.decl.span.start };
  w.agents.push(cpu);
  advance(w, st, cpu);
  return w;
}

// ---------------------------------------------------------------------------------------------
// Executing one step

export function executeStep<K>(w: World<K>, st: Statics<K>, id: AgentId): void {
  const a = agent(w, id);
  const fp = nextFootprint(w, st, id);
  const at = a.kind === 'dev' ? st.stmts[a.queue[0].stmt].span : currentStmt(w, st, a)!.span;
  const rec: StepRecord = {
    agent: id,
    at,
    call: '',
    outcome: '',
    ok: true,
    changes: [],
    findings: [],
    reads: [...fp.reads],
    writes: [...fp.writes],
    origin: fp.origin,
  };
  const step: Step<K> = { w, st, a, rec, index: w.steps.length, effects: [], copies: [] };
  w.steps.push(rec);
  if (a.kind === 'dev') runJob(step);
  else {
    a.clock = tick(a.clock, a.id);
    a.forkStep = undefined;
    const s = currentStmt(w, st, a)!;
    runStmt(step, s);
    if (a.status === 'run') advance(w, st, a);
  }
}

// ---------------------------------------------------------------------------------------------
// Device jobs

function runJob<K>(x: Step<K>): void {
  const { w, st, a, rec } = x;
  const job = a.queue[0];
  a.clock = tick(join(a.clock, job.submitClock), a.id);
  for (const k of job.waits) a.clock = join(a.clock, fenceClock(w, k));
  if (job.waits.length) rec.waitsOn = job.waits.map((k) => w.fences[k]?.name ?? k);
  const stmt = st.stmts[job.stmt];
  if (job.kind === 'copy' && job.fill) {
    rec.call = `${job.device}: clear ${describeRegions(job.to ?? [])} (exporter's clear)`;
    const path = { regions: job.to ?? [], coherent: st.platform.devices.get(job.device)?.coherent ?? false };
    const raced = recordAccesses(x, stmt, path, true, { device: true, buffer: job.buffer, jobKind: 'copy', fence: job.fence, fill: true, ...(job.unpublished ? { unpublished: true } : {}) });
    const r = deviceWrite(w.coh, path);
    w.versions[r.version] = { at: stmt.span, agent: a.id };
    if (!raced) reportCoherency(x, stmt, r.problems);
    rec.changes.push(...dataChanges(x, path.regions, `${job.device} cleared v${r.version}`));
    rec.outcome = 'cleared';
  } else if (job.kind === 'copy') {
    rec.call = `${job.device}: copy ${describeRegions(job.from ?? [])} → ${describeRegions(job.to ?? [])} (exporter's move)`;
    const dev = st.platform.devices.get(job.device);
    recordAccesses(x, stmt, { regions: job.from ?? [], coherent: dev?.coherent ?? false }, false, { device: true, buffer: job.buffer, jobKind: 'copy', fence: job.fence });
    recordAccesses(x, stmt, { regions: job.to ?? [], coherent: dev?.coherent ?? false }, true, { device: true, buffer: job.buffer, jobKind: 'copy', fence: job.fence });
    reportCoherency(x, stmt, deviceCopy(w.coh, job.from ?? [], job.to ?? [], dev?.coherent ?? false));
    rec.outcome = 'copied';
  } else {
    const s = stmt as Stmt & { kind: 'Submit' };
    const write = s.access.value === 'write';
    const lastMove = job.buffer !== undefined ? w.lastMove?.[job.buffer] : undefined;
    const path = st.kernel.deviceAccess(w.kernel, ctxFor(x), {
      stmt: s,
      device: job.device,
      access: s.access.value,
      ...(job.generationAtSubmit !== undefined ? { generationAtSubmit: job.generationAtSubmit, moveLanded: lastMove === undefined || isSignalled(w, lastMove) } : {}),
    });
    if (!rec.call) rec.call = `${job.device}: DMA ${s.access.value} of ${s.target.kind === 'Object' ? s.target.name.name : `iova ${s.target.addr.text}`}`;
    applyPendingEffects(x, s);
    if (path) {
      const raced = recordAccesses(x, s, path, write, { device: true, buffer: job.buffer, jobKind: 'job', fence: job.fence, implicit: job.implicit, waitedResv: job.waitedResv, ...jobTarget(st, s) });
      if (write) {
        const r = deviceWrite(w.coh, path);
        w.versions[r.version] = { at: s.span, agent: a.id };
        if (!raced) reportCoherency(x, s, r.problems);
        rec.changes.push(...dataChanges(x, path.regions, `${job.device} wrote v${r.version}`));
      } else {
        if (!raced) reportCoherency(x, s, deviceRead(w.coh, path));
        rec.changes.push(...dataChanges(x, path.regions, `${job.device} read`));
      }
      if (!rec.outcome) rec.outcome = 'done';
    } else if (!rec.outcome) rec.outcome = 'no memory reached';
  }
  a.queue.shift();
  const f = w.fences[job.fence];
  if (f.signalled) {
    // From 7.0 dma_fence_signal() returns void (row fence-signal-void): the second call is ignored silently.
    const void70 = ctxFor(x).since('fence-signal-void');
    const returns = void70
      ? 'which since 7.0 returns void and is ignored silently (88e721ab978a "dma-buf/dma-fence: Remove return code of signaling-functions")'
      : `which returns -EINVAL (${citeIn(x.st, 'dma_fence_signal_timestamp_locked')})`;
    report(x, 'FENCE-01', stmt, `The job's fence ${f.name} was already signalled${f.signalledAtStep !== undefined ? ` at step ${f.signalledAtStep + 1}` : ''}: the hardware completion calls dma_fence_signal() a second time, ${returns}, and waiters were released before the job finished.`, { outcome: void70 ? 'SILENT' : 'RET' });
  } else signal(x, f);
  // The scheduler drops its reference to the job's fence once the job is done.
  if (job.kind === 'job' && f.refs !== undefined) dropRef(x, f.key, stmt.span);
}

function describeRegions(regions: readonly PhysRegion[]): string {
  if (regions.length === 0) return 'nothing';
  const first = regions[0];
  const total = regionBytes(regions);
  const count = regionCount(regions);
  return `${regionKey(first)} ${hex(first.addr)}${count > 1 ? ` (+${count - 1} more)` : ''}, ${total} bytes`;
}
