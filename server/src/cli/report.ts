// What the CLI checked, in the shape every output format reads.
import path from 'node:path';
import type { Analysis } from '../analysis';
import type { Finding, Location } from '../common/findings';
import { describeVersions } from '../language/versionList';
import { rangeOf, renderMessage, type LinesOf } from '../common/edge';
import type { PlacedMessage } from '../common/message';

export interface FileReport {
  /** The path as the user gave it (or joined onto a folder they gave). */
  readonly display: string;
  readonly absolute: string;
  readonly analysis: Analysis;
}

/** How a location is shown: the main file as given, other files relative to cwd, built-ins as is. */
export function displayPath(file: string, report: FileReport, cwd: string): string {
  if (file === report.absolute) return report.display;
  if (!path.isAbsolute(file)) return file;
  return path.relative(cwd, file) || file;
}

/** The line index of every file the report's program read (the main file, imports, built-ins). */
export function linesOf(report: FileReport): LinesOf {
  const files = report.analysis.program.files;
  return (file) => files.get(file)?.source.lines;
}

/** 1-based line/column as compilers print them; end column is exclusive like LSP's. */
export function oneBased(loc: Location, report: FileReport): { line: number; column: number; endLine: number; endColumn: number } {
  const { start, end } = rangeOf(loc, linesOf(report));
  return { line: start.line + 1, column: start.character + 1, endLine: end.line + 1, endColumn: end.character + 1 };
}

/** A message as printed: the places it names written as lines. */
export function messageText(m: PlacedMessage, report: FileReport): string {
  return renderMessage(m, linesOf(report));
}

/** The matrix a finding was checked on: its scenario's profiles, else the `--kernels` list. */
function matrixOf(f: Finding, report: FileReport): readonly string[] {
  const scenario = f.scenario === undefined ? undefined : report.analysis.engine.scenarios.find((s) => s.name === f.scenario && s.versions);
  return scenario?.versions ?? report.analysis.kernels ?? f.versions ?? [];
}

/**
 * Under a version matrix, the profiles a finding happens on as a kernel engineer reads them
 * ("6.1–6.12; fine on 6.18, 7.1"); undefined without one.
 */
export function versionsText(f: Finding, report: FileReport): string | undefined {
  if (!f.versions) return undefined;
  return describeVersions(f.versions, matrixOf(f, report), f.severity === 'information' ? 'not on' : 'fine on');
}
