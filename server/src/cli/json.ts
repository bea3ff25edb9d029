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
}

export interface JsonReport {
  readonly version: 1;
  readonly files: readonly { readonly path: string; readonly diagnostics: readonly JsonDiagnostic[] }[];
  readonly trace?: RangedTrace;
}

export function toJson(reports: readonly FileReport[], trace?: RangedTrace): JsonReport {
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
      })),
    })),
    ...(trace ? { trace } : {}),
  };
}

export function formatJson(reports: readonly FileReport[], trace?: RangedTrace): string {
  return `${JSON.stringify(toJson(reports, trace), null, 2)}\n`;
}
