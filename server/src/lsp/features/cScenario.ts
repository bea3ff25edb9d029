// "Show as scenario" on a C finding: the scenario its path became, with the platforms of the
// .dmabuf file whose `check` named the C file, opened by the client as a new .dmabuf document
// (dmabuf.showCScenario) where it runs like any other.
import path from 'node:path';
import { CodeActionKind } from 'vscode-languageserver';
import type { CodeAction, Diagnostic } from 'vscode-languageserver';
import type { CDoc, CDiagnosticData } from '../cChecks';
import { Commands, type CScenarioArgs } from '../protocol';

function dataOf(d: Diagnostic): CDiagnosticData | undefined {
  const x = d.data as Partial<CDiagnosticData> | undefined;
  return typeof x?.cReport === 'number' && typeof x.cFinding === 'number' ? { cReport: x.cReport, cFinding: x.cFinding } : undefined;
}

/** The scenario text of the C finding a diagnostic stands for, from the document's current answer. */
export function cScenarioOf(doc: CDoc, d: Diagnostic): CScenarioArgs | undefined {
  const at = dataOf(d);
  const r = at && doc.answer?.version === doc.version ? doc.answer.reports[at.cReport] : undefined;
  const f = at && r?.result.findings[at.cFinding];
  if (!r || !f || f.code !== d.code) return undefined;
  const line = doc.lines.position(f.start).line + 1;
  const header = [
    `// ${f.code} in ${f.function}() of ${path.basename(doc.path)}:${line}, as the checker ran it (${path.basename(r.dmabuf)}).`,
    ...(f.path.length ? [`// Path: ${f.path.join(', ')}.`] : []),
  ];
  const text = [...header, ...(r.prelude ? ['', r.prelude] : []), '', f.scenario, ''].join('\n');
  return { title: `${f.function}: ${f.code}`, text };
}

export function showAsScenario(doc: CDoc, d: Diagnostic): CodeAction[] {
  const args = cScenarioOf(doc, d);
  if (!args) return [];
  return [{ title: 'Show as scenario', kind: CodeActionKind.QuickFix, diagnostics: [d], command: { title: 'Show as scenario', command: Commands.showCScenario, arguments: [args] } }];
}
