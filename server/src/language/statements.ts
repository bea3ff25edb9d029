// The scenario language's statements as data: one entry per AST kind, with its keyword(s), the
// operands it reads (slots), the name kind it binds, which half of the engine executes it, its
// hover doc (the kernel call it stands for, what happens, the rules it can trigger; our words) and
// the kernel C it renders as. The parser's keyword sets and simple statements, the binder's
// operand checks and bindings, completion, hover, semantic tokens, the kernel-C view, the
// footprint's object operand, the TextMate grammar (scripts/grammar.ts, at build time) and the
// fuzz generators all read it.
//
// Adding a statement: its node type in ast.ts (and the `Stmt` union), its entry here, its
// semantics in the half the entry names (kernel: engine/kernel/index.ts `execute`; time:
// engine/time/statements.ts `runStmt` and engine/time/footprint.ts, which do not compile without
// it), its rule fixtures, and `npm run build` to regenerate the grammar.
import type * as A from './ast';
import { assertNever } from '../common/assert';
import { C } from './kernel-c-words';
import { since, type KernelVersion } from './profiles';

// ---- operand vocabularies ------------------------------------------------------------------------

export const DIRS = ['to_device', 'from_device', 'bidirectional'] as const;
/** The streaming DMA API's directions, DMA_NONE included (DMAAPI-01). */
export const API_DIRS = [...DIRS, 'none'] as const;
export const CPUDIRS = ['read', 'write', 'rw'] as const;
/** DMA_BUF_IOCTL_SYNC's flags: a CPU direction, or neither READ nor WRITE (CPU-01). */
export const SYNC_FLAGS = [...CPUDIRS, 'none'] as const;
export const USAGES = ['kernel', 'write', 'read', 'bookkeep'] as const;
export const ACCESSES = ['read', 'write'] as const;
export const PROTS = ['read', 'write', 'rw'] as const;
export const HEAPS = ['system', 'cma'] as const;
export const GFPS = ['kernel', 'atomic'] as const;
export const SYNC_TARGETS = ['for_cpu', 'for_device'] as const;
export const WALKS = ['nents', 'orig_nents', 'pointer'] as const;
export const POLL_EVENTS = ['in', 'out'] as const;

// ---- the shape of an entry -----------------------------------------------------------------------

export interface KeywordDoc {
  /** The kernel call(s) or object it stands for, as C. */
  readonly call: string;
  /** What it does in the kernel, in one or two sentences. */
  readonly summary: string;
  /** Rule IDs (kernel-rules.md) and engine codes this keyword can trigger. */
  readonly rules: readonly string[];
}

export const doc = (call: string, summary: string, rules: readonly string[] = []): KeywordDoc => ({ call, summary, rules });

/** Every statement kind the table describes (an `Error` statement is the parser's, not the language's). */
export type StmtKind = Exclude<A.StmtKind, 'Error'>;
export type StmtOf<K extends A.StmtKind> = Extract<A.Stmt, { kind: K }>;

/** Scenario names a statement uses or binds (the binder's namespaces; devices and IOMMUs are the platform's). */
export type NameKind = 'buffer' | 'attachment' | 'sgt' | 'fence' | 'domain' | 'vmap' | 'memory' | 'table' | 'iova' | 'ioas' | 'thread';

/**
 * What the kernel-C view of a statement may know of its scenario, where the caller has it: the kind of
 * the name an identifier resolved to (`iova S OFFSET` is `S.addr + OFFSET` for an IOVA state), and
 * whether a device is bound to vfio-pci (its `export` is VFIO_DEVICE_FEATURE_DMA_BUF).
 */
export interface CEnv {
  readonly kindOf: (id: A.Ident) => string | undefined;
  readonly vfio: (dev: string) => boolean;
}
export type HardwareKind = 'device' | 'iommu' | 'group';

/** A field of the statement's AST node that an operand fills. */
type Field<K extends StmtKind> = Exclude<keyof StmtOf<K>, 'kind' | 'span' | 'keyword' | 'name'> & string;

/**
 * One operand, in source order. `what` is what a SYNTAX finding says was expected; `ctx` where
 * (`{kw}` is the keyword as written, `{prev}` the operand before). `needs` is the NAME finding's
 * reason when a name is of the wrong kind (default: "`{kw}` needs <kind>").
 */
export type Slot<K extends StmtKind> =
  | { readonly take: 'name'; readonly field: Field<K>; readonly of: readonly NameKind[]; readonly what: string; readonly ctx?: string; readonly needs?: string; /** A fence the scenario completes itself (not a container). */ readonly own?: true; /** `F1, F2, ...` */ readonly list?: true }
  | { readonly take: 'hardware'; readonly field: Field<K>; readonly of: HardwareKind; readonly what: string; readonly ctx?: string; readonly needs?: string; /** The device whose exporter the bound buffer remembers (MEM of `move`). */ readonly exporter?: true }
  /** MEM: `system` or a BAR of the device named before, or of the buffer's exporter. */
  | { readonly take: 'mem'; readonly field: Field<K>; readonly what: string; readonly ctx?: string; readonly needs: string }
  /** `mistakes`: words that spell what the kernel rejects (DMA_NONE, SYNC flags without READ/WRITE), to show it: parsed and documented, never offered by completion. */
  | { readonly take: 'word'; readonly field: Field<K>; readonly words: readonly string[]; readonly ctx?: string; readonly optional?: true; readonly mistakes?: readonly string[] }
  /**
   * A size (a unit allowed), a count or address (no unit), or a signed integer (no unit, `-` allowed).
   * `range`: the values the kernel call accepts; another value is a SYNTAX finding (the statement still parses).
   */
  | { readonly take: 'size' | 'count' | 'signed'; readonly field: Field<K>; readonly what: string; readonly ctx?: string; readonly range?: readonly [number, number] }
  /** A trailing option word; consecutive flags may come in any order. */
  | { readonly take: 'flag'; readonly field: Field<K>; readonly word: string }
  /** `WORD operand`, optional: `prev P`, `nents N`, `timeout N`; `doc` is WORD's hover here. */
  | { readonly take: 'tagged'; readonly word: string; readonly slot: Slot<K>; readonly doc?: KeywordDoc }
  /** A fixed word between operands (`resv B add F U`). */
  | { readonly take: 'keyword'; readonly word: string; readonly ctx: string }
  /** `at OFFSET size LEN`, optional. */
  | { readonly take: 'range'; readonly field: Field<K> }
  /** What a device job touches: an sg table, a buffer or `iova DOMAIN ADDR` (A.Target). */
  | { readonly take: 'target'; readonly field: Field<K>; readonly of: readonly NameKind[]; readonly via: readonly NameKind[]; readonly what: string; readonly ctx?: string; readonly needs: string }
  /** A new name the statement binds besides `NAME =` (`submit ... signal F`). */
  | { readonly take: 'binds'; readonly field: Field<K>; readonly of: NameKind; readonly what: string; readonly ctx?: string };

export interface KeywordSpec<K extends StmtKind> {
  readonly word: string;
  readonly doc: KeywordDoc;
  /** Fields the keyword itself decides (`map_unlocked`: `unlocked: true`). */
  readonly fixed?: Partial<Record<Field<K>, boolean>>;
}

export interface StatementSpec<K extends StmtKind> {
  readonly kind: K;
  /** `NAME = kw ...` or `kw ...`. */
  readonly form: 'binding' | 'plain';
  readonly keywords: readonly KeywordSpec<K>[];
  /** Operands in source order. The parser reads them unless the kind is bespoke (BESPOKE_PARSE). */
  readonly slots: readonly Slot<K>[];
  /** The kind of the name a binding statement binds. */
  readonly binds?: NameKind;
  /** A fence made of other fences: it signals when they do, never by hand. */
  readonly container?: true;
  /** Which half of the engine executes it (engine/seam.ts). */
  readonly half: 'kernel' | 'time';
  /** The operand whose buffer a kernel step works on, for the footprint (engine/time/footprint.ts). */
  readonly object?: (s: StmtOf<K>) => A.Ident;
  /**
   * The statement as the kernel C it stands for; `body` renders nested statements. `kernel` is the
   * scenario's profile when known (the call a statement stands for may follow it: ask `since()`).
   */
  readonly c: (s: StmtOf<K>, body: (s: A.Stmt) => string[], kernel?: KernelVersion, env?: CEnv) => string[];
  /** Completion's argument slots where the parse slots do not say it (bespoke syntax). */
  readonly complete?: readonly CompletionSlot[];
}

/** What completion offers at one argument position (lsp/features/completion.ts). */
export type CompletionSlot =
  | { readonly names: readonly NameKind[] }
  | { readonly words: readonly string[]; /** `at OFFSET size LENGTH`, which may be left out: four words when present. */ readonly range?: true }
  | { readonly hardware: 'device' | 'bar' | 'iommu' | 'group' | 'upstream' | 'platform' }
  | { readonly none: true };

/** Statements whose syntax the parser reads with code of its own rather than from the slots. */
export const BESPOKE_PARSE = ['Submit', 'Thread', 'Fence', 'AttachDomain', 'DetachDomain'] as const;
export type BespokeKind = (typeof BESPOKE_PARSE)[number];

type Table = { readonly [K in StmtKind]: StatementSpec<K> };

/** The descriptor loop a `walk` stands for. */
const WALK_C: Readonly<Record<A.Walk, string>> = {
  nents: 'for_each_sgtable_dma_sg(sgt, sg, i) /* nents DMA segments */ desc[i] = (sg_dma_address(sg), sg_dma_len(sg));',
  orig_nents: 'for_each_sg(sgt->sgl, sg, sgt->orig_nents, i) /* every CPU entry */ desc[i] = (sg_dma_address(sg), sg_dma_len(sg));',
  pointer: 'for (i = 0, sg = sgt->sgl; i < sgt->nents; i++, sg++) /* no sg_next() */ desc[i] = (sg_dma_address(sg), sg_dma_len(sg));',
};

// ---- slot shorthands ---------------------------------------------------------------------------

const after = 'after `{kw}`';
const afterPrev = 'after `{kw} {prev}`';

/** `group G` of the DMA-ownership statements (claim_dma_owner, release_dma_owner). */
const OWNED_GROUP: readonly Slot<'ClaimDmaOwner' | 'ReleaseDmaOwner'>[] = [
  { take: 'keyword', word: 'group', ctx: 'after `{kw}` (`{kw} group G`)' },
  { take: 'hardware', field: 'group', of: 'group', what: 'an IOMMU group', ctx: 'after `group`' },
];

// ---- the table -----------------------------------------------------------------------------------

const TABLE = {
  Export: {
    kind: 'Export',
    form: 'binding',
    keywords: [{ word: 'export', doc: doc('exporter alloc + dma_buf_export()', 'The exporting device\'s driver allocates the backing store (`system` memory or one of its BARs) and exports it as a dma-buf with one reference.', ['EXP-01', 'EXP-02', 'EXP-04', 'P2P-08', 'LEAK-01']) }],
    slots: [
      { take: 'hardware', field: 'dev', of: 'device', what: 'the exporting device', ctx: 'in `{kw}` (`NAME = export DEV MEM SIZE`)', exporter: true },
      { take: 'mem', field: 'mem', what: '`system` or a BAR of the device', ctx: 'in `{kw}` (`NAME = export DEV MEM SIZE`)', needs: 'the memory must be `system` or a BAR of the exporting device' },
      { take: 'size', field: 'size', what: 'a size', ctx: 'in `{kw}` (`NAME = export DEV MEM SIZE`)' },
      { take: 'tagged', word: 'at', slot: { take: 'size', field: 'offset', what: 'an offset into the BAR', ctx: 'after `at`' } },
      { take: 'flag', field: 'contiguous', word: 'contiguous' },
    ],
    binds: 'buffer',
    half: 'kernel',
    object: (s) => s.name,
    c: (s, _body, _kernel, env) =>
      env?.vfio(s.dev.name)
        ? [
            `struct vfio_region_dma_range ${s.name.name}_range = { .offset = ${s.offset?.value ?? 0}, .length = ${s.size.value} };`,
            `${s.name.name}_fd = ioctl(${s.dev.name}_fd, VFIO_DEVICE_FEATURE, /* GET | DMA_BUF: region_index = ${s.mem.name}, nr_ranges = 1, &${s.name.name}_range */);`,
          ]
        : [
            `/* ${s.dev.name}'s driver allocates ${s.size.value} bytes in ${s.mem.name}${s.offset ? ` at ${s.offset.value}` : ''}${s.contiguous ? ' (contiguous)' : ''} */`,
            `${s.name.name} = dma_buf_export(&exp_info); /* exp_info.ops = &${s.dev.name}_dmabuf_ops, .size = ${s.size.value} */`,
          ],
  },
  Heap: {
    kind: 'Heap',
    form: 'binding',
    keywords: [{ word: 'heap', doc: doc('DMA_HEAP_IOCTL_ALLOC (dma_heap_buffer_alloc)', 'Allocates a dma-buf from the system heap (discontiguous pages, largest order first) or the CMA heap (one contiguous range). Heaps ignore importers\' DMA constraints.', ['HEAP-01', 'HEAP-02', 'HEAP-03', 'HEAP-04', 'LEAK-01']) }],
    slots: [
      { take: 'word', field: 'heap', words: HEAPS, ctx: after },
      { take: 'size', field: 'size', what: 'a size', ctx: afterPrev },
    ],
    binds: 'buffer',
    half: 'kernel',
    object: (s) => s.name,
    c: (s) => [
      `struct dma_heap_allocation_data ${s.name.name}_req = { .len = ${s.size.value}, .fd_flags = O_RDWR | O_CLOEXEC };`,
      `ioctl(${s.heap.value}_heap_fd, DMA_HEAP_IOCTL_ALLOC, &${s.name.name}_req); ${s.name.name} = dma_buf_get(${s.name.name}_req.fd);`,
    ],
  },
  Udmabuf: {
    kind: 'Udmabuf',
    form: 'binding',
    keywords: [{ word: 'udmabuf', doc: doc('memfd_create() + F_SEAL_SHRINK + ioctl(/dev/udmabuf, UDMABUF_CREATE)', 'Turns a sealed memfd\'s shmem pages into a dma-buf (udmabuf_ops): importers get a table per map, CPU brackets go through the udmabuf misc device, which maps the pages at the first begin_cpu_access with that bracket\'s direction and only syncs afterwards; end_cpu_access without a begin fails.', ['CPU-07', 'VMAP-01', 'LEAK-01']) }],
    slots: [{ take: 'size', field: 'size', what: 'a size', ctx: 'in `{kw}` (`NAME = udmabuf SIZE`)' }],
    binds: 'buffer',
    half: 'kernel',
    object: (s) => s.name,
    c: (s) => [
      `memfd = memfd_create("${s.name.name}", MFD_ALLOW_SEALING); ftruncate(memfd, ${s.size.value}); fcntl(memfd, F_ADD_SEALS, F_SEAL_SHRINK);`,
      `${s.name.name}_fd = ioctl(udmabuf_dev_fd, UDMABUF_CREATE, &(struct udmabuf_create){ .memfd = memfd, .size = ${s.size.value} }); ${s.name.name} = dma_buf_get(${s.name.name}_fd);`,
    ],
  },
  Get: {
    kind: 'Get',
    form: 'plain',
    keywords: [{ word: 'get', doc: doc('get_dma_buf(dmabuf) / dma_fence_get(fence)', 'Takes another reference on the dma-buf\'s file, or on a fence.', ['LIFE-01', 'LEAK-01']) }],
    slots: [{ take: 'name', field: 'buf', of: ['buffer', 'fence'], what: 'a buffer', ctx: after }],
    half: 'kernel',
    object: (s) => s.buf,
    c: (s) => [`get_dma_buf(${s.buf.name}); /* dma_fence_get(${s.buf.name}) when it names a fence */`],
  },
  Put: {
    kind: 'Put',
    form: 'plain',
    keywords: [{ word: 'put', doc: doc('dma_buf_put(dmabuf) / dma_fence_put(fence)', 'Drops a reference. The last put releases the buffer (attachments or vmaps still outstanding are a WARN / BUG and a use-after-free) or the fence (unsignalled with waiters: WARN "released with pending signals!" and a forced -EDEADLK signal).', ['LIFE-01', 'LIFE-02', 'LIFE-03', 'LIFE-04', 'LIFE-05', 'FENCE-07']) }],
    slots: [{ take: 'name', field: 'buf', of: ['buffer', 'fence'], what: 'a buffer', ctx: after }],
    half: 'kernel',
    object: (s) => s.buf,
    c: (s) => [`dma_buf_put(${s.buf.name}); /* dma_fence_put(${s.buf.name}) when it names a fence */`],
  },
  Move: {
    kind: 'Move',
    form: 'plain',
    keywords: [{ word: 'move', doc: doc('ttm_bo_validate() + dma_buf_move_notify()', 'The exporter migrates the backing store with a pipelined copy on its own queue; the copy\'s fence joins the reservation as KERNEL. Mappings made before still point at the old place.', ['MOVE-01', 'MOVE-02', 'MAP-05', 'PIN-01']) }],
    slots: [
      { take: 'name', field: 'buf', of: ['buffer'], what: 'a buffer', ctx: after },
      { take: 'mem', field: 'mem', what: '`system` or a BAR of the exporting device', ctx: afterPrev, needs: '`{kw}` takes `system` or a BAR of the exporting device' },
    ],
    half: 'time',
    // dma_buf_move_notify() is dma_buf_invalidate_mappings() from 7.1 (row invalidate-rename).
    c: (s, _body, kernel) => [
      `ttm_bo_validate(bo_of(${s.buf.name}), &placement_${s.mem.name}, &ctx); /* amdgpu_bo_move() → ${kernel && since(kernel, 'invalidate-rename') ? 'dma_buf_invalidate_mappings' : 'dma_buf_move_notify'}(${s.buf.name}) */`,
    ],
  },
  Lock: {
    kind: 'Lock',
    form: 'plain',
    keywords: [{ word: 'lock', doc: doc('dma_resv_lock(dmabuf->resv, NULL)', 'Takes the buffer\'s reservation lock (a ww_mutex). Taking it twice on one thread deadlocks.', ['RESV-07', 'MAP-01', 'ATT-04', 'CPU-06', 'HANG-01', 'LEAK-01']) }],
    slots: [{ take: 'name', field: 'buf', of: ['buffer'], what: 'a buffer', ctx: after }],
    half: 'time',
    c: (s) => [`dma_resv_lock(${s.buf.name}->resv, NULL);`],
  },
  Unlock: {
    kind: 'Unlock',
    form: 'plain',
    keywords: [{ word: 'unlock', doc: doc('dma_resv_unlock(dmabuf->resv)', 'Releases the buffer\'s reservation lock.', ['RESV-07']) }],
    slots: [{ take: 'name', field: 'buf', of: ['buffer'], what: 'a buffer', ctx: after }],
    half: 'time',
    c: (s) => [`dma_resv_unlock(${s.buf.name}->resv);`],
  },
  Attach: {
    kind: 'Attach',
    form: 'binding',
    keywords: [{ word: 'attach', doc: doc('dma_buf_attach() / dma_buf_dynamic_attach()', 'Attaches an importing device. `dynamic` passes importer_ops with move_notify; `peer2peer` sets importer_priv->allow_peer2peer so the exporter may hand out page-less BAR entries; `no_move_notify` leaves the callback out (refused before 7.1, optional from 7.1).', ['ATT-01', 'ATT-02', 'ATT-03', 'ATT-04', 'P2P-01', 'P2P-03', 'P2P-04', 'LEAK-01']) }],
    slots: [
      { take: 'name', field: 'buf', of: ['buffer'], what: 'a buffer', ctx: 'in `{kw}` (`NAME = attach BUF DEV`)' },
      { take: 'hardware', field: 'dev', of: 'device', what: 'the importing device', ctx: 'in `{kw}` (`NAME = attach BUF DEV`)' },
      { take: 'flag', field: 'dynamic', word: 'dynamic' },
      { take: 'flag', field: 'peer2peer', word: 'peer2peer' },
      { take: 'flag', field: 'noMoveNotify', word: 'no_move_notify' },
    ],
    binds: 'attachment',
    half: 'kernel',
    object: (s) => s.buf,
    c: (s) =>
      s.dynamic
        ? [
            `/* importer_ops = { .allow_peer2peer = ${s.peer2peer}${s.noMoveNotify ? '' : `, .move_notify = ${s.dev.name}_move_notify`} } */`,
            `${s.name.name} = dma_buf_dynamic_attach(${s.buf.name}, ${s.dev.name}_dev, &importer_ops, priv);`,
          ]
        : [`${s.name.name} = dma_buf_attach(${s.buf.name}, ${s.dev.name}_dev);`],
  },
  Detach: {
    kind: 'Detach',
    form: 'plain',
    keywords: [{ word: 'detach', doc: doc('dma_buf_detach(dmabuf, attach)', 'Removes the attachment. It must be unmapped first; a cached mapping is unmapped here.', ['LIFE-04', 'ATT-04', 'ATT-05']) }],
    slots: [{ take: 'name', field: 'att', of: ['attachment'], what: 'an attachment', ctx: after }],
    half: 'kernel',
    object: (s) => s.att,
    c: (s) => [`dma_buf_detach(${s.att.name}->dmabuf, ${s.att.name});`],
  },
  Pin: {
    kind: 'Pin',
    form: 'plain',
    keywords: [{ word: 'pin', doc: doc('dma_buf_pin(attach)', 'Pins the buffer in place for a dynamic importer (resv lock held): the exporter will not move it until unpinned.', ['PIN-01', 'PIN-02', 'EXP-02', 'EXP-03', 'LEAK-01']) }],
    slots: [{ take: 'name', field: 'att', of: ['attachment'], what: 'an attachment', ctx: after }],
    half: 'kernel',
    object: (s) => s.att,
    c: (s) => [`dma_buf_pin(${s.att.name});`],
  },
  Unpin: {
    kind: 'Unpin',
    form: 'plain',
    keywords: [{ word: 'unpin', doc: doc('dma_buf_unpin(attach)', 'Releases a pin taken with dma_buf_pin (resv lock held).', ['PIN-01', 'EXP-03']) }],
    slots: [{ take: 'name', field: 'att', of: ['attachment'], what: 'an attachment', ctx: after }],
    half: 'kernel',
    object: (s) => s.att,
    c: (s) => [`dma_buf_unpin(${s.att.name});`],
  },
  Map: {
    kind: 'Map',
    form: 'binding',
    keywords: [
      { word: 'map', doc: doc('dma_buf_map_attachment(attach, dir)', 'Asks the exporter for an sg_table mapped for the importing device. Dynamic attachments/exporters (and every caller on 6.2) must hold the resv lock. The table\'s DMA addresses are IOVAs, physical, bus or bounce addresses depending on the device.', ['MAP-01', 'MAP-02', 'MAP-03', 'MAP-04', 'MAP-05', 'MAP-07', 'MAP-08', 'P2P-02', 'P2P-05', 'SGT-04', 'SGT-05', 'DMAAPI-13', 'DMAAPI-15', 'VER-01', 'LEAK-01']), fixed: { unlocked: false } },
      { word: 'map_unlocked', doc: doc('dma_buf_map_attachment_unlocked(attach, dir)', 'Takes the resv lock, maps, and unlocks. Calling it while holding the lock deadlocks.', ['MAP-01', 'MAP-02', 'MAP-03', 'MAP-08', 'HANG-01', 'LEAK-01']), fixed: { unlocked: true } },
    ],
    slots: [
      { take: 'name', field: 'att', of: ['attachment'], what: 'an attachment', ctx: 'in `{kw}` (`NAME = {kw} ATT DIR`)' },
      { take: 'word', field: 'dir', words: DIRS, ctx: 'for the direction' },
    ],
    binds: 'sgt',
    half: 'kernel',
    object: (s) => s.att,
    c: (s) => [`${s.name.name} = dma_buf_map_attachment${s.unlocked ? '_unlocked' : ''}(${s.att.name}, ${C.dir(s.dir.value)});`],
  },
  Unmap: {
    kind: 'Unmap',
    form: 'plain',
    keywords: [
      { word: 'unmap', doc: doc('dma_buf_unmap_attachment(attach, sgt, dir)', 'Returns the table to the exporter (resv lock held for dynamic pairs and on 6.2); `DIR`, when given, is the direction passed (it must be the map\'s: the exporter unmaps with it). For a cached mapping it is a no-op until detach.', ['MAP-01', 'LIFE-04', 'LIFE-05', 'DMAAPI-04']), fixed: { unlocked: false } },
      { word: 'unmap_unlocked', doc: doc('dma_buf_unmap_attachment_unlocked(attach, sgt, dir)', 'Takes the resv lock, unmaps, and unlocks.', ['MAP-01', 'LIFE-05']), fixed: { unlocked: true } },
    ],
    slots: [
      { take: 'name', field: 'sgt', of: ['sgt'], what: 'an sg table', ctx: after },
      { take: 'word', field: 'dir', words: DIRS, optional: true },
    ],
    half: 'kernel',
    object: (s) => s.sgt,
    c: (s) => [`dma_buf_unmap_attachment${s.unlocked ? '_unlocked' : ''}(attach, ${s.sgt.name}, ${s.dir ? C.dir(s.dir.value) : 'dir'});`],
  },
  Kmap: {
    kind: 'Kmap',
    form: 'plain',
    keywords: [{ word: 'kmap', doc: doc('sg_page(sg) + kmap_local_page()', 'The importer touches the struct page behind the entries. Importers must not: P2P entries have no page (NULL dereference) and the exporter owns the pages.', ['MAP-06', 'SGT-03', 'P2P-02', 'P2P-08']) }],
    slots: [{ take: 'name', field: 'sgt', of: ['sgt'], what: 'an sg table', ctx: after }],
    half: 'kernel',
    object: (s) => s.sgt,
    c: (s) => [`vaddr = kmap(sg_page(${s.sgt.name}->sgl)); /* importer touches struct page */`],
  },
  DmaMap: {
    kind: 'DmaMap',
    form: 'binding',
    keywords: [{ word: 'dma_map', doc: doc('dma_map_sgtable(dev, sgt, dir, attrs)', 'Maps a fresh table of the buffer\'s pages for the device with the streaming DMA API, as a driver maps its own pages: cache maintenance, IOVA allocation, swiotlb bouncing or P2PDMA as the platform decides. Ownership passes to the device.', ['DMAAPI-01', 'DMAAPI-03', 'DMAAPI-05', 'DMAAPI-10', 'DMAAPI-11', 'DMAAPI-13', 'DMAAPI-14', 'P2P-05', 'P2P-06', 'P2P-07', 'SGT-05', 'SGT-08', 'IOMMU-05']) }],
    slots: [
      { take: 'hardware', field: 'dev', of: 'device', what: 'a device', ctx: 'in `{kw}` (`NAME = dma_map DEV BUF DIR`)' },
      { take: 'name', field: 'buf', of: ['buffer', 'memory', 'table'], what: 'a buffer', ctx: 'in `{kw}` (`NAME = dma_map DEV BUF DIR`)' },
      { take: 'word', field: 'dir', words: API_DIRS, ctx: 'for the direction', mistakes: ['none'] },
      { take: 'flag', field: 'skipCpuSync', word: 'skip_cpu_sync' },
    ],
    binds: 'sgt',
    half: 'kernel',
    object: (s) => s.buf,
    c: (s) => [
      `${s.name.name} = sg_table_of_pages(${s.buf.name});`,
      `ret = dma_map_sgtable(${s.dev.name}_dev, ${s.name.name}, ${C.dir(s.dir.value)}, ${s.skipCpuSync ? 'DMA_ATTR_SKIP_CPU_SYNC' : '0'});`,
    ],
  },
  DriverMem: {
    kind: 'DriverMem',
    form: 'binding',
    keywords: [
      { word: 'kmalloc', doc: doc('kmalloc(size, GFP_KERNEL)', 'The driver\'s own memory from the slab allocator: physically contiguous, in the linear map, cacheable. A small object shares its cache lines with its neighbours.', ['DMAAPI-09']), fixed: { vmalloc: false, stack: false, pages: false } },
      { word: 'vmalloc', doc: doc('vmalloc(size)', 'Virtually contiguous memory built page by page: dma_map_single() refuses it; map its pages (vmalloc_to_page) with `dma_map` instead.', ['DMAAPI-12']), fixed: { vmalloc: true, stack: false, pages: false } },
      { word: 'alloc_pages', doc: doc('page_address(alloc_pages(GFP_KERNEL, get_order(size)))', 'Physically contiguous pages of one order from the page allocator, in the linear map: dma_map_single() and `dma_map` take them. The largest order is 10 (4 MiB with 4 KiB pages): more is the allocator\'s WARN and NULL.', ['DMAAPI-09']), fixed: { vmalloc: false, stack: false, pages: true } },
      { word: 'stack', doc: doc('u8 buf[size] on the kernel stack', 'An on-stack array. With CONFIG_VMAP_STACK (the default on x86_64 and arm64) the stack is vmalloc space, so dma_map_single() refuses it; without, dma-debug reports it.', ['DMAAPI-12']), fixed: { vmalloc: false, stack: true, pages: false } },
    ],
    slots: [{ take: 'size', field: 'size', what: 'a size', ctx: 'in `{kw}` (`NAME = {kw} SIZE`)' }],
    binds: 'memory',
    half: 'kernel',
    object: (s) => s.name,
    c: (s) =>
      s.stack
        ? [`u8 ${s.name.name}[${s.size.value}]; /* on the kernel stack */`]
        : s.pages
          ? [`${s.name.name} = page_address(alloc_pages(GFP_KERNEL, get_order(${s.size.value})));`]
          : [`${s.name.name} = ${s.vmalloc ? 'vmalloc' : 'kmalloc'}(${s.size.value}${s.vmalloc ? '' : ', GFP_KERNEL'});`],
  },
  DmaAllocCoherent: {
    kind: 'DmaAllocCoherent',
    form: 'binding',
    keywords: [{ word: 'dma_alloc_coherent', doc: doc('dma_alloc_coherent(dev, size, &dma_handle, GFP_KERNEL)', 'Memory the CPU and the device share without syncs: within the device\'s coherent mask, from the CMA area when the platform has one, mapped uncached for the CPU when the device does not snoop. `submit DEV read|write MEM` uses its DMA handle; `free` releases it.', ['LEAK-01', 'SGT-04']) }],
    slots: [
      { take: 'hardware', field: 'dev', of: 'device', what: 'a device', ctx: 'in `{kw}` (`NAME = dma_alloc_coherent DEV SIZE`)' },
      { take: 'size', field: 'size', what: 'a size', ctx: 'in `{kw}` (`NAME = dma_alloc_coherent DEV SIZE`)' },
    ],
    binds: 'memory',
    half: 'kernel',
    object: (s) => s.name,
    c: (s) => [`${s.name.name} = dma_alloc_coherent(${s.dev.name}_dev, ${s.size.value}, &${s.name.name}_dma, GFP_KERNEL);`],
  },
  DmaIovaAlloc: {
    kind: 'DmaIovaAlloc',
    form: 'binding',
    keywords: [{ word: 'dma_iova_try_alloc', doc: doc('dma_iova_try_alloc(dev, &state, phys, size)', 'The two-step DMA API (6.16+): reserves an IOVA range of the size in the device\'s DMA domain; the memory is linked into it later. False (the name is the fallback: map with dma_map_* instead) when the device does not use dma-iommu (no IOMMU, identity domain, the arm32 arch mapping) or the IOVA space is exhausted; a zero size WARNs.', ['DMAAPI-17', 'LEAK-01']) }],
    slots: [
      { take: 'hardware', field: 'dev', of: 'device', what: 'a device', ctx: 'in `{kw}` (`NAME = dma_iova_try_alloc DEV SIZE`)' },
      { take: 'size', field: 'size', what: 'a size', ctx: 'in `{kw}` (`NAME = dma_iova_try_alloc DEV SIZE`)' },
    ],
    binds: 'iova',
    half: 'kernel',
    object: (s) => s.name,
    c: (s) => [`if (!dma_iova_try_alloc(${s.dev.name}_dev, &${s.name.name}, phys, ${s.size.value})) /* fall back to dma_map_*() */;`],
  },
  DmaIovaLink: {
    kind: 'DmaIovaLink',
    form: 'plain',
    keywords: [{ word: 'dma_iova_link', doc: doc('dma_iova_link(dev, &state, phys, offset, size, dir, attrs)', 'Maps the memory (or `at OFFSET size LENGTH` of it) at `offset` into the state\'s IOVA range, with cache maintenance for a non-coherent device unless skip_cpu_sync or mmio (DMA_ATTR_MMIO, 6.18+: a BAR, mapped IOMMU_MMIO), and without the IOTLB sync: the device must not use the range before `dma_iova_sync`.', ['DMAAPI-17', 'DMAAPI-18']) }],
    slots: [
      { take: 'name', field: 'state', of: ['iova'], what: 'an IOVA state from dma_iova_try_alloc', ctx: after },
      { take: 'name', field: 'mem', of: ['memory', 'buffer'], what: 'driver memory or a buffer', ctx: afterPrev },
      { take: 'range', field: 'range' },
      { take: 'tagged', word: 'offset', slot: { take: 'size', field: 'offset', what: 'an offset into the IOVA range', ctx: 'after `offset`' } },
      { take: 'word', field: 'dir', words: DIRS, ctx: 'for the direction' },
      { take: 'flag', field: 'mmio', word: 'mmio' },
      { take: 'flag', field: 'skipCpuSync', word: 'skip_cpu_sync' },
    ],
    half: 'kernel',
    object: (s) => s.state,
    c: (s) => [`ret = dma_iova_link(dev, &${s.state.name}, phys(${s.mem.name}), ${s.offset?.value ?? 0}, ${s.range ? s.range.size.value : 'size'}, ${C.dir(s.dir.value)}, ${C.attrs(s)});`],
  },
  DmaIovaSync: {
    kind: 'DmaIovaSync',
    form: 'plain',
    keywords: [{ word: 'dma_iova_sync', doc: doc('dma_iova_sync(dev, &state, 0, size)', 'The IOTLB sync (iommu_sync_map()) that dma_iova_link() leaves out: after it the device may use the linked ranges.', ['DMAAPI-17']) }],
    slots: [{ take: 'name', field: 'state', of: ['iova'], what: 'an IOVA state', ctx: after }],
    half: 'kernel',
    object: (s) => s.state,
    c: (s) => [`ret = dma_iova_sync(dev, &${s.state.name}, 0, size);`],
  },
  DmaIovaUnlink: {
    kind: 'DmaIovaUnlink',
    form: 'plain',
    keywords: [{ word: 'dma_iova_unlink', doc: doc('dma_iova_unlink(dev, &state, offset, size, dir, attrs)', 'Unmaps `at OFFSET size LENGTH` of the range (everything linked without a range) with a synchronous IOTLB flush and, for a non-coherent device, the sync for the CPU unless skip_cpu_sync; the IOVAs stay reserved. A range not fully linked is WARN_ON(unmapped != size).', ['DMAAPI-17']) }],
    slots: [
      { take: 'name', field: 'state', of: ['iova'], what: 'an IOVA state', ctx: after },
      { take: 'range', field: 'range' },
      { take: 'word', field: 'dir', words: DIRS, ctx: 'for the direction' },
      { take: 'flag', field: 'skipCpuSync', word: 'skip_cpu_sync' },
    ],
    half: 'kernel',
    object: (s) => s.state,
    c: (s) => [`dma_iova_unlink(dev, &${s.state.name}, ${s.range ? s.range.offset.value : 0}, ${s.range ? s.range.size.value : 'mapped_len'}, ${C.dir(s.dir.value)}, ${s.skipCpuSync ? 'DMA_ATTR_SKIP_CPU_SYNC' : '0'});`],
  },
  DmaIovaDestroy: {
    kind: 'DmaIovaDestroy',
    form: 'plain',
    keywords: [{ word: 'dma_iova_destroy', doc: doc('dma_iova_destroy(dev, &state, mapped_len, dir, attrs)', 'Unlinks [0, mapped_len) (which must be everything linked) and frees the IOVA range.', ['DMAAPI-17', 'LEAK-01']) }],
    slots: [
      { take: 'name', field: 'state', of: ['iova'], what: 'an IOVA state', ctx: after },
      { take: 'size', field: 'size', what: 'the mapped length', ctx: afterPrev },
      { take: 'word', field: 'dir', words: DIRS, ctx: 'for the direction' },
    ],
    half: 'kernel',
    object: (s) => s.state,
    c: (s) => [`dma_iova_destroy(dev, &${s.state.name}, ${s.size.value}, ${C.dir(s.dir.value)}, 0);`],
  },
  DmaIovaFree: {
    kind: 'DmaIovaFree',
    form: 'plain',
    keywords: [{ word: 'dma_iova_free', doc: doc('dma_iova_free(dev, &state)', 'Frees the IOVA range without unlinking: only for a state with nothing linked.', ['DMAAPI-17']) }],
    slots: [{ take: 'name', field: 'state', of: ['iova'], what: 'an IOVA state', ctx: after }],
    half: 'kernel',
    object: (s) => s.state,
    c: (s) => [`dma_iova_free(dev, &${s.state.name});`],
  },
  DmaAllocNoncoherent: {
    kind: 'DmaAllocNoncoherent',
    form: 'binding',
    keywords: [
      { word: 'dma_alloc_noncoherent', doc: doc('dma_alloc_noncoherent(dev, size, &dma_handle, dir, GFP_KERNEL)', 'Cacheable memory for the device, owned like a streaming mapping: it starts with the CPU; dma_sync_single_for_device() before the device uses it and dma_sync_single_for_cpu() before the CPU reads what the device wrote (`dma_sync NAME for_device|for_cpu`). Physically contiguous (dma_alloc_pages()), from the CMA area or the page allocator. `free` releases it.', ['DMAAPI-06', 'DMAAPI-07', 'COH-04', 'LEAK-01']), fixed: { pages: false } },
      { word: 'dma_alloc_pages', doc: doc('dma_alloc_pages(dev, size, &dma_handle, dir, GFP_KERNEL)', 'What dma_alloc_noncoherent() wraps: the same physically contiguous allocation, returned as its first struct page (page_address() for the CPU). Owned like a streaming mapping: `dma_sync NAME for_device` before the device uses it, `for_cpu` before the CPU reads what it wrote.', ['DMAAPI-06', 'COH-04', 'LEAK-01']), fixed: { pages: true } },
    ],
    slots: [
      { take: 'hardware', field: 'dev', of: 'device', what: 'a device', ctx: 'in `{kw}` (`NAME = dma_alloc_noncoherent DEV SIZE DIR`)' },
      { take: 'size', field: 'size', what: 'a size', ctx: 'in `{kw}` (`NAME = dma_alloc_noncoherent DEV SIZE DIR`)' },
      { take: 'word', field: 'dir', words: DIRS, ctx: 'for the direction' },
    ],
    binds: 'memory',
    half: 'kernel',
    object: (s) => s.name,
    c: (s) => [
      s.pages
        ? `${s.name.name} = page_address(dma_alloc_pages(${s.dev.name}_dev, ${s.size.value}, &${s.name.name}_dma, ${C.dir(s.dir.value)}, GFP_KERNEL));`
        : `${s.name.name} = dma_alloc_noncoherent(${s.dev.name}_dev, ${s.size.value}, &${s.name.name}_dma, ${C.dir(s.dir.value)}, GFP_KERNEL);`,
    ],
  },
  Free: {
    kind: 'Free',
    form: 'plain',
    keywords: [{ word: 'free', doc: doc('kfree() / vfree() / dma_free_coherent() / dma_free_noncoherent()', 'Releases the driver\'s own memory the way it was allocated.', ['LEAK-01', 'LIFE-05']) }],
    slots: [{ take: 'name', field: 'mem', of: ['memory'], what: 'driver memory', ctx: after }],
    half: 'kernel',
    object: (s) => s.mem,
    c: (s) => [`kfree(${s.mem.name}); /* vfree() / dma_free_coherent() / dma_free_noncoherent() as allocated */`],
  },
  DmaGetSgtable: {
    kind: 'DmaGetSgtable',
    form: 'binding',
    keywords: [{ word: 'dma_get_sgtable', doc: doc('dma_get_sgtable(dev, sgt, cpu_addr, dma_handle, size)', 'An sg_table describing a coherent allocation, as exporters of coherent memory build for map_dma_buf (vb2-dma-contig): for dma-direct one entry of PAGE_ALIGN(size), whose 32-bit length cannot hold 4 GiB or more.', ['SGT-04']) }],
    slots: [{ take: 'name', field: 'mem', of: ['memory'], what: 'driver memory from dma_alloc_coherent', ctx: 'in `{kw}` (`NAME = dma_get_sgtable MEM`)' }],
    binds: 'table',
    half: 'kernel',
    object: (s) => s.mem,
    c: (s) => [`ret = dma_get_sgtable(dev, &${s.name.name}, ${s.mem.name}, ${s.mem.name}_dma, size);`],
  },
  SgTable: {
    kind: 'SgTable',
    form: 'binding',
    keywords: [{ word: 'sg_table', doc: doc('sg_alloc_table_from_pages_segment(sgt, pages, n_pages, 0, size, max_segment, GFP_KERNEL)', 'Builds an sg_table over the driver memory\'s pages: runs of physically contiguous pages merge into one entry up to `max_segment` (default UINT_MAX aligned down to the page size). `dma_map DEV TABLE DIR` maps it; a table is mapped at most once at a time.', ['SGT-07', 'SGT-08', 'SGT-04']) }],
    slots: [
      { take: 'name', field: 'mem', of: ['memory'], what: 'driver memory', ctx: 'in `{kw}` (`NAME = sg_table MEM [max_segment SIZE]`)' },
      { take: 'tagged', word: 'max_segment', slot: { take: 'size', field: 'maxSegment', what: 'a size', ctx: 'after `max_segment`' } },
    ],
    binds: 'table',
    half: 'kernel',
    object: (s) => s.mem,
    c: (s) => [`ret = sg_alloc_table_from_pages_segment(&${s.name.name}, pages_of(${s.mem.name}), n_pages, 0, size, ${s.maxSegment ? s.maxSegment.value : 'UINT_MAX'}, GFP_KERNEL);`],
  },
  DmaMapSingle: {
    kind: 'DmaMapSingle',
    form: 'binding',
    keywords: [{ word: 'dma_map_single', doc: doc('dma_map_single(dev, ptr, size, dir)', 'Maps one kernel virtual range of the driver\'s own memory for the device (`at OFFSET size LENGTH`: a part of it, such as a field of a struct). It must be linear-map memory (not vmalloc or stack) and, for a non-coherent device, whole cache lines.', ['DMAAPI-01', 'DMAAPI-09', 'DMAAPI-12', 'DMAAPI-03', 'DMAAPI-13', 'DMAAPI-14']) }],
    slots: [
      { take: 'hardware', field: 'dev', of: 'device', what: 'a device', ctx: 'in `{kw}` (`NAME = dma_map_single DEV MEM DIR`)' },
      { take: 'name', field: 'mem', of: ['memory'], what: 'driver memory', ctx: 'in `{kw}` (`NAME = dma_map_single DEV MEM DIR`)' },
      { take: 'word', field: 'dir', words: API_DIRS, ctx: 'for the direction', mistakes: ['none'] },
      { take: 'range', field: 'range' },
    ],
    binds: 'sgt',
    half: 'kernel',
    object: (s) => s.mem,
    c: (s) => [
      `${s.name.name} = dma_map_single(${s.dev.name}_dev, ${s.mem.name}${s.range ? ` + ${s.range.offset.value}` : ''}, ${s.range ? s.range.size.value : `sizeof(${s.mem.name})`}, ${C.dir(s.dir.value)});`,
      `if (dma_mapping_error(${s.dev.name}_dev, ${s.name.name})) goto err;`,
    ],
  },
  DmaMapPhys: {
    kind: 'DmaMapPhys',
    form: 'binding',
    keywords: [
      { word: 'dma_map_phys', doc: doc('dma_map_phys(dev, phys, size, dir, attrs)', 'Maps one physically contiguous range (6.18+): the driver\'s memory or a buffer\'s backing store, or `at OFFSET size LENGTH` of it. A BAR needs `mmio` (DMA_ATTR_MMIO: no cache maintenance, no swiotlb, IOMMU_MMIO); RAM must not have it. Unmap with `dma_unmap_phys` and the same attributes.', ['DMAAPI-18', 'DMAAPI-03', 'DMAAPI-13', 'LEAK-01']), fixed: { resource: false } },
      { word: 'dma_map_resource', doc: doc('dma_map_resource(dev, phys_addr, size, dir, attrs)', 'Maps a device\'s MMIO range (a BAR) for DMA, on every profile: no cache maintenance, no swiotlb, IOMMU_MMIO through dma-iommu; 6.18 makes it dma_map_phys(… | DMA_ATTR_MMIO). "Mapping of RAM is not permitted" (Documentation/core-api/dma-api.rst). Unmap with `dma_unmap_resource`.', ['DMAAPI-18', 'DMAAPI-03', 'LEAK-01']), fixed: { resource: true } },
    ],
    slots: [
      { take: 'hardware', field: 'dev', of: 'device', what: 'a device', ctx: 'in `{kw}` (`NAME = dma_map_phys DEV MEM DIR`)' },
      { take: 'name', field: 'mem', of: ['memory', 'buffer'], what: 'driver memory or a buffer', ctx: 'in `{kw}` (`NAME = dma_map_phys DEV MEM DIR`)' },
      { take: 'range', field: 'range' },
      { take: 'word', field: 'dir', words: API_DIRS, ctx: 'for the direction', mistakes: ['none'] },
      { take: 'flag', field: 'mmio', word: 'mmio' },
      { take: 'flag', field: 'skipCpuSync', word: 'skip_cpu_sync' },
    ],
    binds: 'sgt',
    half: 'kernel',
    object: (s) => s.mem,
    c: (s) => [
      `${s.name.name} = dma_map_${s.resource ? 'resource' : 'phys'}(${s.dev.name}_dev, phys(${s.mem.name})${s.range ? ` + ${s.range.offset.value}` : ''}, ${s.range ? s.range.size.value : 'size'}, ${C.dir(s.dir.value)}, ${s.resource ? (s.skipCpuSync ? 'DMA_ATTR_SKIP_CPU_SYNC' : '0') : C.attrs(s)});`,
      `if (dma_mapping_error(${s.dev.name}_dev, ${s.name.name})) goto err;`,
    ],
  },
  DmaUnmapPhys: {
    kind: 'DmaUnmapPhys',
    form: 'plain',
    keywords: [
      { word: 'dma_unmap_phys', doc: doc('dma_unmap_phys(dev, addr, size, dir, attrs)', 'Unmaps a `dma_map_phys` mapping. The attributes must be the map\'s: without `mmio` a BAR mapping gets the cache maintenance and swiotlb lookup of RAM; with it a RAM mapping gets neither (stale lines, a bounce never copied back).', ['DMAAPI-18', 'DMAAPI-04', 'LIFE-05']), fixed: { resource: false } },
      { word: 'dma_unmap_resource', doc: doc('dma_unmap_resource(dev, addr, size, dir, attrs)', 'Unmaps a `dma_map_resource` mapping (MMIO: no CPU sync, no swiotlb).', ['DMAAPI-04', 'LIFE-05']), fixed: { resource: true } },
    ],
    slots: [
      { take: 'name', field: 'mapping', of: ['sgt'], what: 'a dma_map_phys mapping', ctx: after },
      { take: 'word', field: 'dir', words: API_DIRS, optional: true, mistakes: ['none'] },
      { take: 'flag', field: 'mmio', word: 'mmio' },
      { take: 'flag', field: 'skipCpuSync', word: 'skip_cpu_sync' },
    ],
    half: 'kernel',
    object: (s) => s.mapping,
    c: (s) => [`dma_unmap_${s.resource ? 'resource' : 'phys'}(dev, ${s.mapping.name}, size, ${s.dir ? C.dir(s.dir.value) : 'dir'}, ${s.resource ? '0' : C.attrs(s)});`],
  },
  DmaUnmap: {
    kind: 'DmaUnmap',
    form: 'plain',
    keywords: [{ word: 'dma_unmap', doc: doc('dma_unmap_sgtable(dev, sgt, dir, attrs)', 'Unmaps a streaming mapping with the same device, direction and entry count as the map; ownership returns to the CPU (with cache invalidation / bounce copy-back).', ['DMAAPI-04', 'DMAAPI-14', 'SGT-02', 'LIFE-05']) }],
    slots: [
      { take: 'name', field: 'sgt', of: ['sgt'], what: 'an sg table', ctx: after },
      { take: 'word', field: 'dir', words: API_DIRS, optional: true, mistakes: ['none'] },
      { take: 'tagged', word: 'nents', slot: { take: 'count', field: 'nents', what: 'a count', ctx: 'after `nents`' } },
      { take: 'flag', field: 'skipCpuSync', word: 'skip_cpu_sync' },
    ],
    // Kept as completion always offered it: `nents` again after `nents N` (the slots would offer nothing there).
    complete: [{ names: ['sgt'] }, { words: [...DIRS, 'nents', 'skip_cpu_sync'] }, { words: ['nents', 'skip_cpu_sync'] }],
    half: 'kernel',
    object: (s) => s.sgt,
    c: (s) =>
      s.nents
        ? [
            s.skipCpuSync
              ? `dma_unmap_sg_attrs(dev, ${s.sgt.name}->sgl, ${s.nents.value}, ${s.dir ? C.dir(s.dir.value) : 'dir'}, DMA_ATTR_SKIP_CPU_SYNC);`
              : `dma_unmap_sg(dev, ${s.sgt.name}->sgl, ${s.nents.value}, ${s.dir ? C.dir(s.dir.value) : 'dir'});`,
          ]
        : [`dma_unmap_sgtable(dev, ${s.sgt.name}, ${s.dir ? C.dir(s.dir.value) : 'dir'}, ${s.skipCpuSync ? 'DMA_ATTR_SKIP_CPU_SYNC' : '0'});`],
  },
  DmaSync: {
    kind: 'DmaSync',
    form: 'plain',
    keywords: [{ word: 'dma_sync', doc: doc('dma_sync_sgtable_for_cpu() / dma_sync_sgtable_for_device()', 'Moves ownership of a streaming mapping between CPU and device without unmapping, with the cache maintenance or bounce copy that needs.', ['DMAAPI-06', 'DMAAPI-07', 'DMAAPI-14']) }],
    slots: [
      { take: 'name', field: 'sgt', of: ['sgt', 'memory'], what: 'an sg table or dma_alloc_noncoherent() memory', ctx: after },
      { take: 'word', field: 'target', words: SYNC_TARGETS, ctx: afterPrev },
      { take: 'word', field: 'dir', words: API_DIRS, optional: true, mistakes: ['none'] },
      { take: 'range', field: 'range' },
    ],
    half: 'kernel',
    object: (s) => s.sgt,
    c: (s) =>
      s.range
        ? [`dma_sync_single_range_${s.target.value}(dev, sg_dma_address(${s.sgt.name}->sgl), ${s.range.offset.value}, ${s.range.size.value}, ${s.dir ? C.dir(s.dir.value) : 'dir'});`]
        : [`dma_sync_sgtable_${s.target.value}(dev, ${s.sgt.name}, ${s.dir ? C.dir(s.dir.value) : 'dir'});`],
  },
  Vmap: {
    kind: 'Vmap',
    form: 'binding',
    keywords: [
      { word: 'vmap', doc: doc('dma_buf_vmap(dmabuf, &map)', 'A kernel virtual mapping of the whole buffer (resv lock held on 6.2). CPU accesses through it must still be bracketed by begin/end_cpu.', ['VMAP-01', 'VER-01', 'LIFE-03', 'LEAK-01']), fixed: { unlocked: false } },
      { word: 'vmap_unlocked', doc: doc('dma_buf_vmap_unlocked(dmabuf, &map)', 'Takes the resv lock, vmaps, unlocks.', ['VMAP-01', 'LEAK-01']), fixed: { unlocked: true } },
    ],
    slots: [{ take: 'name', field: 'buf', of: ['buffer'], what: 'a buffer', ctx: after }],
    binds: 'vmap',
    half: 'kernel',
    object: (s) => s.buf,
    c: (s) => [`dma_buf_vmap${s.unlocked ? '_unlocked' : ''}(${s.buf.name}, &${s.name.name});`],
  },
  Vunmap: {
    kind: 'Vunmap',
    form: 'plain',
    keywords: [
      { word: 'vunmap', doc: doc('dma_buf_vunmap(dmabuf, &map)', 'Drops a kernel vmap (resv lock held on 6.2).', ['VMAP-01']), fixed: { unlocked: false } },
      { word: 'vunmap_unlocked', doc: doc('dma_buf_vunmap_unlocked(dmabuf, &map)', 'Takes the resv lock, vunmaps, unlocks.', ['VMAP-01']), fixed: { unlocked: true } },
    ],
    slots: [{ take: 'name', field: 'vmap', of: ['vmap'], what: 'a vmap', ctx: after }],
    half: 'kernel',
    object: (s) => s.vmap,
    c: (s) => [`dma_buf_vunmap${s.unlocked ? '_unlocked' : ''}(dmabuf, &${s.vmap.name});`],
  },
  Mmap: {
    kind: 'Mmap',
    form: 'binding',
    keywords: [{ word: 'mmap', doc: doc('mmap(dmabuf_fd) → dma_buf_mmap_internal()', 'A userspace mapping of the buffer through its fd (cacheable for heaps). Accesses must be bracketed with DMA_BUF_IOCTL_SYNC. Made without the reservation lock: the core takes it around the exporter\'s mmap on 6.2-6.5, and some exporters take it themselves from 6.6.', ['EXP-04', 'HEAP-05', 'CPU-02', 'RESV-07', 'LEAK-01']) }],
    slots: [{ take: 'name', field: 'buf', of: ['buffer'], what: 'a buffer', ctx: after }],
    binds: 'vmap',
    half: 'kernel',
    object: (s) => s.buf,
    c: (s) => [`${s.name.name} = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, ${s.buf.name}_fd, 0);`],
  },
  Munmap: {
    kind: 'Munmap',
    form: 'plain',
    keywords: [{ word: 'munmap', doc: doc('munmap()', 'Drops a userspace mapping made with mmap.', ['LIFE-05']) }],
    slots: [{ take: 'name', field: 'vmap', of: ['vmap'], what: 'an mmap', ctx: after }],
    half: 'kernel',
    object: (s) => s.vmap,
    c: (s) => [`munmap(${s.vmap.name}, size);`],
  },
  BeginCpu: {
    kind: 'BeginCpu',
    form: 'plain',
    keywords: [{ word: 'begin_cpu', doc: doc('dma_buf_begin_cpu_access(dmabuf, dir) / DMA_BUF_IOCTL_SYNC(SYNC_START)', 'Gives the CPU ownership: waits for implicit fences (not a lock) and asks the exporter to sync every mapped attachment for the CPU.', ['CPU-01', 'CPU-02', 'CPU-03', 'CPU-04', 'CPU-05', 'CPU-06', 'CPU-08']) }],
    slots: [
      { take: 'name', field: 'buf', of: ['buffer'], what: 'a buffer', ctx: after },
      { take: 'word', field: 'dir', words: SYNC_FLAGS, ctx: afterPrev, mistakes: ['none'] },
    ],
    half: 'kernel',
    object: (s) => s.buf,
    c: (s) =>
      s.dir.value === 'none'
        ? ['ioctl(fd, DMA_BUF_IOCTL_SYNC, DMA_BUF_SYNC_START); /* neither READ nor WRITE: -EINVAL */']
        : [`dma_buf_begin_cpu_access(${s.buf.name}, ${C.cpuDir(s.dir.value)}); /* ioctl(fd, DMA_BUF_IOCTL_SYNC, DMA_BUF_SYNC_START | ${C.syncFlags(s.dir.value)}) */`],
  },
  EndCpu: {
    kind: 'EndCpu',
    form: 'plain',
    keywords: [{ word: 'end_cpu', doc: doc('dma_buf_end_cpu_access(dmabuf, dir) / DMA_BUF_IOCTL_SYNC(SYNC_END)', 'Returns ownership to the devices: the exporter syncs mapped attachments for the device. The direction must cover what the CPU did (a READ end after writes loses them on non-coherent ARM).', ['CPU-01', 'CPU-04', 'CPU-07', 'CPU-08']) }],
    slots: [
      { take: 'name', field: 'buf', of: ['buffer'], what: 'a buffer', ctx: after },
      { take: 'word', field: 'dir', words: SYNC_FLAGS, ctx: afterPrev, mistakes: ['none'] },
    ],
    half: 'kernel',
    object: (s) => s.buf,
    c: (s) =>
      s.dir.value === 'none'
        ? ['ioctl(fd, DMA_BUF_IOCTL_SYNC, DMA_BUF_SYNC_END); /* neither READ nor WRITE: -EINVAL */']
        : [`dma_buf_end_cpu_access(${s.buf.name}, ${C.cpuDir(s.dir.value)}); /* ioctl(fd, DMA_BUF_IOCTL_SYNC, DMA_BUF_SYNC_END | ${C.syncFlags(s.dir.value)}) */`],
  },
  CpuAccess: {
    kind: 'CpuAccess',
    form: 'plain',
    keywords: [{ word: 'cpu', doc: doc('CPU loads/stores through a vmap or mmap', 'The CPU reads or writes the buffer through a mapping, going through its caches.', ['CPU-02', 'DMAAPI-06', 'COH-01', 'COH-03', 'COH-04', 'RACE-01', 'LIFE-05']) }],
    slots: [
      { take: 'word', field: 'access', words: ACCESSES, ctx: after },
      { take: 'name', field: 'vmap', of: ['vmap', 'memory'], what: 'a vmap, an mmap or driver memory', ctx: afterPrev },
      { take: 'range', field: 'range' },
    ],
    half: 'time',
    c: (s) => {
      const range = s.range ? ` + ${s.range.offset.value}, ${s.range.size.value}` : ', size';
      return [s.access.value === 'read' ? `memcpy(dst, ${s.vmap.name}${range});` : `memcpy(${s.vmap.name}${range.replace(', ', ', src, ')});`];
    },
  },
  Submit: {
    kind: 'Submit',
    form: 'plain',
    keywords: [{ word: 'submit', doc: doc('a DMA job on the device\'s queue (driver submission)', 'Queues a job that reads or writes through a mapping (or an IOVA); it runs asynchronously, after the listed fences, and signals its own fence when done. `implicit` makes it wait the buffer\'s dma_resv and add its fence there.', ['IOMMU-08', 'DMAAPI-08', 'COH-02', 'COH-04', 'RACE-01', 'MAP-05', 'MOVE-01', 'RESV-03', 'LIFE-05']) }],
    // Bespoke: the target is an sg table, a buffer or `iova DOMAIN ADDR`; `signal F` binds F.
    slots: [
      { take: 'hardware', field: 'dev', of: 'device', what: 'a device', ctx: after },
      { take: 'word', field: 'access', words: ACCESSES, ctx: afterPrev },
      { take: 'target', field: 'target', of: ['sgt', 'buffer', 'memory'], via: ['domain', 'iova', 'ioas'], what: 'an sg table, a buffer, `iova DOMAIN ADDR`, `iova IOAS ADDR` or `iova STATE OFFSET`', needs: '`{kw}` needs an sg table, a buffer, `iova DOMAIN ADDR`, `iova IOAS ADDR` or `iova STATE OFFSET`' },
      { take: 'range', field: 'range' },
      {
        take: 'tagged',
        word: 'walk',
        slot: { take: 'word', field: 'walk', words: WALKS, ctx: 'after `walk`' },
        doc: doc(
          'for_each_sgtable_dma_sg(sgt, sg, i) | for_each_sg(sgt->sgl, sg, sgt->orig_nents, i) | sg++',
          'How the driver walks the mapped table to fill the job\'s descriptors: `nents` walks the DMA segments with sg_next() (right, and what a job without `walk` does), `orig_nents` reads the DMA fields of every CPU entry, `pointer` steps with sg++ across chained allocations.',
          ['SGT-02', 'SGT-06'],
        ),
      },
      { take: 'tagged', word: 'after', slot: { take: 'name', field: 'after', of: ['fence'], what: 'a fence', ctx: 'after `after`', needs: '`after` needs a fence', list: true } },
      { take: 'flag', field: 'implicit', word: 'implicit' },
      {
        take: 'tagged',
        word: 'signal',
        slot: { take: 'binds', field: 'signal', of: 'fence', what: 'a name for the fence', ctx: 'after `signal`' },
        doc: doc('drm_sched_fence / the job\'s done fence', 'Names the fence this job signals when it completes.', ['FENCE-01', 'RACE-01']),
      },
    ],
    half: 'time',
    complete: [{ hardware: 'device' }, { words: ACCESSES }, { names: ['sgt', 'buffer'] }, { words: ['at', 'walk', 'after', 'implicit', 'signal'] }],
    c: (s, _body, _kernel, env) => {
      const target = s.target.kind !== 'Iova' ? s.target.name.name : env?.kindOf(s.target.domain) === 'iova' ? `${s.target.domain.name}.addr + ${C.hex(s.target.addr.value)}` : `iova ${C.hex(s.target.addr.value)} in ${s.target.domain.name}`;
      const out: string[] = [];
      if (s.after.length > 0) out.push(`/* job waits for ${s.after.map((f) => f.name).join(', ')} */`);
      if (s.walk) out.push(WALK_C[s.walk.value]);
      if (s.implicit) out.push(`/* implicit sync: wait dma_resv_usage_rw(${s.access.value === 'write'}) fences, then dma_resv_add_fence(resv, job_fence, ${s.access.value === 'write' ? 'DMA_RESV_USAGE_WRITE' : 'DMA_RESV_USAGE_READ'}) */`);
      out.push(`${s.dev.name}_submit_job(${s.access.value.toUpperCase()}, ${target}${s.range ? `, ${s.range.offset.value}, ${s.range.size.value}` : ''});${s.signal ? ` /* signals ${s.signal.name} */` : ''}`);
      return out;
    },
  },
  Fence: {
    kind: 'Fence',
    form: 'binding',
    keywords: [{ word: 'fence', doc: doc('dma_fence_init(fence, ops, lock, context, seqno) (a software fence)', 'A fence the CPU will signal with `signal`, on a context of its own or on a named timeline (`context C seqno N`, whose fences must signal in seqno order); `userspace` marks one whose completion depends on userspace. A fence must signal in bounded time.', ['FENCE-01', 'FENCE-02', 'FENCE-04', 'FENCE-09']) }],
    // Bespoke: `context C seqno N` names a timeline (its own namespace, not a scenario name).
    slots: [{ take: 'flag', field: 'userspace', word: 'userspace' }],
    binds: 'fence',
    half: 'time',
    complete: [{ words: ['context', 'userspace'] }, { none: true }, { words: ['seqno'] }, { none: true }, { words: ['userspace'] }],
    c: (s) => {
      const ctx = s.context ? `${s.context.name}_context` : 'dma_fence_context_alloc(1)';
      const init = `dma_fence_init(${s.name.name}, &${s.userspace ? 'userspace_fence_ops' : 'sw_fence_ops'}, &lock, ${ctx}, ${s.seqno?.value ?? 1});`;
      return s.userspace ? ['/* completes when userspace says so (a future / proxy / user fence) */', init] : [init];
    },
  },
  FenceArray: {
    kind: 'FenceArray',
    form: 'binding',
    keywords: [{ word: 'fence_array', doc: doc('dma_fence_array_create(num, fences, context, seqno, signal_on_any)', 'A fence that signals when all its fences have (with `any`: when one has), with the first erroring member\'s error. It holds a reference to each; it must not contain arrays or chains.', ['FENCE-08', 'RESV-05']) }],
    slots: [
      { take: 'name', field: 'fences', of: ['fence'], what: 'a fence', ctx: 'in `{kw}` (`NAME = fence_array F1, F2, ...`)', list: true },
      { take: 'flag', field: 'any', word: 'any' },
    ],
    binds: 'fence',
    container: true,
    half: 'time',
    c: (s) => [
      `fences = kmalloc_array(${s.fences.length}, sizeof(*fences), GFP_KERNEL); /* ${s.fences.map((f) => `dma_fence_get(${f.name})`).join(', ')} */`,
      `${s.name.name} = &dma_fence_array_create(${s.fences.length}, fences, dma_fence_context_alloc(1), 1, ${s.any})->base;`,
    ],
  },
  FenceChain: {
    kind: 'FenceChain',
    form: 'binding',
    keywords: [{ word: 'fence_chain', doc: doc('dma_fence_chain_init(chain, prev, fence, seqno)', 'A timeline node: signals when its fence and every earlier link (`prev`) have signalled. Its fence must not itself be a chain.', ['FENCE-08', 'RESV-05']) }],
    slots: [
      { take: 'name', field: 'fence', of: ['fence'], what: 'a fence', ctx: 'in `{kw}` (`NAME = fence_chain F (prev P)?`)' },
      { take: 'tagged', word: 'prev', slot: { take: 'name', field: 'prev', of: ['fence'], what: 'the previous chain link', ctx: 'after `prev`', needs: '`{kw} … prev` needs a fence' } },
    ],
    binds: 'fence',
    container: true,
    half: 'time',
    c: (s) => [
      `${s.name.name} = dma_fence_chain_alloc();`,
      `dma_fence_chain_init(${s.name.name}, ${s.prev ? `dma_fence_get(${s.prev.name})` : 'NULL'}, dma_fence_get(${s.fence.name}), seqno);`,
    ],
  },
  SetError: {
    kind: 'SetError',
    form: 'plain',
    keywords: [{ word: 'set_error', doc: doc('dma_fence_set_error(fence, error)', 'Records an error (a negative errno) that waiters read with dma_fence_get_status(). It must come before the fence signals.', ['FENCE-03']) }],
    slots: [
      { take: 'name', field: 'fence', of: ['fence'], what: 'a fence', ctx: after, own: true },
      { take: 'signed', field: 'error', what: 'an errno (e.g. `-5`)', ctx: afterPrev },
    ],
    half: 'time',
    c: (s) => [`dma_fence_set_error(${s.fence.name}, ${s.error.value});`],
  },
  Signal: {
    kind: 'Signal',
    form: 'plain',
    keywords: [{ word: 'signal', doc: doc('dma_fence_signal(fence)', 'Signals the fence: every waiter may proceed. A second signal is an error (-EINVAL up to 6.19; from 7.0 it returns void and the second signal is silently ignored); a later seqno before an earlier one of its context breaks the timeline\'s order.', ['FENCE-01', 'FENCE-02', 'FENCE-05']) }],
    slots: [{ take: 'name', field: 'fence', of: ['fence'], what: 'a fence', ctx: after, own: true }],
    half: 'time',
    c: (s) => [`dma_fence_signal(${s.fence.name});`],
  },
  Wait: {
    kind: 'Wait',
    form: 'plain',
    keywords: [{ word: 'wait', doc: doc('dma_fence_wait(fence, intr) / dma_fence_wait_timeout(fence, intr, timeout)', 'The CPU blocks until the fences signal. Without `timeout`, waiting for a fence that can never signal hangs; with one it returns 0 when the time runs out (a negative timeout WARNs, `timeout 0` only tests). Waiting inside a signalling section can deadlock.', ['FENCE-04', 'FENCE-05', 'FENCE-06', 'FENCE-09', 'HANG-01']) }],
    slots: [
      { take: 'name', field: 'fences', of: ['fence'], what: 'a fence', ctx: after, list: true },
      { take: 'tagged', word: 'timeout', slot: { take: 'signed', field: 'timeout', what: 'a timeout in jiffies', ctx: 'after `timeout`' } },
    ],
    half: 'time',
    c: (s) => s.fences.map((f) => `dma_fence_wait${s.timeout ? `_timeout(${f.name}, false, ${s.timeout.value})` : `(${f.name}, false)`};`),
  },
  ResvAdd: {
    kind: 'ResvAdd',
    form: 'plain',
    keywords: [{ word: 'resv', doc: doc('dma_resv_reserve_fences() + dma_resv_add_fence(resv, fence, usage)', 'Publishes a fence in the buffer\'s reservation object with a usage (KERNEL, WRITE, READ, BOOKKEEP); needs the resv lock. It replaces an older fence of the same context (or a signalled one); a usage is promoted, never degraded.', ['RESV-01', 'RESV-03', 'RESV-04', 'RESV-05', 'RESV-06', 'FENCE-09']) }],
    slots: [
      { take: 'name', field: 'buf', of: ['buffer'], what: 'a buffer', ctx: after },
      { take: 'keyword', word: 'add', ctx: 'after `{kw} {prev}` (`{kw} BUF add FENCE USAGE`)' },
      { take: 'name', field: 'fence', of: ['fence'], what: 'a fence', ctx: 'after `add`', needs: '`{kw} … add` needs a fence' },
      { take: 'word', field: 'usage', words: USAGES, ctx: 'for the usage' },
    ],
    half: 'time',
    c: (s) => [`dma_resv_reserve_fences(${s.buf.name}->resv, 1);`, `dma_resv_add_fence(${s.buf.name}->resv, ${s.fence.name}, ${C.usage(s.usage.value)});`],
  },
  WaitResv: {
    kind: 'WaitResv',
    form: 'plain',
    keywords: [{ word: 'wait_resv', doc: doc('dma_resv_wait_timeout(resv, usage, intr, timeout) / dma_resv_test_signaled(resv, usage)', 'Waits for every fence of the reservation object up to the given usage class (a new write must ask for READ, a new read for WRITE). With `timeout N` it returns 0 when the time runs out; `timeout 0` only tests.', ['RESV-01', 'RESV-02', 'RESV-08', 'FENCE-06', 'HANG-01']) }],
    slots: [
      { take: 'name', field: 'buf', of: ['buffer'], what: 'a buffer', ctx: after },
      { take: 'word', field: 'usage', words: USAGES, ctx: 'for the usage' },
      { take: 'tagged', word: 'timeout', slot: { take: 'signed', field: 'timeout', what: 'a timeout in jiffies', ctx: 'after `timeout`' } },
    ],
    half: 'time',
    c: (s) =>
      s.timeout?.value === 0
        ? [`dma_resv_test_signaled(${s.buf.name}->resv, ${C.usage(s.usage.value)});`]
        : [`dma_resv_wait_timeout(${s.buf.name}->resv, ${C.usage(s.usage.value)}, true, ${s.timeout ? s.timeout.value : 'MAX_SCHEDULE_TIMEOUT'});`],
  },
  Poll: {
    kind: 'Poll',
    form: 'plain',
    keywords: [{ word: 'poll', doc: doc('poll(dmabuf_fd, POLLIN / POLLOUT, timeout) → dma_buf_poll()', 'Waits until the buffer\'s implicit fences complete: `in` (EPOLLIN) the KERNEL and WRITE fences, `out` (EPOLLOUT) every fence but BOOKKEEP. It only reports completion: the CPU must still bracket its access with DMA_BUF_IOCTL_SYNC for the cache maintenance. `timeout 0` only tests.', ['POLL-01', 'RESV-02', 'HANG-01']) }],
    slots: [
      { take: 'name', field: 'buf', of: ['buffer'], what: 'a buffer', ctx: after },
      { take: 'word', field: 'events', words: POLL_EVENTS, ctx: 'for the events (`in` or `out`)' },
      { take: 'tagged', word: 'timeout', slot: { take: 'count', field: 'timeout', what: 'a timeout in milliseconds', ctx: 'after `timeout`' } },
    ],
    half: 'time',
    c: (s) => [`struct pollfd pfd = { .fd = ${s.buf.name}_fd, .events = ${s.events.value === 'in' ? 'POLLIN' : 'POLLOUT'} };`, `poll(&pfd, 1, ${s.timeout ? s.timeout.value : -1});`],
  },
  ExportSyncFile: {
    kind: 'ExportSyncFile',
    form: 'binding',
    keywords: [{ word: 'export_sync_file', doc: doc('DMA_BUF_IOCTL_EXPORT_SYNC_FILE', 'Snapshots the buffer\'s implicit fences (for a read: the writers; for a write: everyone) into a sync_file: a fence usable with `after` and `wait`.', ['SYNCF-01', 'RESV-09']) }],
    slots: [
      { take: 'name', field: 'buf', of: ['buffer'], what: 'a buffer', ctx: after },
      { take: 'word', field: 'dir', words: SYNC_FLAGS, ctx: 'for the sync direction', mistakes: ['none'] },
    ],
    binds: 'fence',
    half: 'time',
    c: (s) => [`ioctl(${s.buf.name}_fd, DMA_BUF_IOCTL_EXPORT_SYNC_FILE, &(struct dma_buf_export_sync_file){ .flags = ${s.dir.value === 'none' ? '0' : C.syncFlags(s.dir.value)} }); /* → ${s.name.name} */`],
  },
  ImportSyncFile: {
    kind: 'ImportSyncFile',
    form: 'plain',
    keywords: [{ word: 'import_sync_file', doc: doc('DMA_BUF_IOCTL_IMPORT_SYNC_FILE', 'Adds a sync_file\'s fence to the buffer\'s reservation object as READ or WRITE, bridging explicit to implicit sync.', ['SYNCF-01', 'RESV-09']) }],
    slots: [
      { take: 'name', field: 'buf', of: ['buffer'], what: 'a buffer', ctx: after },
      { take: 'name', field: 'fence', of: ['fence'], what: 'a fence', ctx: afterPrev },
      { take: 'word', field: 'dir', words: SYNC_FLAGS, ctx: 'for the sync direction', mistakes: ['none'] },
    ],
    half: 'time',
    c: (s) => [`ioctl(${s.buf.name}_fd, DMA_BUF_IOCTL_IMPORT_SYNC_FILE, &(struct dma_buf_import_sync_file){ .flags = ${s.dir.value === 'none' ? '0' : C.syncFlags(s.dir.value)}, .fd = ${s.fence.name}_fd });`],
  },
  BeginSignalling: {
    kind: 'BeginSignalling',
    form: 'plain',
    keywords: [{ word: 'begin_signalling', doc: doc('dma_fence_begin_signalling()', 'Starts a fence-signalling critical section (lockdep annotation): no waits on fences, no GFP_KERNEL allocations, no resv locks inside.', ['FENCE-05']) }],
    slots: [],
    half: 'time',
    c: () => ['cookie = dma_fence_begin_signalling();'],
  },
  EndSignalling: {
    kind: 'EndSignalling',
    form: 'plain',
    keywords: [{ word: 'end_signalling', doc: doc('dma_fence_end_signalling(cookie)', 'Ends the fence-signalling critical section.', ['FENCE-05']) }],
    slots: [],
    half: 'time',
    c: () => ['dma_fence_end_signalling(cookie);'],
  },
  Alloc: {
    kind: 'Alloc',
    form: 'plain',
    keywords: [{ word: 'alloc', doc: doc('kmalloc(size, GFP_KERNEL / GFP_ATOMIC)', 'A memory allocation. GFP_KERNEL may enter reclaim, which may wait for fences: forbidden inside a signalling section.', ['FENCE-05']) }],
    slots: [{ take: 'word', field: 'gfp', words: GFPS, ctx: after }],
    half: 'time',
    c: (s) => [`kmalloc(size, ${s.gfp.value === 'kernel' ? 'GFP_KERNEL' : 'GFP_ATOMIC'});`],
  },
  Domain: {
    kind: 'Domain',
    form: 'binding',
    keywords: [{ word: 'domain', doc: doc('iommu_domain_alloc(bus)', 'Allocates an unmanaged IOMMU domain the driver maps explicitly with iommu_map.', ['IOMMU-07']) }],
    slots: [{ take: 'hardware', field: 'iommu', of: 'iommu', what: 'an IOMMU', ctx: after }],
    binds: 'domain',
    half: 'kernel',
    // iommu_domain_alloc(bus) is gone from 6.13 (row iommu-domain-alloc-removed); its successor
    // iommu_paging_domain_alloc(dev) exists from 6.11 (row iommu-paging-alloc). Without a profile,
    // and on 6.11/6.12 where both exist, the older call.
    c: (s, _body, kernel) =>
      kernel && since(kernel, 'iommu-domain-alloc-removed')
        ? [`${s.name.name} = iommu_paging_domain_alloc(dev); /* a device behind ${s.iommu.name}; ERR_PTR(-ENODEV) without an IOMMU */`]
        : [`${s.name.name} = iommu_domain_alloc(&platform_bus_type); /* ${s.iommu.name} */`],
  },
  AttachDomain: {
    kind: 'AttachDomain',
    form: 'plain',
    keywords: [{ word: 'attach_domain', doc: doc('iommu_attach_device(domain, dev) / iommu_attach_group(domain, group)', 'Attaches a device (singleton group) or a whole group to an explicit domain; the DMA API of those devices then goes through it.', ['IOMMU-01', 'IOMMU-02', 'IOMMU-04', 'IOMMU-05', 'IOMMU-06', 'IOMMU-10']) }],
    // Bespoke: `group G` or a device.
    slots: [
      { take: 'name', field: 'domain', of: ['domain'], what: 'a domain', ctx: after },
      { take: 'hardware', field: 'group', of: 'group', what: 'an IOMMU group', needs: '`{kw} … group` needs an IOMMU group' },
      { take: 'hardware', field: 'dev', of: 'device', what: 'a device or `group GROUP`', ctx: afterPrev },
    ],
    half: 'kernel',
    complete: [{ names: ['domain'] }, { hardware: 'device' }],
    c: (s) => (s.group ? [`iommu_attach_group(${s.domain.name}, ${s.group.name});`] : [`iommu_attach_device(${s.domain.name}, ${s.dev?.name ?? 'dev'}_dev);`]),
  },
  DetachDomain: {
    kind: 'DetachDomain',
    form: 'plain',
    keywords: [{ word: 'detach_domain', doc: doc('iommu_detach_device(domain, dev) / iommu_detach_group(domain, group)', 'Returns the device or group to its default domain.', ['IOMMU-03']) }],
    slots: [
      { take: 'name', field: 'domain', of: ['domain'], what: 'a domain', ctx: after },
      { take: 'hardware', field: 'group', of: 'group', what: 'an IOMMU group', needs: '`{kw} … group` needs an IOMMU group' },
      { take: 'hardware', field: 'dev', of: 'device', what: 'a device or `group GROUP`', ctx: afterPrev },
    ],
    half: 'kernel',
    complete: [{ names: ['domain'] }, { hardware: 'device' }],
    c: (s) => (s.group ? [`iommu_detach_group(${s.domain.name}, ${s.group.name});`] : [`iommu_detach_device(${s.domain.name}, ${s.dev?.name ?? 'dev'}_dev);`]),
  },
  DmaSetMask: {
    kind: 'DmaSetMask',
    form: 'plain',
    keywords: [{ word: 'dma_set_mask', doc: doc('dma_set_mask_and_coherent(dev, DMA_BIT_MASK(bits))', 'Sets the streaming and coherent DMA masks of a device, or fails with -EIO when its DMA ops cannot honour the mask (dma-direct needs the mask to cover the lowest memory zone); the device must not do DMA unless it succeeded. Later maps for the device use the new mask.', ['DMAAPI-02', 'DMAAPI-13']) }],
    slots: [
      { take: 'hardware', field: 'dev', of: 'device', what: 'a device', ctx: after },
      { take: 'count', field: 'bits', what: 'a number of address bits', ctx: afterPrev, range: [12, 64] },
    ],
    half: 'kernel',
    c: (s) => [`if (dma_set_mask_and_coherent(${s.dev.name}_dev, DMA_BIT_MASK(${s.bits.value})))`, '    return -EIO; /* no DMA on this device */'],
  },
  Ioas: {
    kind: 'Ioas',
    form: 'binding',
    keywords: [{ word: 'ioas', doc: doc('ioctl(iommufd, IOMMU_IOAS_ALLOC, &alloc)', 'An I/O address space of iommufd (/dev/iommu, 6.2+): userspace maps memory into it at IOVAs it chooses, and every device attached to it (`ioas_attach`) translates through it. The model builds its page table for the named IOMMU\'s devices.', ['IOMMUFD-01', 'IOMMUFD-02']) }],
    slots: [{ take: 'hardware', field: 'iommu', of: 'iommu', what: 'an IOMMU', ctx: after }],
    binds: 'ioas',
    half: 'kernel',
    c: (s) => [`struct iommu_ioas_alloc ${s.name.name}_alloc = { .size = sizeof(${s.name.name}_alloc) }; ioctl(iommufd, IOMMU_IOAS_ALLOC, &${s.name.name}_alloc); /* ${s.name.name} = .out_ioas_id */`],
  },
  IoasAttach: {
    kind: 'IoasAttach',
    form: 'plain',
    keywords: [{ word: 'ioas_attach', doc: doc('ioctl(device_fd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, { .pt_id = ioas })', 'Attaches a vfio device bound to iommufd (`device_claim_dma_owner`, which VFIO_DEVICE_BIND_IOMMUFD does) to an IOAS: its group leaves the blocking domain for a paging domain holding the IOAS\'s mappings.', ['IOMMU-04', 'IOMMUFD-02']) }],
    slots: [
      { take: 'hardware', field: 'dev', of: 'device', what: 'a device', ctx: after },
      { take: 'name', field: 'ioas', of: ['ioas'], what: 'an IOAS', ctx: afterPrev },
    ],
    half: 'kernel',
    c: (s) => [`struct vfio_device_attach_iommufd_pt ${s.dev.name}_pt = { .argsz = sizeof(${s.dev.name}_pt), .pt_id = ${s.ioas.name} }; ioctl(${s.dev.name}_fd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &${s.dev.name}_pt);`],
  },
  IoasMap: {
    kind: 'IoasMap',
    form: 'plain',
    keywords: [{ word: 'ioas_map', doc: doc('ioctl(iommufd, IOMMU_IOAS_MAP_FILE, { .fd = dmabuf_fd, .start, .length, .iova })', 'Maps a vfio-pci dma-buf (6.19+; its single range, or `at OFFSET size LENGTH` of it) into the IOAS at a fixed IOVA, as MMIO, in every domain attached to it. iommufd attaches to the buffer itself (revocably, on its own misc device) and never calls dma_buf_map_attachment(); a revoke unmaps the area and nothing maps it back.', ['IOMMUFD-01', 'IOMMUFD-02', 'LEAK-01']) }],
    slots: [
      { take: 'name', field: 'ioas', of: ['ioas'], what: 'an IOAS', ctx: after },
      { take: 'name', field: 'buf', of: ['buffer'], what: 'a dma-buf', ctx: afterPrev },
      { take: 'tagged', word: 'iova', slot: { take: 'count', field: 'iova', what: 'an IOVA', ctx: 'after `iova`' } },
      { take: 'range', field: 'range' },
    ],
    half: 'kernel',
    object: (s) => s.buf,
    c: (s) => [
      `struct iommu_ioas_map_file ${s.buf.name}_mf = { .size = sizeof(${s.buf.name}_mf), .flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE, .ioas_id = ${s.ioas.name}, .fd = ${s.buf.name}_fd, .start = ${s.range ? s.range.offset.value : 0}, .length = ${s.range ? s.range.size.value : 'size'}, .iova = ${C.hex(s.iova.value)} };`,
      `ioctl(iommufd, IOMMU_IOAS_MAP_FILE, &${s.buf.name}_mf);`,
    ],
  },
  IoasUnmap: {
    kind: 'IoasUnmap',
    form: 'plain',
    keywords: [{ word: 'ioas_unmap', doc: doc('ioctl(iommufd, IOMMU_IOAS_UNMAP, { .ioas_id, .iova, .length })', 'Removes the areas in [ADDR, ADDR + SIZE) from the IOAS and every domain attached to it; for a dma-buf area iommufd detaches from the buffer and drops its reference.', ['IOMMUFD-02', 'LEAK-01']) }],
    slots: [
      { take: 'name', field: 'ioas', of: ['ioas'], what: 'an IOAS', ctx: after },
      { take: 'count', field: 'addr', what: 'an IOVA', ctx: afterPrev },
      { take: 'size', field: 'size', what: 'a size', ctx: 'after the IOVA' },
    ],
    half: 'kernel',
    c: (s) => [`struct iommu_ioas_unmap u = { .size = sizeof(u), .ioas_id = ${s.ioas.name}, .iova = ${C.hex(s.addr.value)}, .length = ${s.size.value} }; ioctl(iommufd, IOMMU_IOAS_UNMAP, &u);`],
  },
  MemoryDecode: {
    kind: 'MemoryDecode',
    form: 'plain',
    keywords: [{ word: 'memory_decode', doc: doc('pwrite(device_fd, &cmd, 2, config_offset + PCI_COMMAND) /* vfio_basic_config_write() */', 'Userspace turns the memory decode of a vfio-pci device off or on. Off revokes every dma-buf vfio-pci exported from its BARs (vfio_pci_dma_buf_move(vdev, true): the importers\' callback, new attaches and maps fail with -ENODEV); on gives them back, and importers may map again.', ['MAP-09', 'ATT-06', 'MOVE-04', 'HANG-01']) }],
    slots: [
      { take: 'hardware', field: 'dev', of: 'device', what: 'a device bound to vfio-pci', ctx: after },
      { take: 'word', field: 'state', words: ['on', 'off'], ctx: afterPrev },
    ],
    half: 'kernel',
    c: (s) => [`cmd ${s.state.value === 'on' ? '|=' : '&= ~'}PCI_COMMAND_MEMORY; pwrite(${s.dev.name}_fd, &cmd, 2, config_offset + PCI_COMMAND); /* vfio_pci_dma_buf_move(vdev, ${s.state.value === 'off'}) */`],
  },
  VfioReset: {
    kind: 'VfioReset',
    form: 'plain',
    keywords: [{ word: 'vfio_reset', doc: doc('ioctl(device_fd, VFIO_DEVICE_RESET)', 'A function reset of a vfio-pci device: its dma-bufs are revoked before the reset and given back after it while memory decode is on (vfio_pci_ioctl_reset()).', ['MAP-09', 'MOVE-04', 'HANG-01']) }],
    slots: [{ take: 'hardware', field: 'dev', of: 'device', what: 'a device bound to vfio-pci', ctx: after }],
    half: 'kernel',
    c: (s) => [`ioctl(${s.dev.name}_fd, VFIO_DEVICE_RESET); /* revoke, pci_try_reset_function(), restore */`],
  },
  VfioClose: {
    kind: 'VfioClose',
    form: 'plain',
    keywords: [{ word: 'vfio_close', doc: doc('close(device_fd) /* vfio_pci_core_close_device() → vfio_pci_dma_buf_cleanup() */', 'The last close of a vfio-pci device: every dma-buf exported from it is revoked for good; the buffers live on until their last reference, but no attach or map succeeds again.', ['MAP-09', 'ATT-06', 'HANG-01']) }],
    slots: [{ take: 'hardware', field: 'dev', of: 'device', what: 'a device bound to vfio-pci', ctx: after }],
    half: 'kernel',
    c: (s) => [`close(${s.dev.name}_fd); /* vfio_pci_dma_buf_cleanup(): permanent revoke */`],
  },
  BindVfio: {
    kind: 'BindVfio',
    form: 'plain',
    keywords: [{ word: 'bind_vfio', doc: doc('echo vfio-pci > driver_override; unbind; bind (device_driver_detach + vfio_pci_probe)', 'Unbinds the device\'s kernel driver, which drops its use of the group\'s default domain (iommu_device_unuse_default_domain()), and binds vfio-pci, whose driver_managed_dma leaves DMA ownership to whoever claims the group.', ['IOMMU-04']) }],
    slots: [{ take: 'hardware', field: 'dev', of: 'device', what: 'a device', ctx: after }],
    half: 'kernel',
    c: (s) => [`/* sysfs */ driver_override(${s.dev.name}, "vfio-pci"); device_release_driver(${s.dev.name}_dev); device_attach(${s.dev.name}_dev);`],
  },
  ClaimDmaOwner: {
    kind: 'ClaimDmaOwner',
    form: 'plain',
    keywords: [{ word: 'claim_dma_owner', doc: doc('iommu_group_claim_dma_owner(group, owner)', 'Takes DMA ownership of a whole group for user-space DMA (VFIO, iommufd): fails with -EPERM while any device in it is bound to a kernel driver that uses the DMA API, -EBUSY when the group is not in its default domain; on success the group moves to its blocking domain.', ['IOMMU-04']) }],
    slots: OWNED_GROUP,
    half: 'kernel',
    c: (s) => [`ret = iommu_group_claim_dma_owner(${s.group.name}, owner);`],
  },
  ReleaseDmaOwner: {
    kind: 'ReleaseDmaOwner',
    form: 'plain',
    keywords: [{ word: 'release_dma_owner', doc: doc('iommu_group_release_dma_owner(group)', 'Gives a claimed group back: it returns to its default domain, and kernel drivers may bind again.', ['IOMMU-04']) }],
    slots: OWNED_GROUP,
    half: 'kernel',
    c: (s) => [`iommu_group_release_dma_owner(${s.group.name});`],
  },
  DeviceClaimDmaOwner: {
    kind: 'DeviceClaimDmaOwner',
    form: 'plain',
    keywords: [{ word: 'device_claim_dma_owner', doc: doc('iommu_device_claim_dma_owner(dev, owner)', 'Per-device DMA ownership (iommufd, VFIO\'s cdev path; 6.2+), called by the device\'s own driver_managed_dma driver (vfio-pci): the group goes to its blocking domain on the first claim; later claims by the same owner for other devices of the group only count. -EPERM while another device of the group is bound to a DMA-API driver or the group was claimed by another owner, -EBUSY away from the default domain.', ['IOMMU-04']) }],
    slots: [{ take: 'hardware', field: 'dev', of: 'device', what: 'a device', ctx: after }],
    half: 'kernel',
    c: (s) => [`ret = iommu_device_claim_dma_owner(${s.dev.name}_dev, ictx);`],
  },
  DeviceReleaseDmaOwner: {
    kind: 'DeviceReleaseDmaOwner',
    form: 'plain',
    keywords: [{ word: 'device_release_dma_owner', doc: doc('iommu_device_release_dma_owner(dev)', 'Drops one device\'s claim; the last one returns the group to its default domain.', ['IOMMU-04']) }],
    slots: [{ take: 'hardware', field: 'dev', of: 'device', what: 'a device', ctx: after }],
    half: 'kernel',
    c: (s) => [`iommu_device_release_dma_owner(${s.dev.name}_dev);`],
  },
  ArmIommuCreateMapping: {
    kind: 'ArmIommuCreateMapping',
    form: 'binding',
    keywords: [{ word: 'arm_iommu_create_mapping', doc: doc('arm_iommu_create_mapping(dev, base, size)', '32-bit ARM with CONFIG_ARM_DMA_USE_IOMMU: a driver\'s own arch IOMMU mapping (an UNMANAGED domain with a bitmap IOVA allocator), which `arm_iommu_attach` gives to one or more devices so that their DMA-API mappings share one IOVA space (exynos DRM, older msm).', ['IOMMU-10', 'IOMMU-01', 'IOMMU-02']) }],
    slots: [{ take: 'hardware', field: 'iommu', of: 'iommu', what: 'an IOMMU', ctx: after }],
    binds: 'domain',
    half: 'kernel',
    c: (s) => [`${s.name.name} = arm_iommu_create_mapping(dev, EXYNOS_DEV_ADDR_START, EXYNOS_DEV_ADDR_SIZE); /* ${s.iommu.name} */`],
  },
  ArmIommuAttach: {
    kind: 'ArmIommuAttach',
    form: 'plain',
    keywords: [{ word: 'arm_iommu_attach', doc: doc('arm_iommu_attach_device(dev, mapping)', '32-bit ARM: iommu_attach_device() of the mapping\'s domain (a singleton group, not busy), then the arch IOMMU dma_ops: the device\'s DMA-API mappings allocate IOVAs in the mapping. A device the arch code already attached to its own mapping at probe is busy (-EBUSY) until `arm_iommu_detach`.', ['IOMMU-10', 'IOMMU-01', 'IOMMU-02']) }],
    slots: [
      { take: 'hardware', field: 'dev', of: 'device', what: 'a device', ctx: after },
      { take: 'name', field: 'mapping', of: ['domain'], what: 'a mapping from arm_iommu_create_mapping', ctx: afterPrev },
    ],
    half: 'kernel',
    c: (s) => [`ret = arm_iommu_attach_device(${s.dev.name}_dev, ${s.mapping.name});`],
  },
  ArmIommuDetach: {
    kind: 'ArmIommuDetach',
    form: 'plain',
    keywords: [{ word: 'arm_iommu_detach', doc: doc('arm_iommu_detach_device(dev) + arm_iommu_release_mapping()', '32-bit ARM: takes the device out of the arch code\'s private IOMMU mapping so a driver can attach it to its own domain (the Tegra pattern).', ['IOMMU-10', 'IOMMU-02']) }],
    slots: [{ take: 'hardware', field: 'dev', of: 'device', what: 'a device', ctx: after }],
    half: 'kernel',
    c: (s) => [`mapping = to_dma_iommu_mapping(${s.dev.name}_dev);`, `arm_iommu_detach_device(${s.dev.name}_dev);`, 'arm_iommu_release_mapping(mapping);'],
  },
  IommuMap: {
    kind: 'IommuMap',
    form: 'plain',
    keywords: [{ word: 'iommu_map', doc: doc('iommu_map(domain, iova, paddr, size, prot, gfp) / iommu_map_sgtable()', 'Maps the buffer\'s (or table\'s, or the driver\'s own memory\'s) pages at IOVA in an explicit domain with read/write permissions. An imported table\'s pages are the exporter\'s (MAP-06).', ['IOMMU-07', 'IOMMU-08', 'MAP-06']) }],
    slots: [
      { take: 'name', field: 'domain', of: ['domain'], what: 'a domain', ctx: after },
      { take: 'count', field: 'addr', what: 'an IOVA', ctx: afterPrev },
      { take: 'name', field: 'object', of: ['buffer', 'sgt', 'memory'], what: 'a buffer, an sg table or driver memory', ctx: 'after the IOVA' },
      { take: 'word', field: 'prot', words: PROTS, optional: true },
    ],
    half: 'kernel',
    c: (s) => [`iommu_map(${s.domain.name}, ${C.hex(s.addr.value)}, phys_of(${s.object.name}), size_of(${s.object.name}), ${C.prot(s.prot?.value)});`],
  },
  IommuUnmap: {
    kind: 'IommuUnmap',
    form: 'plain',
    keywords: [{ word: 'iommu_unmap', doc: doc('iommu_unmap(domain, iova, size)', 'Removes IOVA mappings from an explicit domain (the IOTLB flush may be deferred).', ['IOMMU-07', 'IOMMU-09']) }],
    slots: [
      { take: 'name', field: 'domain', of: ['domain'], what: 'a domain', ctx: after },
      { take: 'count', field: 'addr', what: 'an IOVA', ctx: afterPrev },
      { take: 'size', field: 'size', what: 'a size', ctx: 'after the IOVA' },
    ],
    half: 'kernel',
    c: (s) => [`iommu_unmap(${s.domain.name}, ${C.hex(s.addr.value)}, ${s.size.value});`],
  },
  Thread: {
    kind: 'Thread',
    form: 'plain',
    keywords: [{ word: 'thread', doc: doc('another kernel context (kthread / workqueue / ioctl on another CPU)', 'Runs its statements concurrently with the main thread and other threads; only fences order them. The scenario\'s end waits for it.', ['RACE-01', 'HANG-01']) }],
    // Bespoke: `thread NAME { statements }`.
    slots: [],
    binds: 'thread',
    half: 'time',
    complete: [{ none: true }],
    c: (s, body) => [`/* thread ${s.name.name} */ kthread_run(${s.name.name}_fn, NULL, "${s.name.name}"); /* ${s.name.name}_fn: */`, ...s.body.flatMap((b) => body(b).map((l) => `    ${l}`))],
  },
} satisfies Table;

/** The table, typed by its shape (TABLE keeps each entry's literal types, for KernelKind). */
export const STATEMENTS: Table = TABLE;

// ---- derived views -------------------------------------------------------------------------------

export type AnySpec = Table[StmtKind];

/** Kinds the kernel half executes, from the entries' `half` (the engine's dispatch checks against it). */
export type KernelKind = { [K in StmtKind]: (typeof TABLE)[K]['half'] extends 'kernel' ? K : never }[StmtKind];
/** A slot of any entry (its field is a field of that entry's kind). */
export type AnySlot = { [K in StmtKind]: Slot<K> }[StmtKind];

/** Every entry, in table order (the order completion lists keywords in). */
export const SPECS: readonly AnySpec[] = Object.values(STATEMENTS);

/** A statement the kernel half executes (the table's `half`); the time half executes the rest. */
export type KernelStmt = StmtOf<KernelKind>;
const KERNEL_KINDS: ReadonlySet<A.StmtKind> = new Set(SPECS.filter((s) => s.half === 'kernel').map((s) => s.kind));
export function isKernelStmt(s: A.Stmt): s is KernelStmt {
  return KERNEL_KINDS.has(s.kind);
}

/** A statement node the table describes (every kind but the parser's `Error`). */
export type TableStmt = StmtOf<StmtKind>;

// The table's functions take the node of their own kind; called with a node looked up by its kind,
// TypeScript cannot correlate the two (a union of functions), so these two helpers widen once.
type Render = (s: TableStmt, body: (s: A.Stmt) => string[], kernel?: KernelVersion, env?: CEnv) => string[];
type ObjectOf = (s: TableStmt) => A.Ident;

/** The statement as kernel C (the table's `c`). */
export function kernelCOf(s: TableStmt, body: (s: A.Stmt) => string[], kernel?: KernelVersion, env?: CEnv): string[] {
  const render: Render = STATEMENTS[s.kind].c as Render;
  return render(s, body, kernel, env);
}

/** The footprint's object operand (the table's `object`), if the statement has one. */
export function objectOf(s: TableStmt): A.Ident | undefined {
  const object = STATEMENTS[s.kind].object as ObjectOf | undefined;
  return object?.(s);
}

export interface KeywordEntry {
  readonly spec: AnySpec;
  readonly word: string;
  readonly fixed: Readonly<Record<string, boolean>>;
}

const BY_KEYWORD = new Map<string, KeywordEntry>(
  SPECS.flatMap((spec) => spec.keywords.map((k): [string, KeywordEntry] => [k.word, { spec, word: k.word, fixed: k.fixed ?? {} }])),
);

/** The statement a keyword starts; undefined for any other word. */
export function statementFor(word: string): KeywordEntry | undefined {
  return BY_KEYWORD.get(word);
}

const wordsOf = (form: 'binding' | 'plain'): readonly string[] => SPECS.filter((s) => s.form === form).flatMap((s) => s.keywords.map((k) => k.word));

/** Keywords of `NAME = keyword ...` statements, in table order. */
export const BINDING_KEYWORDS: readonly string[] = wordsOf('binding');
/** Keywords of statements that start with their keyword, in table order. */
export const PLAIN_KEYWORDS: readonly string[] = wordsOf('plain');
/** Every statement keyword, in table order. */
export const STATEMENT_KEYWORDS: readonly string[] = SPECS.flatMap((s) => s.keywords.map((k) => k.word));

/** The keyword of `kind` whose fixed fields are `fixed` (`Unmap`, unlocked: `unmap_unlocked`). */
export function keywordWith(kind: StmtKind, fixed: Readonly<Record<string, boolean>>): string | undefined {
  const matches = (k: { readonly fixed?: Readonly<Record<string, boolean | undefined>> }) => Object.entries(fixed).every(([f, v]) => k.fixed?.[f] === v);
  return STATEMENTS[kind].keywords.find(matches)?.word;
}

/** The fixed words a statement's operands may be (directions, flags, `add`, `timeout`, `at`…), in slot order. */
export function operandWords(spec: AnySpec): readonly string[] {
  const slots: readonly AnySlot[] = spec.slots;
  return [...new Set(slots.flatMap(wordsOfSlot))];
}

/** The option words of a statement (flags, tagged words, `add`, `at`/`size`, `iova`): the words operand values are not. */
export function modifierWords(spec: AnySpec): readonly string[] {
  const slots: readonly AnySlot[] = spec.slots;
  const values = new Set(slots.flatMap((s) => (s.take === 'word' ? s.words : s.take === 'tagged' && s.slot.take === 'word' ? s.slot.words : [])));
  return operandWords(spec).filter((w) => !values.has(w));
}

function wordsOfSlot(slot: AnySlot): readonly string[] {
  switch (slot.take) {
    case 'word':
      return slot.words;
    case 'flag':
    case 'keyword':
      return [slot.word];
    case 'tagged':
      return [slot.word, ...wordsOfSlot(slot.slot)];
    case 'range':
      return ['at', 'size'];
    case 'target':
      return ['iova'];
    case 'name':
    case 'hardware':
    case 'mem':
    case 'size':
    case 'count':
    case 'signed':
    case 'binds':
      return [];
    default:
      return assertNever(slot);
  }
}

/** The hover doc of an operand word of statement `kind` (`signal` in `submit`), if its slot has one. */
export function operandDoc(kind: string, word: string): KeywordDoc | undefined {
  const spec = SPECS.find((s) => s.kind === kind);
  const slots: readonly AnySlot[] = spec?.slots ?? [];
  for (const slot of slots) if (slot.take === 'tagged' && slot.word === word && slot.doc) return slot.doc;
  return undefined;
}

/** Fills `{kw}` and `{prev}` in a slot's context or reason. */
export function fill(template: string, kw: string, prev = ''): string {
  return template.replace(/\{kw\}/g, kw).replace(/\{prev\}/g, prev);
}

export function isBespokeParse(kind: StmtKind): kind is BespokeKind {
  return (BESPOKE_PARSE as readonly StmtKind[]).includes(kind);
}
