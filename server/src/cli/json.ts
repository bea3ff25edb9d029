// `--format json`: the object the spec defines (version 1, files, diagnostics with 1-based
// positions). `scenario` and `traceStep` are null when a finding has none. With `--trace`, the
// trace is added under `trace`.
import type { RangedTrace } from '../common/edge';
import { messageText, oneBased, type FileReport } from './report';

export interface JsonDiagnostic {
  readonly code: string;
  readonly severity: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  readonly message: string;
  readonly scenario: string | null;
  readonly traceStep: number | null;
  /** Under a version matrix only: the profiles the finding happens on, in table order. */
  readonly versions?: readonly string[];
}

export interface JsonReport {
  readonly version: 1;
  readonly files: readonly { readonly path: string; readonly diagnostics: readonly JsonDiagnostic[] }[];
  /** `kernel`: under a version matrix, the profile the trace was run on. */
  readonly trace?: RangedTrace & { readonly kernel?: string };
}

export function toJson(reports: readonly FileReport[], trace?: JsonReport['trace']): JsonReport {
  return {
    version: 1,
    files: reports.map((r) => ({
      path: r.display,
      diagnostics: r.analysis.findings.map((f) => ({
        code: f.code,
        severity: f.severity,
        ...oneBased(f.location, r),
        message: messageText(f, r),
        scenario: f.scenario ?? null,
        traceStep: f.traceStep ?? null,
        ...(f.versions ? { versions: f.versions } : {}),
      })),
    })),
    ...(trace ? { trace } : {}),
  };
}

export function formatJson(reports: readonly FileReport[], trace?: JsonReport['trace']): string {
  return `${JSON.stringify(toJson(reports, trace), null, 2)}\n`;
}
