// K-DMA's part of the kernel state: physical memory, swiotlb, BAR windows, streaming DMA mappings,
// IOMMU groups/domains/page tables (shared by dma-mapping/, iommu/ and p2pdma/). Plain data only (objects, arrays, Map): `structuredClone`
// forks it for exploration. Addresses are JS numbers: every address we model is below 2^53.
import type { Symbol } from '../../../language/bound';
import type { Dir, Node, Span } from '../../../language/ast';
import type { AgentId } from '../../../common/trace';
import type { SgRun } from './sgrun';

/** A physically contiguous piece of a buffer's backing store. */
export interface Chunk {
  readonly space: 'ram' | 'bar';
  /** For `bar`: `device.bar`. */
  readonly owner?: string;
  readonly phys: number;
  readonly size: number;
  /**
   * A run of `count` chunks (1 when absent) of `size` bytes, the i-th at phys + i × stride: the
   * buddy allocator hands a page-backed buffer out chunk by chunk in a regular pattern
   * (memory.ts), so a 4 GiB GEM object is one run, not 1,048,576 chunks.
   */
  readonly count?: number;
  readonly stride?: number;
}

/** IOMMU_READ / IOMMU_WRITE of one page-table entry. */
export interface IommuProt {
  readonly read: boolean;
  readonly write: boolean;
}

/** One IOMMU page-table mapping: [iova, iova+size) → [phys, phys+size). */
export interface IommuPte {
  readonly iova: number;
  readonly phys: number;
  readonly size: number;
  readonly prot: IommuProt;
  /** The streaming mapping that created it (DMA-API domains), if any. */
  readonly mappingId?: number;
  /**
   * A run of `count` entries (1 when absent) at consecutive IOVAs, iova + i × size → phys + i ×
   * physStride: what dma-iommu maps for a run of sg entries (one io-pgtable mapping per entry,
   * iommu_map_sg), kept as one record.
   */
  readonly count?: number;
  readonly physStride?: number;
}

/**
 * An IOMMU domain. `dma`: a group's default domain (the one dma-iommu uses, in flush-queue mode);
 * `unmanaged`: iommu_domain_alloc() by a driver or by the arm32 arch code; `blocking`: no
 * translation at all.
 */
export interface DomainState {
  readonly id: number;
  readonly kind: 'dma' | 'unmanaged' | 'blocking';
  readonly iommu: string;
  /** For people: `g_gpu (default)`, `d1`, `arm_iommu mapping of dc0`. */
  readonly label: string;
  /** The `domain` statement's symbol for explicit domains. */
  readonly symbolId?: number;
  /** A default DMA domain with a flush queue (IOMMU_DOMAIN_DMA_FQ, CONFIG_IOMMU_DEFAULT_DMA_LAZY): unmap defers the IOTLB invalidation. */
  flushQueue?: true;
  /** True for the arm32 arch-private mapping (arm_iommu_create_mapping). */
  readonly armMapping?: boolean;
  ptes: IommuPte[];
  /** IOVA ranges reserved by dma_iova_try_alloc() and not freed: the allocator skips them. */
  reserved?: { iova: number; size: number }[];
  /** IOVAs unmapped from this domain (for the deferred-invalidation explanation). */
  freed: { iova: number; size: number }[];
  /**
   * IOVA allocator cursor. dma-iommu allocates downwards from the top of the 32-bit space
   * (iommu_dma_alloc_iova tries below 4 GiB first); the arm32 arch mapping allocates upwards from
   * its base (a bitmap allocator).
   */
  iovaCursor: number;
  readonly iovaGrowsUp: boolean;
}

export interface GroupState {
  readonly name: string;
  readonly iommu: string;
  readonly devices: readonly string[];
  /**
   * The default (DMA-API) domain; undefined on arm32, whose IOMMU drivers provide no DMA domain in
   * 6.1 (the arch code's private mapping stands in for it under ARM_DMA_USE_IOMMU).
   */
  readonly defaultDomain?: number;
  /** The domain the group is attached to right now; undefined = none (arm_iommu_detach). */
  active?: number;
  /** The statement that attached the current domain, for related locations. */
  activeSince?: { readonly span: Span };
  /**
   * Claimed for user-space DMA, here: through the group API (iommu_group_claim_dma_owner(), VFIO's
   * group path) or by devices of one owner (iommu_device_claim_dma_owner(): `claims` is owner_cnt).
   */
  owner?: { readonly span: Span; readonly by: 'group' | 'device'; claims: number };
}

/** Per device: which dma_map_ops the kernel uses for it. */
export interface DeviceDmaState {
  /** `direct` (dma-direct, maybe swiotlb), `iommu` (dma-iommu), `arm_iommu` (arm32 arch mapping). */
  ops: 'direct' | 'iommu' | 'arm_iommu';
  /** The arm32 arch mapping's domain while `ops` is `arm_iommu`. */
  armMapping?: number;
  /** Bound to vfio-pci (`bind_vfio`): driver_managed_dma, so it does not count in its group's owner_cnt. */
  vfio?: { readonly span: Span; /** PCI_COMMAND_MEMORY cleared by `memory_decode DEV off`. */ memoryOff?: Span; /** The device fd was closed (`vfio_close`). */ closed?: Span };
  /** The mask a driver set with dma_set_mask_and_coherent() (bits); undefined: the platform's `dma_mask`. */
  mask?: number;
  /** The dma_set_mask_and_coherent() that failed last: the driver must not use DMA on the device (DMAAPI-02). */
  maskFailedAt?: Node;
}

/** One swiotlb slot range in use. */
export interface BounceSlot {
  readonly addr: number;
  readonly size: number;
  /** The original memory the slot shadows. */
  readonly orig: number;
  /** The streaming mapping it belongs to, or the IOVA state (its symbol id) whose link bounced it. */
  readonly mappingId?: number;
  readonly iovaState?: number;
}

/** A streaming DMA mapping (dma_map_sgtable / dma_map_resource). */
export interface DmaMapping {
  readonly id: number;
  readonly device: string;
  readonly dir: Dir;
  readonly skipCpuSync: boolean;
  /** The table after mapping: CPU view plus dma fields (dmaLength 0 past `nents`). */
  readonly entries: readonly SgRun[];
  /** DMA segments (sgt->nents). */
  readonly nents: number;
  /** CPU entries (sgt->orig_nents): the count dma_map_sg was called with. */
  readonly origNents: number;
  /** The IOMMU domain the IOVAs live in, when mapped by dma-iommu or the arm32 arch mapping. */
  readonly domain?: number;
  /** Some entries point at swiotlb slots. */
  readonly bounced: boolean;
  /** `resource`: dma_map_resource, `phys`: dma_map_phys(…, DMA_ATTR_MMIO), `phys_vec`: dma_buf_phys_vec_to_sgt() (page-less, not an sg list). */
  readonly via: 'sg' | 'resource' | 'phys' | 'phys_vec';
  /** Mapped by dma_map_phys() with DMA_ATTR_MMIO (false: without; undefined: not by dma_map_phys()). */
  physMmio?: boolean;
  /** DMAAPI-06 ownership: device after map/sync_for_device, cpu after sync_for_cpu. */
  owner: 'cpu' | 'device';
  /**
   * The DMA handle of a dma_alloc_*() allocation: `coherent` is shared without ownership and freed
   * with dma_free_coherent(); `noncoherent` is owned like a streaming mapping, starting with the CPU.
   */
  alloc?: 'coherent' | 'noncoherent';
  /** A dma_sync_*() has run on it (the first ownership change of a dma_alloc_noncoherent() allocation). */
  synced?: boolean;
  live: boolean;
  /** The `dma_map` sgt symbol (raw DMA API use), or undefined for mappings made by exporters. */
  readonly symbol?: Symbol;
  /** The buffer symbol the mapped pages belong to (raw `dma_map`), if known. */
  readonly bufferId?: number;
  /** The agent that created it (for leak reports). */
  readonly agent?: AgentId;
  /** The statement that created it (for related locations; a Node of the scenario's file). */
  readonly at?: { readonly span: Span };
  /** The statement that unmapped it. */
  unmappedAt?: { readonly span: Span };
}

/** A BAR's place in the PCI MMIO window and its allocation cursor. */
export interface BarWindow {
  readonly owner: string;
  readonly base: number;
  readonly size: number;
  readonly mmio: boolean;
  next: number;
  /** Freed ranges, reused first-fit (sorted by address). */
  free?: { phys: number; size: number }[];
}

/** The driver's own memory (`kmalloc`, `vmalloc`, `stack`) and its dma_map_single() mappings. */
export interface DriverMem {
  readonly id: number;
  readonly symbol: Symbol;
  readonly kind: 'kmalloc' | 'vmalloc' | 'pages' | 'stack' | 'coherent' | 'noncoherent';
  /** For a dma_alloc_*() allocation: its device, and its mapping (the DMA handle). */
  readonly device?: string;
  readonly mappingId?: number;
  /** The statement that freed it (kfree/vfree/dma_free_coherent). */
  freed?: Node;
  readonly size: number;
  readonly chunks: readonly Chunk[];
  /** dma_map_single() mappings of parts of it; `shared`: DMAAPI-09 found partial cache lines. */
  readonly maps: { readonly mappingId: number; readonly offset: number; readonly length: number; readonly shared: boolean }[];
}

/** A table the driver built over its memory (`sg_table`); `mappedBy`: its live dma_map, if any (SGT-08). */
export interface DriverTable {
  readonly id: number;
  readonly symbol: Symbol;
  readonly memory: number;
  readonly entries: readonly SgRun[];
  mappedBy?: number;
}

export interface DmaState {
  readonly pageSize: number;
  /** RAM with struct pages: [base, base+size). */
  readonly ram: { readonly base: number; readonly size: number };
  /** swiotlb pool at the bottom of RAM (present even when SWIOTLB is off; then unused). */
  readonly swiotlb: { readonly base: number; readonly size: number; slots: BounceSlot[] };
  /** RAM allocation cursor: buffers grow downwards from the top of RAM. */
  ramTop: number;
  /** The platform's CMA area and its own cursor (top down), when it declares one. */
  cma?: { readonly base: number; readonly size: number; top: number };
  /** dma_iova_try_alloc() states by symbol id (iommu/dma-iova.ts). */
  iovaStates: Map<number, IovaState>;
  /** Areas of iommufd IOASes backed by a dma-buf (`ioas_map`), live or unmapped (iommu/iommufd.ts). */
  ioasAreas: IoasArea[];
  /** What the page allocator handed out below a device's mask while the RAM cursor was above it: [top, end). */
  low?: { readonly end: number; top: number };
  /** Freed RAM ranges, reused first-fit (top-most first) so the layout stays deterministic. */
  ramFree: { phys: number; size: number }[];
  /** `device.bar` → window. */
  readonly bars: Map<string, BarWindow>;
  readonly devices: Map<string, DeviceDmaState>;
  readonly groups: Map<string, GroupState>;
  readonly domains: Map<number, DomainState>;
  nextDomainId: number;
  readonly mappings: Map<number, DmaMapping>;
  nextMappingId: number;
  /** `dma_map` sgt symbol id → mapping id. */
  readonly sgtMappings: Map<number, number>;
  /** `domain` symbol id → domain id. */
  readonly symbolDomains: Map<number, number>;
  /** Driver memory by symbol id. */
  readonly memory: Map<number, DriverMem>;
  /** Driver-built sg tables by symbol id. */
  readonly tables: Map<number, DriverTable>;
}

/** The part of KernelState execDma needs (KernelState satisfies it). */
export interface DmaKernelState {
  readonly dma: DmaState;
  /** Symbol id → error of the call that bound it (MAP-08 / LIFE-05 on use). */
  readonly failed: Map<number, string>;
}

/** A struct dma_iova_state: an IOVA range reserved in a DMA domain, or the fallback (dma_use_iova() false). */
/** One IOMMU_IOAS_MAP_FILE of a dma-buf: the area, the buffer behind it, and whether a revoke emptied it. */
export interface IoasArea {
  readonly domain: number;
  readonly ioas: string;
  readonly iova: number;
  readonly size: number;
  /** The buffer's id (its symbol's) and where in it the area starts. */
  readonly bufferId: number;
  readonly phys: number;
  readonly at: { readonly span: Span; readonly agent: string };
  live: boolean;
  /** iopt_revoke_notify() unmapped it from every domain; nothing maps it back. */
  revoked?: Span;
}

/** A piece of a link bounced through swiotlb (iommu_dma_iova_link_swiotlb()): `size` bytes of `orig` at `slot`. */
export interface IovaBounce {
  /** The granule of the pool the piece holds, and where in it the bytes are. */
  readonly page: number;
  readonly slot: number;
  readonly orig: number;
  readonly size: number;
}

export interface IovaState {
  readonly symbol: Symbol;
  readonly device: string;
  readonly at: { readonly span: Span };
  /** The DMA domain and the reserved range; undefined for the fallback. */
  readonly domain?: number;
  readonly base: number;
  readonly size: number;
  /** Linked ranges [offset, offset + length) of the IOVA range. */
  links: { readonly offset: number; readonly length: number; readonly at: { readonly span: Span }; /** Head/tail pieces an untrusted device's link bounced. */ readonly bounces?: readonly IovaBounce[] }[];
  /** Linked ranges the IOTLB has not been synced for (dma_iova_sync()). */
  unsynced: { readonly offset: number; readonly length: number; readonly at: { readonly span: Span } }[];
  /** dma_iova_destroy() or dma_iova_free(), here. */
  ended?: { readonly span: Span };
}
