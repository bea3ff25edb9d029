// Building sg tables the way the kernel's helpers do (lib/scatterlist.c): the CPU view of a
// buffer's pages, PFN-contiguous runs merged up to a maximum segment (SGT-07), never more than
// the 32-bit `length` field can hold (SGT-04), chained when longer than one allocation (SGT-06).
import type { Arch } from '../../../language/ast';
import type { SgEntry } from '../../../common/trace';
import { alignDown } from './init';
import type { Chunk } from './state';
import { spend } from '../../deadline';

/** The largest length an sg entry can describe, page aligned (sg_alloc_table_from_pages: UINT_MAX & PAGE_MASK). */
export function maxEntryLength(pageSize: number): number {
  return alignDown(0xffff_ffff, pageSize);
}

/**
 * The effective max_segment of sg_alloc_table_from_pages_segment(): aligned down to the page size;
 * below one page the kernel WARNs and fails (-EINVAL), which callers of ours never ask for, so we
 * clamp to one page.
 */
export function effectiveMaxSegment(maxSegment: number, pageSize: number): number {
  return Math.max(pageSize, alignDown(Math.min(maxSegment, maxEntryLength(pageSize)), pageSize));
}

/**
 * The CPU view of a table over `chunks`: adjacent chunks of the same kind (RAM, or the same BAR:
 * 6.2 also requires the same ZONE_DEVICE pgmap, VER-02; RAM and BARs are never adjacent here, so
 * 6.1 and 6.2 build the same tables) merge, and every run is cut into pieces of at most
 * `maxSegment`. Only a first entry could carry an offset; our buffers start on a page, so 0.
 */
export function buildEntries(chunks: readonly Chunk[], maxSegment: number, pageSize: number, page: boolean): SgEntry[] {
  spend(chunks.length);
  const max = effectiveMaxSegment(maxSegment, pageSize);
  const runs: { phys: number; size: number }[] = [];
  let last: Chunk | undefined;
  for (const c of chunks) {
    const prev = runs[runs.length - 1];
    if (prev && last && last.space === c.space && last.owner === c.owner && prev.phys + prev.size === c.phys) prev.size += c.size;
    else runs.push({ phys: c.phys, size: c.size });
    last = c;
  }
  const entries: SgEntry[] = [];
  for (const run of runs) {
    for (let off = 0; off < run.size; off += max) {
      entries.push({ phys: run.phys + off, page, offset: 0, length: Math.min(max, run.size - off) });
    }
  }
  return entries;
}

/**
 * One entry for a whole chunk, as an exporter that stores a 64-bit size into the 32-bit
 * `length` would write it: the length wraps modulo 2^32 (4 GiB becomes 0). SGT-04's bug.
 */
export function truncatedSingleEntry(chunk: Chunk): SgEntry {
  return { phys: chunk.phys, page: true, offset: 0, length: chunk.size % 0x1_0000_0000 };
}

/** sizeof(struct scatterlist): 32 bytes on 64-bit kernels, 20 on arm32 (32-bit dma_addr_t, with dma_length). */
export function scatterlistSize(arch: Arch): number {
  return arch === 'arm32' ? 20 : 32;
}

/** SG_MAX_SINGLE_ALLOC = PAGE_SIZE / sizeof(struct scatterlist). */
export function sgMaxSingleAlloc(arch: Arch, pageSize: number): number {
  return Math.floor(pageSize / scatterlistSize(arch));
}

/**
 * How many allocations __sg_alloc_table() chains for `nents` entries: every chunk but the last
 * gives its final slot to the SG_CHAIN link.
 */
export function sgChainChunks(arch: Arch, pageSize: number, nents: number): number {
  const max = sgMaxSingleAlloc(arch, pageSize);
  if (nents <= max) return 1;
  return Math.ceil((nents - 1) / (max - 1));
}
