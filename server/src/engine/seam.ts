// The seam between the two halves of the engine:
//  - engine/kernel/  models the kernel's objects and their synchronous rules: memory placement,
//    exporters (gem, ttm, heaps), dma-buf attachments/mappings/vmaps, sg tables, the DMA API
//    (dma-direct, dma-iommu, swiotlb), IOMMU groups/domains/page tables, P2P distance.
//    It decides WHAT a call does to kernel state and WHICH cache maintenance it performs.
//  - engine/time/    models agents and time: the CPU thread, `thread` blocks, device queues,
//    fences, dma_resv, resv locks, waits, happens-before, data versions in memory / CPU cache /
//    bounce buffers (coherency), races, hangs, leaks, exploration of interleavings, the trace.
// The time half drives execution and calls the kernel half through `KernelModel`; the kernel
// half reports through `StepContext`. All state is plain data (objects, arrays, Map, Set: no
// class instances, no closures) so that `structuredClone(world)` copies a run. Exploration
// backtracks by replaying the run from its start, which measured cheaper; it keeps copies only
// when checkpoints are asked for (DMABUF_CHECKPOINT_EVERY / _REVISITS, simulate.ts).
import type { Ident, Node, Span, Stmt, Dir, Usage, ErrorStmt } from '../language/ast';
import type { BoundScenario, ResolvedPlatform, Symbol } from '../language/bound';
import type { KernelOutcome, Severity } from '../common/findings';
import type { AgentId, StateChange } from '../common/trace';
import type { RuleId } from './rule-docs/registry';
import type { KernelStmt } from '../language/statements';
import type { RowId } from '../language/profiles';
import type { SiteId } from './kernel/citations';

/** A range of physical memory: RAM (struct pages) or a device BAR (no struct page, unless P2PDMA). */
export interface PhysRegion {
  readonly space: 'ram' | 'bar' | 'swiotlb';
  /** For `bar`: `device.bar`. */
  readonly owner?: string;
  readonly addr: number;
  readonly size: number;
  /**
   * A run of `count` regions (1 when absent) of `size` bytes, the i-th at addr + i × stride
   * (stride may be negative: buffer order is then descending addresses). The bytes between two
   * pieces of a run belong to nothing (allocator holes, never handed out), so the time half may
   * treat a run as its span as long as what it reports names the pieces (engine/regions.ts).
   */
  readonly count?: number;
  readonly stride?: number;
}

/** What a device job or a CPU access really touches once addresses are translated. */
export interface AccessPath {
  /** Memory the access reads or writes, in order. A bounced mapping yields swiotlb regions. */
  readonly regions: readonly PhysRegion[];
  /** The device snoops the CPU caches (always false for the CPU itself). */
  readonly coherent: boolean;
  /** For CPU accesses: the mapping is cacheable (heaps, shmem GEM); false for WC/uncached. */
  readonly cacheable?: boolean;
  /** The streaming mapping (sg table symbol id) the access goes through, if any. */
  readonly mappingId?: number;
}

/**
 * Cache maintenance and bounce copies a kernel call performs, decided by the kernel half per
 * architecture and direction (kernel-rules.md §8.2) and applied to data versions by the time half.
 */
export type CacheEffect =
  /** arch_sync_dma_for_device clean: dirty lines written back, stay clean. */
  | { readonly kind: 'clean'; readonly regions: readonly PhysRegion[] }
  /** Invalidate: lines dropped; dirty data in them is lost. */
  | { readonly kind: 'invalidate'; readonly regions: readonly PhysRegion[] }
  /** clean + invalidate. */
  | { readonly kind: 'flush'; readonly regions: readonly PhysRegion[] }
  /** swiotlb: copy original memory (as the CPU sees it) into the bounce slot. */
  | { readonly kind: 'bounceToDevice'; readonly from: readonly PhysRegion[]; readonly to: readonly PhysRegion[] }
  /** swiotlb: copy the bounce slot back over the original memory. */
  | { readonly kind: 'bounceToCpu'; readonly from: readonly PhysRegion[]; readonly to: readonly PhysRegion[] }
  /**
   * An exporter migration the call completes before returning (ttm pin/map/begin_cpu_access moving
   * a buffer between VRAM and system memory, PIN-02): the exporting device copies memory `from`
   * (as memory holds it; device copies do not see CPU caches) to memory `to`, region by region.
   */
  | { readonly kind: 'copy'; readonly from: readonly PhysRegion[]; readonly to: readonly PhysRegion[] };

export interface ReportOptions {
  /** Overrides the rule's default severity (platform-dependent rules). */
  readonly severity?: Severity;
  readonly outcome?: KernelOutcome;
  /** Related locations: a symbol (its declaration) or a statement node in the scenario's file. */
  readonly related?: readonly { readonly at: Symbol | Node; readonly message: string }[];
}

/** What an exporter copies when it moves a buffer (or clears it: no source), and on which device's queue. */
export interface ExporterCopy {
  readonly buffer: Symbol;
  readonly device: string;
  readonly from: readonly PhysRegion[];
  readonly to: readonly PhysRegion[];
  /** A clear of `to` (`clear kernel_fence|unpublished`), not a copy. */
  readonly fill?: true;
  /** The job's fence stays in the driver: it is not added to the reservation (`clear unpublished`, PIN-02). */
  readonly unpublished?: true;
}

/** What a statement handler may do while the time half executes one step. */
export interface StepContext {
  readonly platform: ResolvedPlatform;
  readonly scenario: BoundScenario;
  /** The agent executing the step: `cpu`, `thread:NAME`, `dev:NAME`. */
  readonly agent: AgentId;
  /** Whether the scenario's kernel profile has a row's new behaviour (language/profiles.ts); the only way the kernel half asks about versions. */
  since(row: RowId): boolean;
  /**
   * The citation of kernel sites of one file as the scenario's profile prints it (kernel/citations.ts):
   * messages never write `file:lines` themselves, since the lines depend on the profile. `shown` is
   * the file as the message spells it when not its full path.
   */
  cite(sites: SiteId | readonly SiteId[], shown?: string): string;
  /** The symbol an identifier resolved to (the binder guarantees it for non-broken statements). */
  sym(id: Ident): Symbol;
  /** Raises a finding at `at` (a node or span of the scenario's file) for the current step. */
  report(code: RuleId, at: Node | Span, message: string, options?: ReportOptions): void;
  /** Records what the step changed, for the trace and hover. */
  change(change: StateChange): void;
  /** Sets the step's kernel call (as C) and outcome (return value / error / WARN text). */
  call(call: string, outcome: string, ok?: boolean): void;
  /** Cache maintenance / bounce copies performed by this call, applied in order. */
  cache(effect: CacheEffect): void;
  /** The agent that holds the buffer's dma_resv lock, if any. */
  resvHolder(buffer: Symbol): AgentId | undefined;
  /** The call would block forever (self-deadlock): the time half marks the agent hung. */
  hang(reason: string): void;
  /**
   * An exporter's pipelined copy (ttm_bo_move_accel_cleanup()): the time half queues it on
   * `device` after every fence of the buffer and adds its fence to the reservation as KERNEL; the
   * call returns without waiting for it.
   */
  queueCopy(copy: ExporterCopy): void;
  /** Whether the agent is inside a dma_fence_begin_signalling() section. */
  inSignallingSection(): boolean;
}

/** A device job as the kernel half needs to see it to translate its accesses. */
export interface DeviceJob {
  readonly stmt: Stmt & { readonly kind: 'Submit' };
  readonly device: string;
  readonly access: 'read' | 'write';
  /**
   * The target buffer's generation when the job was queued, and whether its last exporter move has
   * landed (the copy job ran). A job queued before a move, running before the copy that is ordered
   * after it, still reads valid data through the old mapping (MOVE-01 does not apply).
   */
  readonly generationAtSubmit?: number;
  readonly moveLanded?: boolean;
}

/** The kernel half, as the time half calls it. `K` is the kernel half's state type. */
export interface KernelModel<K> {
  init(platform: ResolvedPlatform, scenario: BoundScenario): K;
  /**
   * The implicit fence waits a call performs before its effect, e.g. begin_cpu waits for
   * dma_resv_usage_rw(write) fences (CPU-03), a static importer's map waits for KERNEL fences
   * (MAP-05). The time half blocks the agent until they are signalled, then calls `execute`.
   */
  waitsBefore(state: K, ctx: StepContext, stmt: Stmt): readonly { readonly buffer: Symbol; readonly usage: Usage }[];
  /** Executes a statement of the kernel half (the table's `half`); false for a statement the parser could not read. */
  execute(state: K, ctx: StepContext, stmt: KernelStmt | ErrorStmt): boolean;
  /**
   * Translates a device job's access. Reports IOMMU-08, DMAAPI-08, LIFE-05, MOVE-01, COH-04… on
   * `ctx`; returns the path, or undefined when the access does not reach memory (faulted).
   */
  deviceAccess(state: K, ctx: StepContext, job: DeviceJob): AccessPath | undefined;
  /** Translates a CPU access through a vmap/mmap; reports CPU-02, DMAAPI-06, LIFE-05… on `ctx`. */
  cpuAccess(state: K, ctx: StepContext, stmt: Stmt & { readonly kind: 'CpuAccess' }): AccessPath | undefined;
  /**
   * An exporter move (`move BUF MEM`): changes placement, notifies dynamic importers, and returns
   * the copy the exporting device performs (the time half queues it and fences it as KERNEL).
   */
  move(
    state: K,
    ctx: StepContext,
    stmt: Stmt & { readonly kind: 'Move' },
  ): { readonly device: string; readonly from: readonly PhysRegion[]; readonly to: readonly PhysRegion[] } | undefined;
  /** The physical memory of a buffer (for implicit-sync bookkeeping and race detection). */
  bufferRegions(state: K, buffer: Symbol): readonly PhysRegion[];
  /** The buffer an sg table / attachment / vmap belongs to. */
  bufferOf(state: K, object: Symbol): Symbol | undefined;
  /** How many times the buffer behind `object` migrated so far (MOVE-01); optional for fakes. */
  generation?(state: K, object: Symbol): number | undefined;
  /** Objects still held at the end (LEAK-01 / DMAAPI-05) with the statement that created them, or an exporter still waiting for them (HANG-01). */
  outstanding(state: K): readonly {
    readonly symbol: Symbol;
    readonly what: string;
    readonly code: 'LEAK-01' | 'DMAAPI-05' | 'HANG-01' | 'CPU-02';
    /** When not the code's default. */
    readonly severity?: 'warning';
    readonly agent: AgentId;
    /** The creating statement when it is not the symbol's declaration (a `pin` of an attachment). */
    readonly at?: Span;
  }[];
  /** A JSON snapshot of an object for hover and the trace inspector. */
  snapshot(state: K, object: Symbol): Record<string, unknown> | undefined;
  /**
   * Whether `unmap T` / `detach A` / `put B` (`object`: T's, A's or B's symbol id), run now, would
   * only end that object's life: no cache maintenance, no bounce copy, nothing a device job through
   * another object reads (a put only drops a reference or releases the buffer). The time half then reports a job through the object that is not ordered before
   * the call as the lifetime race it is (LIFE-05, races.ts) instead of exploring both orders.
   * Absent or false: an ordinary conflict with every job on the buffer.
   */
  endsOnlyItsObject?(state: K, platform: ResolvedPlatform, kind: 'Unmap' | 'Detach' | 'Put', object: number): boolean;
}


export type { Dir };
