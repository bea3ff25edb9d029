// The access log and data races: every memory access of a step is recorded with its agent's
// vector clock, and one that conflicts with an earlier access it is not ordered after is a race.
// The finding says which edge is missing: RACE-01 in general, MAP-05 when the other side is an
// exporter's move, with a RESV-02 note when a wait_resv used too weak a usage.
import { span } from '../regions';
import type { Stmt } from '../../language/ast';
import type { AgentId } from '../../common/trace';
import type { AccessPath } from '../seam';
import { candidates, indexAccess } from './access-index';
import { leq } from './clock';
import { regionKey } from './coherency';
import { USAGE_C, USAGE_ORDER, usageRw } from './fences';
import { normalise, type Range } from './runmap';
import { citeIn, bufferName, ctxFor, line, report, type Step } from './step';
import type { AccessRecord, WaitedResv } from './world';

interface AccessInfo {
  readonly device: boolean;
  readonly buffer?: number;
  readonly jobKind?: 'job' | 'copy';
  readonly fence?: string;
  readonly implicit?: boolean;
  readonly unpublished?: boolean;
  readonly fill?: boolean;
  readonly waitedResv?: Readonly<Record<number, WaitedResv>>;
  readonly target?: number;
  readonly targetAttachment?: number;
}

/** Logs the access and reports a race with any earlier unordered conflicting access. Returns true if it raced. */
export function recordAccesses<K>(x: Step<K>, s: Stmt, path: AccessPath, write: boolean, info: AccessInfo): boolean {
  const { w, a } = x;
  const byKey: Record<string, Range[]> = {};
  // A run counts as its span: nothing but its own pages lives between them (seam.ts PhysRegion).
  for (const r of path.regions) (byKey[regionKey(r)] ??= []).push(span(r));
  for (const k of Object.keys(byKey)) byKey[k] = normalise(byKey[k]);
  const mine: AccessRecord = { agent: a.id, clock: { ...a.clock }, write, ranges: byKey, step: x.index, at: s.span, ...info };
  const partners: AccessRecord[] = [];
  for (const i of candidates(w.accessIndex, w.accesses, a.id, a.clock, byKey)) {
    const prior = w.accesses[i];
    if (!prior.write && !write) continue;
    if (leq(prior.clock, a.clock)) continue;
    if (!overlaps(prior.ranges, byKey)) continue;
    if (!partners.some((p) => p.at.start === prior.at.start && p.agent === prior.agent)) partners.push(prior);
  }
  const at = w.accesses.length;
  w.accesses.push(mine);
  indexAccess(w.accessIndex, at, a.id, byKey);
  if (partners.length === 0) return false;
  reportRace(x, s, info, write, partners);
  return true;
}

function overlaps(a: AccessRecord['ranges'], b: AccessRecord['ranges']): boolean {
  for (const k of Object.keys(a)) {
    const xs = a[k];
    const ys = b[k];
    if (!ys) continue;
    let i = 0;
    let j = 0;
    while (i < xs.length && j < ys.length) {
      if (xs[i].start < ys[j].end && ys[j].start < xs[i].end) return true;
      if (xs[i].end <= ys[j].end) i++;
      else j++;
    }
  }
  return false;
}

function reportRace<K>(x: Step<K>, s: Stmt, me: AccessInfo, write: boolean, partners: readonly AccessRecord[]): void {
  const { st } = x;
  const p = partners[0];
  // An exporter's clear whose fence is not in the reservation, unordered with an importer's job:
  // pin/map returned before the memory was cleared, and nobody could have waited (PIN-02).
  if (me.jobKind === 'copy' && me.unpublished && p.device && p.jobKind === 'job') {
    if (!stepHasCode(x, p.step, ['PIN-02'])) report(x, 'PIN-02', { span: p.at }, pin02Message(x, p.agent), { outcome: 'SILENT', related: [{ at: s, message: 'the exporter\'s clear (its fence kept by the driver) is queued here' }] });
    return;
  }
  if (me.jobKind === 'job' && p.jobKind === 'copy' && p.unpublished) {
    if (!x.rec.findings.includes('PIN-02')) report(x, 'PIN-02', s, pin02Message(x, x.a.id), { outcome: 'SILENT', related: [{ at: { span: p.at }, message: 'the exporter\'s clear (its fence kept by the driver) is queued here' }] });
    return;
  }
  // A move's copy and a device job unordered with it: the importer did not wait for the
  // exporter's KERNEL fence (MAP-05). It belongs to the importer's submit.
  if (me.jobKind === 'copy' && p.device && p.jobKind === 'job') {
    if (!stepHasCode(x, p.step, ['MAP-05', 'MOVE-01'])) report(x, 'MAP-05', { span: p.at }, map05Message(x, p, me.fill), { outcome: 'SILENT', related: [{ at: s, message: me.fill ? 'the exporter\'s clear (its job and KERNEL fence) is here' : 'the exporter\'s move (its copy job and KERNEL fence) is here' }] });
    return;
  }
  if (me.jobKind === 'job' && p.jobKind === 'copy') {
    if (x.rec.findings.includes('MAP-05') || x.rec.findings.includes('MOVE-01')) return;
    // The importer's job is this step's (p is the copy).
    report(x, 'MAP-05', s, map05Message(x, { agent: x.a.id }, p.fill), { outcome: 'SILENT', related: [{ at: { span: p.at }, message: p.fill ? 'the exporter\'s clear (its job and KERNEL fence) is here' : 'the exporter\'s move (its copy job and KERNEL fence) is here' }] });
    return;
  }
  const msg = raceMessage(x, me, write, p) + resv02Note(x, me, write, p);
  report(x, 'RACE-01', s, msg, {
    outcome: 'SILENT',
    related: partners.map((q) => ({ at: { span: q.at }, message: `the other access (${q.agent} ${q.write ? 'writes' : 'reads'}) at line ${line(st, q.at)}` })),
  });
}

function stepHasCode<K>(x: Step<K>, step: number, codes: readonly string[]): boolean {
  const rec = x.w.steps[step];
  return !!rec && rec.findings.some((c) => codes.includes(c));
}

function pin02Message<K>(x: Step<K>, importer: AgentId): string {
  return (
    `The device job on ${importer.replace(/^dev:/, '')} is not ordered after the exporter's clear of the buffer: the exporter queued the clear on its device and keeps the ` +
    `fence to itself, so pin and map_dma_buf returned with memory "not cleared of any old data" (${citeIn(x.st, 'struct dma_buf_ops.pin-ready')}; ${citeIn(x.st, 'struct dma_buf_ops.map_dma_buf-ready')}: ` +
    '"Drivers which pipeline their buffer moves internally must wait for all moves and clears to complete"). Neither the core\'s wait for a static importer nor a dynamic importer\'s ' +
    'wait on the reservation can see a fence that is not there: the device may read the old contents, or the clear may overwrite what it writes. The exporter must wait for the clear, ' +
    'or publish its fence in the reservation as DMA_RESV_USAGE_KERNEL. Nothing reports it.'
  );
}

function map05Message<K>(x: Step<K>, importer: { readonly agent: AgentId } | AccessRecord, clear?: boolean): string {
  // From 6.16 the wait moved from __map_dma_buf() into dma_buf_map_attachment() (row attach-premap-dropped).
  const where = ctxFor(x).since('attach-premap-dropped')
    ? 'dma_buf_map_attachment() in drivers/dma-buf/dma-buf.c, for attachments without importer_ops'
    : `__map_dma_buf, ${citeIn(x.st, '__map_dma_buf')}`;
  return (
    `The device job on ${importer.agent.replace(/^dev:/, '')} is not ordered after the exporter's ${clear ? 'clear: its job\'s' : 'move: its copy job\'s'} fence sits in the reservation as KERNEL, and the core waits for KERNEL fences only for static importers (${where}). ` +
    `A dynamic importer must wait for them itself before its device touches the buffer (${citeIn(x.st, 'dma_buf_map_attachment.dynamic-wait-doc', 'dma-buf.c')}, ${citeIn(x.st, 'struct dma_buf.resv-dynamic-importer-rules', 'dma-buf.h')}): here the device may read or write the buffer while the ${clear ? 'clear' : 'copy'} is still running. ` +
    'Wait on the reservation\'s KERNEL fences (wait_resv BUF kernel, or submit ... implicit) before the job. The kernel notices nothing: the data is simply wrong.'
  );
}

/**
 * RESV-02: the access waited on the reservation, but with a usage that leaves out the other
 * access's fence, where dma_resv_usage_rw() would have included it.
 */
function resv02Note<K>(x: Step<K>, me: AccessInfo, write: boolean, p: AccessRecord): string {
  const { w, st } = x;
  if (p.buffer === undefined || !p.fence || (me.buffer !== undefined && me.buffer !== p.buffer)) return '';
  const waited = me.waitedResv?.[p.buffer];
  const f = w.fences[p.fence];
  const usage = f?.addedTo[p.buffer];
  if (!waited || !f || usage === undefined) return '';
  const need = usageRw(write);
  if (USAGE_ORDER[usage] <= USAGE_ORDER[waited.usage] || USAGE_ORDER[usage] > USAGE_ORDER[need]) return '';
  return (
    ` The wait that should have ordered them is too weak: wait_resv ${bufferName(st, p.buffer)} ${waited.usage} (line ${line(st, waited.at)}) waits only for ${USAGE_C[waited.usage]} and stronger fences, and ${f.name} is in the reservation as ${USAGE_C[usage]}. ` +
    `A new ${write ? 'write must wait for readers and writers' : 'read must wait for writers'}: use dma_resv_usage_rw(${write}) = ${USAGE_C[need]} (RESV-02, ${citeIn(x.st, 'dma_resv_usage_rw')}).`
  );
}

function raceMessage<K>(x: Step<K>, me: AccessInfo, write: boolean, p: AccessRecord): string {
  const { w, st, a } = x;
  const meWhat = `${a.id} ${write ? 'writes' : 'reads'}`;
  const otherWhat = `${p.agent} ${p.write ? 'writes' : 'reads'} (line ${line(st, p.at)})`;
  const head = `Data race: ${meWhat} memory that ${otherWhat}, and nothing orders the two accesses (no fence signalled by one and waited on by the other, no lock, no thread join). The result depends on timing; the kernel does not notice.`;
  if (!me.device && p.device) {
    const f = p.fence ? w.fences[p.fence] : undefined;
    const inResv = f && p.buffer !== undefined ? f.addedTo[p.buffer] : undefined;
    const resvNote =
      f && p.buffer !== undefined && inResv === undefined
        ? ` The job's fence ${f.name} is not in the buffer's reservation at all, so even begin_cpu could not wait for it (RESV-03).`
        : inResv === 'bookkeep'
          ? ` The job's fence ${f!.name} is in the reservation only as BOOKKEEP, which implicit waits ignore (RESV-09).`
          : '';
    return `${head} Missing edge: the CPU access must come after the device job completes — wait on its fence${f && f.kind !== 'move' ? ` (wait ${f.name})` : ''}. DMA_BUF_IOCTL_SYNC / begin_cpu waits only for the fences in the reservation (dma_resv_usage_rw) and gives no mutual exclusion (CPU-03, ${citeIn(x.st, 'dma_buf_begin_cpu_access.wait')}).${resvNote}`;
  }
  if (me.device && !p.device) {
    return `${head} Missing edge: the job must start after the CPU access — submit it after the access in the same thread, or make it wait (after F) on a fence the CPU signals once the access is done.`;
  }
  if (me.device && p.device) {
    const f = p.fence ? w.fences[p.fence] : undefined;
    const usage = f && p.buffer !== undefined ? f.addedTo[p.buffer] : undefined;
    if (me.implicit && f) {
      if (usage === undefined)
        return `${head} This job relies on implicit synchronisation, but the other job never added its fence ${f.name} to the buffer's reservation: drivers that support implicit sync must add a WRITE fence for writes and a READ fence for reads (RESV-03, ${citeIn(x.st, 'struct dma_buf.resv-implicit-rules')}). Add it (submit ... implicit, or resv BUF add ${f.name} write) or wait on it explicitly (after ${f.name}).`;
      if (usage === 'bookkeep')
        return `${head} This job relies on implicit synchronisation, but the other job's fence ${f.name} is in the reservation only as BOOKKEEP, which dma_resv_usage_rw() never returns (RESV-09, ${citeIn(x.st, 'enum dma_resv_usage.bookkeep')}). Promote it with DMA_BUF_IOCTL_IMPORT_SYNC_FILE (import_sync_file) or wait on it explicitly (after ${f.name}).`;
    }
    return `${head} Missing edge: the jobs run on different device queues; make the second wait for the first (after ${f?.name ?? 'F'}), or use implicit sync on both sides.`;
  }
  return `${head} Missing edge: signal a fence in one thread after its access and wait on it in the other before its access.`;
}
