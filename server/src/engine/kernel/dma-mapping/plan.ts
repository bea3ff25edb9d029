// A streaming map as kernel/dma/mapping.c's callers see it (its attributes, who it is made for,
// its result and errors), and the plan a map is built as before it is committed: dma-direct,
// dma-iommu and dma_map_resource plan addresses, IOVAs, bounce slots and page-table entries, and
// mapping.ts commits the plan only when the call succeeds, so a failing call changes nothing.
import type { Node } from '../../../language/ast';
import type { SgRun } from './sgrun';
import type { DmaMapping, DomainState, IommuPte } from './state';

/** Errors dma_map_sgtable() can return (kernel/dma/mapping.c:248-277). */
export type DmaMapError = '-EREMOTEIO' | '-ENOMEM' | '-EIO' | '-EINVAL';

export type DmaMapResult = { readonly ok: true; readonly mapping: DmaMapping } | { readonly ok: false; readonly error: DmaMapError };

/** Attributes of a streaming map. */
export interface DmaAttrs {
  /** DMA_ATTR_SKIP_CPU_SYNC (DMAAPI-11). */
  readonly skipCpuSync: boolean;
}

/** Who a mapping is made for (used for leak reports and related locations). */
export interface MapOrigin {
  /** The statement performing the map (a `dma_map`, a `map`, an `attach` that pre-maps). */
  readonly at: Node;
  /** The `dma_map` sgt symbol for raw DMA API use; undefined for exporter mappings. */
  readonly symbol?: DmaMapping['symbol'];
  /** The buffer the pages belong to. */
  readonly bufferId?: number;
}

/** A planned map: what commit() writes into the state. */
export interface Plan {
  readonly entries: SgRun[];
  readonly nents: number;
  readonly domain?: DomainState;
  readonly ptes: IommuPte[];
  readonly slots: { addr: number; size: number; orig: number }[];
  readonly how: string;
}

export type PlanResult = { ok: true; plan: Plan } | { ok: false; error: DmaMapError };
