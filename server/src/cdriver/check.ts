// `check "driver.c" on PLATFORM { NAME = DEVICE }`: every function of the C file that calls the
// modelled API is cut into paths (paths.ts); each path becomes a scenario of the language (the C
// variables as names, the calls as statements), run by the same engine on the check's platform; the
// findings come back on the C lines of the calls, with the conditions of the path that leads there.
// A dma-buf the function receives is created at the top of the scenario (the caller's, whose
// reference outlives the function); findings on those added lines are about the assumption and are
// dropped. The scenarios are appended to the .dmabuf text itself (its own scenarios blanked out), so the
// platforms it defines or imports are the ones the check names.
import type { BoundCheck } from '../language/bound';
import type { Finding } from '../common/findings';
import type { CNode, Tree } from './c-syntax';
import { functionsOf } from './c-syntax';
import { functionPaths, lastName, type Callee, type CallStep, type CPath } from './paths';
import { CPU_DIRS, DMA_DIRS, RESV_USAGES, type ArgReader } from './api-calls';
import { STATEMENT_KEYWORDS } from '../language/statements';
import { renderMessage, type PlacedMessage } from '../common/message';
import { LineIndex } from '../common/source';

const C_FILE = '<c>';

/** A finding on the C file. Offsets are the C text's. */
export interface CFinding {
  readonly code: string;
  readonly severity: Finding['severity'];
  readonly message: string;
  readonly start: number;
  readonly end: number;
  /** Other C places (the call that created what leaked, the path's branch points). */
  readonly related: readonly { readonly start: number; readonly end: number; readonly message: string }[];
  readonly function: string;
  /** The conditions of the path, in words, and where each is in the C text. */
  readonly path: readonly string[];
  readonly pathAt: readonly { readonly start: number; readonly end: number }[];
  /** The scenario the path became, as text (`--show-scenario`, "Show as scenario"). */
  readonly scenario: string;
}

export interface CCheckResult {
  readonly findings: readonly CFinding[];
  /** Functions not checked, and why. */
  readonly skipped: readonly { readonly function: string; readonly reason: string }[];
  /** What the checker assumed, once each. */
  readonly assumptions: readonly string[];
  /** Every path's scenario, by function. */
  readonly scenarios: readonly { readonly function: string; readonly name: string; readonly text: string; readonly path: readonly string[] }[];
  /**
   * What the engine's run made of each modelled call (the editor's hover), on the first path that
   * reaches it and the engine does not contradict there. Offsets are the C text's.
   */
  readonly calls: readonly CCall[];
}

/** A modelled C call as the engine ran it on one path. */
export interface CCall extends StepAt {
  readonly start: number;
  readonly end: number;
  readonly function: string;
  /** The conditions of the path it ran on, in words. */
  readonly path: readonly string[];
  /** The statement the call became (the kernel call, its result and changes: StepAt). */
  readonly statement: string;
}

/** The engine's step at a statement: the kernel call, its outcome, what it changed (one line per object). */
export interface StepAt {
  readonly call: string;
  readonly outcome: string;
  readonly ok: boolean;
  readonly changes: readonly { readonly object: string; readonly summary: string }[];
}

/**
 * Runs generated scenario text (appended to the .dmabuf text): its findings, and where a kernel call
 * failed in the engine's run (the offsets of the statements whose trace step is not ok).
 */
export type RunScenarios = (text: string) => { readonly findings: readonly Finding[]; readonly failedAt: ReadonlyMap<number, number>; /** Statement offset → its first step. */ readonly stepAt?: ReadonlyMap<number, StepAt> };

/** A RunScenarios from an analysis of the text (the CLI's and the tests' way to run it). */
export function fromAnalysis(a: { readonly findings: readonly Finding[]; readonly engine: { readonly scenarios: readonly { readonly trace: { readonly steps: readonly { readonly index: number; readonly ok: boolean; readonly call: string; readonly outcome: string; readonly agent: string; readonly changes: readonly { readonly object: string; readonly summary: string }[]; readonly location: { readonly span: { readonly start: number } } }[] } }[] } }): ReturnType<RunScenarios> {
  // Statement offset → the trace step (1-based) at which its call failed.
  const failedAt = new Map<number, number>();
  const stepAt = new Map<number, StepAt>();
  for (const s of a.engine.scenarios) {
    for (const step of s.trace.steps) {
      const at = step.location.span.start;
      if (!step.ok && !failedAt.has(at)) failedAt.set(at, step.index);
      // The CPU's call, not a device job that points back at its submit.
      if (!stepAt.has(at) && !step.agent.startsWith('dev:')) stepAt.set(at, { call: step.call, outcome: step.outcome, ok: step.ok, changes: step.changes.map((c) => ({ object: c.object, summary: c.summary })) });
    }
  }
  return { findings: a.findings, failedAt, stepAt };
}

interface PathScenario {
  readonly name: string;
  readonly function: string;
  readonly lines: string[];
  /** For each line of the body, the C node it stands for. */
  readonly nodes: (CNode | undefined)[];
  /** For each line, the C name its statement binds. */
  readonly results: (string | undefined)[];
  /** For each line, the call it stands for (undefined for the lines the checker adds). */
  readonly steps: (CallStep | undefined)[];
  /** The function's definition: where the lines the checker adds (what it assumes of the caller) are placed. */
  readonly at: CNode;
  readonly path: CPath;
  /** Names that leave the function on this path (stored, returned, taken over by a call): no leak at its end. */
  readonly escaped: ReadonlySet<string>;
}

/** `own`: the spans of the .dmabuf file's own scenarios, which are blanked out before the paths' are appended. */
export function checkC(check: BoundCheck, dmabufText: string, tree: Tree, run: RunScenarios, own: readonly { readonly start: number; readonly end: number }[]): CCheckResult {
  const skipped: { function: string; reason: string }[] = [];
  const assumptions = new Set<string>();
  const scenarios: PathScenario[] = [];
  const fns = functionsOf(tree);
  const callees = new Map<string, Callee>(fns.filter((f) => f.isStatic && !f.skipped).map((f) => [f.name, { body: f.body, params: f.params }]));
  // A static helper another function of the file calls is checked through its callers, with their names.
  const called = new Set(fns.flatMap((f) => [...callees.keys()].filter((c) => c !== f.name && new RegExp(`\\b${c}\\s*\\(`).test(f.body.text))));
  for (const fn of fns) {
    if (called.has(fn.name)) continue;
    if (fn.skipped) {
      if (mentionsApi(fn.body)) skipped.push({ function: fn.name, reason: fn.skipped });
      continue;
    }
    const { paths, truncated, unmodelled } = functionPaths(fn.body, callees, fn.name);
    if (!paths.some((p) => p.steps.length > 0)) continue;
    if (truncated) skipped.push({ function: fn.name, reason: `more than ${paths.length} paths: only the first ${paths.length} were checked` });
    for (const u of unmodelled) assumptions.add(`\`${u}()\` (called by ${fn.name}) is assumed to touch no buffer-sharing state`);
    paths.forEach((path, i) => {
      const s = toScenario(check, fn.name, fn.node, i + 1, path, assumptions);
      if ('skip' in s) {
        if (!skipped.some((x) => x.function === fn.name && x.reason === s.skip)) skipped.push({ function: fn.name, reason: s.skip });
      } else if (path.steps.some((x) => !x.failed)) scenarios.push(s);
    });
  }
  if (scenarios.length === 0 || !check.platform) return { findings: [], skipped, assumptions: [...assumptions], scenarios: [], calls: [] };
  const base = blank(dmabufText, own);
  const layout = layOut(check, scenarios, base.length);
  const ran = run(base + layout.texts.join(''));
  const infeasible = contradicted(scenarios, layout, ran.failedAt);
  const findings = ran.findings.filter((f) => f.location.file && f.location.span.start >= base.length);
  const out = mapBack(findings, scenarios, layout, new LineIndex(tree.rootNode.text), infeasible);
  return {
    findings: out,
    skipped,
    assumptions: [...assumptions],
    scenarios: scenarios.map((s, i) => ({ function: s.function, name: s.name, text: layout.texts[i]!.trim(), path: s.path.conditions })),
    calls: callsOf(scenarios, layout, ran.stepAt, infeasible),
  };
}

/** Each modelled call once: the first path that runs it, up to where the engine contradicts that path. */
function callsOf(scenarios: readonly PathScenario[], layout: Layout, stepAt: ReadonlyMap<number, StepAt> | undefined, infeasible: ReadonlyMap<number, { readonly cut: number; readonly step: CallStep }>): CCall[] {
  if (!stepAt) return [];
  const out = new Map<number, CCall>();
  scenarios.forEach((s, i) => {
    const cutAt = infeasible.get(i)?.step;
    for (const [j, offset] of layout.statements[i]!.entries()) {
      const node = s.nodes[j];
      const step = s.steps[j];
      const info = stepAt.get(offset);
      if (!node || !step || !info || out.has(node.startIndex)) continue;
      out.set(node.startIndex, { start: node.startIndex, end: node.endIndex, function: s.function, path: s.path.conditions, statement: s.lines[j]!, ...info });
      if (step === cutAt) break;
    }
  });
  return [...out.values()].sort((a, b) => a.start - b.start);
}

/** The generated scenarios' text, where each starts in the text the engine runs, and where each of its statements starts. */
interface Layout {
  readonly texts: readonly string[];
  readonly starts: readonly number[];
  /** Per scenario, the offset of each body statement (after its indentation). */
  readonly statements: readonly (readonly number[])[];
}

function layOut(check: BoundCheck, scenarios: readonly PathScenario[], baseLength: number): Layout {
  const texts: string[] = [];
  const starts: number[] = [];
  const statements: number[][] = [];
  let at = baseLength;
  for (const s of scenarios) {
    const header = `\nscenario ${s.name} on ${check.decl.platform.name}${kernelOf(check)} {\n`;
    const offsets: number[] = [];
    let pos = at + header.length;
    for (const l of s.lines) {
      offsets.push(pos + 2);
      pos += l.length + 3;
    }
    const text = `${header}${s.lines.map((l) => `  ${l}`).join('\n')}\n}\n`;
    texts.push(text);
    starts.push(at);
    statements.push(offsets);
    at += text.length;
  }
  return { texts, starts, statements };
}

function kernelOf(check: BoundCheck): string {
  const k = check.decl.kernel;
  return k ? ` kernel ${check.platform?.kernel ?? ''}` : '';
}

function mentionsApi(body: CNode): boolean {
  return /\bdma_(buf|resv)_\w+\s*\(/.test(body.text);
}

/** The .dmabuf text with its own scenarios replaced by spaces (offsets kept): only platforms, imports and checks stay. */
function blank(text: string, spans: readonly { readonly start: number; readonly end: number }[]): string {
  let out = text;
  for (const { start, end } of spans) out = out.slice(0, start) + out.slice(start, end).replace(/[^\n]/g, ' ') + out.slice(end);
  return out;
}

const RESERVED = new Set(STATEMENT_KEYWORDS);

/** A C name as a name of the language (a keyword gets a trailing underscore). */
function nameOf(c: string): string {
  const n = c.replace(/[^A-Za-z0-9_]/g, '_');
  return RESERVED.has(n) || /^\d/.test(n) ? `${n}_` : n;
}

function toScenario(check: BoundCheck, fn: string, at: CNode, index: number, path: CPath, assumptions: Set<string>): PathScenario | { readonly skip: string } {
  const lines: string[] = [];
  const nodes: (CNode | undefined)[] = [];
  const created = new Set<string>();
  const given = new Set<string>();
  const body: { line: string; node: CNode; result?: string; step: CallStep }[] = [];
  const results: (string | undefined)[] = [];
  const steps: (CallStep | undefined)[] = [];
  // Out-parameters that name a result (`&handle` of dma_alloc_noncoherent), for the calls after it.
  const outNames = new Map<string, string>();
  // What the path stored or returned, and what a call that succeeded took over (dma_buf_fd()).
  const escaped = new Set(path.escaped);
  for (const step of path.steps) {
    if (step.failed) continue;
    const args = step.node.childForFieldName('arguments')?.namedChildren.filter((c): c is CNode => !!c) ?? [];
    const reader = argReader(check, args, step.result, assumptions, new Map([...outNames, ...(step.alias ?? [])]));
    const stmt = step.call.stmt(reader);
    if (stmt === undefined) return { skip: `the arguments of \`${step.call.fn}()\` at line ${step.node.startPosition.row + 1} cannot be named (a device needs \`NAME = DEVICE\` in the check)` };
    if (typeof stmt !== 'string') return stmt;
    const taken = step.call.takes !== undefined ? args[step.call.takes] : undefined;
    if (taken) escaped.add(reader.name(lastName(taken)));
    const out = step.call.outAlias !== undefined ? args[step.call.outAlias] : undefined;
    if (out && step.result) outNames.set(lastName(out), step.result);
    // A call the model needs no statement for (dma_resv_reserve_fences, sg_free_table): only its result matters.
    if (stmt === '') continue;
    const binds = /^(\w+) = /.exec(stmt)?.[1];
    const used = usedNames(stmt, binds).filter((n) => !check.platform?.devices.has(n) && !check.platform?.iommus.has(n));
    for (const u of used) if (!created.has(u)) given.add(u);
    if (binds) created.add(binds);
    body.push({ line: stmt, node: step.node, step, ...(step.result ? { result: step.result } : {}) });
  }
  // What the function received rather than created: a buffer its caller holds a reference to.
  for (const g of given) {
    if (body.some((b) => b.step.call.fn.startsWith('dma_fence_') && usedNames(b.line, undefined).includes(g))) return { skip: `it uses the fence \`${g}\`, which it does not create (a fence the function receives is not followed yet)` };
    const moved = body.some((b) => new RegExp(`^move ${g}\\b`).test(b.line));
    if (!moved && !isBufferUse(g, body)) return { skip: `it uses \`${g}\`, which it neither creates nor receives as a dma-buf (an attachment or table made elsewhere is not followed yet)` };
    // A buffer whose move the function notifies is the exporting device's own (its described exporter).
    const exporter = moved ? exportingDevice(check) : undefined;
    if (moved && typeof exporter !== 'string') return exporter ?? { skip: 'dma_buf_move_notify() names no exporting device' };
    if (moved) assumptions.add(`a dma-buf whose move the function notifies (\`${g}\`) is ${exporter}'s own export, 1 MiB in system memory, and dma_buf_move_notify() follows a move to system memory`);
    const pre = [moved ? `${g} = export ${exporter} system 1MiB` : `${g} = heap system 1MiB`];
    if (check.pendingWrite) {
      // `pending_write DEVICE`: the device has just written the buffer; its fence is in the reservation (implicit sync).
      pre.push(`${g}__pa = attach ${g} ${check.pendingWrite} dynamic`, `lock ${g}`, `${g}__pt = map ${g}__pa from_device`, `unlock ${g}`, `submit ${check.pendingWrite} write ${g}__pt implicit signal ${g}__pf`);
      assumptions.add(`a dma-buf the function receives was just written by ${check.pendingWrite}, whose write fence is still pending in its reservation`);
    }
    for (const l of pre) {
      lines.push(l);
      nodes.push(undefined);
      results.push(undefined);
      steps.push(undefined);
    }
    assumptions.add(`a dma-buf the function receives (\`${g}\`) is a 1 MiB system-heap buffer its caller holds a reference to`);
  }
  // A reference the function took on a buffer whose attachment it stored away belongs to that object
  // (drm_gem_prime_import_dev(): the GEM object drops it at destroy), like the attachment.
  for (const b of body) {
    const got = /^get (\w+)$/.exec(b.line)?.[1];
    const owner = got && body.find((a) => a.result && escaped.has(a.result) && new RegExp(`^\\w+ = attach ${got}\\b`).test(a.line));
    if (owner && owner.result) b.result = owner.result;
  }
  // The caller's reference outlives the function: no put here (what the checker adds reports nothing).
  for (const b of body) {
    lines.push(b.line);
    nodes.push(b.node);
    results.push(b.result);
    steps.push(b.step);
  }
  return { name: nameOf(`${fn}_path_${index}`), function: fn, lines, nodes, results, steps, path, at, escaped };
}

/** Names a statement uses (not the one it binds). */
function usedNames(stmt: string, binds: string | undefined): string[] {
  const words = stmt.replace(/^\s*\w+\s*=\s*/, '').split(/\s+/).slice(1);
  return words.filter((w) => /^[A-Za-z_]\w*$/.test(w) && !RESERVED.has(w) && !WORDS.has(w) && w !== binds);
}

const WORDS = new Set([...Object.values(DMA_DIRS), ...Object.values(CPU_DIRS), ...Object.values(RESV_USAGES), 'dynamic', 'system', 'heap', 'peer2peer', 'read', 'write', 'rw', 'for_cpu', 'for_device', 'add', 'timeout', 'offset', 'at', 'size']);

/** A received name used as a buffer (first operand of attach, put, get, lock, begin/end_cpu). */
function isBufferUse(name: string, body: readonly { line: string }[]): boolean {
  return body.some((b) => new RegExp(`^(?:\\w+ = attach|\\w+ = vmap|\\w+ = vmap_unlocked|put|get|lock|unlock|begin_cpu|end_cpu|wait_resv) ${name}\\b`).test(b.line) && !new RegExp(`^(?:detach|unmap|unmap_unlocked|pin|unpin) ${name}\\b`).test(b.line));
}

/** The check's one device, when its exporter is described (or built in): whose dma_buf_ops the driver's export uses. */
function exportingDevice(check: BoundCheck): string | { readonly skip: string } {
  if (check.roles.size !== 1) return { skip: 'the driver\'s own dma-buf names no device: give the check exactly one `NAME = DEVICE`, the exporting one' };
  const dev = [...check.roles.values()][0]!;
  if (check.platform?.devices.get(dev)?.exporter === 'none') return { skip: `describe ${dev}'s dma_buf_ops in the .dmabuf file (an \`exporter\` item on the device) to follow the driver's own export` };
  return dev;
}

function argReader(check: BoundCheck, args: readonly CNode[], result: string | undefined, assumptions: Set<string>, alias: ReadonlyMap<string, string> = new Map()): ArgReader {
  const expr = (i: number): CNode | undefined => args[i];
  return {
    result: result === undefined ? undefined : nameOf(result),
    arg(i) {
      const e = expr(i);
      if (!e) return undefined;
      // `buf->resv` stands for the buffer, `&map` for map, `sgt->sgl` for the table.
      const text = e.text.replace(/^&/, '').replace(/(->|\.)(resv|sgl)$/, '');
      const name = lastNameOfText(text, e);
      return nameOf(alias.get(name) ?? name);
    },
    dev(i) {
      const e = expr(i);
      if (!e) return undefined;
      const role = check.roles.get(lastName(e));
      if (role) return role;
      if (check.roles.size === 1) {
        const only = [...check.roles.values()][0]!;
        assumptions.add(`\`${e.text}\` is ${only}, the check's only device`);
        return only;
      }
      return undefined;
    },
    dir(i) {
      const t = expr(i)?.text ?? '';
      const d = DMA_DIRS[t];
      if (d) return d;
      assumptions.add(`a direction the checker cannot read (\`${t}\`) is DMA_BIDIRECTIONAL`);
      return 'bidirectional';
    },
    size(i) {
      const t = (expr(i)?.text ?? '').trim();
      const n = sizeOfC(t);
      if (n !== undefined) return String(n);
      assumptions.add(`a size the checker cannot read (\`${t}\`) is 4 KiB`);
      return '4KiB';
    },
    usage(i) {
      const t = expr(i)?.text ?? '';
      const u = RESV_USAGES[t];
      if (u) return u;
      assumptions.add(`a reservation usage the checker cannot read (\`${t}\`) is DMA_RESV_USAGE_WRITE`);
      return 'write';
    },
    text(i) {
      return expr(i)?.text ?? '';
    },
    name(c) {
      return nameOf(alias.get(c) ?? c);
    },
    iommu(i) {
      const dev = this.dev(i);
      const viaDev = dev ? check.platform?.devices.get(dev)?.iommu?.iommu : undefined;
      if (viaDev) return viaDev;
      const only = check.roles.size === 1 ? [...check.roles.values()][0] : undefined;
      const viaRole = only ? check.platform?.devices.get(only)?.iommu?.iommu : undefined;
      if (viaRole) return viaRole;
      const all = [...(check.platform?.iommus.keys() ?? [])];
      if (all.length === 1) return all[0];
      return undefined;
    },
    addr(i) {
      const t = (expr(i)?.text ?? '').trim();
      const n = sizeOfC(t);
      if (n !== undefined) return `0x${n.toString(16)}`;
      // The same expression is the same IOVA on the path; a different one, a different IOVA.
      let h = 0;
      for (const ch of t) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
      const addr = 0x1000_0000 + (h % 0x1000) * 0x10_0000;
      assumptions.add(`an IOVA the checker cannot read (\`${t}\`) is 0x${addr.toString(16)}`);
      return `0x${addr.toString(16)}`;
    },
    phys(i) {
      const e = expr(i);
      if (!e) return undefined;
      // page_to_phys(pages), virt_to_phys(buf), sg_phys(sg): the memory named inside.
      const inner = /^\w+\s*\(\s*&?([\w>.-]+?)\s*\)$/.exec(e.text.trim())?.[1];
      const name = inner ? inner.replace(/^.*(?:->|\.)/, '') : lastNameOfText(e.text, e);
      return nameOf(alias.get(name) ?? name);
    },
    exporter() {
      const dev = exportingDevice(check);
      if (typeof dev === 'string') assumptions.add(`a dma-buf the driver exports with dma_buf_export() is ${dev}'s, from system memory, its size as exp_info gives it (unread: 4 KiB)`);
      return dev;
    },
    prot(i) {
      const t = expr(i)?.text ?? '';
      const r = /IOMMU_READ/.test(t);
      const w = /IOMMU_WRITE/.test(t);
      if (r && w) return 'rw';
      if (r) return 'read';
      if (w) return 'write';
      assumptions.add(`IOMMU permissions the checker cannot read (\`${t}\`) are read and write`);
      return 'rw';
    },
    cpu(i) {
      const t = expr(i)?.text ?? '';
      const d = CPU_DIRS[t];
      if (d) return d;
      assumptions.add(`a CPU access direction the checker cannot read (\`${t}\`) is DMA_BIDIRECTIONAL`);
      return 'rw';
    },
  };
}

/** A C size expression the checker can read: a number, PAGE_SIZE, SZ_4K, SZ_1M. */
function sizeOfC(t: string): number | undefined {
  if (/^\d+[uUlL]*$/.test(t)) return Number.parseInt(t, 10);
  if (/^0x[0-9a-fA-F]+[uUlL]*$/.test(t)) return Number.parseInt(t, 16);
  if (t === 'PAGE_SIZE') return 4096;
  const sz = /^SZ_(\d+)([KMG])$/.exec(t);
  if (sz) return Number(sz[1]) * { K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[sz[2] as 'K' | 'M' | 'G'];
  return undefined;
}

function lastNameOfText(text: string, node: CNode): string {
  const m = /([A-Za-z_]\w*)\s*$/.exec(text);
  return m ? m[1]! : lastName(node);
}

/**
 * Paths the engine contradicts: they take the branch where a call succeeded, but on this platform the
 * call fails (vfio-pci refusing a static importer, a mapping the mask cannot reach). Their findings
 * would rest on a path the kernel never runs.
 */
function contradicted(scenarios: readonly PathScenario[], layout: Layout, failedAt: ReadonlyMap<number, number>): Map<number, { readonly cut: number; readonly step: CallStep }> {
  // Scenario index → the trace step of its first contradicted call (findings after it are dropped) and the call.
  const out = new Map<number, { readonly cut: number; readonly step: CallStep }>();
  scenarios.forEach((s, i) => {
    for (const [j, offset] of layout.statements[i]!.entries()) {
      const step = s.steps[j];
      const failed = failedAt.get(offset);
      if (step?.decided && !step.failed && failed !== undefined) {
        out.set(i, { cut: failed, step });
        return;
      }
    }
  });
  return out;
}

/**
 * The path's conditions and where each is. On a path the engine contradicts, the success it assumed
 * of the failing call is replaced by that call's failure on this platform.
 */
function pathOf(path: CPath, contra: CallStep | undefined): Pick<CFinding, 'path' | 'pathAt'> {
  const all = path.conditions.map((text, i) => ({ text, at: path.conditionAt[i]! }));
  if (!contra) return { path: all.map((c) => c.text), pathAt: all.map((c) => c.at) };
  const line = contra.node.startPosition.row + 1;
  const kept = all.filter((c) => !c.text.startsWith(`when \`${contra.call.fn}()\` at line ${line} succeeds`));
  kept.push({ text: `where \`${contra.call.fn}()\` at line ${line} fails on this platform (the branch after its success never runs)`, at: { start: contra.node.startIndex, end: contra.node.endIndex } });
  return { path: kept.map((c) => c.text), pathAt: kept.map((c) => c.at) };
}

/** Findings of the generated text, on the C lines of the calls they are at; one per place and message. */
function mapBack(findings: readonly Finding[], scenarios: readonly PathScenario[], layout: Layout, cLines: LineIndex, infeasible: ReadonlyMap<number, { readonly cut: number; readonly step: CallStep }>): CFinding[] {
  const { starts, texts, statements } = layout;
  const indexAt = (offset: number): number => {
    let i = starts.length - 1;
    while (i > 0 && starts[i]! > offset) i--;
    return i;
  };
  const nodeAt = (offset: number): { scenario: PathScenario; node: CNode | undefined; result: string | undefined; text: string } | undefined => {
    const i = indexAt(offset);
    const s = scenarios[i];
    const t = texts[i];
    if (!s || t === undefined) return undefined;
    // The body statement the offset falls in (none for the header or the closing brace).
    const j = statements[i]!.findIndex((at, k) => offset >= at && offset <= at + s.lines[k]!.length);
    return { scenario: s, node: j >= 0 ? s.nodes[j] : undefined, result: j >= 0 ? s.results[j] : undefined, text: t };
  };
  // Places a message names ("mapped at line 12") are generated lines: name the C lines instead.
  const render = (m: PlacedMessage): string => {
    const places = m.places?.map((p) => {
      const hit = nodeAt(p.offset);
      return { file: C_FILE, offset: hit?.node?.startIndex ?? hit?.scenario.at.startIndex ?? 0 };
    });
    const text = renderMessage({ message: m.message, ...(places ? { places } : {}) }, (file) => (file === C_FILE ? cLines : undefined));
    // A C name that is a word of the language was renamed `name_`: give it back its own name.
    return text.replace(/\b([A-Za-z_]\w*)_\b/g, (whole, n: string) => (RESERVED.has(n) ? n : whole));
  };
  const out: CFinding[] = [];
  const seen = new Set<string>();
  for (const f of findings) {
    // On a path the engine contradicts (the C took the success branch of a call that fails here), only
    // what happened up to that call is real: the failure itself is the finding.
    const contra = infeasible.get(indexAt(f.location.span.start));
    if (contra && (f.traceStep === undefined || f.traceStep > contra.cut)) continue;
    const hit = nodeAt(f.location.span.start);
    // A finding on the lines the checker added (the caller's buffer and its put) is about the assumption, not the C.
    const node = hit?.node;
    if (!hit || !node) continue;
    // What the function stored in an object or returned is released elsewhere: no leak at its end.
    if ((f.code === 'LEAK-01' || f.code === 'DMAAPI-05') && hit.result && hit.scenario.escaped.has(hit.result)) continue;
    const key = `${f.code}@${node.startIndex}:${f.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const related = f.related
      .map((r) => ({ r, n: nodeAt(r.location.span.start)?.node }))
      .filter((x): x is { r: (typeof f.related)[number]; n: CNode } => x.n !== undefined && x.n.startIndex !== node.startIndex)
      .map(({ r, n }) => ({ start: n.startIndex, end: n.endIndex, message: render(r) }));
    const message = render(f);
    out.push({
      code: f.code,
      severity: f.severity,
      message,
      start: node.startIndex,
      end: node.endIndex,
      related,
      function: hit.scenario.function,
      ...pathOf(hit.scenario.path, contra?.step),
      scenario: hit.text.trim(),
    });
  }
  return out.sort((a, b) => a.start - b.start || a.code.localeCompare(b.code));
}
