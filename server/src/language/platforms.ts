// Platform flattening: `extends` chains are applied, then defaults filled in, and every hardware
// reference checked (bus pci → switch/host bridge, iommu → IOMMU, groups on one IOMMU). Defaults
// are applied to the flattened platform, not per declaration, so a derived platform that changes
// `arch` also changes the defaults its inherited devices get.
import * as A from './ast';
import { CONFIG_NAMES } from './ast';
import { assertNever } from '../common/assert';
import type {
  DescribedExporter,
  ParsedFile,
  ResolvedExporter,
  ResolvedBar,
  ResolvedDevice,
  ResolvedGroup,
  ResolvedHostBridge,
  ResolvedIommu,
  ResolvedPlatform,
  ResolvedSwitch,
  Symbol,
} from './bound';
import { relatedAt } from './diagnostics';
import { configRemoval, DEFAULT_KERNEL, MAINLINE, profilesInRange } from './profiles';
import type { FindingSink, SymbolTable } from './symbols';

const KiB = 1024;
const MiB = 1024 ** 2;
const GiB = 1024 ** 3;
const UINT_MAX = 0xffff_ffff;

interface Declared<T> {
  readonly decl: T;
  readonly file: ParsedFile;
}

/** A platform with `extends` applied but no defaults: what a derived platform copies. */
export interface PlatformSpec {
  readonly name: string;
  readonly symbol: Symbol;
  readonly decl: A.PlatformDecl;
  readonly file: ParsedFile;
  arch?: A.Arch;
  kernel?: A.KernelVersion;
  /** A range's profiles (set with `kernel`, inherited with it). */
  kernels?: readonly A.KernelVersion[];
  configs: Partial<Record<A.ConfigName, boolean>>;
  pageSize?: number;
  ram?: { size: number; base?: number };
  cma?: { size: number; base: number; item: A.CmaItem };
  iommus: Map<string, Declared<A.IommuDecl>>;
  hostBridges: Map<string, Declared<A.HostBridgeDecl>>;
  switches: Map<string, Declared<A.SwitchDecl>>;
  devices: Map<string, Declared<A.DeviceDecl>>;
  exporters: Map<string, Declared<A.ExporterDecl>>;
}

export interface PlatformContext {
  readonly symbols: SymbolTable;
  readonly sink: FindingSink;
}

/** The platform's own items over a copy of its base (if any). */
export function buildSpec(ctx: PlatformContext, file: ParsedFile, decl: A.PlatformDecl, base: PlatformSpec | undefined): PlatformSpec {
  const symbol = ctx.symbols.declare('platform', decl.name, file, decl);
  const spec: PlatformSpec = {
    name: decl.name.name,
    symbol,
    decl,
    file,
    ...(base?.arch ? { arch: base.arch } : {}),
    ...(base?.kernel ? { kernel: base.kernel } : {}),
    ...(base?.kernels ? { kernels: base.kernels } : {}),
    configs: { ...base?.configs },
    ...(base?.pageSize !== undefined ? { pageSize: base.pageSize } : {}),
    ...(base?.ram ? { ram: { ...base.ram } } : {}),
    ...(base?.cma ? { cma: { ...base.cma } } : {}),
    iommus: new Map(base?.iommus),
    hostBridges: new Map(base?.hostBridges),
    switches: new Map(base?.switches),
    devices: new Map(base?.devices),
    exporters: new Map(base?.exporters),
  };
  if (decl.extends && base) ctx.symbols.ref(decl.extends, base.symbol);
  const ownNames = new Map<string, A.Ident>();
  const declareHardware = (ident: A.Ident): void => {
    const prior = ownNames.get(ident.name);
    if (prior) {
      ctx.sink.report(file, 'NAME', ident.span, `\`${ident.name}\` is declared twice in platform \`${spec.name}\``, [
        relatedAt(file.source, prior.span, 'first declared here'),
      ]);
    }
    ownNames.set(ident.name, ident);
  };
  for (const item of decl.items) {
    switch (item.kind) {
      case 'Arch':
        spec.arch = item.arch.value;
        break;
      case 'Kernel': {
        spec.kernel = item.version.value;
        const range = item.last && profilesInRange(item.version.value, item.last.value);
        if (range) spec.kernels = range;
        else delete spec.kernels;
        break;
      }
      case 'Config':
        spec.configs[item.name.value] = item.value.value;
        break;
      case 'PageSize':
        checkPowerOfTwo(ctx, file, item.size, 'page_size', 4 * KiB);
        spec.pageSize = item.size.value;
        break;
      case 'Ram':
        spec.ram = { size: item.size.value, ...(item.base ? { base: item.base.value } : {}) };
        break;
      case 'Cma':
        spec.cma = { size: item.size.value, base: item.base.value, item };
        break;
      case 'Iommu':
        declareHardware(item.name);
        spec.iommus.set(item.name.name, { decl: item, file });
        break;
      case 'HostBridge':
        declareHardware(item.name);
        spec.hostBridges.set(item.name.name, { decl: item, file });
        break;
      case 'Switch':
        declareHardware(item.name);
        spec.switches.set(item.name.name, { decl: item, file });
        break;
      case 'Device':
        declareHardware(item.name);
        spec.devices.set(item.name.name, { decl: item, file });
        break;
      case 'ExporterDecl':
        declareHardware(item.name);
        spec.exporters.set(item.name.name, { decl: item, file });
        break;
      default:
        assertNever(item);
    }
  }
  return spec;
}

function checkPowerOfTwo(ctx: PlatformContext, file: ParsedFile, n: A.NumberLit, what: string, min: number): void {
  const v = n.value;
  if (v >= min && Number.isInteger(Math.log2(v))) return;
  ctx.sink.report(file, 'SYNTAX', n.span, `${what} must be a power of two of at least ${min} bytes, not ${n.text}`);
}

function checkRange(ctx: PlatformContext, file: ParsedFile, n: A.NumberLit, what: string, lo: number, hi: number): boolean {
  if (n.value >= lo && n.value <= hi) return true;
  ctx.sink.report(file, 'SYNTAX', n.span, `${what} must be between ${lo} and ${hi}, not ${n.text}`);
  return false;
}

/** Defaults applied, references checked. Builtin-ness follows the platform's file. */
export function resolveSpec(ctx: PlatformContext, spec: PlatformSpec): ResolvedPlatform {
  const arch = spec.arch ?? 'x86_64';
  const isX86 = arch === 'x86_64';
  const configs = {} as Record<A.ConfigName, boolean>;
  for (const c of CONFIG_NAMES) configs[c] = spec.configs[c] ?? defaultConfig(c, arch);
  const kernel = spec.kernel ?? DEFAULT_KERNEL;
  checkConfigsExist(ctx, spec, spec.kernels ?? [kernel]);

  const iommus = new Map<string, ResolvedIommu>();
  for (const [name, { decl, file }] of spec.iommus) {
    const symbol = ctx.symbols.declare('iommu', decl.name, file, decl);
    const pageSizes = decl.pageSizes?.map((p) => {
      checkPowerOfTwo(ctx, file, p, 'an IOMMU page size', 4 * KiB);
      return p.value;
    });
    const bits = decl.iovaBits && checkRange(ctx, file, decl.iovaBits, 'iova_bits', 12, 64) ? decl.iovaBits.value : undefined;
    iommus.set(name, {
      name,
      symbol,
      pageSizes: [...new Set(pageSizes ?? [4 * KiB, 2 * KiB * KiB, GiB])].sort((a, b) => a - b),
      iovaBits: bits ?? (arch === 'arm32' ? 32 : 48),
    });
  }

  const hostBridges = new Map<string, ResolvedHostBridge>();
  for (const [name, { decl, file }] of spec.hostBridges) {
    hostBridges.set(name, { name, symbol: ctx.symbols.declare('host_bridge', decl.name, file, decl), p2p: decl.p2p?.value ?? false });
  }
  const switches = new Map<string, ResolvedSwitch>();
  for (const [name, { decl, file }] of spec.switches) {
    switches.set(name, { name, symbol: ctx.symbols.declare('switch', decl.name, file, decl), under: decl.under.name, acs: decl.acs?.value ?? false });
  }
  const upstreamOf = (ident: A.Ident, file: ParsedFile, what: string): boolean => {
    const target = switches.get(ident.name)?.symbol ?? hostBridges.get(ident.name)?.symbol;
    if (target) {
      ctx.symbols.ref(ident, target);
      return true;
    }
    const other = spec.devices.has(ident.name) ? ' (it is a device)' : spec.iommus.has(ident.name) ? ' (it is an IOMMU)' : '';
    ctx.sink.report(file, 'NAME', ident.span, `${what}: \`${ident.name}\` is not a switch or host bridge of platform \`${spec.name}\`${other}`);
    return false;
  };
  for (const [, { decl, file }] of spec.switches) {
    if (upstreamOf(decl.under, file, `switch \`${decl.name.name}\` is under an unknown bridge`)) checkSwitchLoop(ctx, spec, decl, file, switches);
  }

  const exporters = new Map<string, DescribedExporter>();
  for (const [name, { decl, file }] of spec.exporters) exporters.set(name, resolveExporter(ctx, decl, file));
  const exporterOf = (ident: A.Ident, file: ParsedFile): ResolvedExporter => {
    if (isBuiltinExporter(ident.name)) return ident.name;
    const described = exporters.get(ident.name);
    if (described) {
      ctx.symbols.ref(ident, described.symbol);
      return described;
    }
    ctx.sink.report(
      file,
      'NAME',
      ident.span,
      `\`${ident.name}\` is not an exporter: write \`gem\`, \`ttm\`, \`none\` or the name of an \`exporter NAME { … }\` of platform \`${spec.name}\``,
    );
    return 'none';
  };

  const groups = new Map<string, ResolvedGroup & { devices: string[] }>();
  const devices = new Map<string, ResolvedDevice>();
  for (const [name, { decl, file }] of spec.devices) {
    devices.set(name, resolveDevice(ctx, spec, decl, file, isX86, iommus, groups, upstreamOf, exporterOf));
  }

  const ram = { size: spec.ram?.size ?? 4 * GiB, base: spec.ram?.base ?? (isX86 ? 0 : 0x8000_0000) };
  const cma = spec.cma && cmaWindow(ctx, spec, ram);
  return {
    name: spec.name,
    symbol: spec.symbol,
    decl: spec.decl,
    builtin: spec.file.builtin,
    arch,
    kernel,
    ...(spec.kernels ? { kernels: spec.kernels } : {}),
    configs,
    pageSize: spec.pageSize ?? 4 * KiB,
    ram,
    ...(cma ? { cma } : {}),
    iommus,
    hostBridges,
    switches,
    devices,
    groups,
    exporters,
  };
}

/**
 * A `config` naming an option some profile of the platform lacks (the table's `removesConfig`
 * rows) is a NAME finding, reported where this platform brings the two together: at its own
 * `config` line, or at its own `kernel` line when the config is inherited. A base platform with
 * both reports it itself.
 */
function checkConfigsExist(ctx: PlatformContext, spec: PlatformSpec, profiles: readonly A.KernelVersion[]): void {
  const own = spec.decl.items;
  const kernelItem = lastOf(own, (i): i is A.KernelItem => i.kind === 'Kernel');
  for (const name of CONFIG_NAMES) {
    if (spec.configs[name] === undefined) continue;
    const lacking = lackingConfig(profiles, name);
    if (lacking.length === 0) continue;
    const configItem = lastOf(own, (i): i is A.ConfigItem => i.kind === 'Config' && i.name.value === name);
    const span = configItem?.name.span ?? kernelItem?.version.span;
    if (!span) continue;
    const { row } = lacking[0];
    const which = describeProfiles(spec.file.source.text, spec.kernels, lacking.map((l) => l.version), kernelItem);
    const message =
      `${which} no CONFIG_${name}: it was removed in ${row.since} by ${row.commit}` +
      (configItem ? '' : ` (the config comes from \`${spec.decl.extends?.name ?? 'its base'}\`)`);
    ctx.sink.report(spec.file, 'NAME', span, message);
  }
}

/**
 * A scenario's own `kernel` clause (`scenario s on p kernel 7.1 {`): the platform under that
 * profile or range instead of its own. A config the platform sets that the scenario's profile
 * lacks is reported at the clause, as a platform's own `kernel` line reports it.
 */
export function withScenarioProfile(ctx: PlatformContext, file: ParsedFile, platform: ResolvedPlatform, spec: PlatformSpec, item: A.KernelItem): ResolvedPlatform {
  const kernels = item.last ? profilesInRange(item.version.value, item.last.value) : undefined;
  for (const name of CONFIG_NAMES) {
    if (spec.configs[name] === undefined) continue;
    const lacking = lackingConfig(kernels ?? [item.version.value], name);
    if (lacking.length === 0) continue;
    const { row } = lacking[0];
    const which = describeProfiles(file.source.text, kernels, lacking.map((l) => l.version), item);
    ctx.sink.report(file, 'NAME', item.version.span, `${which} no CONFIG_${name}: it was removed in ${row.since} by ${row.commit} (the config comes from platform \`${platform.name}\`)`);
  }
  const { kernels: _platformRange, ...rest } = platform;
  return { ...rest, kernel: item.version.value, ...(kernels ? { kernels } : {}) };
}

/** The profiles of `profiles` that lack CONFIG_`name`, each with the table row that removed it. */
export function lackingConfig(profiles: readonly A.KernelVersion[], name: A.ConfigName): { version: A.KernelVersion; row: NonNullable<ReturnType<typeof configRemoval>> }[] {
  return profiles.flatMap((v) => {
    const row = configRemoval(v, name);
    return row ? [{ version: v, row }] : [];
  });
}

/** "kernel 7.1 has", "kernel mainline (7.1) has", "profile 7.1 of the range `6.18..mainline` (mainline is 7.1) has". */
function describeProfiles(source: string, kernels: readonly A.KernelVersion[] | undefined, lacking: readonly A.KernelVersion[], kernelItem: A.KernelItem | undefined): string {
  const text = (w: A.Word<A.KernelVersion>): string => source.slice(w.span.start, w.span.end);
  const ends = kernelItem ? [kernelItem.version, ...(kernelItem.last ? [kernelItem.last] : [])] : [];
  const mainline = ends.some((w) => text(w) === 'mainline') ? ` (mainline is ${MAINLINE})` : '';
  if (!kernels) return `kernel ${ends.length && text(ends[0]) === 'mainline' ? `mainline (${MAINLINE})` : lacking[0]} has`;
  const range = ends.length === 2 ? `${text(ends[0])}..${text(ends[1])}` : `${kernels[0]}..${kernels[kernels.length - 1]}`;
  const list = lacking.join(', ');
  return `${lacking.length === 1 ? 'profile' : 'profiles'} ${list} of the range \`${range}\`${mainline} ${lacking.length === 1 ? 'has' : 'have'}`;
}

function lastOf<T extends A.PlatformItem>(items: readonly A.PlatformItem[], is: (i: A.PlatformItem) => i is T): T | undefined {
  for (let k = items.length - 1; k >= 0; k--) {
    const item = items[k];
    if (is(item)) return item;
  }
  return undefined;
}

function defaultConfig(name: A.ConfigName, arch: A.Arch): boolean {
  if (name === 'SWIOTLB') return true;
  if (name === 'ARM_DMA_USE_IOMMU') return arch === 'arm32';
  // drivers/iommu/Kconfig: "default IOMMU_DEFAULT_DMA_LAZY if X86", strict elsewhere.
  if (name === 'IOMMU_DEFAULT_DMA_LAZY') return arch === 'x86_64';
  return false;
}

/** A switch chain that never reaches a host bridge (`a under b`, `b under a`). */
function checkSwitchLoop(ctx: PlatformContext, spec: PlatformSpec, decl: A.SwitchDecl, file: ParsedFile, switches: Map<string, ResolvedSwitch>): void {
  const seen = new Set<string>([decl.name.name]);
  let cur = switches.get(decl.under.name);
  while (cur) {
    if (seen.has(cur.name)) {
      ctx.sink.report(file, 'NAME', decl.under.span, `switch \`${decl.name.name}\` is in a loop of switches that never reaches a host bridge of platform \`${spec.name}\``);
      return;
    }
    seen.add(cur.name);
    cur = switches.get(cur.under);
  }
}

function resolveDevice(
  ctx: PlatformContext,
  spec: PlatformSpec,
  decl: A.DeviceDecl,
  file: ParsedFile,
  isX86: boolean,
  iommus: Map<string, ResolvedIommu>,
  groups: Map<string, ResolvedGroup & { devices: string[] }>,
  upstreamOf: (ident: A.Ident, file: ParsedFile, what: string) => boolean,
  exporterOf: (ident: A.Ident, file: ParsedFile) => ResolvedExporter,
): ResolvedDevice {
  const name = decl.name.name;
  const symbol = ctx.symbols.declare('device', decl.name, file, decl);
  let bus: ResolvedDevice['bus'] = { kind: 'platform' };
  let coherent = isX86;
  let untrusted = false;
  let untrustedAt: A.UntrustedItem | undefined;
  let dmaMask = 64;
  let maxSegment = 64 * KiB;
  let segmentBoundary: number | undefined;
  let boundaryDeclared = false;
  let iommu: ResolvedDevice['iommu'];
  let exporter: ResolvedExporter = 'none';
  const bars = new Map<string, ResolvedBar>();
  for (const item of decl.items) {
    switch (item.kind) {
      case 'BusPci':
        upstreamOf(item.upstream, file, `device \`${name}\` has an unknown upstream bridge`);
        bus = { kind: 'pci', upstream: item.upstream.name };
        break;
      case 'BusPlatform':
        bus = { kind: 'platform' };
        break;
      case 'Coherent':
        coherent = item.value.value;
        break;
      case 'Untrusted':
        untrusted = item.value.value;
        untrustedAt = item;
        break;
      case 'DmaMask':
        if (checkRange(ctx, file, item.bits, 'dma_mask', 12, 64)) dmaMask = item.bits.value;
        break;
      case 'MaxSegment':
        maxSegment = item.size.value >= 4 * GiB ? UINT_MAX : item.size.value;
        break;
      case 'SegmentBoundary':
        checkPowerOfTwo(ctx, file, item.size, 'segment_boundary', 4 * KiB);
        segmentBoundary = item.size.value;
        boundaryDeclared = true;
        break;
      case 'DeviceIommu':
        iommu = bindDeviceIommu(ctx, spec, name, item, file, iommus, groups) ?? iommu;
        break;
      case 'Bar': {
        const prior = bars.get(item.name.name);
        if (prior) {
          ctx.sink.report(file, 'NAME', item.name.span, `device \`${name}\` declares BAR \`${item.name.name}\` twice`, [
            relatedAt(file.source, prior.symbol.span, 'first declared here'),
          ]);
        }
        bars.set(item.name.name, {
          name: item.name.name,
          symbol: ctx.symbols.declare('bar', item.name, file, item, name),
          size: item.size.value,
          mmio: item.mmio,
        });
        break;
      }
      case 'Exporter':
        exporter = exporterOf(item.exporter, file);
        break;
    }
  }
  if (!boundaryDeclared && bus.kind === 'pci') segmentBoundary = 4 * GiB;
  if (untrusted && untrustedAt && bus.kind !== 'pci') {
    ctx.sink.report(file, 'NAME', untrustedAt.span, `\`untrusted\` is pci_dev->untrusted (a device behind an external-facing PCIe port); device \`${name}\` is not on a PCI bus`);
    untrusted = false;
  }
  return {
    name,
    symbol,
    bus,
    coherent,
    ...(untrusted ? { untrusted: true as const } : {}),
    dmaMask,
    maxSegment,
    ...(segmentBoundary !== undefined ? { segmentBoundary } : {}),
    ...(iommu ? { iommu } : {}),
    bars,
    exporter,
  };
}

function isBuiltinExporter(name: string): name is A.ExporterKind {
  return (A.BUILTIN_EXPORTER_NAMES as readonly string[]).includes(name);
}

/**
 * An `exporter NAME { … }` with its defaults: a driver that leaves a member of struct dma_buf_ops
 * NULL gets the core's behaviour for it, and the dimensions say what the driver's own callbacks
 * do. Lines that describe a callback the `ops` line leaves out are errors: there is no code to
 * behave that way.
 */
function resolveExporter(ctx: PlatformContext, decl: A.ExporterDecl, file: ParsedFile): DescribedExporter {
  const symbol = ctx.symbols.declare('exporter', decl.name, file, decl);
  if (A.RESERVED_EXPORTER_NAMES.includes(decl.name.name)) {
    ctx.sink.report(file, 'NAME', decl.name.span, `\`${decl.name.name}\` is a built-in exporter: give the driver's description a name of its own`);
  }
  const items = new Map<string, A.Node>();
  const seen = new Map<A.ExporterDescItem['kind'], A.ExporterDescItem>();
  for (const item of decl.items) {
    const prior = seen.get(item.kind);
    if (prior) {
      ctx.sink.report(file, 'SYNTAX', item.keyword, `exporter \`${decl.name.name}\` says \`${file.source.text.slice(item.keyword.start, item.keyword.end)}\` twice`, [
        relatedAt(file.source, prior.keyword, 'first said here'),
      ]);
    }
    seen.set(item.kind, item);
  }
  const get = <K extends A.ExporterDescItem['kind']>(kind: K): Extract<A.ExporterDescItem, { kind: K }> | undefined => {
    const item = seen.get(kind) as Extract<A.ExporterDescItem, { kind: K }> | undefined;
    if (item) items.set(kind, item);
    return item;
  };
  const ops = get('ExpOps');
  if (!ops) {
    ctx.sink.report(file, 'SYNTAX', decl.name.span, `exporter \`${decl.name.name}\` needs an \`ops\` line: the dma_buf_ops members its driver fills in (e.g. \`ops attach detach map_dma_buf unmap_dma_buf release mmap\`)`);
  }
  const callbacks = new Set<A.DmaBufCallback>();
  for (const w of ops?.callbacks ?? []) {
    if (callbacks.has(w.value)) ctx.sink.report(file, 'SYNTAX', w.span, `\`${w.value}\` is listed twice in \`ops\``);
    callbacks.add(w.value);
  }
  const needs = (item: A.ExporterDescItem | undefined, callback: A.DmaBufCallback, what: string): void => {
    if (!item || !ops || callbacks.has(callback)) return;
    ctx.sink.report(file, 'SYNTAX', item.keyword, `\`${what}\` describes ops->${callback}, which \`ops\` does not list: add \`${callback}\` to \`ops\` or drop this line`);
  };
  const peer2peer = get('ExpPeer2peer');
  if (peer2peer?.policy.value !== 'trust') needs(peer2peer, 'attach', 'peer2peer');
  const cpuAccess = get('ExpCpuAccess');
  needs(cpuAccess, 'begin_cpu_access', 'cpu_access');
  const walk = get('ExpAttachmentWalk');
  if (walk?.walk.value === 'at_cpu_access') needs(walk, 'begin_cpu_access', 'attachment_walk at_cpu_access');
  const offset = get('ExpEntryOffset');
  if (offset && offset.size.value < 0) ctx.sink.report(file, 'SYNTAX', offset.size.span, 'entry_offset must not be negative');
  return {
    name: decl.name.name,
    symbol,
    callbacks,
    cacheSgt: get('ExpCacheSgt')?.value.value ?? false,
    skipCpuSync: get('ExpMapAttrs')?.attrs.value === 'skip_cpu_sync',
    perAttachmentTable: get('ExpTable')?.table.value === 'per_attachment',
    barEntries: get('ExpBarEntries')?.policy.value ?? 'pageless',
    peer2peer: peer2peer?.policy.value ?? 'trust',
    cpuAccess: cpuAccess?.policy.value ?? 'sync_mapped',
    cpuMapping: get('ExpCpuMapping')?.caching.value ?? 'cached',
    attachmentWalk: walk?.walk.value ?? 'none',
    clear: get('ExpClear')?.policy.value ?? 'sync',
    entryOffset: Math.max(0, offset?.size.value ?? 0),
    items,
  };
}

function bindDeviceIommu(
  ctx: PlatformContext,
  spec: PlatformSpec,
  device: string,
  item: A.DeviceIommuItem,
  file: ParsedFile,
  iommus: Map<string, ResolvedIommu>,
  groups: Map<string, ResolvedGroup & { devices: string[] }>,
): ResolvedDevice['iommu'] | undefined {
  const unit = iommus.get(item.iommu.name);
  if (!unit) {
    ctx.sink.report(file, 'NAME', item.iommu.span, `device \`${device}\`: \`${item.iommu.name}\` is not an IOMMU of platform \`${spec.name}\``);
    return undefined;
  }
  ctx.symbols.ref(item.iommu, unit.symbol);
  const group = groups.get(item.group.name);
  if (!group) {
    const symbol = ctx.symbols.declare('group', item.group, file, item, spec.name);
    groups.set(item.group.name, { name: item.group.name, symbol, iommu: unit.name, devices: [device] });
    return { iommu: unit.name, group: item.group.name };
  }
  ctx.symbols.ref(item.group, group.symbol);
  if (group.iommu !== unit.name) {
    ctx.sink.report(
      file,
      'NAME',
      item.iommu.span,
      `device \`${device}\` puts group \`${group.name}\` behind \`${unit.name}\`, but the group is behind \`${group.iommu}\`: an IOMMU group belongs to one IOMMU`,
      [{ location: { file: group.symbol.file, span: group.symbol.span }, message: 'group first named here' }],
    );
    return undefined;
  }
  group.devices.push(device);
  return { iommu: unit.name, group: item.group.name };
}

/** The CMA area must lie in RAM above the swiotlb pool's 64 MiB and be page aligned; else a SYNTAX finding and no area. */
function cmaWindow(ctx: PlatformContext, spec: PlatformSpec, ram: { size: number; base: number }): { size: number; base: number } | undefined {
  const c = spec.cma;
  if (!c) return undefined;
  const end = c.base + c.size;
  const page = spec.pageSize ?? 4 * KiB;
  if (c.base % page !== 0 || c.size % page !== 0) {
    ctx.sink.report(spec.file, 'SYNTAX', c.item.span, `the CMA area ${hexAddr(c.base)}..${hexAddr(end)} must start and end on a page boundary (${page} bytes)`);
    return undefined;
  }
  if (c.size <= 0 || c.base < ram.base + 64 * MiB || end > ram.base + ram.size) {
    ctx.sink.report(spec.file, 'SYNTAX', c.item.span, `the CMA area ${hexAddr(c.base)}..${hexAddr(end)} must lie inside RAM (${hexAddr(ram.base)}..${hexAddr(ram.base + ram.size)}), above the 64 MiB swiotlb pool at its bottom`);
    return undefined;
  }
  return { size: c.size, base: c.base };
}

function hexAddr(n: number): string {
  return `0x${n.toString(16)}`;
}
