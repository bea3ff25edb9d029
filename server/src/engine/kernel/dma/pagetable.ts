// IOMMU page tables and IOVA allocation. A domain's table is a list of mappings
// [iova, iova+size) → phys with IOMMU_READ/IOMMU_WRITE; lookups walk it page by page.
import { alignDown, alignUp } from './init';
import type { DomainState, IommuProt, IommuPte } from './state';

export function lookup(domain: DomainState, iova: number): IommuPte | undefined {
  return domain.ptes.find((p) => iova >= p.iova && iova < p.iova + p.size);
}

export function overlaps(domain: DomainState, iova: number, size: number): IommuPte | undefined {
  return domain.ptes.find((p) => p.iova < iova + size && iova < p.iova + p.size);
}

export function insert(domain: DomainState, pte: IommuPte): void {
  domain.ptes.push(pte);
  domain.ptes.sort((a, b) => a.iova - b.iova);
}

/**
 * iommu_unmap(): unmaps from `iova` on and stops at the first hole; a mapping only partly covered
 * is split (io-pgtable splits block entries). Returns the bytes unmapped.
 */
export function unmapRange(domain: DomainState, iova: number, size: number): number {
  let at = iova;
  const end = iova + size;
  while (at < end) {
    const pte = lookup(domain, at);
    if (!pte) break;
    const cutEnd = Math.min(end, pte.iova + pte.size);
    const keep: IommuPte[] = [];
    if (pte.iova < at) keep.push({ ...pte, size: at - pte.iova });
    if (cutEnd < pte.iova + pte.size) keep.push({ ...pte, iova: cutEnd, phys: pte.phys + (cutEnd - pte.iova), size: pte.iova + pte.size - cutEnd });
    domain.ptes = domain.ptes.filter((p) => p !== pte).concat(keep).sort((a, b) => a.iova - b.iova);
    domain.freed.push({ iova: at, size: cutEnd - at });
    at = cutEnd;
  }
  return at - iova;
}

/** Removes every entry a streaming mapping created; the IOVAs go to the flush queue (`freed`). */
export function removeMapping(domain: DomainState, mappingId: number): void {
  for (const p of domain.ptes) if (p.mappingId === mappingId) domain.freed.push({ iova: p.iova, size: p.size });
  domain.ptes = domain.ptes.filter((p) => p.mappingId !== mappingId);
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

function busy(domain: DomainState, iova: number, size: number): { iova: number; size: number } | undefined {
  return overlaps(domain, iova, size) ?? domain.freed.find((f) => f.iova < iova + size && iova < f.iova + f.size);
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
      const clash = busy(domain, at, size);
      if (!clash) return at;
      at = alignUp(clash.iova + clash.size, align);
    }
    return undefined;
  }
  const align = Math.max(pow2AtLeast(size), granule);
  let at = alignDown(limit - size, align);
  while (at >= granule) {
    const clash = busy(domain, at, size);
    if (!clash) return at;
    at = alignDown(clash.iova - size, align);
  }
  return undefined;
}
