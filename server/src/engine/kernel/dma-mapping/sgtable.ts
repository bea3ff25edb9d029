// Building sg tables the way the kernel's helpers do (lib/scatterlist.c): the CPU view of a
// buffer's pages, PFN-contiguous runs merged up to a maximum segment (SGT-07), never more than
// the 32-bit `length` field can hold (SGT-04), chained when longer than one allocation (SGT-06).
import type { Arch } from '../../../language/ast';
import type { SgEntry } from '../../../common/trace';
import type { SgRun } from './sgrun';
import { piecesOf } from '../../runs';
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

/** Physically contiguous memory the table describes: `count` pieces of `size` bytes, `stride` apart. */
interface Piece {
  readonly chunk: Chunk;
  readonly phys: number;
  size: number;
  readonly count: number;
  readonly stride: number;
}

/**
 * The CPU view of a table over `chunks`: adjacent chunks of the same kind (RAM, or the same BAR:
 * 6.2 also requires the same ZONE_DEVICE pgmap, VER-02; RAM and BARs are never adjacent here, so
 * 6.1 and 6.2 build the same tables) merge, and every run is cut into pieces of at most
 * `maxSegment`. Only a first entry could carry an offset; our buffers start on a page, so 0.
 * A run of chunks with holes between them (every page-backed layout) is a run of entries: none of
 * its chunks touches the next, so only its first can merge backwards and its last forwards, which
 * is what sg_alloc_table_from_pages() finds walking the pages one by one (lib/scatterlist.c:434-520).
 */
export function buildEntries(chunks: readonly Chunk[], maxSegment: number, pageSize: number, page: boolean): SgRun[] {
  spend(chunks.length);
  const max = effectiveMaxSegment(maxSegment, pageSize);
  const pieces: Piece[] = [];
  for (const c of chunks) {
    const n = piecesOf(c);
    const stride = c.stride ?? 0;
    // A run of touching chunks is one contiguous range (ascending) or never merges (descending).
    const contiguous = n > 1 && stride === c.size;
    const first: Piece = { chunk: c, phys: c.phys, size: contiguous ? c.size * n : c.size, count: 1, stride: 0 };
    const prev = pieces[pieces.length - 1];
    const gapped = n > 1 && !contiguous;
    if (prev && prev.chunk.space === c.space && prev.chunk.owner === c.owner && prev.phys + (prev.count - 1) * prev.stride + prev.size === c.phys) {
      // The first chunk continues the last one before it (splitting that off a run).
      if (prev.count === 1) prev.size += first.size;
      else {
        pieces[pieces.length - 1] = { ...prev, count: prev.count - 1 };
        pieces.push({ chunk: c, phys: prev.phys + (prev.count - 1) * prev.stride, size: prev.size + first.size, count: 1, stride: 0 });
      }
      if (gapped) pieces.push({ chunk: c, phys: c.phys + stride, size: c.size, count: n - 1, stride });
    } else pieces.push(gapped ? { chunk: c, phys: c.phys, size: c.size, count: n, stride } : first);
  }
  const entries: SgRun[] = [];
  for (const p of pieces) {
    if (p.count > 1 && p.size <= max) {
      entries.push({ phys: p.phys, page, offset: 0, length: p.size, count: p.count, stride: p.stride });
      continue;
    }
    for (let i = 0; i < p.count; i++) {
      // A chunk longer than max_segment: whole entries of max_segment, then the rest.
      spend();
      const phys = p.phys + i * p.stride;
      const whole = Math.floor(p.size / max);
      if (whole > 1) entries.push({ phys, page, offset: 0, length: max, count: whole, stride: max });
      else if (whole === 1) entries.push({ phys, page, offset: 0, length: max });
      if (p.size % max) entries.push({ phys: phys + whole * max, page, offset: 0, length: p.size % max });
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
