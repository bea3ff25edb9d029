// IOMMU page tables and IOVA allocation. A domain's table is a list of mappings
// [iova, iova+size) → phys with IOMMU_READ/IOMMU_WRITE, runs of them at consecutive IOVAs kept as
// one record (state.ts IommuPte count); lookups walk it mapping by mapping.
import { alignDown, alignUp } from '../dma-mapping/init';
import type { DomainState, IommuProt, IommuPte } from '../dma-mapping/state';
import { spend } from '../../deadline';
import { piecesOf, piecesOf as pteCount } from '../../runs';

/** Entries in a pte run. */
export { piecesOf as pteCount } from '../../runs';

/** The IOVA just past a pte run. */
export function pteEnd(p: { readonly iova: number; readonly size: number; readonly count?: number }): number {
  return p.iova + p.size * piecesOf(p);
}

/** Entry i of a pte run, as one mapping. */
export function ptePiece(p: IommuPte, i: number): IommuPte {
  const { count: _count, physStride: _stride, ...one } = p;
  return { ...one, iova: p.iova + i * p.size, phys: p.phys + i * (p.physStride ?? 0) };
}

/** Entries [first, first+count) of a pte run. */
function pteSub(p: IommuPte, first: number, count: number): IommuPte {
  const one = ptePiece(p, first);
  return count === 1 ? one : { ...one, count, physStride: p.physStride ?? 0 };
}

/** Index of the last pte starting at or below `iova` (ptes are kept sorted by IOVA), or -1. */
function floorIndex(ptes: readonly { iova: number }[], iova: number): number {
  let lo = 0;
  let hi = ptes.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (ptes[mid].iova <= iova) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** The single mapping translating `iova` (a piece of a run), if any. */
export function lookup(domain: DomainState, iova: number): IommuPte | undefined {
  const i = lookupIndex(domain, iova);
  if (i < 0) return undefined;
  const p = domain.ptes[i];
  return ptePiece(p, Math.floor((iova - p.iova) / p.size));
}

/**
 * Index of the pte run translating `iova`, or -1. `hint`: the index that translated the bytes just
 * below, so a walk over a mapping's ptes finds each next one without a search.
 */
export function lookupIndex(domain: DomainState, iova: number, hint = -1): number {
  const ptes = domain.ptes;
  const covers = (i: number) => i >= 0 && i < ptes.length && ptes[i].iova <= iova && iova < pteEnd(ptes[i]);
  // The answer is the last pte starting at or below `iova` (as the search finds it) when it covers it.
  const isFloor = (i: number) => i + 1 >= ptes.length || ptes[i + 1].iova > iova;
  if (hint >= 0) {
    if (covers(hint + 1) && isFloor(hint + 1)) return hint + 1;
    if (covers(hint) && isFloor(hint)) return hint;
  }
  const i = floorIndex(ptes, iova);
  return covers(i) ? i : -1;
}

function firstOverlap<T extends { iova: number; size: number; count?: number }>(list: readonly T[], iova: number, size: number): T | undefined {
  const i = Math.max(0, floorIndex(list, iova));
  for (let j = i; j < list.length && list[j].iova < iova + size; j++) {
    if (iova < pteEnd(list[j])) return list[j];
  }
  return undefined;
}

export function overlaps(domain: DomainState, iova: number, size: number): IommuPte | undefined {
  return firstOverlap(domain.ptes, iova, size);
}

export function insert(domain: DomainState, pte: IommuPte): void {
  insertMany(domain, [pte]);
}

export function insertMany(domain: DomainState, ptes: readonly IommuPte[]): void {
  spend(domain.ptes.length + ptes.length);
  // A streaming map's ptes come in rising IOVA order, above or below every existing one (IOVAs are
  // allocated from one end): then they need no sort.
  const rising = ptes.every((p, i) => i === 0 || p.iova > ptes[i - 1].iova);
  const first = domain.ptes[0];
  const last = domain.ptes[domain.ptes.length - 1];
  if (rising && (!last || ptes.length === 0 || ptes[0].iova > last.iova)) domain.ptes = domain.ptes.concat(ptes);
  else if (rising && ptes[ptes.length - 1].iova < first.iova) domain.ptes = ptes.concat(domain.ptes);
  else domain.ptes = domain.ptes.concat(ptes).sort((a, b) => a.iova - b.iova);
}

/** Adds ranges to the flush queue, kept sorted and merged. */
function queueFreed(domain: DomainState, ranges: readonly { iova: number; size: number }[]): void {
  spend(domain.freed.length + ranges.length);
  const all = domain.freed.concat(ranges).sort((a, b) => a.iova - b.iova);
  const merged: { iova: number; size: number }[] = [];
  for (const r of all) {
    const last = merged[merged.length - 1];
    if (last && r.iova <= last.iova + last.size) last.size = Math.max(last.size, r.iova + r.size - last.iova);
    else merged.push({ ...r });
  }
  domain.freed = merged;
}

/**
 * iommu_unmap(): unmaps from `iova` on and stops at the first hole; a mapping only partly covered
 * is split (io-pgtable splits block entries). Returns the bytes unmapped.
 */
export function unmapRange(domain: DomainState, iova: number, size: number): number {
  let at = iova;
  const end = iova + size;
  while (at < end) {
    const index = lookupIndex(domain, at);
    if (index < 0) break;
    const run = domain.ptes[index];
    spend();
    // Only the entry `at` falls in and the one `end` falls in are cut; whole entries between go.
    const i = Math.floor((at - run.iova) / run.size);
    const last = Math.min(pteCount(run), Math.ceil((end - run.iova) / run.size)) - 1;
    const keep: IommuPte[] = [];
    if (i > 0) keep.push(pteSub(run, 0, i));
    const head = ptePiece(run, i);
    if (head.iova < at) keep.push({ ...head, size: at - head.iova });
    const tail = ptePiece(run, last);
    const cutEnd = Math.min(end, pteEnd(tail));
    if (cutEnd < pteEnd(tail)) keep.push({ ...tail, iova: cutEnd, phys: tail.phys + (cutEnd - tail.iova), size: pteEnd(tail) - cutEnd });
    if (last + 1 < pteCount(run)) keep.push(pteSub(run, last + 1, pteCount(run) - last - 1));
    domain.ptes = domain.ptes.filter((p) => p !== run).concat(keep).sort((a, b) => a.iova - b.iova);
    queueFreed(domain, [{ iova: at, size: cutEnd - at }]);
    at = cutEnd;
  }
  return at - iova;
}

/** Removes every entry a streaming mapping created; the IOVAs go to the flush queue (`freed`). */
export function removeMapping(domain: DomainState, mappingId: number): void {
  spend(domain.ptes.length);
  const freed: { iova: number; size: number }[] = [];
  const kept: IommuPte[] = [];
  for (const p of domain.ptes) {
    if (p.mappingId === mappingId) freed.push({ iova: p.iova, size: pteEnd(p) - p.iova });
    else kept.push(p);
  }
  queueFreed(domain, freed);
  domain.ptes = kept;
}

export function protOf(dir: 'to_device' | 'from_device' | 'bidirectional'): IommuProt {
  // dma_info_to_prot() (drivers/iommu/dma-iommu.c): the device may only read what it is sent and
  // only write what it returns.
  if (dir === 'to_device') return { read: true, write: false };
  if (dir === 'from_device') return { read: false, write: true };
  return { read: true, write: true };
}

export function protName(prot: IommuProt): string {
  return prot.read && prot.write ? 'IOMMU_READ|IOMMU_WRITE' : prot.read ? 'IOMMU_READ' : prot.write ? 'IOMMU_WRITE' : 'none';
}

function pow2AtLeast(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/** The first range in use that meets [iova, iova+size), whole: a run of ptes ends at its last page. */
function busy(domain: DomainState, iova: number, size: number): { iova: number; size: number } | undefined {
  const clash = overlaps(domain, iova, size) ?? firstOverlap(domain.freed, iova, size) ?? firstOverlap(domain.reserved ?? [], iova, size);
  return clash ? { iova: clash.iova, size: pteEnd(clash) - clash.iova } : undefined;
}

/**
 * An IOVA range of `size` bytes (a multiple of the granule) below `limit`. dma-iommu: highest
 * free, naturally aligned (alloc_iova_fast with size_aligned); the arm32 arch mapping: lowest free
 * from its base, aligned to the allocation's order capped at 1 MiB
 * (CONFIG_ARM_DMA_IOMMU_ALIGNMENT=8). IOVAs waiting in the flush queue are not reused.
 */
export function allocIova(domain: DomainState, size: number, limit: number, granule: number): number | undefined {
  if (domain.iovaGrowsUp) {
    const align = Math.max(granule, Math.min(pow2AtLeast(size), 1024 * 1024));
    let at = alignUp(domain.iovaCursor, align);
    while (at + size <= limit) {
      // A search that stops advancing must meet the step's budget, not hang the editor (ce1594f).
      spend();
      const clash = busy(domain, at, size);
      if (!clash) return at;
      at = alignUp(clash.iova + clash.size, align);
    }
    return undefined;
  }
  const align = Math.max(pow2AtLeast(size), granule);
  let at = alignDown(limit - size, align);
  while (at >= granule) {
    spend();
    const clash = busy(domain, at, size);
    if (!clash) return at;
    at = alignDown(clash.iova - size, align);
  }
  return undefined;
}
