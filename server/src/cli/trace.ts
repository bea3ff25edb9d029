// `--trace SCENARIO`: the trace of one scenario, readable in a terminal: each step with its agent,
// kernel call, outcome, what changed (an sg table as the kernel describes it: its entries and the
// DMA segments dma_map_sg() merged them into; with --entries each entry spelled out: page or none,
// physical address, DMA address, length, bus-address flag) and the findings raised there.
import type { ScenarioResult } from '../engine/api';
import type { SgEntry, TraceStep } from '../common/trace';
import type { LinesOf } from '../common/edge';

function hex(v: unknown): string {
  if (typeof v === 'number') return `0x${v.toString(16)}`;
  if (typeof v === 'string') return v;
  return '—';
}

function isSgEntry(v: unknown): v is SgEntry {
  return typeof v === 'object' && v !== null && 'length' in v && 'page' in v;
}

/** An sg table in a state snapshot: the record holding its `entries` (a mapping's state), a few levels deep. */
interface TableView {
  readonly entries: readonly SgEntry[];
  readonly table?: string;
  readonly nents?: number;
  readonly moreEntries?: number;
}

function findTable(state: unknown, depth = 0): TableView | undefined {
  if (depth > 4 || typeof state !== 'object' || state === null) return undefined;
  const rec = state as Record<string, unknown>;
  const entries = rec.entries;
  if (Array.isArray(entries) && entries.every(isSgEntry)) {
    return {
      entries,
      ...(typeof rec.table === 'string' ? { table: rec.table } : {}),
      ...(typeof rec.nents === 'number' ? { nents: rec.nents } : {}),
      ...(typeof rec.moreEntries === 'number' ? { moreEntries: rec.moreEntries } : {}),
    };
  }
  for (const v of Object.values(rec)) {
    const inner = findTable(v, depth + 1);
    if (inner) return inner;
  }
  return undefined;
}

// A table's DMA segments are what a device sees (sgt->nents after dma_map_sg() merged entries);
// a handful says enough, the rest is counted.
const SEGMENTS_SHOWN = 8;

/** The table as the kernel describes it: entry count and merged segments, entries only on request. */
function tableLines(t: TableView, withEntries: boolean): string[] {
  const out: string[] = [];
  if (t.table) out.push(`table: ${t.table}`);
  if (withEntries || !t.table) {
    t.entries.forEach((e, i) => out.push(formatEntry(e, i)));
    if (t.moreEntries) out.push(`… ${t.moreEntries.toLocaleString('en-US')} more entries`);
    return out;
  }
  const segs = t.entries.slice(0, Math.min(t.nents ?? 0, SEGMENTS_SHOWN)).filter((e) => e.dmaAddress !== undefined);
  segs.forEach((e, i) => out.push(`segment [${i}] dma ${hex(e.dmaAddress)} dma_len ${e.dmaLength ?? e.length}${e.busAddress ? ' bus-address' : ''}${e.bounced ? ' bounced' : ''}`));
  const rest = (t.nents ?? 0) - segs.length;
  if (segs.length > 0 && rest > 0) out.push(`… ${rest.toLocaleString('en-US')} more segments`);
  return out;
}

export function formatEntry(e: SgEntry, i: number): string {
  const parts = [`[${i}]`, e.page ? 'page' : 'no-page', `phys ${e.phys === null ? 'none' : hex(e.phys)}`, `offset ${e.offset}`, `length ${e.length}`];
  if (e.dmaAddress !== undefined) parts.push(`dma ${hex(e.dmaAddress)}`, `dma_len ${e.dmaLength ?? e.length}`);
  if (e.busAddress) parts.push('bus-address');
  if (e.bounced) parts.push('bounced');
  return parts.join(' ');
}

function formatStep(s: TraceStep, show: (file: string) => string, linesOf: LinesOf, withEntries: boolean): string[] {
  const line = linesOf(s.location.file)?.position(s.location.span.start).line ?? 0;
  const pos = `${show(s.location.file)}:${line + 1}`;
  const lines = [`#${s.index} ${s.agent} ${pos}  ${s.call} → ${s.outcome}${s.ok ? '' : '  (failed)'}`];
  if (s.waitsOn?.length) lines.push(`    waits on: ${s.waitsOn.join(', ')}`);
  if (s.signals?.length) lines.push(`    signals: ${s.signals.join(', ')}`);
  for (const c of s.changes) {
    lines.push(`    ${c.kind} ${c.object}: ${c.summary}`);
    const table = findTable(c.state);
    if (table) for (const l of tableLines(table, withEntries)) lines.push(`      ${l}`);
  }
  if (s.findings.length) lines.push(`    findings: ${s.findings.join(', ')}`);
  return lines;
}

/** `version`: under a version matrix, the profile the trace was run on (named in the head line). */
export function formatTrace(result: ScenarioResult, show: (file: string) => string, linesOf: LinesOf, version?: string, withEntries = false): string {
  const { trace, exploration: x } = result;
  const n = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`;
  const head = `trace of scenario ${trace.scenario} on ${trace.platform}${version ? ` (Linux ${version})` : ''}: ${n(trace.steps.length, 'step')}` +
    ` (${n(x.schedules, 'schedule')}, ${n(x.states, 'state')} explored${x.cutShort ? ', cut short by the budget' : ''})`;
  const body = trace.steps.flatMap((s) => formatStep(s, show, linesOf, withEntries));
  const summarised = !withEntries && body.some((l) => l.startsWith('      table: '));
  return `${[head, ...body, ...(summarised ? ['(sg tables are summarised; --entries lists their entries)'] : [])].join('\n')}\n`;
}
