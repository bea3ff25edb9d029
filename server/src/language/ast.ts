// The syntax tree of a .dmabuf file. Every node keeps its exact source span (UTF-16 offsets into
// the file's text, end exclusive) so that every consumer (diagnostics, hover, rename, the trace)
// can point at precisely what the author wrote. Nodes are plain data: the parser builds them,
// the binder resolves the identifiers in them, the engine reads them. Nothing mutates them.
import type { Span } from '../common/span';

export type { Span };

export interface Node {
  readonly span: Span;
}

/** A name as written. `name` is empty when the parser had to invent one during recovery. */
export interface Ident extends Node {
  readonly kind: 'Ident';
  readonly name: string;
}

/** A size or address literal; `value` is in bytes (sizes) or the raw integer (counts, addresses). */
export interface NumberLit extends Node {
  readonly kind: 'Number';
  readonly value: number;
  readonly text: string;
  /** The unit as written (`KiB`, `M`, `B`…), undefined for a bare integer. */
  readonly unit?: string;
}

/** A keyword-valued field, kept with its span for hover and completion. */
export interface Word<T extends string> extends Node {
  readonly kind: 'Word';
  readonly value: T;
}

export interface BoolLit extends Node {
  readonly kind: 'Bool';
  readonly value: boolean;
}

// ---------------------------------------------------------------------------------------------
// File and top-level items

export interface SourceFileNode extends Node {
  readonly kind: 'File';
  readonly items: readonly TopItem[];
}

export type TopItem = ImportDecl | PlatformDecl | ScenarioDecl | CheckDecl;

export interface ImportDecl extends Node {
  readonly kind: 'Import';
  readonly keyword: Span;
  /** The path as written, without quotes and escapes resolved. */
  readonly path: string;
  readonly pathSpan: Span;
}

/**
 * `check "driver.c" on PLATFORM [kernel V] { NAME = DEVICE ... }`: the driver's C file, checked path
 * by path on the platform (server/src/cdriver/). Each `NAME = DEVICE` says which device a C
 * expression ending in NAME (`dev`, `priv->dev`, `attach->dev`) stands for.
 */
export interface CheckDecl extends Node {
  readonly kind: 'Check';
  readonly keyword: Span;
  readonly path: string;
  readonly pathSpan: Span;
  readonly platform: Ident;
  readonly kernel?: KernelItem;
  readonly roles: readonly CheckRole[];
  /** `pending_write DEVICE`: the dma-bufs the functions receive were just written by DEVICE (its fence still pending). */
  readonly pendingWrite?: Ident;
  readonly body: Span;
}
export interface CheckRole extends Node {
  readonly kind: 'CheckRole';
  readonly name: Ident;
  readonly device: Ident;
}

export interface PlatformDecl extends Node {
  readonly kind: 'Platform';
  readonly keyword: Span;
  readonly name: Ident;
  readonly extends?: Ident;
  readonly items: readonly PlatformItem[];
  /** Span of the `{ ... }` body, for folding. */
  readonly body: Span;
}

export interface ScenarioDecl extends Node {
  readonly kind: 'Scenario';
  readonly keyword: Span;
  readonly name: Ident;
  readonly platform: Ident;
  /**
   * `on PLATFORM kernel V` (or `kernel A..B`): the scenario's own profile, over the platform's
   * `kernel` line, so a scenario on a built-in platform can say which kernel it was written for.
   */
  readonly kernel?: KernelItem;
  readonly body: readonly Stmt[];
  readonly bodySpan: Span;
}

// ---------------------------------------------------------------------------------------------
// Platform items

export type Arch = 'x86_64' | 'arm64' | 'arm32' | 'riscv64';
export type { KernelVersion, ConfigName } from './profiles';
export { CONFIG_NAMES } from './profiles';
import type { KernelVersion, ConfigName } from './profiles';

export type PlatformItem =
  | ArchItem
  | KernelItem
  | ConfigItem
  | PageSizeItem
  | RamItem
  | CmaItem
  | IommuDecl
  | HostBridgeDecl
  | SwitchDecl
  | DeviceDecl
  | ExporterDecl;

interface ItemBase extends Node {
  /** The leading keyword (`arch`, `device`, …), for hover. */
  readonly keyword: Span;
}

export interface ArchItem extends ItemBase {
  readonly kind: 'Arch';
  readonly arch: Word<Arch>;
}
export interface KernelItem extends ItemBase {
  readonly kind: 'Kernel';
  /** The profile, or the first of a range. */
  readonly version: Word<KernelVersion>;
  /** The last profile of a range `version..last` (a version matrix); absent for one profile. */
  readonly last?: Word<KernelVersion>;
}
export interface ConfigItem extends ItemBase {
  readonly kind: 'Config';
  readonly name: Word<ConfigName>;
  readonly value: BoolLit;
}
export interface PageSizeItem extends ItemBase {
  readonly kind: 'PageSize';
  readonly size: NumberLit;
}
export interface RamItem extends ItemBase {
  readonly kind: 'Ram';
  readonly size: NumberLit;
  readonly base?: NumberLit;
}
/** `cma SIZE at ADDR`: the default CMA area (the `cma=` reservation), where CMA-heap buffers and coherent allocations come from. */
export interface CmaItem extends ItemBase {
  readonly kind: 'Cma';
  readonly size: NumberLit;
  readonly base: NumberLit;
}
export interface IommuDecl extends ItemBase {
  readonly kind: 'Iommu';
  readonly name: Ident;
  readonly pageSizes?: readonly NumberLit[];
  readonly iovaBits?: NumberLit;
  readonly body: Span;
}
export interface HostBridgeDecl extends ItemBase {
  readonly kind: 'HostBridge';
  readonly name: Ident;
  readonly p2p?: BoolLit;
  readonly body?: Span;
}
export interface SwitchDecl extends ItemBase {
  readonly kind: 'Switch';
  readonly name: Ident;
  readonly under: Ident;
  readonly acs?: BoolLit;
  readonly body?: Span;
}
export interface DeviceDecl extends ItemBase {
  readonly kind: 'Device';
  readonly name: Ident;
  readonly items: readonly DeviceItem[];
  readonly body: Span;
}

export type DeviceItem =
  | BusPciItem
  | BusPlatformItem
  | CoherentItem
  | UntrustedItem
  | DmaMaskItem
  | MaxSegmentItem
  | SegmentBoundaryItem
  | DeviceIommuItem
  | BarDecl
  | ExporterItem;

export interface BusPciItem extends ItemBase {
  readonly kind: 'BusPci';
  /** The upstream switch or host bridge. */
  readonly upstream: Ident;
}
export interface BusPlatformItem extends ItemBase {
  readonly kind: 'BusPlatform';
}
export interface CoherentItem extends ItemBase {
  readonly kind: 'Coherent';
  readonly value: BoolLit;
}
/** `untrusted yes|no`: pci_dev->untrusted (behind an external-facing port, e.g. Thunderbolt). */
export interface UntrustedItem extends ItemBase {
  readonly kind: 'Untrusted';
  readonly value: BoolLit;
}
export interface DmaMaskItem extends ItemBase {
  readonly kind: 'DmaMask';
  readonly bits: NumberLit;
}
export interface MaxSegmentItem extends ItemBase {
  readonly kind: 'MaxSegment';
  readonly size: NumberLit;
}
export interface SegmentBoundaryItem extends ItemBase {
  readonly kind: 'SegmentBoundary';
  readonly size: NumberLit;
}
export interface DeviceIommuItem extends ItemBase {
  readonly kind: 'DeviceIommu';
  readonly iommu: Ident;
  /** The group is declared by its first mention. */
  readonly group: Ident;
}
export interface BarDecl extends ItemBase {
  readonly kind: 'Bar';
  readonly name: Ident;
  readonly size: NumberLit;
  readonly mmio: boolean;
}
/** The exporters a device may name without describing them: the built-in descriptions, and `none`. */
export type ExporterKind = 'gem' | 'ttm' | 'none';
export const BUILTIN_EXPORTER_NAMES: readonly ExporterKind[] = ['gem', 'ttm', 'none'];
/** Names an `exporter NAME { … }` may not take: the built-in descriptions (the heaps' included), which a buffer is looked up by. */
export const RESERVED_EXPORTER_NAMES: readonly string[] = [...BUILTIN_EXPORTER_NAMES, 'heap_system', 'heap_cma'];
export interface ExporterItem extends ItemBase {
  readonly kind: 'Exporter';
  /** `gem`, `ttm`, `none` or an `exporter NAME { … }` of the platform. */
  readonly exporter: Ident;
}

// ---------------------------------------------------------------------------------------------
// Exporter descriptions: `exporter NAME { … }`, a driver's struct dma_buf_ops (include/linux/dma-buf.h)

/** The members of struct dma_buf_ops a driver may fill in (include/linux/dma-buf.h). */
export const DMA_BUF_CALLBACKS = [
  'attach', 'detach', 'pin', 'unpin', 'map_dma_buf', 'unmap_dma_buf', 'release',
  'mmap', 'vmap', 'vunmap', 'begin_cpu_access', 'end_cpu_access',
] as const;
export type DmaBufCallback = (typeof DMA_BUF_CALLBACKS)[number];
/** The members that make an exporter dynamic (dma_buf_is_dynamic()); dma_buf_export() wants both or neither. */
export const PIN_CALLBACKS: readonly DmaBufCallback[] = [DMA_BUF_CALLBACKS[2], DMA_BUF_CALLBACKS[3]];
export const MAP_ATTRS = ['skip_cpu_sync', 'none'] as const;
export type MapAttrs = (typeof MAP_ATTRS)[number];
export const TABLE_POLICIES = ['per_call', 'per_attachment'] as const;
export type TablePolicy = (typeof TABLE_POLICIES)[number];
export const BAR_ENTRIES = ['pageless', 'pageless_for_all', 'pages'] as const;
export type BarEntries = (typeof BAR_ENTRIES)[number];
export const PEER2PEER_POLICIES = ['trust', 'check_distance', 'require'] as const;
export type Peer2peerPolicy = (typeof PEER2PEER_POLICIES)[number];
/**
 * What begin/end_cpu_access do: sync every mapped attachment in the bracket's direction (the heaps),
 * nothing (vb2-dma-contig), or sync the exporter's own mapping of the buffer for its own device in
 * that mapping's fixed direction, whatever the bracket's (vb2-dma-sg: buf->dma_dir, the queue's).
 */
export const CPU_ACCESS_POLICIES = ['sync_mapped', 'nothing', 'sync_own_to_device', 'sync_own_from_device', 'sync_own_bidirectional'] as const;
export type CpuAccessPolicy = (typeof CPU_ACCESS_POLICIES)[number];
export const ATTACHMENT_WALKS = ['at_map', 'at_cpu_access', 'none'] as const;
/** Where the driver's ops walk dmabuf->attachments: in map_dma_buf (relying on the caller's resv), in begin/end_cpu_access (no resv held), or nowhere (ATT-05). */
export type AttachmentWalk = (typeof ATTACHMENT_WALKS)[number];
/**
 * How the exporter's allocation clears the memory it exports: before dma_buf_export() returns
 * (`sync`), or with a job on the exporting device whose fence goes into the reservation as
 * DMA_RESV_USAGE_KERNEL (`kernel_fence`, as amdgpu and xe clear VRAM) or stays the driver's own
 * (`unpublished`: pin and map_dma_buf return with the clear in flight, PIN-02).
 */
export const CLEAR_POLICIES = ['sync', 'kernel_fence', 'unpublished'] as const;
export type ClearPolicy = (typeof CLEAR_POLICIES)[number];
export const CPU_MAPPINGS = ['cached', 'write_combined'] as const;
export type CpuMapping = (typeof CPU_MAPPINGS)[number];
/** The words each one-word line of an exporter description takes (`ops` takes callbacks, `entry_offset` a size). */
export const EXPORTER_LINE_VALUES: Readonly<Record<string, readonly string[]>> = {
  map_attrs: MAP_ATTRS,
  table: TABLE_POLICIES,
  cache_sgt_mapping: ['yes', 'no'],
  bar_entries: BAR_ENTRIES,
  peer2peer: PEER2PEER_POLICIES,
  cpu_access: CPU_ACCESS_POLICIES,
  cpu_mapping: CPU_MAPPINGS,
  attachment_walk: ATTACHMENT_WALKS,
  clear: CLEAR_POLICIES,
};

export interface ExporterDecl extends ItemBase {
  readonly kind: 'ExporterDecl';
  readonly name: Ident;
  readonly items: readonly ExporterDescItem[];
  readonly body: Span;
}
export type ExporterDescItem =
  | OpsItem
  | CacheSgtItem
  | MapAttrsItem
  | TableItem
  | BarEntriesItem
  | Peer2peerItem
  | CpuAccessItem
  | CpuMappingItem
  | AttachmentWalkItem
  | ClearItem
  | EntryOffsetItem;
export interface OpsItem extends ItemBase {
  readonly kind: 'ExpOps';
  readonly callbacks: readonly Word<DmaBufCallback>[];
}
export interface ClearItem extends ItemBase {
  readonly kind: 'ExpClear';
  readonly policy: Word<ClearPolicy>;
}
export interface CacheSgtItem extends ItemBase {
  readonly kind: 'ExpCacheSgt';
  readonly value: BoolLit;
}
export interface MapAttrsItem extends ItemBase {
  readonly kind: 'ExpMapAttrs';
  readonly attrs: Word<MapAttrs>;
}
export interface TableItem extends ItemBase {
  readonly kind: 'ExpTable';
  readonly table: Word<TablePolicy>;
}
export interface BarEntriesItem extends ItemBase {
  readonly kind: 'ExpBarEntries';
  readonly policy: Word<BarEntries>;
}
export interface Peer2peerItem extends ItemBase {
  readonly kind: 'ExpPeer2peer';
  readonly policy: Word<Peer2peerPolicy>;
}
export interface CpuAccessItem extends ItemBase {
  readonly kind: 'ExpCpuAccess';
  readonly policy: Word<CpuAccessPolicy>;
}
export interface CpuMappingItem extends ItemBase {
  readonly kind: 'ExpCpuMapping';
  readonly caching: Word<CpuMapping>;
}
export interface AttachmentWalkItem extends ItemBase {
  readonly kind: 'ExpAttachmentWalk';
  readonly walk: Word<AttachmentWalk>;
}
export interface EntryOffsetItem extends ItemBase {
  readonly kind: 'ExpEntryOffset';
  readonly size: NumberLit;
}

// ---------------------------------------------------------------------------------------------
// Scenario statements

export type Dir = 'to_device' | 'from_device' | 'bidirectional';
/** What the streaming DMA API calls take: a direction, or DMA_NONE, which they BUG on (DMAAPI-01). */
export type ApiDir = Dir | 'none';
export type CpuDir = 'read' | 'write' | 'rw';
export type Usage = 'kernel' | 'write' | 'read' | 'bookkeep';
export type Access = 'read' | 'write';
/** How the driver walks a mapped table to program its device (`submit … walk W`). */
export type Walk = 'nents' | 'orig_nents' | 'pointer';
export type HeapKind = 'system' | 'cma';

export interface Range extends Node {
  readonly kind: 'Range';
  readonly offset: NumberLit;
  readonly size: NumberLit;
}

interface StmtBase extends Node {
  /** The statement's keyword (`map`, `submit`, …): hover names the kernel call here. */
  readonly keyword: Span;
}

/** Statements that bind a name: `NAME = ...`. */
interface Binding {
  readonly name: Ident;
}

export interface ExportStmt extends StmtBase, Binding {
  readonly kind: 'Export';
  readonly dev: Ident;
  /** `system` or the name of a BAR of the exporting device. */
  readonly mem: Ident;
  readonly size: NumberLit;
  /** `at OFFSET`: where in the BAR the buffer starts (vfio-pci: the range userspace asks for). */
  readonly offset?: NumberLit;
  readonly contiguous: boolean;
}
export interface HeapStmt extends StmtBase, Binding {
  readonly kind: 'Heap';
  readonly heap: Word<HeapKind>;
  readonly size: NumberLit;
}
/** `NAME = udmabuf SIZE`: a sealed memfd of SIZE bytes turned into a dma-buf by UDMABUF_CREATE. */
export interface UdmabufStmt extends StmtBase, Binding {
  readonly kind: 'Udmabuf';
  readonly size: NumberLit;
}
export interface GetStmt extends StmtBase {
  readonly kind: 'Get';
  /** A buffer (get_dma_buf) or a fence (dma_fence_get). */
  readonly buf: Ident;
}
export interface PutStmt extends StmtBase {
  readonly kind: 'Put';
  /** A buffer (dma_buf_put) or a fence (dma_fence_put). */
  readonly buf: Ident;
}
export interface MoveStmt extends StmtBase {
  readonly kind: 'Move';
  readonly buf: Ident;
  readonly mem: Ident;
}
export interface LockStmt extends StmtBase {
  readonly kind: 'Lock';
  readonly buf: Ident;
}
export interface UnlockStmt extends StmtBase {
  readonly kind: 'Unlock';
  readonly buf: Ident;
}
export interface AttachStmt extends StmtBase, Binding {
  readonly kind: 'Attach';
  readonly buf: Ident;
  readonly dev: Ident;
  readonly dynamic: boolean;
  readonly peer2peer: boolean;
  /** importer_ops without move_notify (invalidate_mappings from 7.1): ATT-01 before 7.1. */
  readonly noMoveNotify: boolean;
}
export interface DetachStmt extends StmtBase {
  readonly kind: 'Detach';
  readonly att: Ident;
}
export interface PinStmt extends StmtBase {
  readonly kind: 'Pin';
  readonly att: Ident;
}
export interface UnpinStmt extends StmtBase {
  readonly kind: 'Unpin';
  readonly att: Ident;
}
export interface MapStmt extends StmtBase, Binding {
  readonly kind: 'Map';
  readonly att: Ident;
  readonly dir: Word<Dir>;
  /** `map_unlocked`. */
  readonly unlocked: boolean;
}
export interface UnmapStmt extends StmtBase {
  readonly kind: 'Unmap';
  readonly sgt: Ident;
  /** The direction passed to unmap; the map's when left out. */
  readonly dir?: Word<Dir>;
  /** `unmap_unlocked`. */
  readonly unlocked: boolean;
}
export interface KmapStmt extends StmtBase {
  readonly kind: 'Kmap';
  readonly sgt: Ident;
}
export interface DmaMapStmt extends StmtBase, Binding {
  readonly kind: 'DmaMap';
  readonly dev: Ident;
  readonly buf: Ident;
  readonly dir: Word<ApiDir>;
  readonly skipCpuSync: boolean;
}
/**
 * The driver's own memory: `NAME = kmalloc SIZE` (the linear map), `vmalloc SIZE` (virtually
 * contiguous, page by page) or `stack SIZE` (an on-stack array: vmalloc space with VMAP_STACK).
 */
export interface DriverMemStmt extends StmtBase, Binding {
  readonly kind: 'DriverMem';
  readonly size: NumberLit;
  /** `vmalloc`. */
  readonly vmalloc: boolean;
  /** `stack`. */
  readonly stack: boolean;
  /** `alloc_pages`: physically contiguous pages of one order, in the linear map. */
  readonly pages: boolean;
}
/** `NAME = dma_alloc_coherent DEV SIZE`: memory the CPU and the device share without syncs. */
export interface DmaAllocCoherentStmt extends StmtBase, Binding {
  readonly kind: 'DmaAllocCoherent';
  readonly dev: Ident;
  readonly size: NumberLit;
}
/** `NAME = dma_alloc_noncoherent DEV SIZE DIR`: cacheable memory the driver hands back and forth with dma_sync, as a streaming mapping. */
export interface DmaAllocNoncoherentStmt extends StmtBase, Binding {
  readonly kind: 'DmaAllocNoncoherent';
  readonly dev: Ident;
  readonly size: NumberLit;
  readonly dir: Word<Dir>;
  /** `dma_alloc_pages`: the same allocation, returned as its struct page. */
  readonly pages: boolean;
}
/** `free MEM`: kfree(), vfree(), dma_free_coherent() or dma_free_noncoherent(), as the memory was allocated. */
export interface FreeStmt extends StmtBase {
  readonly kind: 'Free';
  readonly mem: Ident;
}
/** `NAME = dma_get_sgtable MEM`: dma_get_sgtable() of a coherent allocation (one entry: SGT-04). */
export interface DmaGetSgtableStmt extends StmtBase, Binding {
  readonly kind: 'DmaGetSgtable';
  readonly mem: Ident;
}
/** `NAME = sg_table MEM [max_segment SIZE]`: sg_alloc_table_from_pages_segment() over the driver memory's pages. */
export interface SgTableStmt extends StmtBase, Binding {
  readonly kind: 'SgTable';
  readonly mem: Ident;
  readonly maxSegment?: NumberLit;
}
/** `NAME = dma_map_single DEV MEM DIR [at OFFSET size LENGTH]`: one streaming mapping of a kernel virtual address. */
export interface DmaMapSingleStmt extends StmtBase, Binding {
  readonly kind: 'DmaMapSingle';
  readonly dev: Ident;
  readonly mem: Ident;
  readonly dir: Word<ApiDir>;
  readonly range?: Range;
}
/** `A = ioas IOMMU`: IOMMU_IOAS_ALLOC on /dev/iommu (iommufd, 6.2+); its page tables are built for IOMMU's devices. */
export interface IoasStmt extends StmtBase, Binding {
  readonly kind: 'Ioas';
  readonly iommu: Ident;
}
/** `ioas_attach DEV A`: VFIO_DEVICE_ATTACH_IOMMUFD_PT: the device's group leaves its blocking domain for the IOAS's page table. */
export interface IoasAttachStmt extends StmtBase {
  readonly kind: 'IoasAttach';
  readonly dev: Ident;
  readonly ioas: Ident;
}
/** `ioas_map A BUF iova ADDR [at OFFSET size LENGTH]`: IOMMU_IOAS_MAP_FILE with a dma-buf fd (6.19+). */
export interface IoasMapStmt extends StmtBase {
  readonly kind: 'IoasMap';
  readonly ioas: Ident;
  readonly buf: Ident;
  readonly iova: NumberLit;
  readonly range?: Range;
}
/** `ioas_unmap A ADDR SIZE`: IOMMU_IOAS_UNMAP. */
export interface IoasUnmapStmt extends StmtBase {
  readonly kind: 'IoasUnmap';
  readonly ioas: Ident;
  readonly addr: NumberLit;
  readonly size: NumberLit;
}
/** `memory_decode DEV on|off`: a write of PCI_COMMAND_MEMORY through vfio-pci's config region. */
export interface MemoryDecodeStmt extends StmtBase {
  readonly kind: 'MemoryDecode';
  readonly dev: Ident;
  readonly state: Word<'on' | 'off'>;
}
/** `vfio_reset DEV`: VFIO_DEVICE_RESET (a function reset, with the device's dma-bufs revoked for its duration). */
export interface VfioResetStmt extends StmtBase {
  readonly kind: 'VfioReset';
  readonly dev: Ident;
}
/** `vfio_close DEV`: the last close of the vfio device fd (vfio_pci_core_close_device()): its dma-bufs are revoked for good. */
export interface VfioCloseStmt extends StmtBase {
  readonly kind: 'VfioClose';
  readonly dev: Ident;
}
/**
 * `M = dma_map_phys DEV MEM [at OFFSET size LENGTH] DIR [mmio] [skip_cpu_sync]`: dma_map_phys()
 * (6.18+) of one physically contiguous range of driver memory or of a buffer's backing store (RAM
 * or a BAR), with DMA_ATTR_MMIO for a BAR.
 */
export interface DmaMapPhysStmt extends StmtBase, Binding {
  readonly kind: 'DmaMapPhys';
  readonly dev: Ident;
  readonly mem: Ident;
  readonly range?: Range;
  readonly dir: Word<ApiDir>;
  readonly mmio: boolean;
  readonly skipCpuSync: boolean;
  /** `dma_map_resource`: the MMIO-only API every profile has (6.18 makes it dma_map_phys(… | DMA_ATTR_MMIO)). */
  readonly resource: boolean;
}
/** `dma_unmap_phys M [DIR] [mmio] [skip_cpu_sync]` (or `dma_unmap_resource M [DIR]`): dma_unmap_phys() with the attributes given. */
export interface DmaUnmapPhysStmt extends StmtBase {
  readonly kind: 'DmaUnmapPhys';
  readonly resource: boolean;
  readonly mapping: Ident;
  readonly dir?: Word<ApiDir>;
  readonly mmio: boolean;
  readonly skipCpuSync: boolean;
}
/** `S = dma_iova_try_alloc DEV SIZE`: an IOVA range of the device's DMA domain, or the fallback (6.16+). */
export interface DmaIovaAllocStmt extends StmtBase, Binding {
  readonly kind: 'DmaIovaAlloc';
  readonly dev: Ident;
  readonly size: NumberLit;
}
/** `dma_iova_link S MEM [at OFFSET size LENGTH] [offset OFF] DIR [skip_cpu_sync]`: maps memory at OFF into the range, without an IOTLB sync. */
export interface DmaIovaLinkStmt extends StmtBase {
  readonly kind: 'DmaIovaLink';
  readonly state: Ident;
  readonly mem: Ident;
  readonly range?: Range;
  readonly offset?: NumberLit;
  readonly dir: Word<Dir>;
  readonly mmio: boolean;
  readonly skipCpuSync: boolean;
}
/** `dma_iova_sync S`: dma_iova_sync() of the whole range (the IOTLB sync the links left out). */
export interface DmaIovaSyncStmt extends StmtBase {
  readonly kind: 'DmaIovaSync';
  readonly state: Ident;
}
/** `dma_iova_unlink S [at OFFSET size LENGTH] DIR [skip_cpu_sync]`: unmaps part of the range (all linked when no range), keeping the IOVAs. */
export interface DmaIovaUnlinkStmt extends StmtBase {
  readonly kind: 'DmaIovaUnlink';
  readonly state: Ident;
  readonly range?: Range;
  readonly dir: Word<Dir>;
  readonly skipCpuSync: boolean;
}
/** `dma_iova_destroy S SIZE DIR`: unlinks [0, SIZE) and frees the range. */
export interface DmaIovaDestroyStmt extends StmtBase {
  readonly kind: 'DmaIovaDestroy';
  readonly state: Ident;
  readonly size: NumberLit;
  readonly dir: Word<Dir>;
}
/** `dma_iova_free S`: frees the range without unlinking anything. */
export interface DmaIovaFreeStmt extends StmtBase {
  readonly kind: 'DmaIovaFree';
  readonly state: Ident;
}
export interface DmaUnmapStmt extends StmtBase {
  readonly kind: 'DmaUnmap';
  readonly sgt: Ident;
  readonly dir?: Word<ApiDir>;
  readonly nents?: NumberLit;
  /** DMA_ATTR_SKIP_CPU_SYNC in the unmap's own attrs (not inherited from the map). */
  readonly skipCpuSync: boolean;
}
export interface DmaSyncStmt extends StmtBase {
  readonly kind: 'DmaSync';
  readonly sgt: Ident;
  readonly target: Word<'for_cpu' | 'for_device'>;
  readonly dir?: Word<ApiDir>;
  /** `at OFF size LEN`: bytes of the table only (dma_sync_single_range_for_*()). */
  readonly range?: Range;
}
export interface VmapStmt extends StmtBase, Binding {
  readonly kind: 'Vmap';
  readonly buf: Ident;
  readonly unlocked: boolean;
}
export interface VunmapStmt extends StmtBase {
  readonly kind: 'Vunmap';
  readonly vmap: Ident;
  readonly unlocked: boolean;
}
export interface MmapStmt extends StmtBase, Binding {
  readonly kind: 'Mmap';
  readonly buf: Ident;
}
export interface MunmapStmt extends StmtBase {
  readonly kind: 'Munmap';
  readonly vmap: Ident;
}
/** DMA_BUF_IOCTL_SYNC's access flags: READ, WRITE, both, or neither (`none`: -EINVAL, CPU-01). */
export type SyncFlags = CpuDir | 'none';
export interface BeginCpuStmt extends StmtBase {
  readonly kind: 'BeginCpu';
  readonly buf: Ident;
  readonly dir: Word<SyncFlags>;
}
export interface EndCpuStmt extends StmtBase {
  readonly kind: 'EndCpu';
  readonly buf: Ident;
  readonly dir: Word<SyncFlags>;
}
export interface CpuAccessStmt extends StmtBase {
  readonly kind: 'CpuAccess';
  readonly access: Word<Access>;
  /** A vmap or mmap of a dma-buf, or the driver's own memory. */
  readonly vmap: Ident;
  readonly range?: Range;
}

/** What a device job touches. */
export type Target =
  | { readonly kind: 'Object'; readonly name: Ident; readonly span: Span } // an sg_table or a buffer
  | { readonly kind: 'Iova'; readonly domain: Ident; readonly addr: NumberLit; readonly span: Span };

export interface SubmitStmt extends StmtBase {
  readonly kind: 'Submit';
  readonly dev: Ident;
  readonly access: Word<Access>;
  readonly target: Target;
  readonly range?: Range;
  /** Absent: the device is given the DMA segments (for_each_sgtable_dma_sg), as `walk nents`. */
  readonly walk?: Word<Walk>;
  readonly after: readonly Ident[];
  readonly implicit: boolean;
  /** The fence this job signals when it completes (a new name). */
  readonly signal?: Ident;
}
export interface FenceStmt extends StmtBase, Binding {
  readonly kind: 'Fence';
  /**
   * `context C seqno N`: the fence is on timeline C (a name in its own namespace, not a symbol;
   * its first use allocates the context) with sequence number N. Absent: a context of its own.
   */
  readonly context?: Ident;
  readonly seqno?: NumberLit;
  /** `userspace`: completion depends on userspace (a future/proxy/userspace fence, FENCE-09). */
  readonly userspace?: boolean;
}
/** `set_error F ERRNO`: dma_fence_set_error(). */
export interface SetErrorStmt extends StmtBase {
  readonly kind: 'SetError';
  readonly fence: Ident;
  /** May be negative (`-5`): its text keeps the sign. */
  readonly error: NumberLit;
}
/** `NAME = fence_array F1, F2 (any)?`: dma_fence_array_create(). */
export interface FenceArrayStmt extends StmtBase, Binding {
  readonly kind: 'FenceArray';
  readonly fences: readonly Ident[];
  /** signal_on_any. */
  readonly any: boolean;
}
/** `NAME = fence_chain F (prev P)?`: dma_fence_chain_init(). */
export interface FenceChainStmt extends StmtBase, Binding {
  readonly kind: 'FenceChain';
  readonly fence: Ident;
  readonly prev?: Ident;
}
export interface SignalStmt extends StmtBase {
  readonly kind: 'Signal';
  readonly fence: Ident;
}
export interface WaitStmt extends StmtBase {
  readonly kind: 'Wait';
  readonly fences: readonly Ident[];
  /** `timeout N` (jiffies, may be negative): dma_fence_wait_timeout(); absent: MAX_SCHEDULE_TIMEOUT. */
  readonly timeout?: NumberLit;
}
export interface ResvAddStmt extends StmtBase {
  readonly kind: 'ResvAdd';
  readonly buf: Ident;
  readonly fence: Ident;
  readonly usage: Word<Usage>;
}
export interface WaitResvStmt extends StmtBase {
  readonly kind: 'WaitResv';
  readonly buf: Ident;
  readonly usage: Word<Usage>;
  /** `timeout N` (jiffies); absent: MAX_SCHEDULE_TIMEOUT. */
  readonly timeout?: NumberLit;
}
/** `poll BUF in|out [timeout MS]`: poll(2) on the dma-buf's fd for EPOLLIN or EPOLLOUT. */
export interface PollStmt extends StmtBase {
  readonly kind: 'Poll';
  readonly buf: Ident;
  readonly events: Word<PollEvents>;
  /** `timeout MS`; absent: -1, block until the event. */
  readonly timeout?: NumberLit;
}
export type PollEvents = 'in' | 'out';
export interface ExportSyncFileStmt extends StmtBase, Binding {
  readonly kind: 'ExportSyncFile';
  readonly buf: Ident;
  /** `none`: flags without READ or WRITE, which the ioctl refuses (SYNCF-01). */
  readonly dir: Word<SyncFlags>;
}
export interface ImportSyncFileStmt extends StmtBase {
  readonly kind: 'ImportSyncFile';
  readonly buf: Ident;
  readonly fence: Ident;
  readonly dir: Word<SyncFlags>;
}
export interface BeginSignallingStmt extends StmtBase {
  readonly kind: 'BeginSignalling';
}
export interface EndSignallingStmt extends StmtBase {
  readonly kind: 'EndSignalling';
}
export interface AllocStmt extends StmtBase {
  readonly kind: 'Alloc';
  readonly gfp: Word<'kernel' | 'atomic'>;
}
export interface DomainStmt extends StmtBase, Binding {
  readonly kind: 'Domain';
  readonly iommu: Ident;
}
/** `attach_domain D dev` or `attach_domain D group G`. */
export interface AttachDomainStmt extends StmtBase {
  readonly kind: 'AttachDomain';
  readonly domain: Ident;
  readonly dev?: Ident;
  readonly group?: Ident;
}
export interface DetachDomainStmt extends StmtBase {
  readonly kind: 'DetachDomain';
  readonly domain: Ident;
  readonly dev?: Ident;
  readonly group?: Ident;
}
/** `dma_set_mask DEV BITS`: dma_set_mask_and_coherent(dev, DMA_BIT_MASK(BITS)). */
export interface DmaSetMaskStmt extends StmtBase {
  readonly kind: 'DmaSetMask';
  readonly dev: Ident;
  readonly bits: NumberLit;
}
/** `M = arm_iommu_create_mapping IOMMU`: a driver's own arm32 arch IOMMU mapping (an UNMANAGED domain with an IOVA bitmap). */
export interface ArmIommuCreateMappingStmt extends StmtBase, Binding {
  readonly kind: 'ArmIommuCreateMapping';
  readonly iommu: Ident;
}
/** `arm_iommu_attach DEV M`: arm_iommu_attach_device(dev, mapping); the device's DMA API then allocates IOVAs in M. */
export interface ArmIommuAttachStmt extends StmtBase {
  readonly kind: 'ArmIommuAttach';
  readonly dev: Ident;
  readonly mapping: Ident;
}
export interface ArmIommuDetachStmt extends StmtBase {
  readonly kind: 'ArmIommuDetach';
  readonly dev: Ident;
}
/** `bind_vfio DEV`: the device's kernel driver is unbound and vfio-pci bound (driver_managed_dma). */
export interface BindVfioStmt extends StmtBase {
  readonly kind: 'BindVfio';
  readonly dev: Ident;
}
/** `claim_dma_owner group G`: iommu_group_claim_dma_owner() (what VFIO and iommufd do). */
export interface ClaimDmaOwnerStmt extends StmtBase {
  readonly kind: 'ClaimDmaOwner';
  readonly group: Ident;
}
/** `release_dma_owner group G`: iommu_group_release_dma_owner(). */
export interface ReleaseDmaOwnerStmt extends StmtBase {
  readonly kind: 'ReleaseDmaOwner';
  readonly group: Ident;
}
/** `device_claim_dma_owner DEV`: iommu_device_claim_dma_owner() (iommufd's per-device ownership, 6.2+). */
export interface DeviceClaimDmaOwnerStmt extends StmtBase {
  readonly kind: 'DeviceClaimDmaOwner';
  readonly dev: Ident;
}
/** `device_release_dma_owner DEV`: iommu_device_release_dma_owner(). */
export interface DeviceReleaseDmaOwnerStmt extends StmtBase {
  readonly kind: 'DeviceReleaseDmaOwner';
  readonly dev: Ident;
}
export interface IommuMapStmt extends StmtBase {
  readonly kind: 'IommuMap';
  readonly domain: Ident;
  readonly addr: NumberLit;
  /** A buffer or an sg_table. */
  readonly object: Ident;
  readonly prot?: Word<'read' | 'write' | 'rw'>;
}
export interface IommuUnmapStmt extends StmtBase {
  readonly kind: 'IommuUnmap';
  readonly domain: Ident;
  readonly addr: NumberLit;
  readonly size: NumberLit;
}
export interface ThreadStmt extends StmtBase {
  readonly kind: 'Thread';
  readonly name: Ident;
  readonly body: readonly Stmt[];
  readonly bodySpan: Span;
}
/** A statement the parser could not make sense of; its SYNTAX finding was already reported. */
export interface ErrorStmt extends Node {
  readonly kind: 'Error';
  /** The name of a `NAME = ...` statement that failed to parse, so later uses do not cascade. */
  readonly binds?: Ident;
}

export type Stmt =
  | ExportStmt
  | HeapStmt
  | UdmabufStmt
  | PollStmt
  | DriverMemStmt
  | DmaAllocCoherentStmt
  | DmaIovaAllocStmt
  | DmaIovaLinkStmt
  | DmaIovaSyncStmt
  | DmaIovaUnlinkStmt
  | DmaIovaDestroyStmt
  | DmaIovaFreeStmt
  | DmaAllocNoncoherentStmt
  | FreeStmt
  | DmaGetSgtableStmt
  | SgTableStmt
  | DmaMapSingleStmt
  | DmaMapPhysStmt
  | MemoryDecodeStmt
  | IoasStmt
  | IoasAttachStmt
  | IoasMapStmt
  | IoasUnmapStmt
  | VfioResetStmt
  | VfioCloseStmt
  | DmaUnmapPhysStmt
  | GetStmt
  | PutStmt
  | MoveStmt
  | LockStmt
  | UnlockStmt
  | AttachStmt
  | DetachStmt
  | PinStmt
  | UnpinStmt
  | MapStmt
  | UnmapStmt
  | KmapStmt
  | DmaMapStmt
  | DmaUnmapStmt
  | DmaSyncStmt
  | VmapStmt
  | VunmapStmt
  | MmapStmt
  | MunmapStmt
  | BeginCpuStmt
  | EndCpuStmt
  | CpuAccessStmt
  | SubmitStmt
  | FenceStmt
  | SetErrorStmt
  | FenceArrayStmt
  | FenceChainStmt
  | SignalStmt
  | WaitStmt
  | ResvAddStmt
  | WaitResvStmt
  | ExportSyncFileStmt
  | ImportSyncFileStmt
  | BeginSignallingStmt
  | EndSignallingStmt
  | AllocStmt
  | DomainStmt
  | AttachDomainStmt
  | DetachDomainStmt
  | DmaSetMaskStmt
  | ArmIommuDetachStmt
  | ArmIommuCreateMappingStmt
  | ArmIommuAttachStmt
  | BindVfioStmt
  | ClaimDmaOwnerStmt
  | ReleaseDmaOwnerStmt
  | DeviceClaimDmaOwnerStmt
  | DeviceReleaseDmaOwnerStmt
  | IommuMapStmt
  | IommuUnmapStmt
  | ThreadStmt
  | ErrorStmt;

export type StmtKind = Stmt['kind'];
