// The bound model: what the binder makes of parsed files. Names are resolved to symbols, platforms
// are flattened (extends applied, defaults filled in), scenarios know their platform. The engine
// reads only this (and the statements' syntax nodes); the language server reads it for
// navigation, completion and hover.
import type {
  Arch,
  BarEntries,
  CheckDecl,
  ConfigName,
  CpuAccessPolicy,
  CpuMapping, AttachmentWalk, ClearPolicy,
  DmaBufCallback,
  ExporterKind,
  Ident,
  KernelVersion,
  Node,
  Peer2peerPolicy,
  PlatformDecl,
  ScenarioDecl,
  SourceFileNode,
  Span,
  Stmt,
} from './ast';
import type { Finding } from '../common/findings';
import type { SourceText } from '../common/source';

export type SymbolKind =
  | 'platform'
  | 'scenario'
  | 'device'
  | 'bar'
  | 'iommu'
  | 'group'
  | 'host_bridge'
  | 'switch'
  | 'exporter'
  | 'buffer'
  | 'attachment'
  | 'sgt'
  | 'fence'
  | 'domain'
  | 'vmap'
  | 'memory'
  | 'table'
  | 'iova'
  | 'ioas'
  | 'thread';

export interface Symbol {
  /** Unique within one bound program. */
  readonly id: number;
  readonly kind: SymbolKind;
  readonly name: string;
  /** Where it is declared: the file and the span of the declaring name. */
  readonly file: string;
  readonly span: Span;
  /** The declaring item or statement. */
  readonly decl: Node;
  /** For names bound in a scenario: the scenario's name. For BARs: the device's name. */
  readonly container?: string;
}

export interface ParsedFile {
  readonly source: SourceText;
  readonly ast: SourceFileNode;
  /** SYNTAX findings. */
  readonly findings: readonly Finding[];
  /** True for the shipped x86_64_pc / arm64_soc / arm32_soc text. */
  readonly builtin: boolean;
}

export interface ResolvedIommu {
  readonly name: string;
  readonly symbol: Symbol;
  /** Supported page sizes in bytes, ascending. Default 4 KiB, 2 MiB, 1 GiB. */
  readonly pageSizes: readonly number[];
  /** Default 48 (32 on arm32). */
  readonly iovaBits: number;
}

export interface ResolvedHostBridge {
  readonly name: string;
  readonly symbol: Symbol;
  /** Whitelisted for P2P through it (pci_p2pdma_whitelist / cpu_supports_p2pdma). */
  readonly p2p: boolean;
}

export interface ResolvedSwitch {
  readonly name: string;
  readonly symbol: Symbol;
  /** A switch or host bridge name. */
  readonly under: string;
  /** ACS redirect enabled on its downstream ports. */
  readonly acs: boolean;
}

export interface ResolvedBar {
  readonly name: string;
  readonly symbol: Symbol;
  readonly size: number;
  readonly mmio: boolean;
}

export type ResolvedBus = { readonly kind: 'pci'; readonly upstream: string } | { readonly kind: 'platform' };

export interface ResolvedDevice {
  readonly name: string;
  readonly symbol: Symbol;
  readonly bus: ResolvedBus;
  /** Default: yes on x86_64, no elsewhere. */
  readonly coherent: boolean;
  /**
   * pci_dev->untrusted (a device behind an external-facing port): its group gets a strict DMA domain,
   * and dma-iommu bounces every mapping that does not start and end on an IOMMU page through swiotlb.
   */
  readonly untrusted?: true;
  /** Addressable bits; default 64. */
  readonly dmaMask: number;
  /** dma_get_max_seg_size(); default 64 KiB; UINT_MAX (0xffff_ffff) when declared ≥ 4 GiB. */
  readonly maxSegment: number;
  /** dma_get_seg_boundary() + 1 in bytes; default 4 GiB on pci, undefined (none) on platform. */
  readonly segmentBoundary?: number;
  readonly iommu?: { readonly iommu: string; readonly group: string };
  readonly bars: ReadonlyMap<string, ResolvedBar>;
  readonly exporter: ResolvedExporter;
}

/** What a device's driver exports with: nothing, a built-in description, or one the platform writes. */
export type ResolvedExporter = Exclude<ExporterKind, 'none'> | 'none' | DescribedExporter;

/**
 * A driver's struct dma_buf_ops as an `exporter NAME { … }` describes it, defaults applied (see
 * the language reference): which callbacks exist, and how map_dma_buf, attach and the CPU
 * callbacks behave.
 */
export interface DescribedExporter {
  readonly name: string;
  readonly symbol: Symbol;
  readonly callbacks: ReadonlySet<DmaBufCallback>;
  readonly cacheSgt: boolean;
  /** map_dma_buf passes DMA_ATTR_SKIP_CPU_SYNC. */
  readonly skipCpuSync: boolean;
  readonly perAttachmentTable: boolean;
  readonly barEntries: BarEntries;
  readonly peer2peer: Peer2peerPolicy;
  readonly cpuAccess: CpuAccessPolicy;
  readonly cpuMapping: CpuMapping;
  /** Where its ops walk dmabuf->attachments (ATT-05). */
  readonly attachmentWalk: AttachmentWalk;
  /** How its allocation clears the memory (PIN-02). */
  readonly clear: ClearPolicy;
  /** Offset of the first entry into its page: not PAGE_SIZE aligned when non-zero (MAP-07). */
  readonly entryOffset: number;
  /** The item that set each dimension, for findings that point at the description. */
  readonly items: ReadonlyMap<string, Node>;
}

export function exporterLabel(e: ResolvedExporter): string {
  return typeof e === 'string' ? e : e.name;
}

export interface ResolvedGroup {
  readonly name: string;
  readonly symbol: Symbol;
  readonly iommu: string;
  /** Device names in declaration order. */
  readonly devices: readonly string[];
}

export interface ResolvedPlatform {
  readonly name: string;
  readonly symbol: Symbol;
  readonly decl: PlatformDecl;
  readonly builtin: boolean;
  readonly arch: Arch;
  /** Default DEFAULT_KERNEL (profiles.ts). For a range `kernel A..B`, the first profile A. */
  readonly kernel: KernelVersion;
  /** For a range `kernel A..B`: every profile from A to B, its scenarios run as a version matrix (engine/matrix.ts); undefined for one profile. */
  readonly kernels?: readonly KernelVersion[];
  readonly configs: Readonly<Record<ConfigName, boolean>>;
  readonly pageSize: number;
  readonly ram: { readonly size: number; readonly base: number };
  /** The default CMA area (`cma SIZE at ADDR`): CMA-heap buffers and coherent allocations are placed in it. */
  readonly cma?: { readonly size: number; readonly base: number };
  readonly iommus: ReadonlyMap<string, ResolvedIommu>;
  readonly hostBridges: ReadonlyMap<string, ResolvedHostBridge>;
  readonly switches: ReadonlyMap<string, ResolvedSwitch>;
  readonly devices: ReadonlyMap<string, ResolvedDevice>;
  readonly groups: ReadonlyMap<string, ResolvedGroup>;
  /** The platform's `exporter NAME { … }` descriptions. */
  readonly exporters: ReadonlyMap<string, DescribedExporter>;
}

export interface BoundScenario {
  readonly name: string;
  readonly symbol: Symbol;
  readonly decl: ScenarioDecl;
  readonly file: string;
  /** Undefined when the platform name does not resolve (a NAME finding was reported). */
  readonly platform?: ResolvedPlatform;
  /** Statements in order; a statement whose names did not resolve is still here (see `broken`). */
  readonly body: readonly Stmt[];
  /** Statements that mention an unresolved or wrongly-kinded name: the engine skips them. */
  readonly broken: ReadonlySet<Stmt>;
}

/** A `check` item: the C file's path as written, the platform with the item's kernel, and the device each role names. */
export interface BoundCheck {
  readonly decl: CheckDecl;
  /** The `.dmabuf` file the item is in (the C path is relative to its folder). */
  readonly file: string;
  readonly platform?: ResolvedPlatform;
  readonly roles: ReadonlyMap<string, string>;
  /** `pending_write DEVICE`, resolved. */
  readonly pendingWrite?: string;
}

export interface BoundProgram {
  /** The file being checked. */
  readonly main: string;
  /** Every file read: the main file, its imports (transitively) and the built-ins. */
  readonly files: ReadonlyMap<string, ParsedFile>;
  /** Platforms visible from the main file, by name (built-ins, imported, local). */
  readonly platforms: ReadonlyMap<string, ResolvedPlatform>;
  /** Scenarios of the main file, in source order. */
  readonly scenarios: readonly BoundScenario[];
  /** `check` items of the main file, in source order. */
  readonly checks: readonly BoundCheck[];
  /** Every identifier occurrence that resolved (declarations included) → its symbol. */
  readonly refs: ReadonlyMap<Ident, Symbol>;
  readonly symbols: readonly Symbol[];
  /** SYNTAX (main file), NAME and IMPORT findings, located in the main file. */
  readonly findings: readonly Finding[];
}
