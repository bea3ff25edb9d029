// The typed messages between the language server's main thread and its engine worker. Every
// message about an analysis carries the job id, the document URI and the version it was computed
// from, so the main thread can drop anything stale. All payloads are plain data (structured clone).
import type { Finding } from '../../common/findings';
import type { KernelVersion } from '../../language/ast';
import type { EngineProgram, ExplorationBudget, ScenarioResult } from '../../engine/api';

/** Shared with the worker at start: `Int32Array(cancelBuffer)[0]` holds the id of a job to cancel. */
export interface WorkerData {
  readonly cancelBuffer: SharedArrayBuffer;
  /** Enables the test-only `crash` message. */
  readonly testHooks: boolean;
}

export interface AnalyzeMessage {
  readonly kind: 'analyze';
  readonly job: number;
  readonly uri: string;
  readonly version: number;
  /**
   * The scenarios to simulate, bound by the main thread from this version's text, with only what
   * they read (engineSlice.ts): the worker does not parse or bind, and gets no text. A large
   * analysis comes in pieces: this is the first, `more` says `MoreScenariosMessage`s follow.
   */
  readonly program: EngineProgram;
  readonly more: boolean;
  /** Scenarios in all pieces (for progress). */
  readonly total: number;
  readonly kernel?: KernelVersion;
  /** A version matrix over every scenario (dmabuf.kernels); a platform's kernel range makes one by itself. */
  readonly kernels?: readonly KernelVersion[];
  readonly budget: ExplorationBudget;
}

/** The next piece of an analysis's scenarios; the last has `more: false`. */
export interface MoreScenariosMessage {
  readonly kind: 'more';
  readonly job: number;
  readonly program: EngineProgram;
  readonly more: boolean;
}

/** Test hook: the worker throws from a timer, as a bug in the engine would. */
export interface CrashMessage {
  readonly kind: 'crash';
}

export type ToWorker = AnalyzeMessage | MoreScenariosMessage | CrashMessage;

export interface ResultMessage {
  readonly kind: 'result';
  readonly job: number;
  readonly uri: string;
  readonly version: number;
  /** Engine findings only (the main thread has the front end's). */
  readonly findings: readonly Finding[];
  readonly scenarios: readonly ScenarioResult[];
  readonly cancelled: boolean;
  readonly millis: number;
  /** Set by the main thread when it stopped a scenario that overran its time budget. */
  readonly overran?: { readonly scenario: string; readonly millis: number };
}

export interface ProgressMessage {
  readonly kind: 'progress';
  readonly job: number;
  readonly uri: string;
  readonly version: number;
  readonly done: number;
  readonly total: number;
  /** The scenario about to be simulated. */
  readonly scenario?: string;
}

/** One scenario done: sent as soon as it is, so a later scenario that overruns loses nothing. */
export interface ScenarioDoneMessage {
  readonly kind: 'scenario';
  readonly job: number;
  readonly uri: string;
  readonly version: number;
  readonly result: ScenarioResult;
  /** Its findings (the engine's, sorted). */
  readonly findings: readonly Finding[];
}

/** The engine threw on this input: reported, the worker stays up. */
export interface ErrorMessage {
  readonly kind: 'error';
  readonly job: number;
  readonly uri: string;
  readonly version: number;
  readonly message: string;
}

/**
 * The analysis ended. Its scenarios and findings are those of the `scenario` messages before it:
 * they are not sent twice (at 20,000 lines a result is tens of MB of structured clone, which the
 * main thread would otherwise deserialise twice while the user types). The host turns this into a
 * ResultMessage.
 */
export interface AnalysisDoneMessage {
  readonly kind: 'done';
  readonly job: number;
  readonly uri: string;
  readonly version: number;
  readonly cancelled: boolean;
  readonly millis: number;
}

export type FromWorker = ResultMessage | ProgressMessage | ScenarioDoneMessage | AnalysisDoneMessage | ErrorMessage;
