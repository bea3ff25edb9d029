// A streaming map as kernel/dma/mapping.c's callers see it (its attributes, who it is made for,
// its result and errors), and the plan a map is built as before it is committed: dma-direct,
// dma-iommu and dma_map_resource plan addresses, IOVAs, bounce slots and page-table entries, and
// mapping.ts commits the plan only when the call succeeds, so a failing call changes nothing.
import type { Node } from '../../../language/ast';
import type { SgEntry } from '../../../common/trace';
import type { DmaMapping, DomainState, IommuPte } from './state';

export type DmaMapError = '-EREMOTEIO' | '-ENOMEM' | '-EIO' | '-EINVAL';
export type DmaMapResult = { readonly ok: true; readonly mapping: DmaMapping } | { readonly ok: false; readonly error: DmaMapError };

export interface DmaAttrs {
  readonly skipCpuSync: boolean;
}

export interface MapOrigin {
  readonly at: Node;
  readonly symbol?: DmaMapping['symbol'];
  readonly bufferId?: number;
}

/** A planned map: what commit() writes into the state. */
export interface Plan {
  readonly entries: SgEntry[];
  readonly nents: number;
  readonly domain?: DomainState;
  readonly ptes: IommuPte[];
  readonly slots: { addr: number; size: number; orig: number }[];
  readonly how: string;
}

export type PlanResult = { ok: true; plan: Plan } | { ok: false; error: DmaMapError };
