// Platforms for K-DMA's unit tests, bound by the real front end from the built-in text (plus an
// optional extending platform), and a StepContext that records what the kernel half reports.
import { since } from '../../../../server/src/language/profiles';
import { cite } from '../../../../server/src/engine/kernel/citations';
import type { Ident, Node, Span } from '../../../../server/src/language/ast';
import type { ResolvedPlatform, Symbol } from '../../../../server/src/language/bound';
import type { Severity } from '../../../../server/src/common/findings';
import type { StateChange } from '../../../../server/src/common/trace';
import type { CacheEffect, ReportOptions, StepContext } from '../../../../server/src/engine/seam';
import { bind } from '../harness';

export function platform(name: string, extra = ''): ResolvedPlatform {
  // A program binds the built-ins only when it names one (builtins.ts): name it.
  const program = bind(`${extra}\n// ${name}\n`);
  const p = program.platforms.get(name);
  if (!p) throw new Error(`no platform ${name}`);
  return p;
}

export interface Recorder {
  readonly ctx: StepContext;
  readonly reports: { code: string; severity: Severity; message: string }[];
  readonly changes: StateChange[];
  readonly cache: CacheEffect[];
}

export function recorder(p: ResolvedPlatform): Recorder {
  const reports: Recorder['reports'] = [];
  const changes: StateChange[] = [];
  const cache: CacheEffect[] = [];
  const ctx: StepContext = {
    platform: p,
    scenario: undefined as never,
    agent: 'cpu',
    since: (row) => since(p.kernel, row),
    cite: (sites, shown) => cite(p.kernel, typeof sites === 'string' ? [sites] : sites, shown),
    sym(id: Ident): Symbol {
      throw new Error(`no symbols in unit tests (${id.name})`);
    },
    report(code: string, _at: Node | Span, message: string, options?: ReportOptions) {
      reports.push({ code, severity: options?.severity ?? 'error', message });
    },
    change: (c) => changes.push(c),
    call: () => undefined,
    cache: (e) => cache.push(e),
    // No time half here: a queued exporter copy is recorded as the copy it will be.
    queueCopy: (c) => cache.push({ kind: 'copy', from: c.from, to: c.to }),
    resvHolder: () => undefined,
    hang: () => undefined,
    inSignallingSection: () => false,
  };
  return { ctx, reports, changes, cache };
}

export const at: Node = { span: { start: 0, end: 1 } };
export const KiB = 1024;
export const MiB = 1024 * KiB;
export const GiB = 1024 * MiB;
