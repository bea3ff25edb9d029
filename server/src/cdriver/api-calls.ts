// The kernel calls the C checker follows, as data: for each, how it becomes a statement of the
// language, which argument is which, and how its failure shows in C (an error pointer, a negative
// int, NULL). Everything else a function calls is an assumption (listed with the findings).

/** What a call's result says about failure, for conditions on it (`IS_ERR(x)`, `if (ret)`, `!x`). */
export type FailsAs = 'err_ptr' | 'negative' | 'null' | 'dma_error' | 'never';

export interface ApiCall {
  /** The C function. */
  readonly fn: string;
  readonly fails: FailsAs;
  /**
   * The statement, from the C names: `result` is the variable the call's value is assigned to, `arg(i)`
   * the name an argument stands for (a buffer, an attachment, a table), `dev(i)` the device a role
   * names, `dir(i)` a DMA direction, `cpu(i)` a CPU access direction. Undefined: the argument cannot
   * be named (the path is skipped with the reason).
   */
  readonly stmt: (a: ArgReader) => string | undefined | { readonly skip: string };
  /** An out-parameter that names the result too (`dma_alloc_noncoherent(dev, size, &handle, ...)`: later calls pass `handle`). */
  readonly outAlias?: number;
  /** When the call succeeds, what argument `i` names belongs to someone else (dma_buf_fd(): the file descriptor owns the reference). */
  readonly takes?: number;
  /** For a C library call that is a CPU access only through a mapping (`memcpy(dst, map.vaddr, n)`): whether this call is one. */
  readonly applies?: (args: readonly string[]) => boolean;
}

export interface ArgReader {
  readonly result: string | undefined;
  arg(i: number): string | undefined;
  dev(i: number): string | undefined;
  dir(i: number): string | undefined;
  cpu(i: number): string | undefined;
  /** A size in bytes, as the language writes it (`4KiB`, `300`). */
  size(i: number): string;
  /** A reservation usage (`DMA_RESV_USAGE_WRITE` → `write`). */
  usage(i: number): string;
  /** The IOMMU of the device argument `i` names (or the platform's only IOMMU). */
  iommu(i: number): string | undefined;
  /** An IOVA: the literal, or one address per distinct expression (an assumption). */
  addr(i: number): string;
  /** The memory a physical address names: `page_to_phys(pages)` → `pages`. */
  phys(i: number): string | undefined;
  /** IOMMU permissions (`IOMMU_READ | IOMMU_WRITE` → `rw`). */
  prot(i: number): string;
  /** The check's device whose exporter the .dmabuf file describes (the only role), or why there is none. */
  exporter(): string | { readonly skip: string };
  /** The argument's C text. */
  text(i: number): string;
  /** A C name as a name of the language. */
  name(c: string): string;
}

/** The mapping a C expression reads through: `map.vaddr`, `priv->map.vaddr` → `map`. */
function vaddrOf(text: string): string | undefined {
  return /(\w+)\s*(?:\.|->)\s*vaddr\b/.exec(text)?.[1];
}

const bound = <T>(a: ArgReader, s: (r: string) => T): T | undefined => (a.result ? s(a.result) : undefined);

/** `KEYWORD NAME`, NAME being what argument `i` names (`put dmabuf`, `free buf`). */
const on =
  (keyword: string, i: number) =>
  (a: ArgReader): string | undefined => {
    const name = a.arg(i);
    return name ? `${keyword} ${name}` : undefined;
  };

export const API_CALLS: readonly ApiCall[] = [
  { fn: 'dma_buf_get', fails: 'err_ptr', stmt: (a) => bound(a, (r) => `${r} = heap system 1MiB`) },
  // The driver's own export: its dma_buf_ops are the ones the .dmabuf file describes for the device (an `exporter` item).
  { fn: 'dma_buf_export', fails: 'err_ptr', stmt: (a) => bound(a, (r) => { const d = a.exporter(); return typeof d === 'string' ? `${r} = export ${d} system 4KiB` : d; }) },
  { fn: 'dma_buf_fd', fails: 'negative', takes: 0, stmt: () => '' },
  // The exporter's notice that it moved the backing store: the move itself is the driver's own code,
  // taken as a migration to system memory (an assumption the checker lists).
  { fn: 'dma_buf_move_notify', fails: 'never', stmt: (a) => (a.arg(0) ? `move ${a.arg(0)} system` : undefined) },
  { fn: 'get_dma_buf', fails: 'never', stmt: on('get', 0) },
  { fn: 'dma_buf_put', fails: 'never', stmt: on('put', 0) },
  { fn: 'dma_buf_attach', fails: 'err_ptr', stmt: (a) => bound(a, (r) => (a.arg(0) && a.dev(1) ? `${r} = attach ${a.arg(0)} ${a.dev(1)}` : undefined)) },
  { fn: 'dma_buf_dynamic_attach', fails: 'err_ptr', stmt: (a) => bound(a, (r) => (a.arg(0) && a.dev(1) ? `${r} = attach ${a.arg(0)} ${a.dev(1)} dynamic` : undefined)) },
  { fn: 'dma_buf_detach', fails: 'never', stmt: on('detach', 1) },
  { fn: 'dma_buf_map_attachment', fails: 'err_ptr', stmt: (a) => bound(a, (r) => (a.arg(0) && a.dir(1) ? `${r} = map ${a.arg(0)} ${a.dir(1)}` : undefined)) },
  { fn: 'dma_buf_map_attachment_unlocked', fails: 'err_ptr', stmt: (a) => bound(a, (r) => (a.arg(0) && a.dir(1) ? `${r} = map_unlocked ${a.arg(0)} ${a.dir(1)}` : undefined)) },
  { fn: 'dma_buf_unmap_attachment', fails: 'never', stmt: (a) => (a.arg(1) && a.dir(2) ? `unmap ${a.arg(1)} ${a.dir(2)}` : undefined) },
  { fn: 'dma_buf_unmap_attachment_unlocked', fails: 'never', stmt: (a) => (a.arg(1) && a.dir(2) ? `unmap_unlocked ${a.arg(1)} ${a.dir(2)}` : undefined) },
  { fn: 'dma_buf_pin', fails: 'negative', stmt: on('pin', 0) },
  { fn: 'dma_buf_unpin', fails: 'never', stmt: on('unpin', 0) },
  { fn: 'dma_buf_begin_cpu_access', fails: 'negative', stmt: (a) => (a.arg(0) && a.cpu(1) ? `begin_cpu ${a.arg(0)} ${a.cpu(1)}` : undefined) },
  { fn: 'dma_buf_end_cpu_access', fails: 'negative', stmt: (a) => (a.arg(0) && a.cpu(1) ? `end_cpu ${a.arg(0)} ${a.cpu(1)}` : undefined) },
  { fn: 'kmalloc', fails: 'null', stmt: (a) => bound(a, (r) => `${r} = kmalloc ${a.size(0)}`) },
  { fn: 'kzalloc', fails: 'null', stmt: (a) => bound(a, (r) => `${r} = kmalloc ${a.size(0)}`) },
  { fn: 'kfree', fails: 'never', stmt: on('free', 0) },
  { fn: 'dma_alloc_noncoherent', fails: 'null', outAlias: 2, stmt: (a) => bound(a, (r) => (a.dev(0) ? `${r} = dma_alloc_noncoherent ${a.dev(0)} ${a.size(1)} ${a.dir(3)}` : undefined)) },
  { fn: 'dma_free_noncoherent', fails: 'never', stmt: on('free', 2) },
  { fn: 'dma_alloc_pages', fails: 'null', outAlias: 2, stmt: (a) => bound(a, (r) => (a.dev(0) ? `${r} = dma_alloc_pages ${a.dev(0)} ${a.size(1)} ${a.dir(3)}` : undefined)) },
  { fn: 'dma_free_pages', fails: 'never', stmt: on('free', 2) },
  { fn: 'dma_alloc_coherent', fails: 'null', stmt: (a) => bound(a, (r) => (a.dev(0) ? `${r} = dma_alloc_coherent ${a.dev(0)} ${a.size(1)}` : undefined)) },
  { fn: 'dma_free_coherent', fails: 'never', stmt: on('free', 2) },
  { fn: 'dma_map_single', fails: 'dma_error', stmt: (a) => bound(a, (r) => (a.dev(0) && a.arg(1) && a.dir(3) ? `${r} = dma_map_single ${a.dev(0)} ${a.arg(1)} ${a.dir(3)}` : undefined)) },
  { fn: 'dma_unmap_single', fails: 'never', stmt: (a) => (a.arg(1) && a.dir(3) ? `dma_unmap ${a.arg(1)} ${a.dir(3)}` : undefined) },
  { fn: 'dma_sync_single_for_cpu', fails: 'never', stmt: (a) => (a.arg(1) && a.dir(3) ? `dma_sync ${a.arg(1)} for_cpu ${a.dir(3)}` : undefined) },
  { fn: 'dma_sync_single_for_device', fails: 'never', stmt: (a) => (a.arg(1) && a.dir(3) ? `dma_sync ${a.arg(1)} for_device ${a.dir(3)}` : undefined) },
  { fn: 'dma_resv_wait_timeout', fails: 'never', stmt: (a) => (a.arg(0) ? `wait_resv ${a.arg(0)} ${a.usage(1)}` : undefined) },
  { fn: 'dma_buf_vmap', fails: 'negative', stmt: (a) => (a.arg(0) && a.arg(1) ? `${a.arg(1)} = vmap ${a.arg(0)}` : undefined) },
  { fn: 'dma_buf_vmap_unlocked', fails: 'negative', stmt: (a) => (a.arg(0) && a.arg(1) ? `${a.arg(1)} = vmap_unlocked ${a.arg(0)}` : undefined) },
  { fn: 'dma_buf_vunmap', fails: 'never', stmt: on('vunmap', 1) },
  { fn: 'dma_buf_vunmap_unlocked', fails: 'never', stmt: on('vunmap_unlocked', 1) },
  // CPU loads and stores through a vmap: the destination is written, a source read.
  { fn: 'memcpy', fails: 'never', applies: (t) => t.some((x) => vaddrOf(x) !== undefined), stmt: (a) => (vaddrOf(a.text(0)) ? `cpu write ${a.name(vaddrOf(a.text(0))!)}` : `cpu read ${a.name(vaddrOf(a.text(1)) ?? '')}`) },
  { fn: 'memset', fails: 'never', applies: (t) => vaddrOf(t[0] ?? '') !== undefined, stmt: (a) => `cpu write ${a.name(vaddrOf(a.text(0)) ?? '')}` },
  { fn: 'memcmp', fails: 'never', applies: (t) => t.some((x) => vaddrOf(x) !== undefined), stmt: (a) => `cpu read ${a.name(vaddrOf(a.text(0)) ?? vaddrOf(a.text(1)) ?? '')}` },
  // The exporter's mmap for a driver's own mmap handler: the VMA keeps the buffer's file (vma_set_file()).
  { fn: 'dma_buf_mmap', fails: 'negative', stmt: (a) => (a.arg(0) && a.arg(1) ? `${a.arg(1)} = mmap ${a.arg(0)}` : undefined) },
  { fn: 'dma_resv_lock', fails: 'never', stmt: on('lock', 0) },
  { fn: 'dma_resv_unlock', fails: 'never', stmt: on('unlock', 0) },
  // The reservation's fences (the slot is the model's concern at `resv ... add`: reserving is only a result to test).
  { fn: 'dma_resv_reserve_fences', fails: 'negative', stmt: () => '' },
  { fn: 'dma_resv_add_fence', fails: 'never', stmt: (a) => (a.arg(0) && a.arg(1) ? `resv ${a.arg(0)} add ${a.arg(1)} ${a.usage(2)}` : undefined) },
  // dma_fence: a fence the driver initialises and signals, waits on, references.
  { fn: 'dma_fence_init', fails: 'never', stmt: (a) => (a.arg(0) ? `${a.arg(0)} = fence` : undefined) },
  { fn: 'dma_fence_signal', fails: 'never', stmt: on('signal', 0) },
  { fn: 'dma_fence_wait', fails: 'negative', stmt: on('wait', 0) },
  // A timeout the checker can read is the statement's; MAX_SCHEDULE_TIMEOUT or an expression waits without one.
  { fn: 'dma_fence_wait_timeout', fails: 'never', stmt: (a) => (a.arg(0) ? `wait ${a.arg(0)}${/^-?\d+$/.test(a.text(2).trim()) ? ` timeout ${a.text(2).trim()}` : ''}` : undefined) },
  { fn: 'dma_fence_get', fails: 'never', stmt: on('get', 0) },
  { fn: 'dma_fence_put', fails: 'never', stmt: on('put', 0) },
  // The driver's own pages and the DMA API over sg tables (dma_map_sgtable's mapping is named after its table: `sgt_dma`).
  { fn: 'alloc_pages', fails: 'null', stmt: (a) => bound(a, (r) => `${r} = alloc_pages ${pagesOfOrder(a.text(1))}`) },
  { fn: 'alloc_page', fails: 'null', stmt: (a) => bound(a, (r) => `${r} = alloc_pages 4KiB`) },
  { fn: '__free_pages', fails: 'never', stmt: on('free', 0) },
  { fn: '__free_page', fails: 'never', stmt: on('free', 0) },
  { fn: 'vmalloc', fails: 'null', stmt: (a) => bound(a, (r) => `${r} = vmalloc ${a.size(0)}`) },
  { fn: 'vzalloc', fails: 'null', stmt: (a) => bound(a, (r) => `${r} = vmalloc ${a.size(0)}`) },
  { fn: 'vfree', fails: 'never', stmt: on('free', 0) },
  { fn: 'sg_alloc_table_from_pages', fails: 'negative', stmt: (a) => (a.arg(0) && a.arg(1) ? `${a.arg(0)} = sg_table ${a.arg(1)}` : undefined) },
  { fn: 'sg_init_one', fails: 'never', stmt: (a) => (a.arg(0) && a.arg(1) ? `${a.arg(0)} = sg_table ${a.arg(1)}` : undefined) },
  { fn: 'sg_free_table', fails: 'never', stmt: () => '' },
  { fn: 'dma_map_sgtable', fails: 'negative', stmt: (a) => (a.dev(0) && a.arg(1) ? `${a.arg(1)}_dma = dma_map ${a.dev(0)} ${a.arg(1)} ${a.dir(2)}` : undefined) },
  { fn: 'dma_unmap_sgtable', fails: 'never', stmt: (a) => (a.arg(1) ? `dma_unmap ${a.arg(1)}_dma ${a.dir(2)}` : undefined) },
  { fn: 'dma_sync_sgtable_for_cpu', fails: 'never', stmt: (a) => (a.arg(1) ? `dma_sync ${a.arg(1)}_dma for_cpu ${a.dir(2)}` : undefined) },
  { fn: 'dma_sync_sgtable_for_device', fails: 'never', stmt: (a) => (a.arg(1) ? `dma_sync ${a.arg(1)}_dma for_device ${a.dir(2)}` : undefined) },
  { fn: 'dma_map_sg', fails: 'null', stmt: (a) => (a.dev(0) && a.arg(1) ? `${a.arg(1)}_dma = dma_map ${a.dev(0)} ${a.arg(1)} ${a.dir(3)}` : undefined) },
  { fn: 'dma_unmap_sg', fails: 'never', stmt: (a) => (a.arg(1) ? `dma_unmap ${a.arg(1)}_dma ${a.dir(3)}` : undefined) },
  // MMIO only: what the physical address names must be a BAR; RAM is DMAAPI-18 ("mapping of RAM is not permitted").
  { fn: 'dma_map_resource', fails: 'dma_error', stmt: (a) => bound(a, (r) => (a.dev(0) && a.phys(1) ? `${r} = dma_map_resource ${a.dev(0)} ${a.phys(1)} ${a.dir(3)}` : undefined)) },
  { fn: 'dma_unmap_resource', fails: 'never', stmt: (a) => (a.arg(1) ? `dma_unmap_resource ${a.arg(1)} ${a.dir(3)}` : undefined) },
  { fn: 'dma_map_page', fails: 'dma_error', stmt: (a) => bound(a, (r) => (a.dev(0) && a.arg(1) ? `${r} = dma_map_single ${a.dev(0)} ${a.arg(1)} ${a.dir(4)}` : undefined)) },
  { fn: 'dma_unmap_page', fails: 'never', stmt: (a) => (a.arg(1) && a.dir(3) ? `dma_unmap ${a.arg(1)} ${a.dir(3)}` : undefined) },
  // The IOMMU API: an explicit domain, the driver's own IOVAs.
  { fn: 'iommu_domain_alloc', fails: 'null', stmt: (a) => bound(a, (r) => (a.iommu(-1) ? `${r} = domain ${a.iommu(-1)}` : undefined)) },
  { fn: 'iommu_paging_domain_alloc', fails: 'err_ptr', stmt: (a) => bound(a, (r) => (a.iommu(0) ? `${r} = domain ${a.iommu(0)}` : undefined)) },
  { fn: 'iommu_domain_free', fails: 'never', stmt: () => '' },
  { fn: 'iommu_attach_device', fails: 'negative', stmt: (a) => (a.arg(0) && a.dev(1) ? `attach_domain ${a.arg(0)} ${a.dev(1)}` : undefined) },
  { fn: 'iommu_detach_device', fails: 'never', stmt: (a) => (a.arg(0) && a.dev(1) ? `detach_domain ${a.arg(0)} ${a.dev(1)}` : undefined) },
  { fn: 'iommu_map', fails: 'negative', stmt: (a) => (a.arg(0) && a.phys(2) ? `iommu_map ${a.arg(0)} ${a.addr(1)} ${a.phys(2)} ${a.prot(4)}` : undefined) },
  { fn: 'iommu_map_sgtable', fails: 'negative', stmt: (a) => (a.arg(0) && a.arg(2) ? `iommu_map ${a.arg(0)} ${a.addr(1)} ${a.arg(2)} ${a.prot(3)}` : undefined) },
  { fn: 'iommu_unmap', fails: 'never', stmt: (a) => (a.arg(0) ? `iommu_unmap ${a.arg(0)} ${a.addr(1)} ${a.size(2)}` : undefined) },
  // dma_iova_* (6.16+): one IOVA range, linked piece by piece, synced once.
  { fn: 'dma_iova_try_alloc', fails: 'null', stmt: (a) => (a.dev(0) && a.arg(1) ? `${a.arg(1)} = dma_iova_try_alloc ${a.dev(0)} ${a.size(3)}` : undefined) },
  { fn: 'dma_iova_link', fails: 'negative', stmt: (a) => (a.arg(1) && a.phys(2) ? `dma_iova_link ${a.arg(1)} ${a.phys(2)}${/^\d+$/.test(a.text(3).trim()) ? ` offset ${a.text(3).trim()}` : ''} ${a.dir(5)}` : undefined) },
  { fn: 'dma_iova_sync', fails: 'negative', stmt: on('dma_iova_sync', 1) },
  { fn: 'dma_iova_unlink', fails: 'never', stmt: (a) => (a.arg(1) ? `dma_iova_unlink ${a.arg(1)} ${a.dir(4)}` : undefined) },
  { fn: 'dma_iova_destroy', fails: 'never', stmt: (a) => (a.arg(1) ? `dma_iova_destroy ${a.arg(1)} ${a.size(2)} ${a.dir(3)}` : undefined) },
  { fn: 'dma_iova_free', fails: 'never', stmt: on('dma_iova_free', 1) },
];

/** `alloc_pages(gfp, order)`: 4 KiB << order (order 0 when the checker cannot read it). */
function pagesOfOrder(text: string): string {
  const order = /^\d+$/.test(text.trim()) ? Number(text.trim()) : 0;
  return String(4096 * 2 ** order);
}

const BY_FN = new Map(API_CALLS.map((c) => [c.fn, c]));

export function apiCall(fn: string): ApiCall | undefined {
  return BY_FN.get(fn);
}

export const DMA_DIRS: Readonly<Record<string, string>> = {
  DMA_TO_DEVICE: 'to_device',
  DMA_FROM_DEVICE: 'from_device',
  DMA_BIDIRECTIONAL: 'bidirectional',
  DMA_NONE: 'none',
};

export const RESV_USAGES: Readonly<Record<string, string>> = {
  DMA_RESV_USAGE_KERNEL: 'kernel',
  DMA_RESV_USAGE_WRITE: 'write',
  DMA_RESV_USAGE_READ: 'read',
  DMA_RESV_USAGE_BOOKKEEP: 'bookkeep',
};

export const CPU_DIRS: Readonly<Record<string, string>> = {
  DMA_FROM_DEVICE: 'read',
  DMA_TO_DEVICE: 'write',
  DMA_BIDIRECTIONAL: 'rw',
};
