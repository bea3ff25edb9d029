// Hover: keywords (the kernel call, what it does, the rules it can trigger), names (kind,
// declaration, and the simulated state after the statement under the cursor), sizes (bytes and
// hex) and rule codes (in `//~` comments and anywhere a code is written in a comment).
import type { Hover, MarkupContent } from 'vscode-languageserver';
import type { Ident, KernelItem, KernelVersion, Stmt, Word } from '../../language/ast';
import { profilesInRange } from '../../language/profiles';
import { profileMarkdown, rangeMarkdown, ruleProfileSection } from '../../language/profile-docs';
import { exporterLabel, type BoundProgram, type ResolvedPlatform, type Symbol } from '../../language/bound';
import { describedExporterLines } from '../docs/exporters';
import type { StateChange } from '../../common/trace';
import { allRules, ruleDoc, ruleMarkdown } from '../../engine/rule-docs/registry';
import type { ServerContext } from '../context';
import type { DocState } from '../documents';
import { isPlatformKind, keywordDoc } from '../docs/keywords';
import { kernelC } from '../../engine/kernel-c';
import type { CEnv } from '../../language/statements';
import { hex, ruleLink, sizeText, stateMarkdown } from '../markdown';
import { guard } from '../request';
import { cHoverAt } from './cHover';
import { tokenAt } from '../text/scan';
import type { Token } from '../text/scan';

// Every code the registry documents, so a new code gets hover without touching this file.
const RULE_CODE = new RegExp(`\\b(?:${allRules().map((r) => r.id).join('|')})\\b`, 'g');

export function register(ctx: ServerContext): void {
  ctx.connection.onHover(
    guard(ctx.log, 'hover', null as Hover | null, (p) => {
      const doc = ctx.doc(p.textDocument.uri);
      if (!doc) {
        const c = ctx.cChecks.doc(p.textDocument.uri);
        return c ? cHoverAt(c, c.lines.offset(p.position)) : null;
      }
      return hoverAt(doc, doc.lines.offset(p.position));
    }),
  );
}

export function hoverAt(doc: DocState, offset: number): Hover | null {
  const tok = tokenAt(doc.tokens, offset);
  if (!tok) return null;
  if (tok.kind === 'comment') return ruleCodeHover(doc, tok, offset);
  const syntax = doc.front.syntax;
  const program = doc.front.program;
  const range = doc.lines.range({ start: tok.start, end: tok.end });
  const item = syntax?.contextAt(offset);
  if (item?.kind === 'Kernel' && (tok.kind === 'number' || tok.kind === 'word')) {
    return md(kernelHover(doc, item.node as unknown as KernelItem, item.keyword?.start === tok.start, offset), range);
  }
  if (tok.kind === 'number') {
    const num = syntax?.numberAt(offset);
    if (!num) return null;
    return md(numberHover(num.value, num.text, syntax?.contextAt(offset)?.kind), range);
  }
  if (tok.kind !== 'word') return null;
  const ident = syntax?.identAt(offset);
  const sym = ident && program && ident.span.start === tok.start ? program.refs.get(ident) : undefined;
  if (sym && program && ident) return md(nameHover(doc, program, sym, ident, offset), range);
  const context = syntax?.contextAt(offset);
  const kw = keywordDoc(tok.text, { kind: context?.kind, leading: context?.keyword?.start === tok.start });
  if (kw) {
    const lines = [`**\`${tok.text}\`** — \`${kw.call}\``, '', kw.summary];
    if (kw.rules.length) lines.push('', `Can trigger: ${kw.rules.map(ruleLink).join(' · ')}`);
    const stmt = context && context.keyword?.start === tok.start ? statementC(context.node, profileAt(doc, offset), { kindOf: (id) => doc.front.program?.refs.get(id)?.kind, vfio: () => false }) : undefined;
    if (stmt) lines.push('', 'This statement as kernel C:', '```c', stmt, '```');
    return md(lines.join('\n'), range);
  }
  if (ident) return md(`\`${ident.name}\` — unresolved name`, range);
  return null;
}

/**
 * A `kernel` line: on the keyword, its docs and the whole item; on a version word, that profile:
 * what it changes relative to the baseline, each row with its release, commit and evidence class.
 */
function kernelHover(doc: DocState, item: KernelItem, onKeyword: boolean, offset: number): string {
  const spelled = (w: Word<KernelVersion>): string => doc.text.slice(w.span.start, w.span.end);
  const words = item.last ? [item.version, item.last] : [item.version];
  const under = onKeyword ? undefined : words.find((w) => w.span.start <= offset && offset <= w.span.end);
  const head: string[] = [];
  const kw = keywordDoc('kernel', { kind: 'Kernel', leading: true });
  if (onKeyword && kw) head.push(`**\`kernel\`** — \`${kw.call}\``, '', kw.summary, '');
  const range = item.last && profilesInRange(item.version.value, item.last.value);
  const body = under || !range ? profileMarkdown((under ?? item.version).value, spelled(under ?? item.version)) : rangeMarkdown(range, words.map(spelled));
  return [...head, ...body].join('\n');
}

/** The kernel profile of the scenario around `offset` (a statement's C follows it: `domain` from 6.13). */
function profileAt(doc: DocState, offset: number): KernelVersion | undefined {
  const scenario = doc.front.program?.scenarios.find((s) => s.file === doc.path && s.decl.span.start <= offset && offset <= s.decl.span.end);
  return scenario?.platform?.kernel;
}

function statementC(node: Readonly<Record<string, unknown>>, kernel: KernelVersion | undefined, env: CEnv): string | undefined {
  if (isPlatformKind(String(node.kind)) || node.kind === 'Scenario' || node.kind === 'Import' || node.kind === 'Thread') return undefined;
  try {
    return kernelC(node as unknown as Stmt, '', kernel, env);
  } catch {
    return undefined; // a statement the renderer does not know yet: the keyword docs suffice
  }
}

function md(value: string, range: Hover['range']): Hover {
  const contents: MarkupContent = { kind: 'markdown', value };
  return { contents, range };
}

function ruleCodeHover(doc: DocState, tok: Token, offset: number): Hover | null {
  for (const m of tok.text.matchAll(RULE_CODE)) {
    const start = tok.start + (m.index ?? 0);
    const end = start + m[0].length;
    if (offset < start || offset > end) continue;
    const rule = ruleDoc(m[0]);
    if (!rule) return null;
    const profiles = ruleProfileSection(rule.id);
    return md([ruleMarkdown(rule), ...(profiles.length ? ['', ...profiles] : [])].join('\n'), doc.lines.range({ start, end }));
  }
  return null;
}

function numberHover(value: number, text: string, context: string | undefined): string {
  if (context === 'DmaMask') {
    const mask = value >= 64 ? '0xffffffffffffffff' : hex(2 ** value - 1);
    return `**${value}-bit DMA mask**: \`DMA_BIT_MASK(${value})\` = \`${mask}\``;
  }
  if (context === 'Iommu') {
    if (!/[KMGTB]/.test(text) && value <= 64) return `**${value} bits** of IOVA: addresses up to ${hex(2 ** value - 1)}`;
  }
  return `\`${text}\` = ${sizeText(value)}`;
}

function declarationLine(doc: DocState, program: BoundProgram, sym: Symbol): string {
  const file = program.files.get(sym.file);
  if (!file) return '';
  const line = file.source.lines.position(sym.span.start).line;
  const text = file.source.lines.lineText(line).trim();
  const where = sym.file === doc.path ? `line ${line + 1}` : `${sym.file.replace(/^.*[\\/]/, '')}:${line + 1}`;
  return `Declared at ${where}: \`${text}\``;
}

function nameHover(doc: DocState, program: BoundProgram, sym: Symbol, ident: Ident, offset: number): string {
  const head = `**${sym.kind.replace('_', ' ')}** \`${sym.name}\`${sym.container ? ` (in ${sym.container})` : ''}`;
  const lines = [head, '', declarationLine(doc, program, sym)];
  if (sym.kind === 'platform') {
    const platform = program.platforms.get(sym.name);
    const file = program.files.get(sym.file);
    if (platform && file) lines.push('', '```dmabuf', file.source.text.slice(platform.decl.span.start, platform.decl.span.end), '```');
    return lines.join('\n');
  }
  const hw = hardwareFacts(program, sym);
  if (hw.length) lines.push('', ...hw);
  const state = simulatedState(doc, sym, ident, offset);
  if (state) lines.push('', ...state);
  return lines.join('\n');
}

/** What the bound platform says about a device, IOMMU, group, bridge or switch. */
function hardwareFacts(program: BoundProgram, sym: Symbol): string[] {
  const platform = platformOf(program, sym);
  if (!platform) return [];
  if (sym.kind === 'device') {
    const d = platform.devices.get(sym.name);
    if (!d) return [];
    return [
      `- bus: ${d.bus.kind === 'pci' ? `PCI below \`${d.bus.upstream}\`` : 'platform'}`,
      `- DMA ${d.coherent ? 'coherent (snoops CPU caches)' : 'non-coherent (needs cache maintenance)'}`,
      `- dma_mask: ${d.dmaMask} bits · max_segment: ${sizeText(d.maxSegment)}${d.segmentBoundary ? ` · segment_boundary: ${sizeText(d.segmentBoundary)}` : ''}`,
      `- IOMMU: ${d.iommu ? `\`${d.iommu.iommu}\`, group \`${d.iommu.group}\`` : 'none (direct DMA: physical / bus addresses)'}`,
      `- exporter: ${exporterLabel(d.exporter)}${d.bars.size ? ` · BARs: ${[...d.bars.values()].map((b) => `\`${b.name}\` ${sizeText(b.size)}${b.mmio ? ' mmio' : ''}`).join(', ')}` : ''}`,
      `- platform \`${platform.name}\` (${platform.arch}, kernel ${platform.kernel})`,
    ];
  }
  if (sym.kind === 'exporter') {
    const e = platform.exporters.get(sym.name);
    return e ? describedExporterLines(e) : [];
  }
  if (sym.kind === 'iommu') {
    const i = platform.iommus.get(sym.name);
    return i ? [`- page sizes: ${i.pageSizes.map((s) => sizeText(s).split(' = ')[0]).join(', ')} · IOVA bits: ${i.iovaBits}`] : [];
  }
  if (sym.kind === 'group') {
    const g = platform.groups.get(sym.name);
    return g ? [`- IOMMU \`${g.iommu}\`; devices: ${g.devices.map((d) => `\`${d}\``).join(', ')}`] : [];
  }
  if (sym.kind === 'host_bridge') {
    const h = platform.hostBridges.get(sym.name);
    return h ? [`- P2P through it: ${h.p2p ? 'yes (whitelisted)' : 'no'}`] : [];
  }
  if (sym.kind === 'switch') {
    const s = platform.switches.get(sym.name);
    return s ? [`- under \`${s.under}\`; ACS redirect: ${s.acs ? 'yes' : 'no'}`] : [];
  }
  if (sym.kind === 'bar' && sym.container) {
    const b = platform.devices.get(sym.container)?.bars.get(sym.name);
    return b ? [`- ${sizeText(b.size)}${b.mmio ? ', registers (mmio)' : ', memory'}`] : [];
  }
  return [];
}

function platformOf(program: BoundProgram, sym: Symbol): ResolvedPlatform | undefined {
  for (const p of program.platforms.values()) {
    const owner = sym.kind === 'bar' ? p.devices.get(sym.container ?? '') : undefined;
    const match =
      p.devices.get(sym.name)?.symbol.id === sym.id ||
      p.iommus.get(sym.name)?.symbol.id === sym.id ||
      p.groups.get(sym.name)?.symbol.id === sym.id ||
      p.hostBridges.get(sym.name)?.symbol.id === sym.id ||
      p.switches.get(sym.name)?.symbol.id === sym.id ||
      p.exporters.get(sym.name)?.symbol.id === sym.id ||
      owner?.bars.get(sym.name)?.symbol.id === sym.id;
    if (match) return p;
  }
  return undefined;
}

/**
 * The object's state after the statement under the cursor, from the last engine result for this
 * exact text: the latest change of that object at or before the statement's own trace step.
 */
function simulatedState(doc: DocState, sym: Symbol, ident: Ident, offset: number): string[] | undefined {
  const engine = doc.currentEngine;
  const syntax = doc.front.syntax;
  if (!syntax) return undefined;
  const scenarioNode = syntax.topLevelAt(offset);
  if (!scenarioNode || scenarioNode.kind !== 'Scenario') return undefined;
  const scenarioName = (scenarioNode.node.name as Ident).name;
  if (!engine) return [`*State: not simulated yet for this text${doc.engine ? ' (the engine is checking the latest edit)' : ''}.*`];
  const result = engine.scenarios.find((s) => s.name === scenarioName);
  if (!result) return undefined;
  const stmt = syntax.contextAt(ident.span.start);
  const steps = result.trace.steps.filter((s) => s.location.file === doc.path);
  const ownAll = stmt ? steps.filter((s) => s.location.span.start === stmt.span.start) : [];
  // A submit's device job points at the submit too but runs later: "after the statement" means
  // after the steps of the agent that executed it.
  const own = ownAll.filter((s) => s.agent === ownAll[0]?.agent);
  const bound = own.length
    ? Math.max(...own.map((s) => s.index))
    : Math.max(0, ...steps.filter((s) => stmt && s.location.span.end <= stmt.span.start).map((s) => s.index));
  let latest: { change: StateChange; step: number } | undefined;
  for (const step of result.trace.steps) {
    if (step.index > bound) continue;
    for (const c of step.changes) if (c.object === sym.name && (!latest || step.index >= latest.step)) latest = { change: c, step: step.index };
  }
  if (!latest) return bound === 0 ? [`*Not reached in the reported run of \`${scenarioName}\`.*`] : [`*No simulated state for \`${sym.name}\` up to step ${bound}.*`];
  const out = [`**State after step ${latest.step}** of \`${scenarioName}\`: ${latest.change.summary}`];
  if (latest.change.state) out.push('', ...stateMarkdown(latest.change.state));
  return out;
}
