// Completion by context: the words already typed in the current statement and the block the
// cursor is in decide what may come next — statement keywords, names in scope of the right kind
// (declared earlier in the scenario), the platform's devices, BARs, groups and IOMMUs,
// directions, usages, configs. Works from tokens, so half-typed lines complete too.
import { CompletionItemKind } from 'vscode-languageserver';
import type { CompletionItem } from 'vscode-languageserver';
import { exporterLabel, type BoundProgram, type ResolvedPlatform, type SymbolKind } from '../../language/bound';
import type { ServerContext } from '../context';
import type { DocState } from '../documents';
import { CONFIG_WORDS, DEVICE_ITEM_WORDS, EXPORTER_ITEM_WORDS, PLATFORM_ITEM_WORDS, keywordDoc } from '../docs/keywords';
import { BUILTIN_EXPORTER_NAMES, DMA_BUF_CALLBACKS, EXPORTER_LINE_VALUES } from '../../language/ast';
import { KERNEL_VERSIONS, MAINLINE, parseVersion, profilesInRange } from '../../language/profiles';
import { BINDING_KEYWORDS, PLAIN_KEYWORDS, statementFor, type AnySlot, type AnySpec, type CompletionSlot } from '../../language/statements';
import { assertNever } from '../../common/assert';
import { builtins } from '../../language/builtins';
import { guard } from '../request';
import type { Token } from '../text/scan';

export function register(ctx: ServerContext): void {
  ctx.connection.onCompletion(
    guard(ctx.log, 'completion', [] as CompletionItem[], (p) => {
      const doc = ctx.doc(p.textDocument.uri);
      return doc ? completeAt(doc, doc.lines.offset(p.position)) : [];
    }),
  );
}

/** What may be typed at `offset`: an argument kind, a fixed set of words, or both. */
type Slot = CompletionSlot;

const W = (...words: string[]): Slot => ({ words });
const H = (hardware: 'device' | 'bar' | 'iommu' | 'group' | 'upstream' | 'platform'): Slot => ({ hardware });
const NONE: Slot = { none: true };
const YESNO = W('yes', 'no');

/**
 * Argument slots of a statement, in order, from its table entry (statements.ts); the last slot
 * repeats for trailing options. An optional word also offers the tagged option after it.
 */
export function statementArgs(spec: AnySpec): readonly Slot[] {
  if (spec.complete) return spec.complete;
  const slots: readonly AnySlot[] = spec.slots;
  const out: Slot[] = [];
  for (let i = 0; i < slots.length; i++) {
    const slot = slots[i];
    if (slot.take === 'flag') {
      const words: string[] = [];
      for (; i < slots.length; i++) {
        const f = slots[i];
        if (f.take !== 'flag') break;
        words.push(f.word);
      }
      i--;
      out.push({ words });
      continue;
    }
    out.push(...argSlots(slot, slots[i + 1]));
  }
  return out;
}

function argSlots(slot: AnySlot, next: AnySlot | undefined): Slot[] {
  switch (slot.take) {
    case 'name':
      return slot.list ? [{ names: slot.of }, { names: slot.of }] : [{ names: slot.of }];
    case 'hardware':
      return [{ hardware: slot.of }];
    case 'mem':
      return [{ hardware: 'bar' }];
    case 'word': {
      const offered = slot.words.filter((w) => !slot.mistakes?.includes(w));
      return [{ words: slot.optional && next?.take === 'tagged' ? [...offered, next.word] : offered }];
    }
    case 'size':
    case 'count':
    case 'signed':
    case 'binds':
      return [NONE];
    case 'tagged':
      return [{ words: [slot.word] }, ...argSlots(slot.slot, undefined)];
    case 'keyword':
      return [{ words: [slot.word] }];
    case 'range':
      return [{ words: ['at'], range: true }];
    case 'target':
      return [{ names: slot.of }];
    case 'flag':
      return [{ words: [slot.word] }];
    default:
      return assertNever(slot);
  }
}

const PLATFORM_ARGS: Record<string, readonly Slot[]> = {
  arch: [W('x86_64', 'arm64', 'arm32', 'riscv64')],
  config: [W(...CONFIG_WORDS), YESNO],
  page_size: [NONE],
  ram: [NONE, W('at')],
  iommu: [NONE],
  host_bridge: [NONE],
  switch: [NONE, W('under'), H('upstream')],
  device: [NONE],
  // device items
  bus: [W('pci', 'platform'), H('upstream')],
  coherent: [YESNO],
  dma_mask: [NONE],
  max_segment: [NONE],
  segment_boundary: [NONE],
  bar: [NONE, NONE, W('mmio')],
  p2p: [YESNO],
  acs: [YESNO],
  page_sizes: [NONE],
  iova_bits: [NONE],
};

interface Block {
  readonly header: readonly string[];
}

/** The open blocks at `offset` (outermost first) and the words of the statement being typed. */
function lexicalContext(tokens: readonly Token[], offset: number): { blocks: Block[]; words: string[]; prefix: string } {
  const blocks: Block[] = [];
  let words: string[] = [];
  let prefix = '';
  for (const t of tokens) {
    if (t.start >= offset) break;
    if (t.kind === 'word' || t.kind === 'number' || (t.kind === 'punct' && (t.text === '=' || t.text === ',' || t.text === '..'))) {
      if (t.end >= offset && t.kind !== 'punct') {
        prefix = t.text.slice(0, offset - t.start);
        break;
      }
      words.push(t.text);
    } else if (t.kind === 'newline' || (t.kind === 'punct' && t.text === ';')) words = [];
    else if (t.kind === 'punct' && t.text === '{') {
      blocks.push({ header: words });
      words = [];
    } else if (t.kind === 'punct' && t.text === '}') {
      blocks.pop();
      words = [];
    } else if (t.kind === 'comment' && t.end >= offset) return { blocks, words: [], prefix: '\0' }; // inside a comment
  }
  return { blocks, words, prefix };
}

export function completeAt(doc: DocState, offset: number): CompletionItem[] {
  const { blocks, words, prefix } = lexicalContext(doc.tokens, offset);
  if (prefix === '\0') return [];
  const top = blocks[0]?.header[0];
  const inner = blocks[blocks.length - 1]?.header[0];
  const program = doc.front.program;
  const scenarioName = top === 'scenario' ? blocks[0].header[1] : undefined;
  const platformName = top === 'scenario' ? blocks[0].header[3] : top === 'platform' ? blocks[0].header[1] : undefined;
  const platform = platformName ? program?.platforms.get(platformName) : undefined;
  const env: Env = { doc, program, platform, scenario: scenarioName, offset, words };

  if (blocks.length === 0) return topLevel(env);
  if (top === 'scenario') return statementSlot(env);
  // Inside a platform: the innermost block decides (platform, device, iommu, host_bridge, switch).
  if (words.length === 0) {
    const items =
      inner === 'device' ? DEVICE_ITEM_WORDS : inner === 'exporter' ? EXPORTER_ITEM_WORDS : inner === 'iommu' ? ['page_sizes', 'iova_bits'] : inner === 'host_bridge' ? ['p2p'] : inner === 'switch' ? ['acs'] : PLATFORM_ITEM_WORDS;
    return keywords(items, inner === 'device' ? 'DeviceIommu' : inner === 'exporter' ? 'ExporterDecl' : 'Platform');
  }
  const device = inner === 'device' ? blocks[blocks.length - 1].header[1] : undefined;
  if (inner === 'exporter') return exporterArgs(words);
  if (inner === 'device' && words[0] === 'exporter' && words.length === 1) {
    return [...keywords(BUILTIN_EXPORTER_NAMES, 'Exporter'), ...[...(platform?.exporters.keys() ?? [])].map((n) => ({ label: n, kind: CompletionItemKind.Struct, detail: 'exporter described by the platform' }))];
  }
  if (inner === 'device' && words[0] === 'iommu') {
    if (words.length === 1) return hardware(env, 'iommu');
    if (words.length === 2) return keywords(['group']);
    if (words.length === 3) return hardware(env, 'group');
    return [];
  }
  if (words[0] === 'kernel') return kernelArgs(words.slice(1));
  return fromSlots(env, PLATFORM_ARGS[words[0]] ?? [], words.length - 1, device);
}

/** The values of an exporter description's lines; `ops` takes any number of callbacks. */
function exporterArgs(words: readonly string[]): CompletionItem[] {
  if (words[0] === 'ops') return keywords(DMA_BUF_CALLBACKS.filter((c) => !words.includes(c)), 'ExpOps');
  const own = EXPORTER_LINE_VALUES[words[0]];
  return own && words.length === 1 ? keywords(own, 'ExporterDecl') : [];
}

/** After `kernel` (a platform item or a scenario's clause): a profile, or after `A..` the profiles from A on. */
function kernelArgs(args: readonly string[]): CompletionItem[] {
  if (args.length === 0) return keywords([...KERNEL_VERSIONS, 'mainline']);
  if (args.length !== 2 || args[1] !== '..') return [];
  const first = parseVersion(args[0]);
  const from = first ? profilesInRange(first, MAINLINE) : undefined;
  return from ? keywords([...from, 'mainline']) : [];
}

interface Env {
  readonly doc: DocState;
  readonly program?: BoundProgram;
  readonly platform?: ResolvedPlatform;
  readonly scenario?: string;
  readonly offset: number;
  readonly words: readonly string[];
}

function topLevel(env: Env): CompletionItem[] {
  const w = env.words;
  if (w.length === 0) return keywords(['import', 'platform', 'scenario', 'check']);
  if (w[0] === 'scenario' && w.length === 2) return keywords(['on']);
  if ((w[0] === 'scenario' && w.length === 3) || (w[0] === 'platform' && w.length === 3 && w[2] === 'extends')) return hardware(env, 'platform');
  if (w[0] === 'scenario' && w.length === 4) return keywords(['kernel']);
  if (w[0] === 'scenario' && w[4] === 'kernel') return kernelArgs(w.slice(5));
  if (w[0] === 'platform' && w.length === 2) return keywords(['extends']);
  return [];
}

function statementSlot(env: Env): CompletionItem[] {
  const w = env.words;
  if (w.length === 0) return keywords(PLAIN_KEYWORDS);
  if (w.length === 2 && w[1] === '=') return keywords(BINDING_KEYWORDS);
  const binding = w[1] === '=';
  const entry = statementFor(binding ? w[2] : w[0]);
  if (!entry) return [];
  const args = w.slice(binding ? 3 : 1).filter((a) => a !== ',');
  const special = bespokeArgs(env, entry.spec, args);
  if (special) return special;
  const mem = memArg(env, entry.spec, args);
  if (mem) return mem;
  const slots = statementArgs(entry.spec);
  const index = slotIndex(slots, args);
  return index === undefined ? [] : fromSlots(env, slots, index);
}

/**
 * The slot the next argument fills: a left-out `at OFFSET size LENGTH` in the middle of a statement
 * (`dma_map_phys DEV MEM DIR`) takes no position, a present one takes four.
 */
function slotIndex(slots: readonly Slot[], args: readonly string[]): number | undefined {
  let slot = 0;
  let arg = 0;
  while (arg < args.length) {
    const s = slots[Math.min(slot, slots.length - 1)];
    if (s && 'words' in s && s.range && slot < slots.length) {
      if (args[arg] === 'at') {
        if (arg + 4 > args.length) return undefined; // inside the range: a number or `size` comes next
        arg += 4;
      }
      slot += 1;
      continue;
    }
    arg += 1;
    slot += 1;
  }
  return slot;
}

/** Where a statement's syntax is not a plain sequence: fence lists, `iova`, `group`. */
function bespokeArgs(env: Env, spec: AnySpec, args: readonly string[]): CompletionItem[] | undefined {
  const last = env.words[env.words.length - 1];
  const slots: readonly AnySlot[] = spec.slots;
  switch (spec.kind) {
    case 'Wait':
      return names(env, listKinds(slots));
    case 'Submit': {
      const target = slots.find((s) => s.take === 'target');
      if (last === 'after' || last === ',') return names(env, listKinds(slots));
      if (last === 'walk') return keywords(taggedWords(slots, 'walk'));
      if (target && args[2] === 'iova' && args.length === 3) return names(env, target.via);
      if (target && args.length === 2) return [...names(env, target.of), ...keywords(['iova'])];
      return undefined;
    }
    case 'AttachDomain':
    case 'DetachDomain':
      if (args.length === 1) return [...hardware(env, 'device'), ...keywords(['group'])];
      if (args[1] === 'group' && args.length === 2) return hardware(env, 'group');
      return undefined;
    default:
      return undefined;
  }
}

/** The words a tagged word operand takes (`walk nents|orig_nents|pointer`). */
function taggedWords(slots: readonly AnySlot[], word: string): readonly string[] {
  for (const slot of slots) if (slot.take === 'tagged' && slot.word === word && slot.slot.take === 'word') return slot.slot.words;
  return [];
}

/** The name kinds of a statement's list operand (`wait F1, F2`, `after F1, F2`). */
function listKinds(slots: readonly AnySlot[]): readonly SymbolKind[] {
  for (const slot of slots) {
    const inner = slot.take === 'tagged' ? slot.slot : slot;
    if (inner.take === 'name' && inner.list) return inner.of;
  }
  return [];
}

/** MEM: `system` or a BAR of the device named before it (any device's when a buffer comes first). */
function memArg(env: Env, spec: AnySpec, args: readonly string[]): CompletionItem[] | undefined {
  const slots: readonly AnySlot[] = spec.slots;
  const at = slots.findIndex((s) => s.take === 'mem');
  if (at < 0 || at !== args.length) return undefined;
  const dev = slots.findIndex((s) => s.take === 'hardware' && s.of === 'device');
  return [...keywords(['system']), ...(dev >= 0 && dev < at ? barsOf(env, args[dev]) : allBars(env))];
}

function fromSlots(env: Env, slots: readonly Slot[], index: number, device?: string): CompletionItem[] {
  if (slots.length === 0) return [];
  const slot = slots[Math.min(index, slots.length - 1)];
  if (index >= slots.length && !('words' in slot)) return [];
  if ('words' in slot) return keywords(slot.words);
  if ('names' in slot) return names(env, slot.names);
  if ('hardware' in slot) return slot.hardware === 'bar' && device ? barsOf(env, device) : hardware(env, slot.hardware);
  return [];
}

const ITEM_KIND: Partial<Record<SymbolKind, CompletionItemKind>> = {
  buffer: CompletionItemKind.Variable,
  attachment: CompletionItemKind.Variable,
  sgt: CompletionItemKind.Variable,
  vmap: CompletionItemKind.Variable,
  memory: CompletionItemKind.Variable,
  table: CompletionItemKind.Variable,
  iova: CompletionItemKind.Variable,
  ioas: CompletionItemKind.Variable,
  domain: CompletionItemKind.Variable,
  fence: CompletionItemKind.Event,
};

/** Names of the right kinds bound in this scenario before the cursor. */
function names(env: Env, kinds: readonly SymbolKind[]): CompletionItem[] {
  const program = env.program;
  if (!program || !env.scenario) return [];
  const seen = new Set<string>();
  const out: CompletionItem[] = [];
  for (const s of program.symbols) {
    if (s.container !== env.scenario || s.file !== env.doc.path || !kinds.includes(s.kind) || s.span.end > env.offset || seen.has(s.name)) continue;
    seen.add(s.name);
    out.push({ label: s.name, kind: ITEM_KIND[s.kind] ?? CompletionItemKind.Variable, detail: s.kind });
  }
  return out;
}

function hardware(env: Env, what: 'device' | 'bar' | 'iommu' | 'group' | 'upstream' | 'platform'): CompletionItem[] {
  const p = env.platform;
  const item = (label: string, kind: CompletionItemKind, detail: string): CompletionItem => ({ label, kind, detail });
  switch (what) {
    case 'platform':
      // The built-ins are bound only into programs that name one (builtins.ts): offer them anyway.
      return [...new Map([...builtins().platforms, ...(env.program?.platforms ?? [])]).values()].map((x) => item(x.name, CompletionItemKind.Module, `platform (${x.arch}${x.builtin ? ', built-in' : ''})`));
    case 'device':
      return [...(p?.devices.values() ?? [])].map((d) => item(d.name, CompletionItemKind.Class, `device (${d.bus.kind}${d.coherent ? ', coherent' : ''}, exporter ${exporterLabel(d.exporter)})`));
    case 'iommu':
      return [...(p?.iommus.values() ?? [])].map((i) => item(i.name, CompletionItemKind.Interface, 'iommu'));
    case 'group':
      return [...(p?.groups.values() ?? [])].map((g) => item(g.name, CompletionItemKind.Enum, `iommu group (${g.devices.join(', ')})`));
    case 'upstream':
      return [
        ...[...(p?.switches.values() ?? [])].map((s) => item(s.name, CompletionItemKind.Module, 'switch')),
        ...[...(p?.hostBridges.values() ?? [])].map((h) => item(h.name, CompletionItemKind.Module, 'host bridge')),
      ];
    case 'bar':
      return allBars(env);
  }
}

function barsOf(env: Env, device: string): CompletionItem[] {
  const d = env.platform?.devices.get(device);
  return [...(d?.bars.values() ?? [])].filter((b) => !b.mmio).map((b) => ({ label: b.name, kind: CompletionItemKind.Field, detail: `BAR of ${device}` }));
}

function allBars(env: Env): CompletionItem[] {
  return [...(env.platform?.devices.values() ?? [])].flatMap((d) => barsOf(env, d.name));
}

function keywords(words: readonly string[], context?: string): CompletionItem[] {
  return words.map((w) => {
    const doc = keywordDoc(w, { kind: context, leading: true });
    return {
      label: w,
      kind: /^\d/.test(w) ? CompletionItemKind.Value : CompletionItemKind.Keyword,
      ...(doc ? { detail: doc.call, documentation: { kind: 'markdown' as const, value: doc.summary } } : {}),
    };
  });
}
