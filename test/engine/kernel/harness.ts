// A tiny stand-in for the time half, to drive kernelModel directly: statements run in order on the
// CPU (thread bodies inline), device jobs run at their `submit`, locks are tracked by agent, fences
// are ignored. Good enough to see the kernel half's own findings, calls and changes.
import { since } from '../../../server/src/language/profiles';
import { cite } from '../../../server/src/engine/kernel/citations';
import type { Ident, Node, Span, Stmt } from '../../../server/src/language/ast';
import type { BoundProgram, BoundScenario, Symbol } from '../../../server/src/language/bound';
import type { Severity } from '../../../server/src/common/findings';
import type { StateChange } from '../../../server/src/common/trace';
import { bindProgram, type FileHost } from '../../../server/src/language/program';
import type { AccessPath, CacheEffect, ExporterCopy, ReportOptions, StepContext } from '../../../server/src/engine/seam';
import { kernelModel, type KernelState } from '../../../server/src/engine/kernel/index';
import { isKernelStmt } from '../../../server/src/language/statements';

export interface Reported {
  readonly line: number;
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
}

export interface Run {
  readonly program: BoundProgram;
  readonly state: KernelState;
  readonly findings: Reported[];
  readonly calls: { call: string; outcome: string; ok: boolean }[];
  readonly changes: StateChange[];
  readonly cache: CacheEffect[];
  readonly hangs: string[];
  readonly accesses: { line: number; path: AccessPath | undefined }[];
  readonly moves: { device: string }[];
}

const emptyHost: FileHost = { readFile: () => undefined, realpath: () => undefined };

/** Severity the rule docs give when the handler does not override it (errors unless told). */
const DEFAULT_SEVERITY: Severity = 'error';

export function bind(text: string): BoundProgram {
  const program = bindProgram({ path: '/virtual/k.dmabuf', text }, { root: '/virtual', host: emptyHost });
  const errors = program.findings.filter((f) => f.severity === 'error');
  if (errors.length > 0) throw new Error(`front end: ${errors.map((f) => `${f.code} ${f.message}`).join('; ')}`);
  return program;
}

/** Wraps a scenario body; `platformText` may declare an `extends` platform named `p`. */
/** A scenario on `platform`; `kernel` gives it its own profile (a header clause) over the platform's. */
export function scenario(body: string, platform = 'x86_64_pc', platformText = '', kernel?: string): string {
  return `${platformText}\nscenario s on ${platform}${kernel ? ` kernel ${kernel}` : ''} {\n${body}\n}\n`;
}

export function run(text: string, name?: string): Run {
  const program = bind(text);
  const sc = name ? program.scenarios.find((s) => s.name === name) : program.scenarios[0];
  if (!sc || !sc.platform) throw new Error('no runnable scenario');
  const file = program.files.get(program.main)!;
  const lineOf = (span: Span): number => file.source.lines.position(span.start).line + 1;
  const out: Run = {
    program,
    state: kernelModel.init(sc.platform, sc),
    findings: [],
    calls: [],
    changes: [],
    cache: [],
    hangs: [],
    accesses: [],
    moves: [],
  };
  const holders = new Map<number, string>();
  const hung = new Set<string>();
  const ctxFor = (agent: string): StepContext => ({
    platform: sc.platform!,
    scenario: sc,
    agent,
    since: (row) => since(sc.platform!.kernel, row),
    cite: (sites, shown) => cite(sc.platform!.kernel, typeof sites === 'string' ? [sites] : sites, shown),
    sym(id: Ident): Symbol {
      const s = program.refs.get(id);
      if (!s) throw new Error(`unresolved ${id.name}`);
      return s;
    },
    report(code: string, at: Node | Span, message: string, options?: ReportOptions) {
      const span = 'span' in at ? at.span : at;
      out.findings.push({ line: lineOf(span), code, severity: options?.severity ?? DEFAULT_SEVERITY, message });
    },
    change(c: StateChange) {
      out.changes.push(c);
    },
    call(call: string, outcome: string, ok = true) {
      out.calls.push({ call, outcome, ok });
    },
    cache(e: CacheEffect) {
      out.cache.push(e);
    },
    // Jobs run at their submit here: a queued exporter copy is recorded as the copy it will be.
    queueCopy(c: ExporterCopy) {
      out.cache.push({ kind: 'copy', from: c.from, to: c.to });
    },
    resvHolder(buffer: Symbol) {
      return holders.get(buffer.id);
    },
    hang(reason: string) {
      out.hangs.push(reason);
      hung.add(agent);
    },
    inSignallingSection: () => false,
  });
  const exec = (stmts: readonly Stmt[], agent: string): void => {
    for (const stmt of stmts) {
      if (hung.has(agent)) return;
      if (sc.broken.has(stmt)) continue;
      step(stmt, agent);
    }
  };
  const step = (stmt: Stmt, agent: string): void => {
    const ctx = ctxFor(agent);
    const k = out.state;
    switch (stmt.kind) {
      case 'Thread':
        return exec(stmt.body, `thread:${stmt.name.name}`);
      case 'Lock':
        holders.set(ctx.sym(stmt.buf).id, agent);
        return;
      case 'Unlock':
        holders.delete(ctx.sym(stmt.buf).id);
        return;
      case 'Submit': {
        const device = ctx.sym(stmt.dev).name;
        const path = kernelModel.deviceAccess(k, ctxFor(`dev:${device}`), { stmt, device, access: stmt.access.value });
        out.accesses.push({ line: lineOf(stmt.span), path });
        return;
      }
      case 'CpuAccess':
        out.accesses.push({ line: lineOf(stmt.span), path: kernelModel.cpuAccess(k, ctx, stmt) });
        return;
      case 'Move': {
        const copy = kernelModel.move(k, ctx, stmt);
        if (copy) out.moves.push({ device: copy.device });
        return;
      }
      default:
        if (isKernelStmt(stmt)) kernelModel.execute(k, ctx, stmt);
    }
  };
  exec(sc.body, 'cpu');
  for (const o of kernelModel.outstanding(out.state)) {
    if (hung.has(o.agent)) continue;
    out.findings.push({ line: lineOf(o.symbol.span), code: o.code, severity: 'error', message: o.what });
  }
  return out;
}

/** `line:CODE` for every finding, in report order. */
export function codes(r: Run): string[] {
  return r.findings.map((f) => `${f.line}:${f.code}`);
}

/** Findings of one code. */
export function only(r: Run, code: string): Reported[] {
  return r.findings.filter((f) => f.code === code);
}

/** Errors and warnings (what a fixture without `//~` must not have). */
export function problems(r: Run): Reported[] {
  return r.findings.filter((f) => f.severity !== 'information');
}

export type { BoundScenario };

/** The 1-based line of the first line containing `needle` (a unique statement text). */
export function lineOf(text: string, needle: string): number {
  const i = text.split('\n').findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`no line contains ${needle}`);
  return i + 1;
}
