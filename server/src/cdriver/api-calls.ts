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
  readonly stmt: (a: ArgReader) => string | undefined;
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
  /** The argument's C text. */
  text(i: number): string;
  /** A C name as a name of the language. */
  name(c: string): string;
}

/** The mapping a C expression reads through: `map.vaddr`, `priv->map.vaddr` → `map`. */
function vaddrOf(text: string): string | undefined {
  return /(\w+)\s*(?:\.|->)\s*vaddr\b/.exec(text)?.[1];
}

const bound = (a: ArgReader, s: (r: string) => string | undefined): string | undefined => (a.result ? s(a.result) : undefined);

export const API_CALLS: readonly ApiCall[] = [
  { fn: 'dma_buf_get', fails: 'err_ptr', stmt: (a) => bound(a, (r) => `${r} = heap system 1MiB`) },
  { fn: 'get_dma_buf', fails: 'never', stmt: (a) => (a.arg(0) ? `get ${a.arg(0)}` : undefined) },
  { fn: 'dma_buf_put', fails: 'never', stmt: (a) => (a.arg(0) ? `put ${a.arg(0)}` : undefined) },
  { fn: 'dma_buf_attach', fails: 'err_ptr', stmt: (a) => bound(a, (r) => (a.arg(0) && a.dev(1) ? `${r} = attach ${a.arg(0)} ${a.dev(1)}` : undefined)) },
  { fn: 'dma_buf_dynamic_attach', fails: 'err_ptr', stmt: (a) => bound(a, (r) => (a.arg(0) && a.dev(1) ? `${r} = attach ${a.arg(0)} ${a.dev(1)} dynamic` : undefined)) },
  { fn: 'dma_buf_detach', fails: 'never', stmt: (a) => (a.arg(1) ? `detach ${a.arg(1)}` : undefined) },
  { fn: 'dma_buf_map_attachment', fails: 'err_ptr', stmt: (a) => bound(a, (r) => (a.arg(0) && a.dir(1) ? `${r} = map ${a.arg(0)} ${a.dir(1)}` : undefined)) },
  { fn: 'dma_buf_map_attachment_unlocked', fails: 'err_ptr', stmt: (a) => bound(a, (r) => (a.arg(0) && a.dir(1) ? `${r} = map_unlocked ${a.arg(0)} ${a.dir(1)}` : undefined)) },
  { fn: 'dma_buf_unmap_attachment', fails: 'never', stmt: (a) => (a.arg(1) && a.dir(2) ? `unmap ${a.arg(1)} ${a.dir(2)}` : undefined) },
  { fn: 'dma_buf_unmap_attachment_unlocked', fails: 'never', stmt: (a) => (a.arg(1) && a.dir(2) ? `unmap_unlocked ${a.arg(1)} ${a.dir(2)}` : undefined) },
  { fn: 'dma_buf_pin', fails: 'negative', stmt: (a) => (a.arg(0) ? `pin ${a.arg(0)}` : undefined) },
  { fn: 'dma_buf_unpin', fails: 'never', stmt: (a) => (a.arg(0) ? `unpin ${a.arg(0)}` : undefined) },
  { fn: 'dma_buf_begin_cpu_access', fails: 'negative', stmt: (a) => (a.arg(0) && a.cpu(1) ? `begin_cpu ${a.arg(0)} ${a.cpu(1)}` : undefined) },
  { fn: 'dma_buf_end_cpu_access', fails: 'negative', stmt: (a) => (a.arg(0) && a.cpu(1) ? `end_cpu ${a.arg(0)} ${a.cpu(1)}` : undefined) },
  { fn: 'kmalloc', fails: 'null', stmt: (a) => bound(a, (r) => `${r} = kmalloc ${a.size(0)}`) },
  { fn: 'kzalloc', fails: 'null', stmt: (a) => bound(a, (r) => `${r} = kmalloc ${a.size(0)}`) },
  { fn: 'kfree', fails: 'never', stmt: (a) => (a.arg(0) ? `free ${a.arg(0)}` : undefined) },
  { fn: 'dma_alloc_coherent', fails: 'null', stmt: (a) => bound(a, (r) => (a.dev(0) ? `${r} = dma_alloc_coherent ${a.dev(0)} ${a.size(1)}` : undefined)) },
  { fn: 'dma_free_coherent', fails: 'never', stmt: (a) => (a.arg(2) ? `free ${a.arg(2)}` : undefined) },
  { fn: 'dma_map_single', fails: 'dma_error', stmt: (a) => bound(a, (r) => (a.dev(0) && a.arg(1) && a.dir(3) ? `${r} = dma_map_single ${a.dev(0)} ${a.arg(1)} ${a.dir(3)}` : undefined)) },
  { fn: 'dma_unmap_single', fails: 'never', stmt: (a) => (a.arg(1) && a.dir(3) ? `dma_unmap ${a.arg(1)} ${a.dir(3)}` : undefined) },
  { fn: 'dma_sync_single_for_cpu', fails: 'never', stmt: (a) => (a.arg(1) && a.dir(3) ? `dma_sync ${a.arg(1)} for_cpu ${a.dir(3)}` : undefined) },
  { fn: 'dma_sync_single_for_device', fails: 'never', stmt: (a) => (a.arg(1) && a.dir(3) ? `dma_sync ${a.arg(1)} for_device ${a.dir(3)}` : undefined) },
  { fn: 'dma_resv_wait_timeout', fails: 'never', stmt: (a) => (a.arg(0) ? `wait_resv ${a.arg(0)} ${a.usage(1)}` : undefined) },
  { fn: 'dma_buf_vmap', fails: 'negative', stmt: (a) => (a.arg(0) && a.arg(1) ? `${a.arg(1)} = vmap ${a.arg(0)}` : undefined) },
  { fn: 'dma_buf_vmap_unlocked', fails: 'negative', stmt: (a) => (a.arg(0) && a.arg(1) ? `${a.arg(1)} = vmap_unlocked ${a.arg(0)}` : undefined) },
  { fn: 'dma_buf_vunmap', fails: 'never', stmt: (a) => (a.arg(1) ? `vunmap ${a.arg(1)}` : undefined) },
  { fn: 'dma_buf_vunmap_unlocked', fails: 'never', stmt: (a) => (a.arg(1) ? `vunmap_unlocked ${a.arg(1)}` : undefined) },
  // CPU loads and stores through a vmap: the destination is written, a source read.
  { fn: 'memcpy', fails: 'never', applies: (t) => t.some((x) => vaddrOf(x) !== undefined), stmt: (a) => (vaddrOf(a.text(0)) ? `cpu write ${a.name(vaddrOf(a.text(0))!)}` : `cpu read ${a.name(vaddrOf(a.text(1)) ?? '')}`) },
  { fn: 'memset', fails: 'never', applies: (t) => vaddrOf(t[0] ?? '') !== undefined, stmt: (a) => `cpu write ${a.name(vaddrOf(a.text(0)) ?? '')}` },
  { fn: 'memcmp', fails: 'never', applies: (t) => t.some((x) => vaddrOf(x) !== undefined), stmt: (a) => `cpu read ${a.name(vaddrOf(a.text(0)) ?? vaddrOf(a.text(1)) ?? '')}` },
  { fn: 'dma_resv_lock', fails: 'never', stmt: (a) => (a.arg(0) ? `lock ${a.arg(0)}` : undefined) },
  { fn: 'dma_resv_unlock', fails: 'never', stmt: (a) => (a.arg(0) ? `unlock ${a.arg(0)}` : undefined) },
];

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
