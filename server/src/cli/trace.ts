// `--trace SCENARIO`: the trace of one scenario, readable in a terminal: each step with its agent,
// kernel call, outcome, what changed (sg entries spelled out: page or none, physical address,
// DMA address, length, bus-address flag) and the findings raised there.
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

/** sg entries anywhere in a state snapshot (`entries` arrays), looked for a few levels deep. */
function findEntries(state: unknown, depth = 0): SgEntry[] | undefined {
  if (depth > 4 || typeof state !== 'object' || state === null) return undefined;
  for (const [k, v] of Object.entries(state)) {
    if (k === 'entries' && Array.isArray(v) && v.every(isSgEntry)) return v;
    const inner = findEntries(v, depth + 1);
    if (inner) return inner;
  }
  return undefined;
}

export function formatEntry(e: SgEntry, i: number): string {
  const parts = [`[${i}]`, e.page ? 'page' : 'no-page', `phys ${e.phys === null ? 'none' : hex(e.phys)}`, `offset ${e.offset}`, `length ${e.length}`];
  if (e.dmaAddress !== undefined) parts.push(`dma ${hex(e.dmaAddress)}`, `dma_len ${e.dmaLength ?? e.length}`);
  if (e.busAddress) parts.push('bus-address');
  if (e.bounced) parts.push('bounced');
  return parts.join(' ');
}

function formatStep(s: TraceStep, show: (file: string) => string, linesOf: LinesOf): string[] {
  const line = linesOf(s.location.file)?.position(s.location.span.start).line ?? 0;
  const pos = `${show(s.location.file)}:${line + 1}`;
  const lines = [`#${s.index} ${s.agent} ${pos}  ${s.call} → ${s.outcome}${s.ok ? '' : '  (failed)'}`];
  if (s.waitsOn?.length) lines.push(`    waits on: ${s.waitsOn.join(', ')}`);
  if (s.signals?.length) lines.push(`    signals: ${s.signals.join(', ')}`);
  for (const c of s.changes) {
    lines.push(`    ${c.kind} ${c.object}: ${c.summary}`);
    const entries = findEntries(c.state);
    if (entries) entries.forEach((e, i) => lines.push(`      ${formatEntry(e, i)}`));
  }
  if (s.findings.length) lines.push(`    findings: ${s.findings.join(', ')}`);
  return lines;
}

/** `version`: under a version matrix, the profile the trace was run on (named in the head line). */
export function formatTrace(result: ScenarioResult, show: (file: string) => string, linesOf: LinesOf, version?: string): string {
  const { trace, exploration: x } = result;
  const n = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`;
  const head = `trace of scenario ${trace.scenario} on ${trace.platform}${version ? ` (Linux ${version})` : ''}: ${n(trace.steps.length, 'step')}` +
    ` (${n(x.schedules, 'schedule')}, ${n(x.states, 'state')} explored${x.cutShort ? ', cut short by the budget' : ''})`;
  return `${[head, ...trace.steps.flatMap((s) => formatStep(s, show, linesOf))].join('\n')}\n`;
}
