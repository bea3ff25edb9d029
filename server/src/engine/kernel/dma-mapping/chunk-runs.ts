// A buffer's backing store as runs of chunks (state.ts Chunk count/stride): counting and
// expanding them for the few places that name chunks one by one (snapshots, iommu_map of a
// buffer), so that nothing else ever builds one object per page.
import type { Chunk } from './state';
import { piecesOf } from '../../runs';

export { totalPieces as chunkCount } from '../../runs';

/** The i-th chunk of a run, as a plain chunk. */
export function chunkAt(c: Chunk, i: number): Chunk {
  const phys = c.phys + i * (c.stride ?? 0);
  return c.owner ? { space: c.space, owner: c.owner, phys, size: c.size } : { space: c.space, phys, size: c.size };
}

/** The first `limit` chunks (all by default), one object each. */
export function expandChunks(chunks: readonly Chunk[], limit = Infinity): Chunk[] {
  const out: Chunk[] = [];
  for (const c of chunks) {
    for (let i = 0; i < piecesOf(c) && out.length < limit; i++) out.push(chunkAt(c, i));
    if (out.length >= limit) break;
  }
  return out;
}
