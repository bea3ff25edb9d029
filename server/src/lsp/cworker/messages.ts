// The typed messages between the language server's main thread and its C-check worker
// (dist/c-worker.js). The C checks have their own worker and queue so that a driver file being
// checked never delays the .dmabuf loop. Every answer carries the job id; the main thread keeps
// only the answer for the C document's latest version. Payloads are plain data.
import type { ExplorationBudget } from '../../engine/api';
import type { KernelVersion } from '../../language/profiles';
import type { CReport } from '../../cdriver/run-checks';

export interface CheckCMessage {
  readonly kind: 'check';
  readonly job: number;
  /** The C file's absolute path and its text as the editor has it. */
  readonly cFile: string;
  readonly cText: string;
  /** The workspace folders: where .dmabuf files naming the C file are looked for. */
  readonly roots: readonly string[];
  /** Open .dmabuf documents: their editor text wins over the disk's. */
  readonly open: Readonly<Record<string, string>>;
  readonly budget: ExplorationBudget;
  readonly kernel?: KernelVersion;
}

export type ToCWorker = CheckCMessage;

/** One `check` that names the C file, and what it found there (the parts of the CLI's report the editor uses). */
export type CWorkerReport = Pick<CReport, 'dmabuf' | 'checkRange' | 'result' | 'prelude'>;

export interface CCheckedMessage {
  readonly kind: 'checked';
  readonly job: number;
  readonly reports: readonly CWorkerReport[];
  /** Why a check could not run (unreadable file, C file outside its folder): for the log. */
  readonly errors: readonly string[];
}

export interface CFailedMessage {
  readonly kind: 'failed';
  readonly job: number;
  readonly message: string;
}

export type FromCWorker = CCheckedMessage | CFailedMessage;
