// Findings (pipeline data) → LSP diagnostics: same range, the rule ID as code with a link to its
// page, related locations as URIs, and the scenario + trace step in `data` for the client.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DiagnosticSeverity } from 'vscode-languageserver';
import type { Diagnostic } from 'vscode-languageserver';
import type { Finding, Severity } from '../common/findings';
import { ruleDoc } from '../engine/rule-docs/registry';
import type { DiagnosticData, TraceFinding } from './protocol';
import type { UriMap } from './paths';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
};

/** The generated Markdown page of a rule, next to the running server (dist/docs/rules/ID.md). */
export function ruleDocUri(code: string): string | undefined {
  if (!ruleDoc(code)) return undefined;
  return pathToFileURL(path.join(__dirname, 'docs', 'rules', `${code}.md`)).href;
}

export function toDiagnostic(f: Finding, uris: UriMap): Diagnostic {
  const href = ruleDocUri(f.code);
  const data: DiagnosticData = { scenario: f.scenario, traceStep: f.traceStep };
  return {
    range: f.location.range,
    severity: SEVERITY[f.severity],
    code: f.code,
    ...(href ? { codeDescription: { href } } : {}),
    source: 'dmabuf',
    message: f.message,
    relatedInformation: f.related.map((r) => ({ location: { uri: uris.uri(r.location.file), range: r.location.range }, message: r.message })),
    data,
  };
}

export function toTraceFinding(f: Finding, uris: UriMap): TraceFinding {
  return { ...toDiagnostic(f, uris), traceStep: f.traceStep, outcome: f.outcome };
}
