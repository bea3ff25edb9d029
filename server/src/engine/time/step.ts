// The context of one step and the ways a step handler reports: findings (with their trace step),
// trace changes to fences and reservations, happens-before edges from fences it saw signalled, and
// the `StepContext` the kernel half is called with. Every module that executes part of a step
// (statements.ts, fence-ops.ts, races.ts, ...) writes through these helpers, so a finding or a
// trace change looks the same whichever module produced it.
import type { Ident, Node, Span, Stmt } from '../../language/ast';
import type { Symbol } from '../../language/bound';
import type { Finding, RelatedInformation } from '../../common/findings';
import { lineAt, placeMarkers } from '../../common/message';
import { ruleDoc } from '../rule-docs/registry';
import type { RuleId } from '../rule-docs/registry';
import type { CacheEffect, ExporterCopy, ReportOptions, StepContext } from '../seam';
import { join } from './clock';
import { describeResv, fenceClock, isSignalled } from './fences';
import type { Agent, Fence, Statics, StepRecord, World } from './world';
import { since, type RowId } from '../../language/profiles';
import { cite, type SiteId } from '../kernel/citations';

export interface Step<K> {
  readonly w: World<K>;
  readonly st: Statics<K>;
  readonly a: Agent;
  readonly rec: StepRecord;
  readonly index: number;
  /** Cache effects the kernel call asked for, applied in order after it returns. */
  readonly effects: CacheEffect[];
  /** Exporter copies the kernel call queued (pipelined moves), queued on their devices after it returns. */
  readonly copies: ExporterCopy[];
}

export function sym<K>(st: Statics<K>, id: Ident): Symbol {
  const s = st.program.refs.get(id);
  if (!s) throw new Error(`unresolved name ${id.name} in a statement the binder did not mark broken`);
  return s;
}

/** The buffer behind a name (a buffer itself, or the buffer of an attachment / sg table / vmap). */
export function bufferOfName<K>(w: World<K>, st: Statics<K>, id: Ident): number | undefined {
  const s = st.program.refs.get(id);
  if (!s) return undefined;
  if (s.kind === 'buffer') return s.id;
  return st.kernel.bufferOf(w.kernel, s)?.id;
}

export function fenceKey(s: Symbol): string {
  return `f${s.id}`;
}

export function targetIdent(s: Stmt & { kind: 'Submit' }): Ident | undefined {
  return s.target.kind === 'Object' ? s.target.name : undefined;
}

export function changeFence<K>(x: Step<K>, f: Fence, summary: string): void {
  const parts = f.members ?? f.parts;
  x.rec.changes.push({
    object: f.name,
    kind: 'fence',
    summary,
    state: {
      kind: f.kind,
      context: f.context,
      seqno: f.seqno,
      signalled: isSignalled(x.w, f.key),
      members: parts?.map((m) => x.w.fences[m]?.name ?? m),
      ...(f.error !== undefined ? { error: f.error } : {}),
      ...(f.refs !== undefined ? { refs: f.refs } : {}),
      ...(f.userspace ? { userspace: true } : {}),
      ...(f.freedAt ? { freed: true } : {}),
    },
  });
}

export function bufferName<K>(st: Statics<K>, buffer: number): string {
  return st.program.symbols.find((s) => s.id === buffer)?.name ?? 'buffer';
}

export function changeResv<K>(x: Step<K>, buffer: number, name: string, summary: string): void {
  const r = x.w.resv[buffer];
  x.rec.changes.push({
    object: `${name}.resv`,
    kind: 'resv',
    summary: `${summary}: ${describeResv(x.w, buffer)}`,
    state: { fences: (r?.entries ?? []).map((e) => ({ fence: x.w.fences[e.fence].name, usage: e.usage, signalled: isSignalled(x.w, e.fence) })), holder: r?.holder ?? null },
  });
}

/** Seeing a fence signalled orders the agent after its signaller (an acquire). */
export function observe<K>(x: Step<K>): (key: string) => void {
  return (key) => {
    x.a.clock = join(x.a.clock, fenceClock(x.w, key));
  };
}

/** Joins the clocks of fences the agent waited for (happens-before: signal → wait). */
export function waitOn<K>(x: Step<K>, keys: readonly string[]): void {
  for (const k of keys) x.a.clock = join(x.a.clock, fenceClock(x.w, k));
  if (keys.length) x.rec.waitsOn = keys.map((k) => x.w.fences[k]?.name ?? k);
}

export function fence05<K>(x: Step<K>, s: Stmt, what: string): void {
  const lockdep = x.st.platform.configs.LOCKDEP;
  report(
    x,
    'FENCE-05',
    s,
    `Inside a dma_fence_begin_signalling() section this ${what}. Code on a fence's signalling path must not block on anything that may itself wait for fences (${citeIn(x.st, ['dma-fence.doc-contract.signalling-path', 'dma-fence.doc-signalling-annotation'])}): otherwise the fence may never signal. ` +
      (lockdep ? 'With CONFIG_LOCKDEP the kernel prints a lockdep splat for the dma_fence_map annotation.' : 'Without CONFIG_LOCKDEP nothing is printed: the kernel can simply deadlock.'),
    { outcome: lockdep ? 'LOCKDEP' : 'HANG' },
  );
}

/** The line of `span` in a message: a marker, rendered where the finding leaves the process. */
export function line<K>(_st: Statics<K>, span: Span | undefined): string {
  return span ? lineAt(span.start) : '0';
}

function isSymbol(x: unknown): x is Symbol {
  return typeof x === 'object' && x !== null && 'id' in x && 'kind' in x && 'file' in x && typeof (x as Symbol).file === 'string';
}

function spanOf(at: Node | Span): Span {
  return 'span' in at ? at.span : at;
}

export function report<K>(x: Step<K>, code: RuleId, at: Node | Span, message: string, options: ReportOptions = {}): void {
  const { w, st, rec } = x;
  const span = spanOf(at);
  const related: RelatedInformation[] = [];
  for (const r of options.related ?? []) {
    if (isSymbol(r.at)) {
      if (!st.program.files.has(r.at.file) && r.at.file !== st.file) continue;
      related.push({ location: { file: r.at.file, span: r.at.span }, ...placeMarkers(r.message, st.file) });
    } else {
      const sp = spanOf(r.at as Node | Span);
      related.push({ location: { file: st.file, span: sp }, ...placeMarkers(r.message, st.file) });
    }
  }
  const finding: Finding = {
    code,
    severity: options.severity ?? ruleDoc(code)?.severity ?? 'error',
    ...placeMarkers(message, st.file),
    location: { file: st.file, span },
    related,
    scenario: st.scenario.name,
    traceStep: x.index + 1,
    outcome: options.outcome,
  };
  w.findings.push(finding);
  if (!rec.findings.includes(code)) rec.findings.push(code);
  if (options.outcome === 'DMADBG') noteDmaDebugFirstErrorOnly(x, finding);
}

/**
 * DMAAPI-16: dma-debug warns for its first error only unless all_errors is set ("Per default only
 * the first error will result in a warning message. All other errors will only silently
 * counted", dma-api.rst Part III). On a DMA_API_DEBUG platform, the second report of a run says so once.
 */
function noteDmaDebugFirstErrorOnly<K>(x: Step<K>, finding: Finding): void {
  const { w, st } = x;
  if (!st.platform.configs.DMA_API_DEBUG) return;
  const printed = w.findings.filter((f) => f.outcome === 'DMADBG');
  if (printed.length !== 2) return;
  const first = printed[0];
  report(
    x,
    'DMAAPI-16',
    finding.location.span,
    `A CONFIG_DMA_API_DEBUG kernel prints only the first error it finds by default: "All other errors will only silently counted" ` +
      `(${citeIn(st, 'dma-api.rst:first-error-only')}). After the ${first.code} report above, this ${finding.code} one appears in the log only with ` +
      `\`echo 1 > /sys/kernel/debug/dma-api/all_errors\` at boot or at run time; dma-api/error_count counts it either way.`,
    { severity: 'information', outcome: 'INFO', related: [{ at: { span: first.location.span }, message: `the first dma-debug report (${first.code})` }] },
  );
}

/** A time statement that blocks forever (a self-deadlock): the agent is hung from here on. */
export function hang<K>(x: Step<K>, s: Stmt, message: string, related: ReportOptions['related']): void {
  x.a.status = 'hung';
  x.rec.outcome = 'blocks forever';
  x.rec.ok = false;
  report(x, 'HANG-01', s, message, { outcome: 'HANG', related });
}

/** The kernel half's handle on this step: what it reports, changes and asks for lands in this step's record. */
/** The profile's answer for a row, remembered: a scenario's result holds for every profile that answers alike. */
function askProfile<K>(st: Statics<K>, row: RowId): boolean {
  const answer = since(st.platform.kernel, row);
  st.profileRows.set(row, answer);
  return answer;
}

/** A citation on the scenario's profile, remembered with its text (matrix.ts shares a result only where it reads alike). */
export function citeIn<K>(st: Statics<K>, sites: SiteId | readonly SiteId[], shown?: string): string {
  const ids: readonly SiteId[] = typeof sites === 'string' ? [sites] : sites;
  for (const id of ids) if (!st.citedSites.has(id)) st.citedSites.set(id, cite(st.platform.kernel, [id]));
  return cite(st.platform.kernel, ids, shown);
}

export function ctxFor<K>(x: Step<K>): StepContext {
  const { w, st, a, rec } = x;
  return {
    platform: st.platform,
    scenario: st.scenario,
    agent: a.id,
    since: (row) => askProfile(st, row),
    cite: (sites, shown) => citeIn(st, sites, shown),
    sym: (id) => sym(st, id),
    report: (code, at, message, options) => report(x, code, at, message, options),
    change: (c) => rec.changes.push(c),
    call: (call, outcome, ok) => {
      rec.call = call;
      rec.outcome = outcome;
      if (ok !== undefined) rec.ok = ok;
    },
    cache: (effect) => {
      x.effects.push(effect);
    },
    resvHolder: (buffer) => w.resv[buffer.id]?.holder,
    queueCopy: (copy) => {
      x.copies.push(copy);
    },
    hang: (reason) => {
      if (a.status === 'hung') return;
      a.status = 'hung';
      rec.ok = false;
      rec.outcome = rec.outcome ? `${rec.outcome}; blocks forever` : 'blocks forever';
      report(x, 'HANG-01', { span: rec.at }, `${a.id} blocks forever here: ${reason}. Its later statements never run.`, { outcome: 'HANG' });
    },
    inSignallingSection: () => a.signalling > 0,
  };
}

/** A context for questions asked outside a step (waitsBefore while scheduling): records nothing. */
export function dryContext<K>(w: World<K>, st: Statics<K>, a: Agent): StepContext {
  return {
    platform: st.platform,
    scenario: st.scenario,
    agent: a.id,
    since: (row) => askProfile(st, row),
    cite: (sites, shown) => citeIn(st, sites, shown),
    sym: (id) => sym(st, id),
    report: () => undefined,
    change: () => undefined,
    call: () => undefined,
    cache: () => undefined,
    resvHolder: (buffer) => w.resv[buffer.id]?.holder,
    queueCopy: () => undefined,
    hang: () => undefined,
    inSignallingSection: () => a.signalling > 0,
  };
}
