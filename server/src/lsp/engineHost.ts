// Owns the engine worker: one analysis at a time, a queue where a newer version of a document
// replaces the older one, cancellation (a shared flag the engine polls; terminate + restart if
// it does not stop in time), and crash recovery (restart, retry once, give up on an input that
// crashes the engine twice). The main thread never blocks on the worker.
import { Worker } from 'node:worker_threads';
import type { Finding } from '../common/findings';
import { compareFindings } from '../common/findings';
import { StringPool } from './stringPool';
import type { EngineProgram, ScenarioResult } from '../engine/api';
import { chunks } from './engineSlice';
import type { AnalysisDoneMessage, AnalyzeMessage, FromWorker, MoreScenariosMessage, ProgressMessage, ResultMessage, WorkerData } from './worker/messages';

export type JobSpec = Omit<AnalyzeMessage, 'kind' | 'job' | 'more' | 'total'> & {
  /** `document` jobs of one URI supersede each other; `run` jobs (runScenario) never do. */
  readonly purpose: 'document' | 'run';
};

export type JobOutcome =
  | { readonly kind: 'result'; readonly message: ResultMessage }
  | { readonly kind: 'error'; readonly message: string }
  /** Superseded by a newer version, cancelled, or the server is shutting down. */
  | { readonly kind: 'dropped' };

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface EngineHostOptions {
  readonly workerPath: string;
  readonly testHooks: boolean;
  readonly log: Logger;
  /** Called after the worker was restarted following a crash. */
  readonly onRestart: () => void;
  /** How long a cancelled analysis may keep running before the worker is terminated. */
  readonly cancelGraceMs?: number;
  /**
   * Slack beyond a scenario's own time budget before the worker is stopped: the engine's budget
   * is a contract, this watchdog keeps one runaway scenario from starving every other document.
   */
  readonly overrunSlackMs?: number;
  /** Scenarios per posted piece of an analysis (tests use small pieces). */
  readonly pieceSize?: number;
  /** Idle time before the worker is stopped (0: never); it restarts at the next analysis. */
  readonly retireIdleMs?: number;
}

/**
 * Posting a message serialises it on this thread: the 1,100 scenarios of a 20,000-line file take
 * ~200 ms. In pieces of 64 (~10 ms each, one per event-loop turn) keystrokes are handled between.
 */
const PIECE_SIZE = 64;
const RETIRE_IDLE_MS = 10_000;

interface Job {
  readonly id: number;
  readonly spec: JobSpec;
  readonly resolve: (outcome: JobOutcome) => void;
  readonly onProgress?: (p: ProgressMessage) => void;
  readonly startedAt: number;
  /** Scenarios finished so far, kept in case a later one overruns. */
  readonly done: { result: ScenarioResult; findings: readonly Finding[] }[];
  current?: { scenario: string; since: number };
}

export class EngineHost {
  private worker: Worker | undefined;
  private readonly cancelBuffer = new SharedArrayBuffer(4);
  private readonly cancelFlags = new Int32Array(this.cancelBuffer);
  private readonly queue: Job[] = [];
  private running: Job | undefined;
  private nextId = 1;
  /** The main thread keeps every result: one copy of each string in them (stringPool.ts). */
  private readonly strings = new StringPool();
  private cancelTimer: NodeJS.Timeout | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  /** Stops an idle worker (retireIdle()). */
  private retireTimer: NodeJS.Timeout | undefined;
  private disposed = false;
  /** Crashes per `uri@version`: an input that crashed the worker twice is not retried. */
  private readonly crashesByInput = new Map<string, number>();
  crashCount = 0;

  constructor(private readonly options: EngineHostOptions) {}

  /** Queues an analysis. The promise settles with its result, an error, or `dropped`. */
  run(spec: JobSpec, onProgress?: (p: ProgressMessage) => void): { id: number; done: Promise<JobOutcome> } {
    const id = this.nextId++;
    const done = new Promise<JobOutcome>((resolve) => {
      if (this.disposed) return resolve({ kind: 'dropped' });
      if ((this.crashesByInput.get(key(spec)) ?? 0) >= 2) return resolve({ kind: 'error', message: 'the engine crashed twice on this version of the document' });
      if (spec.purpose === 'document') this.cancelDocument(spec.uri);
      this.queue.push({ id, spec, resolve, onProgress, startedAt: 0, done: [] });
    });
    queueMicrotask(() => this.pump());
    return { id, done };
  }

  /** Drops queued document analyses of `uri` and cancels the running one. */
  cancelDocument(uri: string): void {
    for (let i = this.queue.length - 1; i >= 0; i--) {
      const job = this.queue[i];
      if (job.spec.uri === uri && job.spec.purpose === 'document') {
        this.queue.splice(i, 1);
        job.resolve({ kind: 'dropped' });
      }
    }
    const r = this.running;
    if (r && r.spec.uri === uri && r.spec.purpose === 'document') this.cancelRunning();
  }

  /** Cancels one job (queued or running), e.g. from a `$/progress` cancel. */
  cancelJob(id: number): void {
    const i = this.queue.findIndex((j) => j.id === id);
    if (i >= 0) {
      const [job] = this.queue.splice(i, 1);
      job.resolve({ kind: 'dropped' });
    } else if (this.running?.id === id) {
      this.cancelRunning();
    }
  }

  get busy(): boolean {
    return this.running !== undefined || this.queue.length > 0;
  }

  /** Test hook: makes the worker crash. */
  crashForTest(): boolean {
    this.ensureWorker().postMessage({ kind: 'crash' });
    return true;
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.cancelTimer);
    clearTimeout(this.watchdog);
    clearTimeout(this.retireTimer);
    for (const job of this.queue.splice(0)) job.resolve({ kind: 'dropped' });
    this.running?.resolve({ kind: 'dropped' });
    this.running = undefined;
    const w = this.worker;
    this.worker = undefined;
    void w?.terminate();
  }

  private cancelRunning(): void {
    const job = this.running;
    if (!job) return;
    Atomics.store(this.cancelFlags, 0, job.id);
    clearTimeout(this.cancelTimer);
    this.cancelTimer = setTimeout(() => {
      if (this.running !== job) return;
      // The engine did not reach a cancellation point in time: stop it the hard way.
      this.options.log.warn(`analysis of ${job.spec.uri} did not stop within ${this.grace()} ms of its cancellation; restarting the engine worker`);
      this.running = undefined;
      clearTimeout(this.watchdog);
      job.resolve({ kind: 'dropped' });
      this.replaceWorker();
      this.pump();
    }, this.grace());
  }

  private grace(): number {
    return this.options.cancelGraceMs ?? 1500;
  }

  private pump(): void {
    if (this.disposed || this.running) return;
    const job = this.queue.shift();
    if (!job) return this.retireIdle();
    clearTimeout(this.retireTimer);
    this.running = job;
    (job as { startedAt: number }).startedAt = Date.now();
    const { purpose: _purpose, program, ...spec } = job.spec;
    const pieces = chunks(program, this.options.pieceSize ?? PIECE_SIZE);
    const worker = this.ensureWorker();
    const message: AnalyzeMessage = { kind: 'analyze', job: job.id, ...spec, program: pieces[0], more: pieces.length > 1, total: program.scenarios.length };
    worker.postMessage(message);
    if (pieces.length > 1) this.postPieces(job, worker, pieces, 1);
  }

  /** The rest of a job's pieces, one per event-loop turn, while the job still runs on this worker. */
  private postPieces(job: Job, worker: Worker, pieces: readonly EngineProgram[], next: number): void {
    setImmediate(() => {
      if (this.running !== job || this.worker !== worker) return;
      // Cancelled: an empty last piece lets the worker end the analysis at once.
      const cancelled = Atomics.load(this.cancelFlags, 0) === job.id;
      const last = cancelled || next === pieces.length - 1;
      const program: EngineProgram = cancelled ? { scenarios: [], refs: new Map(), symbols: [], files: new Set() } : pieces[next];
      const message: MoreScenariosMessage = { kind: 'more', job: job.id, program, more: !last };
      worker.postMessage(message);
      if (!last) this.postPieces(job, worker, pieces, next + 1);
    });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const data: WorkerData = { cancelBuffer: this.cancelBuffer, testHooks: this.options.testHooks };
    // The worker must not write to our stdout: that is the LSP channel.
    // A small young generation: the engine's garbage is short-lived, and V8's default (tens of MB
    // per isolate) stays resident after an analysis — most of the server's memory at 20,000 lines.
    const worker = new Worker(this.options.workerPath, { workerData: data, stdout: true, stderr: true, resourceLimits: { maxYoungGenerationSizeMb: 6 } });
    worker.stdout.on('data', (chunk: Buffer) => this.options.log.info(`worker: ${chunk.toString().trimEnd()}`));
    worker.stderr.on('data', (chunk: Buffer) => this.options.log.info(`worker: ${chunk.toString().trimEnd()}`));
    let failed = false;
    const fail = (why: string): void => {
      if (failed || this.worker !== worker) return;
      failed = true;
      this.onCrash(why);
    };
    worker.on('message', (msg: FromWorker) => {
      if (this.worker === worker) this.onMessage(msg);
    });
    worker.on('error', (err) => fail(err instanceof Error ? err.message : String(err)));
    worker.on('exit', (code) => fail(`exited with code ${code}`));
    this.worker = worker;
    return worker;
  }

  private replaceWorker(): void {
    const old = this.worker;
    this.worker = undefined; // before terminate, so its exit event is not taken for a crash
    void old?.terminate();
    this.ensureWorker();
  }

  private onMessage(msg: FromWorker): void {
    const job = this.running;
    if (!job || msg.job !== job.id) return;
    if (msg.kind === 'progress') {
      job.current = { scenario: msg.scenario ?? '', since: Date.now() };
      this.armWatchdog(job);
      job.onProgress?.(msg);
      return;
    }
    if (msg.kind === 'scenario') {
      // `findings` is `result.findings` (one message, so one object): interning the result covers it.
      job.done.push({ result: this.strings.intern(msg.result), findings: msg.findings });
      return;
    }
    this.running = undefined;
    clearTimeout(this.cancelTimer);
    clearTimeout(this.watchdog);
    if (msg.kind === 'error') job.resolve({ kind: 'error', message: msg.message });
    else if (msg.cancelled && Atomics.load(this.cancelFlags, 0) === job.id) job.resolve({ kind: 'dropped' });
    else job.resolve({ kind: 'result', message: msg.kind === 'done' ? resultOf(job, msg) : msg });
    this.pump();
  }

  private armWatchdog(job: Job): void {
    clearTimeout(this.watchdog);
    // Under a version matrix a scenario may run once per profile, each with the full budget.
    const limit = job.spec.budget.maxMillis * matrixSize(job.spec) + (this.options.overrunSlackMs ?? Math.max(3000, job.spec.budget.maxMillis));
    this.watchdog = setTimeout(() => {
      if (this.running !== job || !job.current) return;
      const { scenario, since } = job.current;
      const millis = Date.now() - since;
      this.options.log.warn(`scenario ${scenario} of ${job.spec.uri} ran ${millis} ms against a ${job.spec.budget.maxMillis} ms budget; stopping the engine worker and keeping the scenarios already done`);
      this.running = undefined;
      clearTimeout(this.cancelTimer);
      const findings = job.done.flatMap((d) => d.findings).sort(compareFindings);
      job.resolve({
        kind: 'result',
        message: {
          kind: 'result',
          job: job.id,
          uri: job.spec.uri,
          version: job.spec.version,
          findings,
          scenarios: job.done.map((d) => d.result),
          cancelled: false,
          millis: Date.now() - job.startedAt,
          overran: { scenario, millis },
        },
      });
      this.replaceWorker();
      this.pump();
    }, limit);
  }

  /**
   * With nothing to do for a while, the worker is stopped and started again at the next analysis
   * (its results live on the main thread, scenarioCache.ts): an idle editor then holds no engine
   * heap. After a 20,000-line file that heap left the idle server at 135 or 178 MB from run to run,
   * whether or not V8 had given it back.
   */
  private retireIdle(): void {
    clearTimeout(this.retireTimer);
    const after = this.options.retireIdleMs ?? RETIRE_IDLE_MS;
    if (!this.worker || after <= 0) return;
    this.retireTimer = setTimeout(() => {
      if (this.running || this.queue.length || !this.worker) return;
      const w = this.worker;
      this.worker = undefined; // before terminate, so its exit is not taken for a crash
      void w.terminate();
      this.options.log.info(`engine worker stopped after ${after} ms idle; the next analysis starts another`);
    }, after);
    this.retireTimer.unref();
  }

  private onCrash(why: string): void {
    if (this.disposed) return;
    this.crashCount++;
    const job = this.running;
    this.running = undefined;
    clearTimeout(this.cancelTimer);
    clearTimeout(this.watchdog);
    this.options.log.error(`engine worker crashed (${why})${job ? ` while analysing ${job.spec.uri} v${job.spec.version}` : ''}; restarting it`);
    if (job) {
      const crashes = (this.crashesByInput.get(key(job.spec)) ?? 0) + 1;
      this.crashesByInput.set(key(job.spec), crashes);
      if (crashes >= 2) {
        job.resolve({ kind: 'error', message: `the engine crashed on this document (${why})` });
      } else {
        this.queue.unshift(job);
      }
    }
    this.worker = undefined;
    this.ensureWorker();
    this.options.onRestart();
    this.pump();
  }
}

/** The most profiles one scenario of the job runs on (1 without a version matrix). */
function matrixSize(spec: JobSpec): number {
  if (spec.kernels?.length) return spec.kernels.length;
  let n = matrixSizes.get(spec);
  if (n === undefined) {
    n = 1;
    for (const s of spec.program.scenarios) n = Math.max(n, s.platform?.kernels?.length ?? 1);
    matrixSizes.set(spec, n);
  }
  return n;
}

const matrixSizes = new WeakMap<JobSpec, number>();

function key(spec: JobSpec): string {
  return `${spec.uri}@${spec.version}`;
}

/** The result of an analysis from the scenarios the worker sent one by one. */
function resultOf(job: Job, done: AnalysisDoneMessage): ResultMessage {
  const findings = job.done.flatMap((d) => d.findings).sort(compareFindings);
  return { kind: 'result', job: done.job, uri: done.uri, version: done.version, findings, scenarios: job.done.map((d) => d.result), cancelled: done.cancelled, millis: done.millis };
}
