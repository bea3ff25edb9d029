// From a finding to its context: each dmabuf diagnostic offers "Show the trace at step N" (its
// `data` names the scenario and step) and "Open the documentation of CODE".
import * as vscode from 'vscode';
import type { Ctx } from './ctx';
import { Commands, type DiagnosticData } from './protocol';
import { RULE_CODE } from './webview/messages';

function dataOf(d: vscode.Diagnostic): DiagnosticData | undefined {
  // vscode-languageclient keeps the LSP diagnostic's `data` on the object it hands to VS Code.
  const data = (d as vscode.Diagnostic & { data?: unknown }).data;
  if (typeof data !== 'object' || data === null) return undefined;
  const { scenario, traceStep } = data as Record<string, unknown>;
  return {
    scenario: typeof scenario === 'string' ? scenario : undefined,
    traceStep: typeof traceStep === 'number' && Number.isInteger(traceStep) ? traceStep : undefined,
  };
}

export function codeOf(d: vscode.Diagnostic): string | undefined {
  const c = typeof d.code === 'object' && d.code !== null ? d.code.value : d.code;
  return c === undefined ? undefined : String(c);
}

export function actionsFor(uri: vscode.Uri, diagnostics: readonly vscode.Diagnostic[]): vscode.CodeAction[] {
  const actions: vscode.CodeAction[] = [];
  const seenDocs = new Set<string>();
  for (const d of diagnostics) {
    if (d.source !== 'dmabuf') continue;
    const code = codeOf(d);
    const data = dataOf(d);
    if (data?.scenario) {
      const where = data.traceStep !== undefined ? ` at step ${data.traceStep}` : '';
      const a = new vscode.CodeAction(`Show the trace of ${data.scenario}${where}`, vscode.CodeActionKind.QuickFix);
      a.command = { title: a.title, command: Commands.showTrace, arguments: [uri.toString(), data.scenario, data.traceStep] };
      a.diagnostics = [d];
      actions.push(a);
    }
    if (code && RULE_CODE.test(code) && !seenDocs.has(code)) {
      seenDocs.add(code);
      const a = new vscode.CodeAction(`Open the documentation of ${code}`, vscode.CodeActionKind.QuickFix);
      a.command = { title: a.title, command: Commands.openRuleDocs, arguments: [code] };
      a.diagnostics = [d];
      actions.push(a);
    }
  }
  return actions;
}

export function activate(ctx: Ctx): void {
  ctx.context.subscriptions.push(
    vscode.languages.registerCodeActionsProvider(
      { language: 'dmabuf' },
      { provideCodeActions: (doc, _range, context) => actionsFor(doc.uri, context.diagnostics) },
      { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] },
    ),
  );
}
