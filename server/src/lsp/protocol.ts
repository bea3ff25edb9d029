// Every custom message between the DMA-BUF Lab client and language server, in one place, so both
// sides are typed by the same declarations (client/src/protocol.ts re-exports this file).
//
// The message types come from the top-level `vscode-languageserver-protocol` (the one
// vscode-languageclient uses). vscode-languageserver bundles its own copy of vscode-jsonrpc whose
// classes are nominally different, so the server registers handlers by `Type.method` with the
// param/result types below rather than passing these objects to `connection.onRequest`.
import { NotificationType, RequestType } from 'vscode-languageserver-protocol';
import type { Diagnostic, Range } from 'vscode-languageserver-protocol';
import type { RangedStep } from '../common/edge';
import type { ExplorationStats } from '../engine/api';
import type { KernelVersion } from '../language/profiles';

/** A trace step as it leaves the server: its location with offsets and a line/character range. */
export type TraceStep = RangedStep;
export type { ExplorationStats } from '../engine/api';

// ---- dmabuf/status (server → client), one per document and analysis phase -------------------

/**
 * `checking`: an analysis is queued or running; `clean`: no findings; `findings`: some findings;
 * `cutShort`: the exploration budget ended before every interleaving was covered (findings may be
 * missing); `error`: the engine failed (message says why).
 */
export type DocumentState = 'checking' | 'clean' | 'findings' | 'cutShort' | 'error';

export interface StatusParams {
  readonly uri: string;
  readonly version: number;
  readonly state: DocumentState;
  readonly errors: number;
  readonly warnings: number;
  readonly infos: number;
  readonly message?: string;
}

export const StatusNotification = new NotificationType<StatusParams>('dmabuf/status');

// ---- dmabuf/scenarios: the scenarios of a document (Testing API, CodeLens) -----------------

export interface DocumentParams {
  readonly uri: string;
}

/** `unknown` until the engine has simulated the scenario for the current text. */
export type ScenarioStatus = 'pass' | 'fail' | 'unknown';

export interface ScenarioInfo {
  readonly name: string;
  /** The whole `scenario NAME on PLATFORM { ... }` block. */
  readonly range: Range;
  /** The range of the scenario's name (where a test item or lens points). */
  readonly selectionRange: Range;
  readonly platform: string;
  readonly status: ScenarioStatus;
  readonly errors: number;
  readonly warnings: number;
}

export const ScenariosRequest = new RequestType<DocumentParams, ScenarioInfo[], void>('dmabuf/scenarios');

// ---- dmabuf/trace and dmabuf/runScenario: one scenario's trace as JSON ----------------------

export interface ScenarioParams {
  readonly uri: string;
  readonly scenario: string;
  /**
   * dmabuf/trace under a version matrix: the profile whose trace to answer with (default: the
   * first profile on which the scenario has an error, else the first of its matrix).
   */
  readonly kernel?: string;
}

/** What a diagnostic's `data` carries: the scenario it belongs to and its 1-based trace step. */
export interface DiagnosticData {
  readonly scenario?: string;
  readonly traceStep?: number;
  /** Under a version matrix: the kernel profiles the finding happens on, in table order. */
  readonly versions?: readonly string[];
}

/** A finding as an LSP diagnostic, plus the trace step it happens at and the kernel outcome tag. */
export interface TraceFinding extends Diagnostic {
  readonly traceStep?: number;
  readonly outcome?: string;
}

export interface TraceResult {
  readonly uri: string;
  readonly scenario: string;
  readonly platform: string;
  /** Step locations carry absolute file paths (a step may be in an imported file). */
  readonly steps: readonly TraceStep[];
  readonly findings: readonly TraceFinding[];
  readonly exploration: ExplorationStats;
  /** The document version the trace was computed from. */
  readonly version: number;
  /** Under a version matrix: the profile the trace was run on, and every profile of the matrix. */
  readonly kernel?: string;
  readonly kernels?: readonly string[];
}

/** Answers from the last engine result; null when the scenario is unknown or not simulated yet. */
export const TraceRequest = new RequestType<ScenarioParams, TraceResult | null, void>('dmabuf/trace');

/** Runs the scenario with the configured budget and answers when done (null if it does not exist). */
export const RunScenarioRequest = new RequestType<ScenarioParams, TraceResult | null, void>('dmabuf/runScenario');

// ---- dmabuf/kernelC: the scenario as the kernel C call sequence it stands for -------------

export interface KernelCResult {
  readonly text: string;
}

export const KernelCRequest = new RequestType<ScenarioParams, KernelCResult | null, void>('dmabuf/kernelC');

// ---- test-only hooks (answered only when the server runs with DMABUF_TEST_HOOKS=1) ------------

/** Makes the engine worker throw, to test crash recovery. */
export const CrashWorkerRequest = new RequestType<Record<string, never>, boolean, void>('dmabuf/__crashWorker');

// ---- commands (VS Code ids) and settings -----------------------------------------------------

export const Commands = {
  runScenario: 'dmabuf.runScenario',
  showTrace: 'dmabuf.showTrace',
  showKernelC: 'dmabuf.showKernelC',
  restartServer: 'dmabuf.restartServer',
  openRuleDocs: 'dmabuf.openRuleDocs',
  showCScenario: 'dmabuf.showCScenario',
} as const;

/** The arguments of dmabuf.showCScenario: the text a C path became, ready to open as a .dmabuf document. */
export interface CScenarioArgs {
  readonly title: string;
  readonly text: string;
}

/** The `dmabuf` configuration section as the server reads it (workspace/configuration). */
export interface DmabufSettings {
  readonly debounceMs: number;
  readonly exploration: { readonly maxStates: number; readonly maxMillis: number };
  /** `auto`: each platform's own `kernel` line; else a profile of language/profiles.ts (`mainline` read as the newest). */
  readonly kernelProfile: 'auto' | KernelVersion;
  /**
   * `dmabuf.kernels`: a version matrix over these profiles (table order); overrides kernelProfile
   * when set. Absent when the setting is empty or not a valid profile list.
   */
  readonly kernels?: readonly KernelVersion[];
  readonly trace: { readonly server: 'off' | 'messages' | 'verbose' };
  /** `dmabuf.checkC`: check the C files that a `check` item names, when they are open (cChecks.ts). */
  readonly checkC: boolean;
}

export const DEFAULT_SETTINGS: DmabufSettings = {
  debounceMs: 100,
  exploration: { maxStates: 20000, maxMillis: 2000 },
  kernelProfile: 'auto',
  trace: { server: 'off' },
  checkC: false,
};
