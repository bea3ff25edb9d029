// Long lists in the inspector (a table's sg entries, a buffer's chunks, a domain's IOVA ranges),
// page by page: the snapshot carries the first 64 and, for longer lists, their runs
// (server/src/common/paged.ts); a page is built from the runs when asked for, so a 1 GiB buffer's
// 262,144 entries are never all made. Pure, unit-tested; main.ts only draws what this returns.
import { asPaged, isPagedKey, moreKey, pagedKey, pageOf } from '../../../server/src/common/paged';

export const PAGE_SIZE = 64;

export interface ListPage {
  /** The entries of this page, with their index in the whole list. */
  readonly rows: readonly { readonly index: number; readonly entry: Readonly<Record<string, unknown>> }[];
  readonly page: number;
  readonly pages: number;
  readonly total: number;
}

/** The keys the inspector shows as rows: the runs and the count of the rest belong to the pager. */
export function shownKeys(state: Readonly<Record<string, unknown>>): string[] {
  return Object.keys(state).filter((k) => {
    if (isPagedKey(k)) return false;
    const list = Object.keys(state).find((l) => moreKey(l) === k);
    return !(list && asPaged(state[pagedKey(list)]));
  });
}

/** True when the list under `key` can be paged past its first page. */
export function isPaged(state: Readonly<Record<string, unknown>>, key: string): boolean {
  return asPaged(state[pagedKey(key)]) !== undefined;
}

/** Page `page` (0-based, clamped to the list) of the list under `key`; undefined when it has no runs. */
export function listPage(state: Readonly<Record<string, unknown>>, key: string, page: number): ListPage | undefined {
  const paged = asPaged(state[pagedKey(key)]);
  if (!paged) return undefined;
  const pages = Math.max(1, Math.ceil(paged.total / PAGE_SIZE));
  const p = Math.min(Math.max(0, Math.floor(page)), pages - 1);
  const from = p * PAGE_SIZE;
  const rows = pageOf(paged, from, PAGE_SIZE).map((entry, i) => ({ index: from + i, entry }));
  return { rows, page: p, pages, total: paged.total };
}

/** The page holding entry `index` (what "go to entry" jumps to). */
export function pageOfEntry(index: number): number {
  return Math.max(0, Math.floor(index / PAGE_SIZE));
}
