// Findings (pipeline data) → LSP diagnostics: the range and the lines a message names computed
// here (the pipeline keeps offsets), the rule ID as code with a link to its
// page, related locations as URIs, and the scenario + trace step in `data` for the client.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DiagnosticSeverity } from 'vscode-languageserver';
import type { Diagnostic } from 'vscode-languageserver';
import type { Finding, Severity } from '../common/findings';
import { rangeOf, renderMessage, type LinesOf } from '../common/edge';
import { ruleDoc } from '../engine/rule-docs/registry';
import { describeVersions } from '../language/versionList';
import type { DiagnosticData, TraceFinding } from './protocol';
import type { UriMap } from './paths';

/** A finding's severity as LSP's (the C checks' diagnostics use it too). */
export const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
};

/** The generated Markdown page of a rule, next to the running server (dist/docs/rules/ID.md). */
export function ruleDocUri(code: string): string | undefined {
  if (!ruleDoc(code)) return undefined;
  return pathToFileURL(path.join(__dirname, 'docs', 'rules', `${code}.md`)).href;
}

/** `linesOf`: the line index of each file the finding may name, for the text its offsets are in. */
/**
 * `matrix`: under a version matrix, the profiles the finding's scenario ran on: the message then
 * starts with the profiles it happens on ("[6.1–6.12; fine on 6.18, 7.1] "), and `data.versions`
 * lists them.
 */
export function toDiagnostic(f: Finding, uris: UriMap, linesOf: LinesOf, matrix?: readonly string[]): Diagnostic {
  const href = ruleDocUri(f.code);
  const data: DiagnosticData = { scenario: f.scenario, traceStep: f.traceStep, ...(f.versions ? { versions: f.versions } : {}) };
  const versions = f.versions ? `[${describeVersions(f.versions, matrix ?? f.versions, f.severity === 'information' ? 'not on' : 'fine on')}] ` : '';
  return {
    range: rangeOf(f.location, linesOf),
    severity: SEVERITY[f.severity],
    code: f.code,
    ...(href ? { codeDescription: { href } } : {}),
    source: 'dmabuf',
    message: versions + renderMessage(f, linesOf),
    relatedInformation: f.related.map((r) => ({ location: { uri: uris.uri(r.location.file), range: rangeOf(r.location, linesOf) }, message: renderMessage(r, linesOf) })),
    data,
  };
}

export function toTraceFinding(f: Finding, uris: UriMap, linesOf: LinesOf, matrix?: readonly string[]): TraceFinding {
  return { ...toDiagnostic(f, uris, linesOf, matrix), traceStep: f.traceStep, outcome: f.outcome };
}
