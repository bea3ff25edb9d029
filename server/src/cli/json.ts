// `--format json`: the object the spec defines (version 1, files, diagnostics with 1-based
// positions). `scenario` and `traceStep` are null when a finding has none. With `--trace`, the
// trace is added under `trace`.
import type { RangedTrace } from '../common/edge';
import { messageText, oneBased, type FileReport } from './report';
import { cPosition, type CReport } from './c-checks';

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
  /** On a C file (a `check`): the function and the conditions of the path that leads there. */
  readonly function?: string;
  readonly path?: readonly string[];
}

export interface JsonReport {
  readonly version: 1;
  readonly files: readonly { readonly path: string; readonly diagnostics: readonly JsonDiagnostic[] }[];
  /** `kernel`: under a version matrix, the profile the trace was run on. */
  readonly trace?: RangedTrace & { readonly kernel?: string };
}

export function toJson(reports: readonly FileReport[], trace?: JsonReport['trace'], cReports: readonly CReport[] = []): JsonReport {
  return {
    version: 1,
    files: [...reports.map((r) => ({
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
    })), ...cReports.map(cFile)],
    ...(trace ? { trace } : {}),
  };
}

function cFile(r: CReport): JsonReport['files'][number] {
  return {
    path: r.display,
    diagnostics: r.result.findings.map((f) => {
      const start = cPosition(r, f.start);
      const end = cPosition(r, f.end);
      return { code: f.code, severity: f.severity, line: start.line, column: start.column, endLine: end.line, endColumn: end.column, message: f.message, scenario: null, traceStep: null, function: f.function, path: f.path };
    }),
  };
}

export function formatJson(reports: readonly FileReport[], trace?: JsonReport['trace'], cReports: readonly CReport[] = []): string {
  return `${JSON.stringify(toJson(reports, trace, cReports), null, 2)}\n`;
}
