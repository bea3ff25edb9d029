// Completion by context: the words already typed in the current statement and the block the
// cursor is in decide what may come next — statement keywords, names in scope of the right kind
// (declared earlier in the scenario), the platform's devices, BARs, groups and IOMMUs,
// directions, usages, configs. Works from tokens, so half-typed lines complete too.
import { CompletionItemKind } from 'vscode-languageserver';
import type { CompletionItem } from 'vscode-languageserver';
import type { BoundProgram, ResolvedPlatform, SymbolKind } from '../../language/bound';
import type { ServerContext } from '../context';
import type { DocState } from '../documents';
import {
  CONFIG_WORDS,
  CPUDIR_WORDS,
  DEVICE_ITEM_WORDS,
  DIRECTION_WORDS,
  PLATFORM_ITEM_WORDS,
  STATEMENT_KEYWORDS,
  USAGE_WORDS,
  keywordDoc,
} from '../docs/keywords';
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
type Slot =
  | { readonly names: readonly SymbolKind[] }
  | { readonly words: readonly string[] }
  | { readonly hardware: 'device' | 'bar' | 'iommu' | 'group' | 'upstream' | 'platform' }
  | { readonly none: true };

const BINDING_KEYWORDS = ['export', 'heap', 'attach', 'map', 'map_unlocked', 'dma_map', 'vmap', 'vmap_unlocked', 'mmap', 'fence', 'fence_array', 'fence_chain', 'export_sync_file', 'domain'];
const PLAIN_KEYWORDS = STATEMENT_KEYWORDS.filter((k) => !BINDING_KEYWORDS.includes(k) && k !== 'map_unlocked');

const W = (...words: string[]): Slot => ({ words });
const N = (...names: SymbolKind[]): Slot => ({ names });
const H = (hardware: 'device' | 'bar' | 'iommu' | 'group' | 'upstream' | 'platform'): Slot => ({ hardware });
const NONE: Slot = { none: true };
const YESNO = W('yes', 'no');

/** Argument slots of each statement, in order; the last slot repeats for trailing options. */
const STATEMENT_ARGS: Record<string, readonly Slot[]> = {
  export: [H('device'), H('bar'), NONE, W('contiguous')],
  heap: [W('system', 'cma'), NONE],
  get: [N('buffer', 'fence')],
  put: [N('buffer', 'fence')],
  move: [N('buffer'), H('bar')],
  lock: [N('buffer')],
  unlock: [N('buffer')],
  attach: [N('buffer'), H('device'), W('dynamic', 'peer2peer')],
  detach: [N('attachment')],
  pin: [N('attachment')],
  unpin: [N('attachment')],
  map: [N('attachment'), W(...DIRECTION_WORDS)],
  map_unlocked: [N('attachment'), W(...DIRECTION_WORDS)],
  unmap: [N('sgt')],
  unmap_unlocked: [N('sgt')],
  kmap: [N('sgt')],
  dma_map: [H('device'), N('buffer'), W(...DIRECTION_WORDS), W('skip_cpu_sync')],
  dma_unmap: [N('sgt'), W(...DIRECTION_WORDS, 'nents'), W('nents')],
  dma_sync: [N('sgt'), W('for_cpu', 'for_device'), W(...DIRECTION_WORDS)],
  vmap: [N('buffer')],
  vmap_unlocked: [N('buffer')],
  vunmap: [N('vmap')],
  vunmap_unlocked: [N('vmap')],
  mmap: [N('buffer')],
  munmap: [N('vmap')],
  begin_cpu: [N('buffer'), W(...CPUDIR_WORDS)],
  end_cpu: [N('buffer'), W(...CPUDIR_WORDS)],
  cpu: [W('read', 'write'), N('vmap'), W('at')],
  submit: [H('device'), W('read', 'write'), N('sgt', 'buffer'), W('at', 'after', 'implicit', 'signal')],
  fence: [W('context', 'userspace'), NONE, W('seqno'), NONE, W('userspace')],
  fence_array: [N('fence'), N('fence'), W('any')],
  fence_chain: [N('fence'), W('prev'), N('fence')],
  set_error: [N('fence'), NONE],
  signal: [N('fence')],
  wait: [N('fence'), W('timeout')],
  resv: [N('buffer'), W('add'), N('fence'), W(...USAGE_WORDS)],
  wait_resv: [N('buffer'), W(...USAGE_WORDS), W('timeout'), NONE],
  export_sync_file: [N('buffer'), W(...CPUDIR_WORDS)],
  import_sync_file: [N('buffer'), N('fence'), W(...CPUDIR_WORDS)],
  alloc: [W('kernel', 'atomic')],
  domain: [H('iommu')],
  attach_domain: [N('domain'), H('device')],
  detach_domain: [N('domain'), H('device')],
  arm_iommu_detach: [H('device')],
  iommu_map: [N('domain'), NONE, N('buffer', 'sgt'), W('read', 'write', 'rw')],
  iommu_unmap: [N('domain'), NONE, NONE],
  begin_signalling: [],
  end_signalling: [],
  thread: [NONE],
};

const PLATFORM_ARGS: Record<string, readonly Slot[]> = {
  arch: [W('x86_64', 'arm64', 'arm32', 'riscv64')],
  kernel: [W('6.1', '6.2')],
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
  exporter: [W('gem', 'ttm', 'none')],
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
    if (t.kind === 'word' || t.kind === 'number' || (t.kind === 'punct' && (t.text === '=' || t.text === ','))) {
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
      inner === 'device' ? DEVICE_ITEM_WORDS : inner === 'iommu' ? ['page_sizes', 'iova_bits'] : inner === 'host_bridge' ? ['p2p'] : inner === 'switch' ? ['acs'] : PLATFORM_ITEM_WORDS;
    return keywords(items, inner === 'device' ? 'DeviceIommu' : 'Platform');
  }
  const device = inner === 'device' ? blocks[blocks.length - 1].header[1] : undefined;
  if (inner === 'device' && words[0] === 'iommu') {
    if (words.length === 1) return hardware(env, 'iommu');
    if (words.length === 2) return keywords(['group']);
    if (words.length === 3) return hardware(env, 'group');
    return [];
  }
  return fromSlots(env, PLATFORM_ARGS[words[0]] ?? [], words.length - 1, device);
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
  if (w.length === 0) return keywords(['import', 'platform', 'scenario']);
  if (w[0] === 'scenario' && w.length === 2) return keywords(['on']);
  if ((w[0] === 'scenario' && w.length === 3) || (w[0] === 'platform' && w.length === 3 && w[2] === 'extends')) return hardware(env, 'platform');
  if (w[0] === 'platform' && w.length === 2) return keywords(['extends']);
  return [];
}

function statementSlot(env: Env): CompletionItem[] {
  const w = env.words;
  if (w.length === 0) return keywords(PLAIN_KEYWORDS);
  if (w.length === 2 && w[1] === '=') return keywords(BINDING_KEYWORDS);
  const binding = w[1] === '=';
  const kw = binding ? w[2] : w[0];
  const args = w.slice(binding ? 3 : 1).filter((a) => a !== ',');
  if (kw === 'submit' || kw === 'wait') {
    const last = w[w.length - 1];
    if (last === 'after' || last === ',' || kw === 'wait') return names(env, ['fence']);
    if (kw === 'submit' && args[2] === 'iova' && args.length === 3) return names(env, ['domain']);
  }
  if ((kw === 'attach_domain' || kw === 'detach_domain') && args.length === 1) return [...hardware(env, 'device'), ...keywords(['group'])];
  if ((kw === 'attach_domain' || kw === 'detach_domain') && args[1] === 'group' && args.length === 2) return hardware(env, 'group');
  if (kw === 'submit' && args.length === 2) return [...names(env, ['sgt', 'buffer']), ...keywords(['iova'])];
  if (kw === 'export' && args.length === 1) return [...keywords(['system']), ...barsOf(env, args[0])];
  if (kw === 'move' && args.length === 1) return [...keywords(['system']), ...allBars(env)];
  const slots = STATEMENT_ARGS[kw];
  if (!slots) return [];
  return fromSlots(env, slots, args.length);
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
      return [...(env.program?.platforms.values() ?? [])].map((x) => item(x.name, CompletionItemKind.Module, `platform (${x.arch}${x.builtin ? ', built-in' : ''})`));
    case 'device':
      return [...(p?.devices.values() ?? [])].map((d) => item(d.name, CompletionItemKind.Class, `device (${d.bus.kind}${d.coherent ? ', coherent' : ''}, exporter ${d.exporter})`));
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
