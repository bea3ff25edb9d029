// What every stage of the pipeline reports. A finding is plain, serialisable data: it crosses the
// worker boundary, is printed by the CLI and becomes an LSP diagnostic. Places are offsets into a
// file only; line and column are computed where a finding leaves the process (edge.ts), so a
// cached finding moves with an edit by moving offsets.
import type { Span } from './span';
import type { Place } from './message';

export type Severity = 'error' | 'warning' | 'information';

/** A place in a file: UTF-16 offsets into its text. */
export interface Location {
  readonly file: string;
  readonly span: Span;
}

export interface RelatedInformation {
  readonly location: Location;
  /** May name other places by marker (message.ts): render it with renderMessage. */
  readonly message: string;
  readonly places?: readonly Place[];
}

/**
 * What the real kernel does, as the catalogue tags it: a return code, a WARN splat, a BUG, a
 * lockdep report, a dma-debug line, a hardware (IOMMU) fault, a hang, or nothing (silent).
 */
export type KernelOutcome = 'RET' | 'WARN' | 'BUG' | 'LOCKDEP' | 'DMADBG' | 'SILENT' | 'HWFAULT' | 'HANG' | 'INFO';

export interface Finding {
  /** A rule ID of the catalogue (`MAP-02`), an engine code (`COH-01`), or SYNTAX / NAME / IMPORT. */
  readonly code: string;
  readonly severity: Severity;
  /** May name other places by marker (message.ts): render it with renderMessage. */
  readonly message: string;
  /** The places `message` names ("taken at line 12"), when it names any. */
  readonly places?: readonly Place[];
  readonly location: Location;
  readonly related: readonly RelatedInformation[];
  /** The scenario the finding belongs to, if any. */
  readonly scenario?: string;
  /** 1-based index of the trace step at which it happens. */
  readonly traceStep?: number;
  readonly outcome?: KernelOutcome;
  /**
   * Under a version matrix only (engine/matrix.ts): the kernel profiles the finding happens on, in
   * table order (KernelVersion values; common/ imports nothing of the language). Absent without a
   * matrix, so output without one is unchanged.
   */
  readonly versions?: readonly string[];
}

const ORDER: Record<Severity, number> = { error: 0, warning: 1, information: 2 };

/** Sorts by file, position, then severity and code, so every consumer prints the same order. */
export function compareFindings(a: Finding, b: Finding): number {
  if (a.location.file !== b.location.file) return a.location.file < b.location.file ? -1 : 1;
  if (a.location.span.start !== b.location.span.start) return a.location.span.start - b.location.span.start;
  if (a.severity !== b.severity) return ORDER[a.severity] - ORDER[b.severity];
  return a.code < b.code ? -1 : a.code > b.code ? 1 : 0;
}
