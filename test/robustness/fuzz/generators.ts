// Fuzz inputs, each a pure function of a seed: random token streams (the lexer and the parser's
// recovery), grammar-generated programs (well-formed scenarios that drive the binder and the
// engine deep: names mostly bound, of the right kind, on the built-in devices), and mutations of
// the samples and fixtures (what a half-edited real file looks like).
import { DMA_BUF_CALLBACKS, EXPORTER_LINE_VALUES } from '../../../server/src/language/ast';
import fs from 'node:fs';
import path from 'node:path';
import { rng, seedFor, type Rng } from './rng';
import { assertNever } from '../../../server/src/common/assert';
import { KERNEL_VERSIONS } from '../../../server/src/language/profiles';
import {
  CPUDIRS,
  DIRS,
  SPECS,
  STATEMENT_KEYWORDS,
  USAGES,
  WALKS,
  isBespokeParse,
  operandWords,
  type AnySlot,
  type AnySpec,
} from '../../../server/src/language/statements';

export type FuzzKind = 'tokens' | 'grammar' | 'mutation';
export const FUZZ_KINDS: readonly FuzzKind[] = ['tokens', 'grammar', 'mutation'];

export const REPO = path.resolve(__dirname, '..', '..', '..');

/** The input number `index` of a run with `seed`: the same triple always gives the same text. */
export function generate(kind: FuzzKind, seed: number, index: number): string {
  const r = rng(seedFor(seed, index) ^ KIND_SALT[kind]);
  switch (kind) {
    case 'tokens':
      return tokenStream(r);
    case 'grammar':
      return grammarProgram(r);
    case 'mutation':
      return mutation(r);
  }
}

const KIND_SALT: Record<FuzzKind, number> = { tokens: 0x1111, grammar: 0x2222, mutation: 0x3333 };

// ---------------------------------------------------------------------------------------------
// Token streams

// Statement keywords and their operand words come from the statement table, so a new statement
// is fuzzed as soon as it is in the table; the other words are the platform language's and the
// built-in platforms' names.
const KEYWORDS = [
  ...new Set([
    ...(
      'import platform extends scenario on arch kernel config page_size ram cma at iommu page_sizes iova_bits host_bridge p2p ' +
      'switch under acs device bus pci coherent dma_mask max_segment segment_boundary group bar mmio exporter gem ttm none ' +
      'ops cache_sgt_mapping map_attrs table bar_entries peer2peer cpu_access cpu_mapping attachment_walk clear entry_offset map_dma_buf release ' +
      'yes no x86_64 arm64 arm32 riscv64 DMA_API_DEBUG DMABUF_DEBUG DMABUF_MOVE_NOTIFY LOCKDEP ARM_DMA_USE_IOMMU SWIOTLB IOMMU_DEFAULT_DMA_LAZY ' +
      'x86_64_pc arm64_soc arm32_soc gpu nic igpu vdec display camera encoder soc_gpu capture dc0 dc1 gr3d vi vram doorbell ' +
      'smmu vtd g_gpu g_nic g_display g_dc0 pcie_sw pcie_rc sw0 rc system context seqno'
    ).split(' '),
    ...STATEMENT_KEYWORDS,
    ...SPECS.flatMap((spec) => operandWords(spec)),
  ]),
];

const LITERALS = [
  '0', '1', '7', '32', '64', '4096', '4097', '0x1000', '0x1_0000_0000', '0xffff_ffff_ffff_ffff', '99999999999999999999',
  '64MiB', '4KiB', '2MiB', '1GiB', '16TiB', '3K', '1.5', '6.1', '6.2', '6.10', '6.1..7.1', '..', '7.1..6.1', '0x', '1__0', '12abc', '0b101',
  '"a.dmabuf"', '"../x.dmabuf"', '"/etc/passwd"', '"C:\\\\x"', '""', '"unterminated', '"\\u0000"',
];

const PUNCT = ['{', '}', '=', ';', ',', '(', ')', '.', '-', '+', '*', '/', '"', '@', '#', '\\', '[', ']'];

const ODD = [
  '\n', '\n', '\n', '\r\n', '\r', '\t', ' ', '//', '// comment\n', '/*', '*/', '/* block */', '\u0000', '\uFEFF',
  '\u00e9', '\u{1F600}', '\uD800', '\uDFFF', '\u2028', '\u200B', '\x7f', '\u00a0',
];

function ident(r: Rng): string {
  const first = 'abcdefghijklmnopqrstuvwxyz_ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  const rest = first + '0123456789';
  let s = first[r.int(first.length)];
  const n = r.int(12);
  for (let i = 0; i < n; i++) s += rest[r.int(rest.length)];
  return s;
}

function token(r: Rng): string {
  const p = r.next();
  if (p < 0.45) return r.pick(KEYWORDS);
  if (p < 0.6) return ident(r);
  if (p < 0.72) return r.pick(LITERALS);
  if (p < 0.86) return r.pick(PUNCT);
  if (p < 0.98) return r.pick(ODD);
  return String.fromCharCode(r.int(0x10000));
}

export function tokenStream(r: Rng): string {
  const n = 1 + r.int(r.chance(0.1) ? 2000 : 120);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    out.push(token(r));
    out.push(r.chance(0.15) ? '\n' : r.chance(0.8) ? ' ' : '');
  }
  return out.join('');
}

// ---------------------------------------------------------------------------------------------
// Grammar-generated programs

interface DeviceInfo {
  readonly name: string;
  readonly exporter?: string;
  readonly bars: readonly string[];
  readonly group?: string;
}

interface PlatformInfo {
  readonly name: string;
  readonly iommus: readonly string[];
  readonly devices: readonly DeviceInfo[];
}

/** The built-in platforms' names (their device names are fixed by the project brief). */
const BUILTINS: readonly PlatformInfo[] = [
  {
    name: 'x86_64_pc',
    iommus: ['vtd'],
    devices: [
      { name: 'gpu', exporter: 'ttm', bars: ['vram', 'doorbell'], group: 'g_gpu' },
      { name: 'nic', bars: [], group: 'g_nic' },
      { name: 'igpu', exporter: 'gem', bars: [], group: 'g_igpu' },
      { name: 'vdec', bars: [], group: 'g_vdec' },
    ],
  },
  {
    name: 'arm64_soc',
    iommus: ['smmu'],
    devices: [
      { name: 'display', bars: [], group: 'g_display' },
      { name: 'camera', bars: [], group: 'g_camera' },
      { name: 'encoder', bars: [], group: 'g_encoder' },
      { name: 'soc_gpu', exporter: 'gem', bars: [], group: 'g_soc_gpu' },
      { name: 'gpu', exporter: 'ttm', bars: ['vram'], group: 'g_gpu' },
      { name: 'nic', bars: [], group: 'g_nic' },
      { name: 'capture', bars: [] },
    ],
  },
  {
    name: 'arm32_soc',
    iommus: ['smmu'],
    devices: [
      { name: 'dc0', bars: [], group: 'g_dc0' },
      { name: 'dc1', bars: [], group: 'g_dc1' },
      { name: 'gr3d', exporter: 'gem', bars: [], group: 'g_gr3d' },
      { name: 'vi', bars: [] },
    ],
  },
];

const SIZES_SMALL = ['4KiB', '8KiB', '16KiB', '64KiB', '4096', '0x2000', '1MiB', '2MiB'];
// Up to 8 MiB: the engine models a GEM buffer page by page, so sizes of hundreds of MiB cost
// seconds per step; they have their own test (limits.test.ts), the fuzz is about shapes.
const SIZES_ODD = ['0', '1', '4097', '3KiB', '8MiB', '0x80_0000']
const CONFIGS = ['DMA_API_DEBUG', 'DMABUF_DEBUG', 'DMABUF_MOVE_NOTIFY', 'LOCKDEP', 'ARM_DMA_USE_IOMMU', 'SWIOTLB'];

function size(r: Rng): string {
  return r.chance(0.9) ? r.pick(SIZES_SMALL) : r.pick(SIZES_ODD);
}

/**
 * A driver's `exporter own { … }`: any subset of the dma_buf_ops members (mandatory ones usually
 * present, pin without unpin sometimes) and any value of each line, from the language's own lists.
 */
function exporterDescription(r: Rng): string[] {
  const callbacks = new Set(DMA_BUF_CALLBACKS.filter((c) => (['map_dma_buf', 'unmap_dma_buf', 'release'].includes(c) ? r.chance(0.95) : r.chance(0.5))));
  const body: string[] = [];
  const maybe = (line: string): void => void (r.chance(0.4) && body.push(`    ${line}`));
  for (const [line, values] of Object.entries(EXPORTER_LINE_VALUES)) maybe(`${line} ${r.pick(values)}`);
  maybe(`entry_offset ${r.pick(['0', '512', '4KiB', '100'])}`);
  // A line describing a callback needs it in `ops` (else SYNTAX): the description stays well-formed.
  for (const line of body) {
    if (/^\s*(cpu_access|attachment_walk at_cpu_access)/.test(line)) callbacks.add('begin_cpu_access');
    if (/^\s*peer2peer (check_distance|require)/.test(line)) callbacks.add('attach');
  }
  const ops = DMA_BUF_CALLBACKS.filter((c) => callbacks.has(c));
  return ['  exporter own {', `    ops ${ops.join(' ') || 'release'}`, ...body, '  }'];
}

/** A derived platform: `extends` a built-in with configs, a kernel line, sometimes a new device. */
function derivedPlatform(r: Rng, base: PlatformInfo, name: string): { text: string; info: PlatformInfo } {
  const lines = [`platform ${name} extends ${base.name} {`];
  for (const c of CONFIGS) if (r.chance(0.25)) lines.push(`  config ${c} ${r.chance(0.5) ? 'yes' : 'no'}`);
  // Every profile of the table, mainline and ranges (a version matrix); with DMABUF_MOVE_NOTIFY
  // above, a profile from 7.1 on lacks it: a NAME finding the front end must survive.
  if (r.chance(0.2)) lines.push(`  kernel ${r.pick([...KERNEL_VERSIONS, 'mainline', '6.1..7.1', '6.12..mainline', '6.18..7.0'])}`);
  // A CMA area every built-in's RAM holds (the token and mutation campaigns try the bad ones).
  if (r.chance(0.15)) lines.push(`  cma ${r.pick(['64MiB', '256MiB'])} at 0x9000_0000`);
  const devices = [...base.devices];
  const described = r.chance(0.3);
  if (described) lines.push(...exporterDescription(r));
  if (r.chance(0.4)) {
    const exporter = r.pick([undefined, 'gem', 'ttm', ...(described ? ['own', 'own'] : [])] as const);
    const viaIommu = r.chance(0.6);
    const bar = exporter === 'ttm' || exporter === 'own' || r.chance(0.2) ? 'mem' : undefined;
    const onPci = bar !== undefined || r.chance(0.3);
    const upstream = base.name === 'x86_64_pc' ? r.pick(['rc', 'sw0']) : base.name === 'arm64_soc' ? r.pick(['pcie_rc', 'pcie_sw']) : undefined;
    lines.push('  device extra {');
    lines.push(onPci && upstream ? `    bus pci ${upstream}` : '    bus platform');
    lines.push(`    coherent ${r.chance(0.5) ? 'yes' : 'no'}`);
    lines.push(`    dma_mask ${r.pick([24, 32, 36, 40, 64])}`);
    if (r.chance(0.3)) lines.push(`    max_segment ${r.pick(['4KiB', '64KiB', '1MiB', '4GiB'])}`);
    if (r.chance(0.2)) lines.push(`    segment_boundary ${r.pick(['64KiB', '4GiB'])}`);
    if (viaIommu) lines.push(`    iommu ${base.iommus[0]} group ${r.chance(0.3) && devices[0].group ? devices[0].group : 'g_extra'}`);
    if (bar) lines.push(`    bar ${bar} ${r.pick(['64MiB', '256MiB'])}${r.chance(0.1) ? ' mmio' : ''}`);
    if (exporter) lines.push(`    exporter ${exporter}`);
    lines.push('  }');
    devices.push({ name: 'extra', exporter, bars: bar ? [bar] : [], group: viaIommu ? 'g_extra' : undefined });
  }
  lines.push('}');
  return { text: lines.join('\n') + '\n', info: { ...base, name, devices } };
}

type ValueKind = 'buffer' | 'attachment' | 'sgt' | 'vmap' | 'memory' | 'table' | 'iova' | 'ioas' | 'fence' | 'domain';

/** Names bound so far in one scenario, by kind (a thread sees a copy of its parent's). */
class Env {
  readonly names = new Map<ValueKind, string[]>();
  constructor(readonly counter: { n: number }) {}

  fresh(kind: ValueKind): string {
    const name = `${kind[0]}${this.counter.n++}`;
    const list = this.names.get(kind) ?? [];
    list.push(name);
    this.names.set(kind, list);
    return name;
  }

  /** A bound name of `kind`; sometimes (as a user would) a wrong or unbound one. */
  use(r: Rng, kind: ValueKind): string {
    const list = this.names.get(kind) ?? [];
    if (list.length > 0 && r.chance(0.97)) return r.pick(list);
    if (r.chance(0.5)) {
      const others = [...this.names.values()].flat();
      if (others.length > 0) return r.pick(others);
    }
    return `missing${r.int(3)}`;
  }

  has(kind: ValueKind): boolean {
    return (this.names.get(kind)?.length ?? 0) > 0;
  }

  child(): Env {
    const e = new Env(this.counter);
    for (const [k, v] of this.names) e.names.set(k, [...v]);
    return e;
  }
}

/** `timeout N` on a wait, sometimes: negative, zero (a test) or bounded. */
function timeout(r: Rng): string {
  return r.chance(0.2) ? ` timeout ${r.pick(['-1', '0', '10'])}` : '';
}

function range(r: Rng): string {
  return r.chance(0.25) ? ` at ${r.pick(['0', '4KiB', '4095', '1MiB'])} size ${r.pick(['64', '4KiB', '8KiB', '1MiB'])}` : '';
}

function statement(r: Rng, p: PlatformInfo, env: Env, depth: number, indent: string): string[] {
  const dev = (): DeviceInfo => r.pick(p.devices);
  const exporters = p.devices.filter((d) => d.exporter);
  const makers: (() => string[])[] = [];
  const add = (weight: number, f: () => string | string[]): void => {
    for (let i = 0; i < weight; i++) makers.push(() => [f()].flat());
  };
  add(3, () => {
    const d = exporters.length > 0 && r.chance(0.95) ? r.pick(exporters) : dev();
    const mem = d.bars.length > 0 && r.chance(0.5) ? r.pick(d.bars) : 'system';
    return `${env.fresh('buffer')} = export ${d.name} ${mem} ${size(r)}${mem !== 'system' && r.chance(0.3) ? ` at ${r.pick(['0', '4KiB', '0x800', '1MiB'])}` : ''}${r.chance(0.2) ? ' contiguous' : ''}`;
  });
  add(2, () => `${env.fresh('buffer')} = heap ${r.pick(['system', 'cma'])} ${size(r)}`);
  add(1, () => `${env.fresh('fence')} = fence${r.chance(0.4) ? ` context ${r.pick(['ring', 'copy'])} seqno ${r.int(4)}` : ''}${r.chance(0.1) ? ' userspace' : ''}`);
  if (env.has('buffer')) {
    add(1, () => `${r.pick(['get', 'put'])} ${env.use(r, 'buffer')}`);
    add(1, () => {
      const d = dev();
      return `move ${env.use(r, 'buffer')} ${d.bars.length > 0 && r.chance(0.5) ? r.pick(d.bars) : 'system'}`;
    });
    add(2, () => `${r.pick(['lock', 'unlock'])} ${env.use(r, 'buffer')}`);
    add(4, () => `${env.fresh('attachment')} = attach ${env.use(r, 'buffer')} ${dev().name}${r.chance(0.3) ? ' dynamic' : ''}${r.chance(0.2) ? ' peer2peer' : ''}`);
    add(2, () => `${env.fresh('sgt')} = dma_map ${dev().name} ${env.use(r, 'buffer')} ${r.pick(DIRS)}${r.chance(0.2) ? ' skip_cpu_sync' : ''}`);
    add(2, () => `${env.fresh('vmap')} = ${r.pick(['vmap', 'vmap_unlocked', 'mmap'])} ${env.use(r, 'buffer')}`);
    add(2, () => `${r.pick(['begin_cpu', 'end_cpu'])} ${env.use(r, 'buffer')} ${r.pick(CPUDIRS)}`);
    add(2, () => `submit ${dev().name} ${r.pick(['read', 'write'])} ${env.use(r, 'buffer')}${range(r)}${submitTail(r, env)}`);
    add(1, () => `wait_resv ${env.use(r, 'buffer')} ${r.pick(USAGES)}${timeout(r)}`);
    add(1, () => `poll ${env.use(r, 'buffer')} ${r.pick(['in', 'out'])}${r.chance(0.2) ? ` timeout ${r.pick(['0', '10'])}` : ''}`);
    add(1, () => `${env.fresh('fence')} = export_sync_file ${env.use(r, 'buffer')} ${r.pick(CPUDIRS)}`);
  }
  if (env.has('attachment')) {
    add(1, () => `detach ${env.use(r, 'attachment')}`);
    add(1, () => `${r.pick(['pin', 'unpin'])} ${env.use(r, 'attachment')}`);
    add(4, () => `${env.fresh('sgt')} = ${r.pick(['map', 'map_unlocked'])} ${env.use(r, 'attachment')} ${r.pick(DIRS)}`);
  }
  if (env.has('sgt')) {
    add(2, () => `${r.pick(['unmap', 'unmap_unlocked', 'kmap'])} ${env.use(r, 'sgt')}`);
    add(1, () => `dma_unmap_phys ${env.use(r, 'sgt')}${r.chance(0.5) ? ` ${r.pick(DIRS)}` : ''}${r.chance(0.3) ? ' mmio' : ''}`);
    add(1, () => `dma_unmap_resource ${env.use(r, 'sgt')}${r.chance(0.5) ? ` ${r.pick(DIRS)}` : ''}`);
    add(1, () => `dma_unmap ${env.use(r, 'sgt')}${r.chance(0.3) ? ` ${r.pick(DIRS)}` : ''}${r.chance(0.2) ? ` nents ${r.int(4)}` : ''}`);
    add(2, () => `dma_sync ${env.use(r, 'sgt')} ${r.pick(['for_cpu', 'for_device'])}${r.chance(0.3) ? ` ${r.pick(DIRS)}` : ''}`);
    add(4, () => `submit ${dev().name} ${r.pick(['read', 'write'])} ${env.use(r, 'sgt')}${range(r)}${submitTail(r, env)}`);
  }
  if (env.has('vmap')) {
    add(1, () => `${r.pick(['vunmap', 'vunmap_unlocked', 'munmap'])} ${env.use(r, 'vmap')}`);
    add(3, () => `cpu ${r.pick(['read', 'write'])} ${env.use(r, 'vmap')}${range(r)}`);
  }
  add(1, () => `${env.fresh('memory')} = ${r.pick(['kmalloc', 'vmalloc', 'stack', 'alloc_pages'])} ${r.pick(['64', '300', '4KiB', '64KiB'])}`);
  add(1, () => `${env.fresh('memory')} = dma_alloc_coherent ${dev().name} ${r.pick(['4KiB', '64KiB', '2MiB', '5GiB'])}`);
  add(1, () => `${env.fresh('memory')} = ${r.pick(['dma_alloc_noncoherent', 'dma_alloc_pages'])} ${dev().name} ${r.pick(['4KiB', '64KiB', '8MiB'])} ${r.pick(DIRS)}`);
  if (env.has('memory')) {
    add(1, () => `free ${env.use(r, 'memory')}`);
    add(1, () => `${env.fresh('iova')} = dma_iova_try_alloc ${dev().name} ${r.pick(['4KiB', '64KiB', '0'])}`);
    add(1, () => `dma_sync ${env.use(r, 'memory')} ${r.pick(['for_cpu', 'for_device'])}`);
    add(1, () => `${env.fresh('table')} = dma_get_sgtable ${env.use(r, 'memory')}`);
    add(1, () => `${env.fresh('sgt')} = dma_map_single ${dev().name} ${env.use(r, 'memory')} ${r.pick(DIRS)}${range(r)}`);
    add(1, () => `${env.fresh('sgt')} = dma_map_phys ${dev().name} ${env.use(r, 'memory')}${range(r)} ${r.pick(DIRS)}${r.chance(0.3) ? ' mmio' : ''}`);
    add(1, () => `${env.fresh('sgt')} = dma_map_resource ${dev().name} ${env.use(r, 'memory')}${range(r)} ${r.pick(DIRS)}`);
    add(1, () => `cpu ${r.pick(['read', 'write'])} ${env.use(r, 'memory')}${range(r)}`);
    add(1, () => `${env.fresh('table')} = sg_table ${env.use(r, 'memory')}${r.chance(0.4) ? ` max_segment ${r.pick(['2KiB', '4KiB', '64KiB'])}` : ''}`);
  }
  if (env.has('table')) add(1, () => `${env.fresh('sgt')} = dma_map ${dev().name} ${env.use(r, 'table')} ${r.pick(DIRS)}`);
  if (env.has('iova')) {
    if (env.has('memory')) add(1, () => `dma_iova_link ${env.use(r, 'iova')} ${env.use(r, 'memory')}${r.chance(0.3) ? ` offset ${r.pick(['4KiB', '100'])}` : ''} ${r.pick(DIRS)}`);
    add(1, () => `${r.pick(['dma_iova_sync', 'dma_iova_free'])} ${env.use(r, 'iova')}`);
    if (env.has('buffer')) add(1, () => `dma_iova_link ${env.use(r, 'iova')} ${env.use(r, 'buffer')} ${r.pick(DIRS)}${r.chance(0.5) ? ' mmio' : ''}`);
    add(1, () => `dma_iova_unlink ${env.use(r, 'iova')}${r.chance(0.5) ? ` at ${r.pick(['0', '4KiB'])} size ${r.pick(['4KiB', '64KiB'])}` : ''} ${r.pick(DIRS)}`);
    add(1, () => `dma_iova_destroy ${env.use(r, 'iova')} ${r.pick(['4KiB', '64KiB'])} ${r.pick(DIRS)}`);
    add(1, () => `submit ${dev().name} ${r.pick(['read', 'write'])} iova ${env.use(r, 'iova')} ${r.pick(['0', '0x1000'])}${submitTail(r, env)}`);
  }
  if (env.has('fence')) {
    add(2, () => `signal ${env.use(r, 'fence')}`);
    add(2, () => `wait ${env.use(r, 'fence')}${r.chance(0.2) ? `, ${env.use(r, 'fence')}` : ''}${timeout(r)}`);
    add(1, () => `set_error ${env.use(r, 'fence')} ${r.pick(['-5', '-4095', '-4096', '0', '3'])}`);
    add(1, () => `${r.pick(['get', 'put'])} ${env.use(r, 'fence')}`);
    add(1, () => `${env.fresh('fence')} = fence_array ${env.use(r, 'fence')}${r.chance(0.6) ? `, ${env.use(r, 'fence')}` : ''}${r.chance(0.3) ? ' any' : ''}`);
    add(1, () => `${env.fresh('fence')} = fence_chain ${env.use(r, 'fence')}${r.chance(0.5) ? ` prev ${env.use(r, 'fence')}` : ''}`);
    if (env.has('buffer')) {
      add(1, () => `resv ${env.use(r, 'buffer')} add ${env.use(r, 'fence')} ${r.pick(USAGES)}`);
      add(1, () => `import_sync_file ${env.use(r, 'buffer')} ${env.use(r, 'fence')} ${r.pick(CPUDIRS)}`);
    }
  }
  add(1, () => r.pick(['begin_signalling', 'end_signalling', 'alloc kernel', 'alloc atomic']));
  if (p.iommus.length > 0) {
    add(1, () => `${env.fresh('domain')} = domain ${r.pick(p.iommus)}`);
    if (env.has('domain')) {
      const grouped = p.devices.filter((d) => d.group);
      add(1, () => {
        const d = grouped.length > 0 ? r.pick(grouped) : dev();
        const target = r.chance(0.5) && d.group ? `group ${d.group}` : d.name;
        return `${r.pick(['attach_domain', 'detach_domain'])} ${env.use(r, 'domain')} ${target}`;
      });
      add(1, () => `iommu_map ${env.use(r, 'domain')} ${r.pick(['0x1000', '0x10_0000', '0'])} ${env.use(r, r.chance(0.5) ? 'buffer' : 'sgt')}${r.chance(0.5) ? ` ${r.pick(['read', 'write', 'rw'])}` : ''}`);
      add(1, () => `iommu_unmap ${env.use(r, 'domain')} ${r.pick(['0x1000', '0x10_0000', '0'])} ${r.pick(['4KiB', '1MiB'])}`);
      add(1, () => `submit ${dev().name} ${r.pick(['read', 'write'])} iova ${env.use(r, 'domain')} ${r.pick(['0x1000', '0x10_0000'])}${submitTail(r, env)}`);
    }
    add(1, () => `arm_iommu_detach ${dev().name}`);
    if (env.has('domain')) add(1, () => `arm_iommu_attach ${dev().name} ${env.use(r, 'domain')}`);
    add(1, () => `${r.pick(['device_claim_dma_owner', 'device_release_dma_owner', 'bind_vfio'])} ${dev().name}`);
    if (p.iommus.length > 0) add(1, () => `${env.fresh('ioas')} = ioas ${r.pick(p.iommus)}`);
    if (env.has('ioas')) {
      add(1, () => `ioas_attach ${dev().name} ${env.use(r, 'ioas')}`);
      if (env.has('buffer')) add(1, () => `ioas_map ${env.use(r, 'ioas')} ${env.use(r, 'buffer')} iova ${r.pick(['0x1000_0000', '0x2000_0000'])}${r.chance(0.3) ? ` at ${r.pick(['0', '4KiB'])} size ${r.pick(['4KiB', '2MiB'])}` : ''}`);
      add(1, () => `ioas_unmap ${env.use(r, 'ioas')} ${r.pick(['0x1000_0000', '0x2000_0000'])} ${r.pick(['4KiB', '2MiB'])}`);
      add(1, () => `submit ${dev().name} ${r.pick(['read', 'write'])} iova ${env.use(r, 'ioas')} ${r.pick(['0x1000_0000', '0x2000_0000'])}${submitTail(r, env)}`);
    }
    add(1, () => (r.chance(0.5) ? `memory_decode ${dev().name} ${r.pick(['on', 'off'])}` : `${r.pick(['vfio_reset', 'vfio_close'])} ${dev().name}`));
  }
  // Any simple statement of the table, operands drawn from its slots (the makers above give the
  // realistic shapes; this one reaches every statement the table has, new ones included).
  add(3, () => fromTable(r, p, env, r.pick(SIMPLE_SPECS)) ?? 'begin_signalling');
  if (depth < 2) {
    add(1, () => {
      const inner = env.child();
      const body = statements(r, p, inner, depth + 1, indent + '  ', 1 + r.int(5));
      return [`thread t${env.counter.n++} {`, ...body, '}'];
    });
  }
  const lines = r.pick(makers)();
  return lines.map((l, i) => (i === 0 || i === lines.length - 1 ? indent + l : l));
}

/** Statements the parser reads from their table slots (the others have syntax of their own). */
const SIMPLE_SPECS: readonly AnySpec[] = SPECS.filter((spec) => !isBespokeParse(spec.kind));

const VALUE_KINDS: readonly ValueKind[] = ['buffer', 'attachment', 'sgt', 'vmap', 'memory', 'table', 'iova', 'ioas', 'fence', 'domain'];

function isValueKind(k: string): k is ValueKind {
  return (VALUE_KINDS as readonly string[]).includes(k);
}

/** A statement written from its table entry; undefined when the platform cannot supply an operand. */
function fromTable(r: Rng, p: PlatformInfo, env: Env, spec: AnySpec): string | undefined {
  const slots: readonly AnySlot[] = spec.slots;
  const parts: string[] = [r.pick(spec.keywords).word];
  for (const slot of slots) {
    const text = operandText(r, p, env, slot);
    if (text === undefined) return undefined;
    if (text !== '') parts.push(text);
  }
  const kind = spec.binds;
  const line = parts.join(' ');
  if (spec.form === 'plain' || !kind || !isValueKind(kind)) return line;
  return `${env.fresh(kind)} = ${line}`;
}

function operandText(r: Rng, p: PlatformInfo, env: Env, slot: AnySlot): string | undefined {
  const use = (kinds: readonly string[]) => env.use(r, r.pick(kinds.filter(isValueKind)));
  switch (slot.take) {
    case 'name':
      return slot.list && r.chance(0.4) ? `${use(slot.of)}, ${use(slot.of)}` : use(slot.of);
    case 'target':
      return use(slot.of);
    case 'hardware': {
      if (slot.of === 'iommu') return p.iommus.length > 0 ? r.pick(p.iommus) : undefined;
      const d = r.pick(p.devices);
      return slot.of === 'group' ? d.group : d.name;
    }
    case 'mem': {
      const bars = p.devices.flatMap((d) => d.bars);
      return bars.length > 0 && r.chance(0.4) ? r.pick(bars) : 'system';
    }
    case 'word':
      return slot.optional && r.chance(0.5) ? '' : r.pick(slot.words);
    case 'size':
      return size(r);
    case 'count':
      return slot.range ? String(r.pick(slot.range)) : r.pick(['0', '1', '4', '0x1000']);
    case 'signed':
      return r.pick(['-5', '0', '3', '-1']);
    case 'flag':
      return r.chance(0.3) ? slot.word : '';
    case 'tagged': {
      if (!r.chance(0.3)) return '';
      const inner = operandText(r, p, env, slot.slot);
      return inner === undefined ? '' : `${slot.word} ${inner}`;
    }
    case 'keyword':
      return slot.word;
    case 'range':
      return range(r).trim();
    case 'binds':
      return isValueKind(slot.of) ? env.fresh(slot.of) : undefined;
    default:
      return assertNever(slot);
  }
}

function submitTail(r: Rng, env: Env): string {
  let s = '';
  if (r.chance(0.15)) s += ` walk ${r.pick(WALKS)}`;
  if (env.has('fence') && r.chance(0.3)) s += ` after ${env.use(r, 'fence')}`;
  if (r.chance(0.3)) s += ' implicit';
  if (r.chance(0.4)) s += ` signal ${env.fresh('fence')}`;
  return s;
}

function statements(r: Rng, p: PlatformInfo, env: Env, depth: number, indent: string, n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(...statement(r, p, env, depth, indent));
  return out;
}

export function grammarProgram(r: Rng): string {
  const parts: string[] = [];
  const platforms: PlatformInfo[] = [...BUILTINS];
  if (r.chance(0.4)) {
    const d = derivedPlatform(r, r.pick(BUILTINS), 'custom');
    parts.push(d.text);
    platforms.push(d.info);
  }
  const scenarios = 1 + r.int(3);
  for (let s = 0; s < scenarios; s++) {
    const p = r.pick(platforms);
    const env = new Env({ n: 0 });
    const body = statements(r, p, env, 0, '  ', 1 + r.int(18));
    // A scenario's own profile, over its platform's (a range runs it as a matrix).
    const clause = r.chance(0.15) ? ` kernel ${r.pick([...KERNEL_VERSIONS, 'mainline', '6.1..6.12', '6.12..mainline'])}` : '';
    parts.push(`scenario s${s} on ${p.name}${clause} {\n${body.join('\n')}\n}\n`);
  }
  return parts.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Mutations of real files

let corpusCache: readonly string[] | undefined;

/** The samples and fixtures, read once. */
export function corpus(): readonly string[] {
  if (corpusCache) return corpusCache;
  const found: string[] = [];
  const walk = (dir: string): void => {
    if (!fs.existsSync(dir)) return;
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.dmabuf')) found.push(fs.readFileSync(p, 'utf8'));
    }
  };
  walk(path.join(REPO, 'samples'));
  walk(path.join(REPO, 'test', 'fixtures'));
  corpusCache = found.length > 0 ? found : ['scenario s on arm64_soc {\n  f = fence\n  signal f\n  wait f\n}\n'];
  return corpusCache;
}

/** A sample or fixture after 1..4 edits such as an author makes half-way through typing. */
export function mutation(r: Rng): string {
  const files = corpus();
  let text = r.pick(files);
  // Big buffers make every engine step expensive; a fuzz input is about shapes, not sizes.
  text = text.replace(/\b(0x[\da-fA-F_]+|[\d_]+)\s*(MiB|GiB|TiB|M|G|T)\b/g, () => r.pick(['4KiB', '64KiB', '1MiB']));
  const n = 1 + r.int(4);
  for (let i = 0; i < n; i++) text = mutateOnce(r, text, files);
  return text;
}

function mutateOnce(r: Rng, text: string, files: readonly string[]): string {
  const at = (): number => r.int(text.length + 1);
  const op = r.int(10);
  switch (op) {
    case 0: {
      // delete a span
      const a = at();
      return text.slice(0, a) + text.slice(Math.min(text.length, a + 1 + r.int(40)));
    }
    case 1: {
      // duplicate a span (pasting twice)
      const a = at();
      const b = Math.min(text.length, a + r.int(200));
      return text.slice(0, b) + text.slice(a, b) + text.slice(b);
    }
    case 2: {
      // insert a token
      const a = at();
      return text.slice(0, a) + token(r) + text.slice(a);
    }
    case 3: {
      // replace one identifier by another word from the text
      const words = text.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? [];
      if (words.length < 2) return text;
      const from = r.pick(words);
      const to = r.pick(words);
      let k = r.int(4);
      return text.replace(new RegExp(`\\b${from}\\b`, 'g'), (m) => (k-- === 0 ? to : m));
    }
    case 4: {
      // swap two lines
      const lines = text.split('\n');
      const i = r.int(lines.length);
      const j = r.int(lines.length);
      [lines[i], lines[j]] = [lines[j], lines[i]];
      return lines.join('\n');
    }
    case 5:
      // truncate: the file as it is half-way through typing
      return text.slice(0, at());
    case 6: {
      // drop or add a brace
      const a = at();
      return r.chance(0.5) ? text.slice(0, a) + r.pick(['{', '}']) + text.slice(a) : text.replace(r.chance(0.5) ? '}' : '{', '');
    }
    case 7: {
      // change a number
      let k = r.int(6);
      return text.replace(/\b\d[\dx_a-fA-F]*\b/g, (m) => (k-- === 0 ? r.pick(LITERALS.filter((l) => !l.startsWith('"') && !/GiB/.test(l))) : m));
    }
    case 8: {
      // splice in a part of another file
      const other = r.pick(files);
      const a = r.int(other.length);
      const a2 = at();
      return text.slice(0, a2) + other.slice(a, a + r.int(300)) + text.slice(a2);
    }
    default: {
      // delete a whole line
      const lines = text.split('\n');
      lines.splice(r.int(lines.length), 1);
      return lines.join('\n');
    }
  }
}
