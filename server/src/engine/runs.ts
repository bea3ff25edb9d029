// What every run kind of the engine shares (sg entries, page chunks, IOMMU ptes, physical
// regions): a record with an optional `count` stands for that many pieces, one when absent.

/** How many pieces a run stands for. */
export function piecesOf(r: { readonly count?: number }): number {
  return r.count ?? 1;
}

/** Pieces in a list of runs. */
export function totalPieces(runs: readonly { readonly count?: number }[]): number {
  let n = 0;
  for (const r of runs) n += piecesOf(r);
  return n;
}
