// What one statement of the scenario body or a thread does when its agent moves: the time
// statements (signal, reservation locks and fences, sync files, threads, submits, moves, CPU
// accesses) here or in fence-ops.ts, every other statement through the kernel half. A device job
// that a submit or move queues runs later, in run.ts.
import type { ErrorStmt, Stmt, Usage } from '../../language/ast';
import type { KernelStmt } from '../../language/statements';
import { advance, devAgent } from './agents';
import { join } from './clock';
import { cpuRead, cpuWrite, freshMemory } from './coherency';
import { applyPendingEffects, dataChanges, reportCoherency } from './coherency-report';
import {
  checkSeqnoOrder, fenceArrayStmt, fenceChainStmt, fenceRefStmt, fenceStmt, kernelDependency, reportNoDegrade,
  reportReplaced, resvAdd, setErrorStmt, signal, strongerUsage, takeRef, usable, pollStmt, waitResvStmt, waitStmt,
} from './fence-ops';
import { isSignalled, newFence, nextContext, resvFences, resvOf, unwrap, USAGE_C, usageRw } from './fences';
import { recordAccesses } from './races';
import { kernelWaits } from './schedule';
import { citeIn, bufferName, bufferOfName, changeFence, changeResv, ctxFor, fence05, fenceKey, hang, line, observe, report, sym, targetIdent, waitOn, type Step } from './step';
import type { Agent, Job } from './world';
import type { ExporterCopy } from '../seam';
import { endsOnlyItsObject } from './footprint';
import { lifetimeRaces } from './lifetime-races';

/** Runs the statement a CPU or thread agent stands at; executeStep (run.ts) then moves it on. */
export function runStmt<K>(x: Step<K>, s: Stmt): void {
  const { st, a, rec } = x;
  switch (s.kind) {
    case 'Fence':
      return fenceStmt(x, s);
    case 'FenceArray':
      return fenceArrayStmt(x, s);
    case 'FenceChain':
      return fenceChainStmt(x, s);
    case 'SetError':
      return setErrorStmt(x, s);
    case 'Get':
    case 'Put':
      if (sym(st, s.buf).kind === 'fence') return fenceRefStmt(x, s);
      return kernelStmt(x, s);
    case 'Signal':
      return signalStmt(x, s);
    case 'Wait':
      return waitStmt(x, s);
    case 'Lock':
      return lockStmt(x, s);
    case 'Unlock':
      return unlockStmt(x, s);
    case 'ResvAdd':
      return resvAddStmt(x, s);
    case 'WaitResv':
      return waitResvStmt(x, s);
    case 'Poll':
      return pollStmt(x, s);
    case 'ExportSyncFile':
      return exportSyncFile(x, s);
    case 'ImportSyncFile':
      return importSyncFile(x, s);
    case 'BeginSignalling':
      a.signalling++;
      rec.call = 'cookie = dma_fence_begin_signalling()';
      rec.outcome = `signalling section depth ${a.signalling}`;
      return;
    case 'EndSignalling':
      rec.call = 'dma_fence_end_signalling(cookie)';
      if (a.signalling > 0) a.signalling--;
      rec.outcome = `signalling section depth ${a.signalling}`;
      return;
    case 'Alloc': {
      const gfp = s.gfp.value === 'kernel' ? 'GFP_KERNEL' : 'GFP_ATOMIC';
      rec.call = `kmalloc(size, ${gfp})`;
      rec.outcome = 'allocated';
      if (s.gfp.value === 'kernel' && a.signalling > 0) {
        fence05(x, s, 'allocates with GFP_KERNEL, which may enter direct reclaim; reclaim (shrinkers) waits on dma-fences, so the fence this section must signal can end up waiting on itself. Only GFP_ATOMIC is allowed here');
      }
      return;
    }
    case 'Thread':
      return startThread(x, s);
    case 'Submit':
      return submitStmt(x, s);
    case 'Move':
      return moveStmt(x, s);
    case 'CpuAccess':
      return cpuAccessStmt(x, s);
    default:
      // Only the kernel half's statements (the table's `half`) may reach it: a time-half
      // statement without a case here does not compile.
      return kernelStmt(x, s);
  }
}

function signalStmt<K>(x: Step<K>, s: Stmt & { kind: 'Signal' }): void {
  const { w, st, a, rec } = x;
  const f = w.fences[fenceKey(sym(st, s.fence))];
  rec.call = `dma_fence_signal(${s.fence.name})`;
  if (!f) {
    rec.outcome = 'no fence (its statement was not simulated)';
    return;
  }
  if (!usable(x, f.key, s, 'dma_fence_signal()')) return;
  rec.signals = [f.name];
  // From 7.0 (row fence-signal-void, 88e721ab978a) dma_fence_signal() returns void: what was -EINVAL
  // is a silent no-op. The double signal stays FENCE-01 (waiters were released by the first one);
  // only what the kernel says about it changes.
  const void70 = ctxFor(x).since('fence-signal-void');
  if (f.members) {
    rec.outcome = void70 ? 'void' : '-EINVAL';
    rec.ok = false;
    report(x, 'FENCE-01', s, `${f.name} is a sync file's fence: it signals when the fences it stands for signal. dma_fence_signal() on it from the outside breaks that one-shot contract (${citeIn(x.st, 'dma_fence_signal_timestamp_locked')}).`, { outcome: void70 ? 'SILENT' : 'RET' });
    return;
  }
  if (f.signalled) {
    rec.outcome = void70 ? 'void (already signalled: ignored)' : '-EINVAL (already signalled)';
    rec.ok = void70; // nothing fails from 7.0: the call is a no-op
    const kernelSays = void70
      ? 'the second dma_fence_signal() finds DMA_FENCE_FLAG_SIGNALED_BIT set and, since 7.0 (commit 88e721ab978a "dma-buf/dma-fence: Remove return code of signaling-functions"), returns void: the kernel ignores it silently and the caller cannot tell (dma_fence_check_and_signal() reports it, as a bool)'
      : `the second dma_fence_signal() finds DMA_FENCE_FLAG_SIGNALED_BIT set and returns -EINVAL (${citeIn(x.st, 'dma_fence_signal_timestamp_locked')})`;
    report(x, 'FENCE-01', s, `${f.name} is already signalled${f.signalledAtStep !== undefined ? ` (step ${f.signalledAtStep + 1})` : ''}: a fence signals once; ${kernelSays}. A second signaller usually means two paths think they own the fence.`, {
      outcome: void70 ? 'SILENT' : 'RET',
      related: [{ at: { span: f.at }, message: `${f.name} is created here` }],
    });
    return;
  }
  checkSeqnoOrder(x, s, f);
  signal(x, f);
  rec.outcome = void70 ? 'void' : '0';
  void a;
}

function lockStmt<K>(x: Step<K>, s: Stmt & { kind: 'Lock' }): void {
  const { w, st, a, rec } = x;
  const b = sym(st, s.buf);
  const r = resvOf(w, b.id);
  rec.call = `dma_resv_lock(${b.name}->resv, NULL)`;
  if (r.holder === a.id) {
    hang(x, s, `${b.name}'s reservation is already held by ${a.id} (taken at line ${line(st, r.lockedAt)}): dma_resv_lock() with a NULL acquire context on a ww_mutex the caller holds blocks forever (RESV-07; with CONFIG_LOCKDEP: "possible recursive locking detected").`, [{ at: { span: r.lockedAt ?? s.span }, message: 'the lock is taken here' }]);
    return;
  }
  if (a.signalling > 0) fence05(x, s, `takes ${b.name}'s reservation lock; drivers wait for fences while holding reservation locks`);
  r.holder = a.id;
  r.lockedAt = s.span;
  a.clock = join(a.clock, r.releaseClock);
  rec.outcome = '0';
  changeResv(x, b.id, b.name, `locked by ${a.id}`);
}

function unlockStmt<K>(x: Step<K>, s: Stmt & { kind: 'Unlock' }): void {
  const { w, st, a, rec } = x;
  const b = sym(st, s.buf);
  const r = resvOf(w, b.id);
  rec.call = `dma_resv_unlock(${b.name}->resv)`;
  if (r.holder !== a.id) {
    rec.ok = false;
    rec.outcome = r.holder ? `WARN: lock held by ${r.holder}` : 'WARN: not locked';
    report(
      x,
      'RESV-07',
      s,
      r.holder
        ? `${a.id} unlocks ${b.name}'s reservation, which ${r.holder} holds: ww_mutex_unlock() by a task that is not the owner releases the other task's critical section (with CONFIG_DEBUG_MUTEXES: DEBUG_LOCKS_WARN_ON(owner != current)).`
        : `${b.name}'s reservation is not locked: ww_mutex_unlock() of an unlocked mutex corrupts its state (with CONFIG_DEBUG_MUTEXES: a WARN).`,
      { outcome: 'WARN', related: r.lockedAt ? [{ at: { span: r.lockedAt }, message: `locked here by ${r.holder}` }] : [] },
    );
    if (!r.holder) return;
  }
  r.holder = undefined;
  r.lockedAt = undefined;
  r.releaseClock = { ...a.clock };
  if (rec.ok) rec.outcome = '0';
  changeResv(x, b.id, b.name, 'unlocked');
}

function resvAddStmt<K>(x: Step<K>, s: Stmt & { kind: 'ResvAdd' }): void {
  const { w, st, a, rec } = x;
  const b = sym(st, s.buf);
  const key = fenceKey(sym(st, s.fence));
  const usage = s.usage.value;
  const r = resvOf(w, b.id);
  rec.call = `dma_resv_reserve_fences(${b.name}->resv, 1); dma_resv_add_fence(${b.name}->resv, ${s.fence.name}, ${USAGE_C[usage]})`;
  if (!w.fences[key]) {
    rec.outcome = 'no fence (its statement was not simulated)';
    return;
  }
  if (r.holder !== a.id) {
    const lockdep = st.platform.configs.LOCKDEP;
    report(
      x,
      'RESV-04',
      s,
      `dma_resv_add_fence() needs ${b.name}'s reservation lock${r.holder ? ` (${r.holder} holds it)` : ''}: the fence list is changed without it, racing with every other writer and with the slot reservation (${citeIn(x.st, 'dma_resv_add_fence')}). ` +
        (lockdep ? 'CONFIG_LOCKDEP reports it through dma_resv_assert_held().' : 'Without CONFIG_LOCKDEP nothing is printed; the list can be corrupted or a reserved slot missing (BUG_ON).'),
      { outcome: lockdep ? 'LOCKDEP' : 'SILENT' },
    );
  }
  const f = w.fences[key];
  if (!usable(x, key, s, 'dma_resv_add_fence()')) return;
  kernelDependency(x, [key], s, 'dma_resv_add_fence()');
  let keys = [key];
  if (f.members && f.members.length > 1) {
    report(x, 'RESV-05', s, `${f.name} is a container (a sync file of ${f.members.length} fences): dma_resv_add_fence() WARNs on containers (WARN_ON(dma_fence_is_container(fence)), ${citeIn(x.st, 'dma_resv_add_fence.container-warn')}); add each fence on its own (dma_fence_unwrap_for_each).`, { outcome: 'WARN' });
  } else if (f.container) {
    report(x, 'RESV-05', s, `${f.name} is a container (a fence ${f.container}): dma_resv_add_fence() WARNs on containers (WARN_ON(dma_fence_is_container(fence)), ${citeIn(x.st, 'dma_resv_add_fence.container-warn')}) and adds it anyway; add each fence on its own (dma_fence_unwrap_for_each).`, { outcome: 'WARN' });
  } else if (f.members && f.members.length === 1) keys = [f.members[0]];
  else if (f.members) keys = [];
  for (const k of keys) {
    const had = strongerUsage(w, b.id, k, usage);
    if (had) reportNoDegrade(x, s, b.name, w.fences[k], had, usage);
    const r = resvAdd(x, b.id, k, usage, s.span);
    if (r.old !== undefined && r.oldPending && r.old !== k) reportReplaced(x, s, b.name, w.fences[k], w.fences[r.old]);
  }
  rec.outcome = '0';
  changeResv(x, b.id, b.name, `added ${s.fence.name} as ${usage}`);
}

/** SYNCF-01: flags without DMA_BUF_SYNC_READ or _WRITE; the ioctl returns -EINVAL before it looks at the reservation. */
function noSyncFlags<K>(x: Step<K>, s: Stmt & { kind: 'ExportSyncFile' | 'ImportSyncFile' }, ioctl: string, site: 'dma_buf_export_sync_file.flags' | 'dma_buf_import_sync_file.flags'): void {
  x.rec.call = `ioctl(${s.buf.name}, ${ioctl}, { .flags = 0 })`;
  x.rec.outcome = '-EINVAL';
  x.rec.ok = false;
  report(
    x,
    'SYNCF-01',
    s.dir,
    `${ioctl} with neither DMA_BUF_SYNC_READ nor DMA_BUF_SYNC_WRITE: \`if ((arg.flags & DMA_BUF_SYNC_RW) == 0) return -EINVAL\` (${citeIn(x.st, site)}), ` +
      (s.kind === 'ExportSyncFile'
        ? `so no sync_file is made and \`${s.name.name}\` orders nothing: waiting on it or passing it on waits for no fence of ${s.buf.name}.`
        : `so the fence is not added to ${s.buf.name}'s reservation and implicit-sync users do not wait for it.`) +
      ' Pass READ, WRITE or RW.',
    { severity: 'error', outcome: 'RET' },
  );
}

function exportSyncFile<K>(x: Step<K>, s: Stmt & { kind: 'ExportSyncFile' }): void {
  const { w, st, rec } = x;
  if (s.dir.value === 'none') return noSyncFlags(x, s, 'DMA_BUF_IOCTL_EXPORT_SYNC_FILE', 'dma_buf_export_sync_file.flags');
  const b = sym(st, s.buf);
  const write = s.dir.value !== 'read';
  const usage = usageRw(write);
  const all = [...new Set(resvFences(w, b.id, usage))];
  for (const f of all) if (isSignalled(w, f)) observe(x)(f);
  const members = all.filter((f) => !isSignalled(w, f));
  const flags = s.dir.value === 'read' ? 'DMA_BUF_SYNC_READ' : s.dir.value === 'write' ? 'DMA_BUF_SYNC_WRITE' : 'DMA_BUF_SYNC_RW';
  rec.call = `ioctl(${b.name}, DMA_BUF_IOCTL_EXPORT_SYNC_FILE, { .flags = ${flags} })`;
  const f = newFence(w, fenceKey(sym(st, s.name)), s.name.name, 'sync_file', s.span, { context: nextContext(w), seqno: 1 }, members, { refs: 1 });
  for (const m of members) takeRef(w, m);
  if (members.length === 0) {
    // dma_fence_get_stub(): already signalled.
    f.signalled = true;
    f.clock = { ...x.a.clock };
  }
  rec.outcome = members.length === 0 ? 'fd of a signalled stub fence (no pending fences)' : `fd of ${members.map((m) => w.fences[m].name).join(' + ')} (${USAGE_C[usage]} and stronger)`;
  changeFence(x, f, members.length ? `sync file of ${members.length} ${members.length === 1 ? 'fence' : 'fences'}` : 'signalled stub');
}

function importSyncFile<K>(x: Step<K>, s: Stmt & { kind: 'ImportSyncFile' }): void {
  const { w, st, a, rec } = x;
  if (s.dir.value === 'none') return noSyncFlags(x, s, 'DMA_BUF_IOCTL_IMPORT_SYNC_FILE', 'dma_buf_import_sync_file.flags');
  const b = sym(st, s.buf);
  const key = fenceKey(sym(st, s.fence));
  const usage: Usage = s.dir.value === 'read' ? 'read' : 'write';
  const flags = s.dir.value === 'read' ? 'DMA_BUF_SYNC_READ' : s.dir.value === 'write' ? 'DMA_BUF_SYNC_WRITE' : 'DMA_BUF_SYNC_RW';
  rec.call = `ioctl(${b.name}, DMA_BUF_IOCTL_IMPORT_SYNC_FILE, { .flags = ${flags}, .fd = ${s.fence.name} })`;
  const r = resvOf(w, b.id);
  if (r.holder === a.id) {
    hang(x, s, `DMA_BUF_IOCTL_IMPORT_SYNC_FILE takes ${b.name}'s reservation lock itself, and ${a.id} already holds it (line ${line(st, r.lockedAt)}): dma_resv_lock() blocks forever (RESV-07).`, [{ at: { span: r.lockedAt ?? s.span }, message: 'the lock is taken here' }]);
    return;
  }
  if (!w.fences[key]) {
    rec.outcome = 'no fence (its statement was not simulated)';
    return;
  }
  if (!usable(x, key, s, 'DMA_BUF_IOCTL_IMPORT_SYNC_FILE')) return;
  kernelDependency(x, [key], s, 'DMA_BUF_IOCTL_IMPORT_SYNC_FILE');
  if (a.signalling > 0) fence05(x, s, `takes ${b.name}'s reservation lock (inside the import ioctl)`);
  a.clock = join(a.clock, r.releaseClock);
  for (const k of unwrap(w, key)) resvAdd(x, b.id, k, usage, s.span);
  r.releaseClock = { ...a.clock };
  rec.outcome = '0';
  changeResv(x, b.id, b.name, `imported ${s.fence.name} as ${usage}`);
}

function startThread<K>(x: Step<K>, s: Stmt & { kind: 'Thread' }): void {
  const { w, st, a, rec } = x;
  const idx = st.index.get(s)!;
  const prog = st.threadProg.get(idx)!;
  const t: Agent = { id: `thread:${s.name.name}`, kind: 'thread', prog, pc: -1, queue: [], status: 'run', clock: { ...a.clock }, signalling: 0, origin: s.span.start, forkStep: x.index };
  w.agents.push(t);
  advance(w, st, t);
  rec.call = `kthread_run(${s.name.name})`;
  rec.outcome = 'started';
  rec.changes.push({ object: t.id, kind: 'thread', summary: 'started' });
}

function submitStmt<K>(x: Step<K>, s: Stmt & { kind: 'Submit' }): void {
  const { w, st, a, rec } = x;
  const dev = devAgent(w, s.dev.name);
  const qc = (w.queueContexts[s.dev.name] ??= { context: nextContext(w), seqno: 0 });
  qc.seqno += 1;
  w.jobSeq += 1;
  const id = w.jobSeq;
  const key = s.signal ? fenceKey(sym(st, s.signal)) : `j${id}`;
  const fname = s.signal ? s.signal.name : `${s.dev.name}#${qc.seqno}`;
  // The driver's name holds one reference and the scheduler another until the job completes.
  const f = newFence(w, key, fname, 'job', s.span, { context: qc.context, seqno: qc.seqno }, undefined, s.signal ? { refs: 2 } : {});
  const target = targetIdent(s);
  const buffer = target ? bufferOfName(w, st, target) : undefined;
  const waits = s.after.map((id2) => fenceKey(sym(st, id2))).filter((k) => w.fences[k] && usable(x, k, s, 'the job\'s dependency (drm_sched_job_add_dependency)'));
  kernelDependency(x, waits, s, 'The job\'s dependency (`after`)');
  const write = s.access.value === 'write';
  let implicitNote = '';
  if (s.implicit && buffer !== undefined) {
    const r = resvOf(w, buffer);
    if (r.holder === a.id) {
      hang(x, s, `An implicitly synchronised submit takes the buffer's reservation lock itself, and ${a.id} already holds it (line ${line(st, r.lockedAt)}): dma_resv_lock() blocks forever (RESV-07).`, [{ at: { span: r.lockedAt ?? s.span }, message: 'the lock is taken here' }]);
      return;
    }
    if (a.signalling > 0) fence05(x, s, 'takes the buffer\'s reservation lock for implicit synchronisation');
    a.clock = join(a.clock, r.releaseClock);
    const deps = resvFences(w, buffer, usageRw(write)).filter((k) => !waits.includes(k));
    waits.push(...deps);
    resvAdd(x, buffer, key, write ? 'write' : 'read', s.span);
    r.releaseClock = { ...a.clock };
    implicitNote = `; implicit: waits ${deps.length ? deps.map((d) => w.fences[d].name).join(', ') : 'nothing'}, adds ${fname} as ${write ? 'WRITE' : 'READ'}`;
  }
  const generation = target ? st.kernel.generation?.(w.kernel, sym(st, target)) : undefined;
  const job: Job = {
    id,
    kind: 'job',
    stmt: st.index.get(s)!,
    device: s.dev.name,
    waits,
    fence: key,
    submitClock: { ...a.clock },
    submitStep: x.index,
    buffer,
    implicit: s.implicit,
    ...(a.waitedResv ? { waitedResv: { ...a.waitedResv } } : {}),
    ...(generation !== undefined ? { generationAtSubmit: generation } : {}),
  };
  dev.queue.push(job);
  rec.call = `${s.dev.name}: queue ${s.access.value} job${waits.length ? ` after ${waits.map((k) => w.fences[k].name).join(', ')}` : ''} (drm_sched_entity_push_job)`;
  rec.outcome = `queued as ${fname} (context ${f.context}, seqno ${f.seqno})${implicitNote}`;
  changeFence(x, f, 'job fence created, unsignalled');
  if (s.implicit && buffer !== undefined) changeResv(x, buffer, bufferName(st, buffer), 'implicit sync');
}

function moveStmt<K>(x: Step<K>, s: Stmt & { kind: 'Move' }): void {
  const { w, st, rec } = x;
  const copy = st.kernel.move(w.kernel, ctxFor(x), s);
  if (!rec.call) rec.call = `exporter migrates ${s.buf.name} to ${s.mem.name}`;
  applyPendingEffects(x, s);
  if (!copy) {
    if (!rec.outcome) rec.outcome = 'no copy';
    return;
  }
  queueExporterCopy(x, s, { buffer: sym(st, s.buf), ...copy });
}

/**
 * An exporter's pipelined copy (a `move`, or a migration at map or pin for a dynamic importer):
 * a job on the exporting device that waits for every fence of the buffer (TTM) and whose fence
 * goes into the reservation as KERNEL; nothing waits for it here.
 */
function queueExporterCopy<K>(x: Step<K>, s: Stmt, copy: ExporterCopy): void {
  const { w, st, rec } = x;
  const b = copy.buffer;
  const dev = devAgent(w, copy.device);
  const qc = (w.queueContexts[copy.device] ??= { context: nextContext(w), seqno: 0 });
  qc.seqno += 1;
  w.jobSeq += 1;
  const key = `m${w.jobSeq}`;
  const what = copy.fill ? 'clear' : 'move';
  const f = newFence(w, key, `${copy.device}#${qc.seqno}(${what} ${b.name})`, 'move', s.span, { context: qc.context, seqno: qc.seqno });
  const fences = resvFences(w, b.id, 'bookkeep');
  for (const k of fences) if (isSignalled(w, k)) observe(x)(k);
  const waits = fences.filter((k) => !isSignalled(w, k));
  const flags = { ...(copy.fill ? { fill: true as const } : {}), ...(copy.unpublished ? { unpublished: true as const } : {}) };
  dev.queue.push({ id: w.jobSeq, kind: 'copy', stmt: st.index.get(s)!, device: copy.device, waits, fence: key, submitClock: { ...x.a.clock }, submitStep: x.index, buffer: b.id, implicit: true, from: copy.from, to: copy.to, ...flags });
  const queued = `${rec.outcome ? rec.outcome + '; ' : ''}${copy.fill ? 'clear' : 'copy'} queued on ${copy.device}`;
  if (copy.unpublished) {
    rec.outcome = `${queued}, fence ${f.name} kept by the driver (not in the reservation)`;
    return;
  }
  resvAdd(x, b.id, key, 'kernel', s.span);
  (w.lastMove ??= {})[b.id] = key;
  rec.outcome = `${queued}, fence ${f.name} added as KERNEL`;
  changeResv(x, b.id, b.name, `${what} fence added`);
}

function cpuAccessStmt<K>(x: Step<K>, s: Stmt & { kind: 'CpuAccess' }): void {
  const { w, st, rec } = x;
  const path = st.kernel.cpuAccess(w.kernel, ctxFor(x), s);
  if (!rec.call) rec.call = `${s.access.value === 'write' ? 'memset' : 'memcpy from'} ${s.vmap.name}`;
  applyPendingEffects(x, s);
  if (!path) {
    if (!rec.outcome) rec.outcome = 'no memory reached';
    return;
  }
  const write = s.access.value === 'write';
  const buffer = bufferOfName(w, st, s.vmap);
  if (buffer !== undefined) pollIsNoSync(x, s, buffer);
  const raced = recordAccesses(x, s, path, write, { device: false, buffer, waitedResv: x.a.waitedResv });
  if (write) {
    const v = cpuWrite(w.coh, path);
    w.versions[v] = { at: s.span, agent: x.a.id };
    rec.changes.push(...dataChanges(x, path.regions, `CPU wrote v${v}`));
  } else {
    const problems = cpuRead(w.coh, path);
    if (!raced) reportCoherency(x, s, problems);
    rec.changes.push(...dataChanges(x, path.regions, 'CPU read'));
  }
  if (!rec.outcome) rec.outcome = 'ok';
}

/**
 * POLL-01: the CPU touches a buffer it polled without a SYNC bracket since: poll() "only signals
 * the completion of the respective fences … Cache flushing and any other necessary preparations
 * before CPU access can begin still need to happen" (dma-buf.c, DOC: implicit fence polling).
 */
function pollIsNoSync<K>(x: Step<K>, s: Stmt & { kind: 'CpuAccess' }, buffer: number): void {
  const polled = x.a.polled?.[buffer];
  if (!polled) return;
  delete x.a.polled![buffer];
  report(
    x,
    'POLL-01',
    s,
    `The CPU ${s.access.value === 'write' ? 'writes' : 'reads'} \`${s.vmap.name}\` after poll() without DMA_BUF_IOCTL_SYNC: poll "only signals the completion of the respective fences, ` +
      `i.e. the DMA transfers are complete. Cache flushing and any other necessary preparations before CPU access can begin still need to happen" ` +
      `(${citeIn(x.st, 'DOC: implicit fence polling.cpu-access')}). Bracket the access with begin_cpu/end_cpu (SYNC_START/SYNC_END).`,
    { severity: 'information', outcome: 'INFO', related: [{ at: { span: polled }, message: 'polled here' }] },
  );
}

function kernelStmt<K>(x: Step<K>, s: KernelStmt | ErrorStmt): void {
  const { w, st, rec } = x;
  if (s.kind === 'BeginCpu' && x.a.polled) delete x.a.polled[sym(st, s.buf).id];
  const waits = kernelWaits(w, st, x.a, s);
  waitOn(x, waits);
  // Decided before the call, as the explorer saw it (footprint.ts): a lifetime race to report, not an order explored.
  const endsOnly = endsOnlyItsObject(w, st, s);
  const heldBefore = s.kind === 'Put' && endsOnly && st.kernel.bufferRegions(w.kernel, sym(st, s.buf)).length > 0;
  const handled = st.kernel.execute(w.kernel, ctxFor(x), s);
  if (s.kind === 'Unmap' || s.kind === 'Detach') {
    if (endsOnly) lifetimeRaces(x, s);
    (w.ended ??= []).push(sym(st, s.kind === 'Unmap' ? s.sgt : s.att).id);
  }
  // The put that released the buffer.
  if (s.kind === 'Put' && heldBefore && st.kernel.bufferRegions(w.kernel, sym(st, s.buf)).length === 0) lifetimeRaces(x, s);
  if (!handled && !rec.call) rec.call = `${s.kind} (not modelled)`;
  applyPendingEffects(x, s);
  for (const copy of x.copies.splice(0)) queueExporterCopy(x, s, copy);
  if ((s.kind === 'Export' || s.kind === 'Heap' || s.kind === 'Udmabuf') && st.program.refs.get(s.name)) {
    const regions = st.kernel.bufferRegions(w.kernel, sym(st, s.name));
    if (regions.length) freshMemory(w.coh, regions);
  }
}
