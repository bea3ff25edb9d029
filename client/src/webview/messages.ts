// The messages between the trace panel's host (extension) and its webview, with the type guards
// both sides run on everything they receive: a webview is untrusted input to the extension, and
// the webview only renders what has the shape it expects. No vscode or DOM imports: unit-tested.
import type { TraceResult } from '../../../server/src/lsp/protocol';

/** Why the panel shows this trace: the last analysis (`trace`) or a full run (`run`). */
export type TraceOrigin = 'trace' | 'run';

export interface LoadMessage {
  readonly type: 'load';
  readonly origin: TraceOrigin;
  readonly trace: TraceResult;
}

/** A line under the header: "checking…", "document changed", an error. */
export interface NoticeMessage {
  readonly type: 'notice';
  readonly level: 'info' | 'warning' | 'error';
  readonly text: string;
}

/** The host asks the webview to select (and scroll to) a step, e.g. from a diagnostic. */
export interface SelectMessage {
  readonly type: 'select';
  readonly step: number;
}

export type HostToWebview = LoadMessage | NoticeMessage | SelectMessage;

export interface ReadyMessage {
  readonly type: 'ready';
}

/** The user picked a step: the host reveals its source line. */
export interface RevealMessage {
  readonly type: 'reveal';
  readonly step: number;
}

/** The user picked a related location of a finding (by index into the trace the host sent). */
export interface RevealRelatedMessage {
  readonly type: 'revealRelated';
  readonly finding: number;
  readonly related: number;
}

export interface OpenRuleDocsMessage {
  readonly type: 'openRuleDocs';
  readonly code: string;
}

/** Under a version matrix: show the trace on this kernel profile. */
export interface ProfileMessage {
  readonly type: 'profile';
  readonly kernel: string;
}

/** Re-run the scenario with the full exploration budget. */
export interface RunMessage {
  readonly type: 'run';
}

export type WebviewToHost = ReadyMessage | RevealMessage | RevealRelatedMessage | OpenRuleDocsMessage | RunMessage | ProfileMessage;

/** A kernel profile as the server names it (`6.12`): nothing else passes. */
export const KERNEL_PROFILE = /^[0-9]{1,2}\.[0-9]{1,2}$/;

/** What `acquireVsCodeApi().setState` keeps, so a hidden or restored panel looks the same. */
export interface PersistedState {
  readonly uri: string;
  readonly scenario: string;
  readonly selectedStep?: number;
  readonly hiddenAgents?: readonly string[];
  readonly objectFilter?: string;
  readonly failingOnly?: boolean;
  readonly scrollTop?: number;
}

type Obj = Record<string, unknown>;

function isObj(x: unknown): x is Obj {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function isStr(x: unknown): x is string {
  return typeof x === 'string';
}

function isInt(x: unknown): x is number {
  return typeof x === 'number' && Number.isInteger(x);
}

function isStrArray(x: unknown): x is string[] {
  return Array.isArray(x) && x.every(isStr);
}

/** Rule IDs (`MAP-02`), engine codes (`COH-01`) and SYNTAX/NAME/IMPORT: nothing that could be a path. */
export const RULE_CODE = /^[A-Z][A-Z0-9]*(?:-[0-9]{2})?$/;

export function isWebviewToHost(x: unknown): x is WebviewToHost {
  if (!isObj(x)) return false;
  switch (x.type) {
    case 'ready':
    case 'run':
      return Object.keys(x).length === 1;
    case 'reveal':
      return isInt(x.step) && x.step >= 1;
    case 'revealRelated':
      return isInt(x.finding) && x.finding >= 0 && isInt(x.related) && x.related >= 0 && Object.keys(x).length === 3;
    case 'openRuleDocs':
      return isStr(x.code) && RULE_CODE.test(x.code);
    case 'profile':
      return isStr(x.kernel) && KERNEL_PROFILE.test(x.kernel) && Object.keys(x).length === 2;
    default:
      return false;
  }
}

function isPosition(x: unknown): boolean {
  return isObj(x) && isInt(x.line) && isInt(x.character);
}

function isRange(x: unknown): boolean {
  return isObj(x) && isPosition(x.start) && isPosition(x.end);
}

function isLocation(x: unknown): boolean {
  return isObj(x) && isStr(x.file) && isRange(x.range);
}

function isChange(x: unknown): boolean {
  return isObj(x) && isStr(x.object) && isStr(x.kind) && isStr(x.summary) && (x.state === undefined || isObj(x.state));
}

export function isTraceStep(x: unknown): boolean {
  return (
    isObj(x) &&
    isInt(x.index) &&
    isStr(x.agent) &&
    isStr(x.call) &&
    isStr(x.outcome) &&
    typeof x.ok === 'boolean' &&
    isLocation(x.location) &&
    Array.isArray(x.changes) &&
    x.changes.every(isChange) &&
    isStrArray(x.findings) &&
    (x.waitsOn === undefined || isStrArray(x.waitsOn)) &&
    (x.signals === undefined || isStrArray(x.signals))
  );
}

function isFinding(x: unknown): boolean {
  return (
    isObj(x) &&
    (isStr(x.message) || (isObj(x.message) && isStr(x.message.value))) &&
    isRange(x.range) &&
    (x.code === undefined || isStr(x.code) || isInt(x.code)) &&
    (x.traceStep === undefined || isInt(x.traceStep)) &&
    (x.relatedInformation === undefined || (Array.isArray(x.relatedInformation) && x.relatedInformation.every(isRelated)))
  );
}

function isRelated(x: unknown): boolean {
  return isObj(x) && isStr(x.message) && isObj(x.location) && isStr(x.location.uri) && isRange(x.location.range);
}

function isExploration(x: unknown): boolean {
  return isObj(x) && isInt(x.schedules) && isInt(x.states) && typeof x.cutShort === 'boolean' && typeof x.millis === 'number';
}

export function isTraceResult(x: unknown): x is TraceResult {
  return (
    isObj(x) &&
    isStr(x.uri) &&
    isStr(x.scenario) &&
    isStr(x.platform) &&
    Array.isArray(x.steps) &&
    x.steps.every(isTraceStep) &&
    Array.isArray(x.findings) &&
    x.findings.every(isFinding) &&
    isExploration(x.exploration) &&
    isInt(x.version) &&
    (x.kernel === undefined || isStr(x.kernel)) &&
    (x.kernels === undefined || isStrArray(x.kernels))
  );
}

export function isHostToWebview(x: unknown): x is HostToWebview {
  if (!isObj(x)) return false;
  switch (x.type) {
    case 'load':
      return (x.origin === 'trace' || x.origin === 'run') && isTraceResult(x.trace);
    case 'notice':
      return (x.level === 'info' || x.level === 'warning' || x.level === 'error') && isStr(x.text);
    case 'select':
      return isInt(x.step);
    default:
      return false;
  }
}

export function isPersistedState(x: unknown): x is PersistedState {
  return (
    isObj(x) &&
    isStr(x.uri) &&
    isStr(x.scenario) &&
    (x.selectedStep === undefined || isInt(x.selectedStep)) &&
    (x.hiddenAgents === undefined || isStrArray(x.hiddenAgents)) &&
    (x.objectFilter === undefined || isStr(x.objectFilter)) &&
    (x.failingOnly === undefined || typeof x.failingOnly === 'boolean') &&
    (x.scrollTop === undefined || typeof x.scrollTop === 'number')
  );
}

/** A diagnostic's message as plain text (LSP 3.18 allows Markdown content). */
export function messageText(message: string | { readonly value: string }): string {
  return typeof message === 'string' ? message : message.value;
}
