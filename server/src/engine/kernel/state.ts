// The kernel half's state: K-DMA's hardware model (`dma`) plus the dma-buf layer (`buf`): buffers,
// their exporter and placement, references, attachments, sg tables handed to importers, CPU
// mappings and begin/end_cpu_access brackets. Plain data only, so `structuredClone` forks a run.
// Objects are keyed by the id of the symbol that names them; the symbol itself is kept (it is
// small: its declaring statement) so leak reports and related locations can point at it.
import type { CpuDir, Dir, Span } from '../../language/ast';
import type { ResolvedPlatform, Symbol } from '../../language/bound';
import type { AgentId } from '../../common/trace';
import type { SgRun } from './dma-mapping/sgrun';
import type { Chunk, DmaState } from './dma-mapping/api';
import { initDmaState } from './dma-mapping/api';


/** Where and by whom an object was created or changed. */
export interface Site {
  readonly span: Span;
  readonly agent: AgentId;
}

/** A begin_cpu_access bracket still open on a buffer. */
export interface Bracket {
  readonly dir: CpuDir;
  readonly at: Site;
}

export interface BufferObj {
  readonly id: number;
  readonly symbol: Symbol;
  /** The name of the exporter's description (exporters/descriptions.ts exporterOf() reads it). */
  readonly exporter: string;
  /** The description's dma_buf_ops and whether it is dynamic, for snapshots (which see no platform). */
  readonly ops: string;
  readonly dynamic: boolean;
  /** The exporting device (`export DEV ...`); undefined for heaps. */
  readonly device?: string;
  /** Page-aligned size. */
  readonly size: number;
  /** `system` or the name of a BAR of the exporting device. */
  placement: string;
  chunks: Chunk[];
  /** Bumped at every migration: mappings made under an older generation point at the old place. */
  generation: number;
  /** The place and the statement of the last migration, for MOVE-01's related location. */
  lastMove?: Site;
  /** File references (export/heap gives one, get adds one, put drops one). */
  refs: number;
  /** Statements that took a reference still held, oldest first (the creating statement first). */
  refSites: Site[];
  released?: Site;
  /** dma_buf_release() hit BUG_ON(vmapping_counter): the release did not happen. */
  releaseBugged?: boolean;
  /** Attachment ids in attach order (live ones only). */
  attachments: number[];
  /** dmabuf->vmapping_counter. */
  vmapCount: number;
  /** Exporter-level pin count (ttm: bo->tbo.pin_count contributed by dma-buf pins). */
  pins: number;
  brackets: Bracket[];
  /** A vfio-pci export's revoke state (exporters/vfio.ts); undefined for every other exporter. */
  vfio?: VfioBufferState;
  /** udmabuf's ubuf->sg: the misc device's table its first begin_cpu_access mapped, and with which direction. */
  miscTable?: { readonly dir: Dir; readonly at: Site; /** CPU-07's direction finding was made. */ reported?: boolean };
  readonly created: Site;
}

/**
 * What vfio-pci keeps per dma-buf (struct vfio_pci_dma_buf): priv->revoked, and on 7.1 the wait of a
 * revoke for the importers' unmaps. `epoch` counts revokes, so a table knows it predates one.
 */
export interface VfioBufferState {
  epoch: number;
  /** Revoked since (memory decode off, a reset in progress, the device closed). */
  revoked?: Site;
  /** What revoked it last. */
  cause?: 'decode' | 'reset' | 'close';
  /** vfio_pci_dma_buf_cleanup() ran: the buffer left the device's list and is never given back. */
  permanent?: boolean;
  /** 7.1: the revoke waits for these tables to be unmapped, then (`restore`) the reset gives the buffer back. */
  wait?: { readonly at: Site; sgts: number[]; readonly restore: boolean };
}

/** attach->sgt: the mapping the core caches (cache_sgt_mapping, or ATT-03's pre-map at attach). */
export interface CachedMapping {
  readonly mappingId: number;
  readonly dir: Dir;
  readonly entries: readonly SgRun[];
  readonly pageless: boolean;
  readonly generation: number;
  /** Made by the core at attach (ATT-03) rather than by the first map (cache_sgt_mapping). */
  readonly atAttach: boolean;
  readonly at: Site;
}

export interface AttachmentObj {
  readonly id: number;
  readonly symbol: Symbol;
  readonly buffer: number;
  readonly device: string;
  /** dma_buf_dynamic_attach (importer_ops with move_notify). */
  readonly dynamic: boolean;
  /** A dynamic importer without move_notify (7.1): the exporter's invalidation skips it. */
  readonly unnotified?: true;
  /** What the importer asked for (allow_peer2peer). */
  readonly p2pRequested: boolean;
  /** attach->peer2peer after the core (P2P-01) and the exporter (P2P-03) had their say. */
  peer2peer: boolean;
  live: boolean;
  detached?: Site;
  /** dma_buf_pin() calls by the importer not yet balanced by dma_buf_unpin(). */
  importerPins: Site[];
  /** The core pinned the buffer at attach for this static importer of a dynamic exporter (ATT-03). */
  corePinned: boolean;
  cached?: CachedMapping;
  /** Heaps: the per-attachment table (CPU view), built at attach. */
  table?: readonly SgRun[];
  /** Sg table ids of live non-cached mappings (heap a->mapped, ttm per-call tables). */
  liveMaps: number[];
  readonly created: Site;
}

/** The sg_table a `map` returned to the importer. */
export interface SgtObj {
  readonly id: number;
  readonly symbol: Symbol;
  readonly attachment: number;
  readonly buffer: number;
  readonly dir: Dir;
  /** K-DMA's mapping (the DMA view). Several names share it when it is the cached table. */
  mappingId: number;
  /** The importer got attach->sgt: unmap is a no-op, detach unmaps. */
  readonly cached: boolean;
  /** Entries without struct page (ttm VRAM handed to a P2P importer). */
  readonly pageless: boolean;
  /** The buffer generation the table points at. */
  readonly generation: number;
  /** The buffer's vfio revoke epoch at map: a table from before a revoke is stale (MOVE-01/MOVE-04). */
  readonly vfioEpoch?: number;
  /** map pinned a dynamic exporter's buffer (CONFIG_DMABUF_MOVE_NOTIFY=n, MAP-04): unmap unpins. */
  readonly pinnedOnMap: boolean;
  live: boolean;
  unmapped?: Site;
  readonly created: Site;
}

/** A kernel vmap or a userspace mmap of the dma-buf. */
export interface CpuMapObj {
  readonly id: number;
  readonly symbol: Symbol;
  readonly buffer: number;
  readonly kind: 'vmap' | 'mmap';
  live: boolean;
  unmapped?: Site;
  readonly created: Site;
}

export interface BufState {
  readonly buffers: Map<number, BufferObj>;
  readonly attachments: Map<number, AttachmentObj>;
  readonly sgts: Map<number, SgtObj>;
  readonly cpuMaps: Map<number, CpuMapObj>;
}

export interface KernelState {
  readonly dma: DmaState;
  readonly buf: BufState;
  /** Symbol id → the error of the call that bound it (MAP-08 / LIFE-05 on use). */
  readonly failed: Map<number, string>;
}

export function initBufState(): BufState {
  return { buffers: new Map(), attachments: new Map(), sgts: new Map(), cpuMaps: new Map() };
}

export function initKernelState(platform: ResolvedPlatform): KernelState {
  return { dma: initDmaState(platform), buf: initBufState(), failed: new Map() };
}
