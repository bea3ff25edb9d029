// The time half's state of one run: agents (the scenario body, threads, device queues), fences,
// reservations, coherency data and the access log. Plain data only, so a run can be cloned; the
// parts that never change during a run (the bound scenario, its statements flattened into
// programs) live in `Statics` and are shared by every run of a scenario.
import type { Span, Stmt, Usage } from '../../language/ast';
import type { BoundScenario, ResolvedPlatform } from '../../language/bound';
import type { Finding, KernelOutcome } from '../../common/findings';
import type { AgentId, StateChange } from '../../common/trace';
import type { KernelModel, PhysRegion } from '../seam';
import type { EngineProgram } from '../api';
import type { AccessIndex } from './access-index';
import type { Clock } from './clock';
import type { Coherency } from './coherency';

/** Everything about a scenario that is fixed before it runs. */
import type { RowId } from '../../language/profiles';
import type { SiteId } from '../kernel/citations';

export interface Statics<K> {
  readonly program: EngineProgram;
  readonly scenario: BoundScenario;
  readonly platform: ResolvedPlatform;
  readonly kernel: KernelModel<K>;
  /** The file the scenario is in: where its findings and steps are. */
  readonly file: string;
  /** Every statement of the scenario, thread bodies included, by index. */
  readonly stmts: readonly Stmt[];
  readonly index: ReadonlyMap<Stmt, number>;
  /** Program 0 is the scenario body; one program per `thread` block. Entries are statement indices. */
  readonly progs: readonly (readonly number[])[];
  /** Statement index of a `thread` → its program. */
  readonly threadProg: ReadonlyMap<number, number>;
  /** Profile rows the kernel half asked about in any run, with the answer (scenarios that ask the same share a result across profiles). */
  readonly profileRows: Map<RowId, boolean>;
  /** Kernel sites messages cited, with their citation on this profile (a shared result must cite alike, matrix.ts). */
  readonly citedSites: Map<SiteId, string>;
}

export type FenceKind = 'software' | 'job' | 'sync_file' | 'move' | 'array' | 'chain';

export interface Fence {
  readonly key: string;
  readonly name: string;
  readonly kind: FenceKind;
  readonly context: number;
  readonly seqno: number;
  signalled: boolean;
  /** The signaller's clock when it signalled (happens-before source for waiters). */
  clock?: Clock;
  signalledAtStep?: number;
  /** A sync file's fences (a container when more than one). */
  readonly members?: readonly string[];
  /** The statement that created it. */
  readonly at: Span;
  /** The strongest usage it was added with, per buffer symbol id (for RESV-03/09 messages). */
  addedTo: Record<number, Usage>;
  /** `fence ... userspace`: completion depends on userspace (FENCE-09). */
  readonly userspace?: boolean;
  /** FENCE-09 was reported for it in this run (once per fence). */
  userspaceReported?: boolean;
  /** dma_fence_set_error() / the error a container took from a member, or -EDEADLK (FENCE-07). */
  error?: number;
  /** References held (creator, `get`, reservation slots, sync files, containers, the queue); undefined: not counted. */
  refs?: number;
  /** Where the last reference was dropped: the fence is freed, every later use is a use-after-free. */
  freedAt?: Span;
  /** A fence built from others: it signals when its parts do (never by hand). */
  readonly container?: 'array' | 'chain';
  /** dma_fence_array signal_on_any. */
  readonly any?: boolean;
  /** A container's fences (a chain: its fence, then its previous link). */
  readonly parts?: readonly string[];
}

export interface ResvEntry {
  readonly fence: string;
  readonly usage: Usage;
}

export interface Resv {
  entries: ResvEntry[];
  holder?: AgentId;
  /** The `lock` statement of the current holder. */
  lockedAt?: Span;
  /** Release clock of the last unlock: a later lock happens after it. */
  releaseClock?: Clock;
}

export interface Job {
  readonly id: number;
  readonly kind: 'job' | 'copy';
  /** The `submit` (or `move`) statement. */
  readonly stmt: number;
  readonly device: string;
  readonly waits: readonly string[];
  readonly fence: string;
  readonly submitClock: Clock;
  /** The trace step (0-based) that queued it: its dependency origin for exploration. */
  readonly submitStep: number;
  readonly buffer?: number;
  readonly implicit: boolean;
  readonly from?: readonly PhysRegion[];
  readonly to?: readonly PhysRegion[];
  /** A copy job that clears `to` (an exporter's pipelined clear). */
  readonly fill?: true;
  /** A copy job whose fence is not in the reservation (`clear unpublished`, PIN-02). */
  readonly unpublished?: true;
  /** The submitter's last `wait_resv` per buffer when it queued the job (RESV-02 in race messages). */
  readonly waitedResv?: Readonly<Record<number, WaitedResv>>;
  /** The target buffer's migration generation when queued (MOVE-01 spares jobs queued before a move). */
  readonly generationAtSubmit?: number;
}

/** A `wait_resv BUF USAGE` an agent performed. */
export interface WaitedResv {
  readonly usage: Usage;
  readonly at: Span;
}

export interface Agent {
  readonly id: AgentId;
  readonly kind: 'cpu' | 'thread' | 'dev';
  readonly prog: number;
  pc: number;
  queue: Job[];
  status: 'run' | 'done' | 'hung';
  clock: Clock;
  /** dma_fence_begin_signalling() nesting depth. */
  signalling: number;
  /** For a thread that has not moved yet: the step that started it (its dependency origin). */
  forkStep?: number;
  /** Source position where the agent started (threads: the `thread` keyword), for ordering. */
  readonly origin: number;
  /** Its last `wait_resv` per buffer symbol id (RESV-02 in race messages). */
  waitedResv?: Record<number, WaitedResv>;
  /** Buffers it polled and has not bracketed with begin_cpu since (POLL-01). */
  polled?: Record<number, Span>;
}

/** One memory access, kept for race detection. */
export interface AccessRecord {
  readonly agent: AgentId;
  readonly clock: Clock;
  readonly write: boolean;
  /** The memory touched, per address space, sorted and merged. */
  readonly ranges: Record<string, readonly { readonly start: number; readonly end: number }[]>;
  /** 0-based step index. */
  readonly step: number;
  readonly at: Span;
  readonly device: boolean;
  readonly jobKind?: 'job' | 'copy';
  readonly fence?: string;
  readonly implicit?: boolean;
  /** An exporter's job whose fence nobody can find (PIN-02). */
  readonly unpublished?: boolean;
  /** An exporter's clear rather than a copy. */
  readonly fill?: boolean;
  readonly buffer?: number;
  readonly waitedResv?: Readonly<Record<number, WaitedResv>>;
  /** A job's target (a table's symbol id) and, for a dma-buf table, its attachment's: lifetime-races.ts. */
  readonly target?: number;
  readonly targetAttachment?: number;
}

export interface StepRecord {
  readonly agent: AgentId;
  readonly at: Span;
  call: string;
  outcome: string;
  ok: boolean;
  readonly changes: StateChange[];
  readonly findings: string[];
  waitsOn?: string[];
  signals?: string[];
  /** Exploration footprint of the step (keys it read and wrote). */
  readonly reads: string[];
  readonly writes: string[];
  /** The step whose dependency clock this one inherits besides its agent's (a job: its submit). */
  readonly origin?: number;
}

export interface World<K> {
  kernel: K;
  agents: Agent[];
  fences: Record<string, Fence>;
  /**
   * The keys of the container fences (arrays, chains) in `fences`, in its key order: a signal
   * looks for the containers it completes without walking every fence of the run.
   */
  containers: string[];
  /** By buffer symbol id. */
  resv: Record<number, Resv>;
  coh: Coherency;
  accesses: AccessRecord[];
  /** Where in `accesses` to look for the ones a new access may race with (access-index.ts). */
  accessIndex: AccessIndex;
  steps: StepRecord[];
  findings: Finding[];
  jobSeq: number;
  contextSeq: number;
  /** Who wrote each data version, for related locations of coherency findings. */
  versions: Record<number, { readonly at: Span; readonly agent: AgentId }>;
  /** Fence context and last seqno of each device queue. */
  queueContexts: Record<string, { context: number; seqno: number }>;
  /** Contexts named by `fence context C seqno N`, by name (their own namespace). */
  namedContexts?: Record<string, number>;
  /** The fence of each buffer's last exporter move (its copy job), by buffer symbol id. */
  lastMove?: Record<number, string>;
  /** Tables unmapped and attachments detached so far, by symbol id (lifetime-races.ts). */
  ended?: number[];
}

export interface RawReport {
  readonly code: string;
  readonly outcome?: KernelOutcome;
}
