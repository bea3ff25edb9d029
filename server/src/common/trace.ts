// The trace of one run of a scenario: one step per executed action, in the order the chosen
// interleaving ran them. Consumers: `dmabuf-check --trace`, the `dmabuf/trace` request, the
// trace view, hover (the state an object had after a statement).
import type { Location } from './findings';

/** `cpu`, a thread's name (`thread:NAME`), or a device queue (`dev:NAME`). */
export type AgentId = string;

/** One scatterlist entry as the kernel would hold it after mapping. */
export interface SgEntry {
  /** Physical address of the first byte (RAM or BAR); null for a page-less (P2P) entry. */
  readonly phys: number | null;
  /** True when the entry has a struct page (RAM, or P2PDMA ZONE_DEVICE pages). */
  readonly page: boolean;
  readonly offset: number;
  readonly length: number;
  /** DMA address and length after mapping (undefined in the CPU-only view). */
  readonly dmaAddress?: number;
  readonly dmaLength?: number;
  /** SG_DMA_BUS_ADDRESS: a PCI bus address, no IOMMU mapping behind it. */
  readonly busAddress?: boolean;
  /** The DMA address points at a swiotlb bounce slot. */
  readonly bounced?: boolean;
  /** The slot behind a bounced entry whose DMA address is an IOVA (an untrusted device behind dma-iommu). */
  readonly bounceSlot?: number;
}

export type ObjectKind =
  | 'buffer'
  | 'attachment'
  | 'sgt'
  | 'vmap'
  | 'fence'
  | 'domain'
  | 'group'
  | 'resv'
  | 'cache'
  | 'iommu'
  | 'thread'
  | 'device';

/** What one step changed in one object. `state` is a JSON snapshot of the object after the step. */
export interface StateChange {
  readonly object: string;
  readonly kind: ObjectKind;
  /** One line for people: "refcount 1 → 2", "mapped 3 entries, nents 1". */
  readonly summary: string;
  readonly state?: Readonly<Record<string, unknown>>;
}

export interface TraceStep {
  /** 1-based. */
  readonly index: number;
  readonly agent: AgentId;
  /** The kernel call as C: `dma_buf_map_attachment(att, DMA_TO_DEVICE)`. */
  readonly call: string;
  /** What it returned or did: `0`, `-EBUSY`, `IOMMU fault at 0x...`, `WARN ...`, `waits on f1`. */
  readonly outcome: string;
  readonly ok: boolean;
  /** The statement that the step executes (a device job points at its `submit`). */
  readonly location: Location;
  readonly changes: readonly StateChange[];
  /** Codes of the findings raised at this step. */
  readonly findings: readonly string[];
  /** Fences this step waits on / signals, for the trace view's arrows. */
  readonly waitsOn?: readonly string[];
  readonly signals?: readonly string[];
}

export interface Trace {
  readonly scenario: string;
  readonly platform: string;
  readonly steps: readonly TraceStep[];
}
