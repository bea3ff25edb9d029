// Which scenario a command is about: the arguments of a CodeLens or another extension
// ([uri, scenario]), else the scenario under the cursor, else the only one, else a pick.
import * as vscode from 'vscode';
import type { Ctx } from './ctx';
import { type ScenarioInfo, ScenariosRequest } from './protocol';

export interface ScenarioTarget {
  readonly uri: vscode.Uri;
  readonly scenario: string;
}

function uriOf(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg === 'string' && arg.length > 0) return vscode.Uri.parse(arg, true);
  return undefined;
}

/** The document a command applies to: its argument (editor title menus pass a Uri), else the active .dmabuf editor. */
export function documentUri(arg: unknown): vscode.Uri | undefined {
  const given = uriOf(arg);
  if (given) return given;
  const doc = vscode.window.activeTextEditor?.document;
  return doc?.languageId === 'dmabuf' ? doc.uri : undefined;
}

export async function scenariosOf(ctx: Ctx, uri: vscode.Uri): Promise<ScenarioInfo[]> {
  // Opening the document makes the client send didOpen, so the server knows its text.
  await vscode.workspace.openTextDocument(uri);
  return ctx.server.request(ScenariosRequest, { uri: uri.toString() });
}

export async function resolveTarget(ctx: Ctx, args: readonly unknown[], verb: string): Promise<ScenarioTarget | undefined> {
  const uri = documentUri(args[0]);
  if (!uri) {
    void vscode.window.showWarningMessage(`DMA-BUF Lab: open a .dmabuf file to ${verb} one of its scenarios.`);
    return undefined;
  }
  if (typeof args[1] === 'string' && args[1].length > 0) return { uri, scenario: args[1] };
  const scenarios = await scenariosOf(ctx, uri);
  if (scenarios.length === 0) {
    void vscode.window.showWarningMessage(`DMA-BUF Lab: ${vscode.workspace.asRelativePath(uri)} has no scenario to ${verb}.`);
    return undefined;
  }
  const editor = vscode.window.activeTextEditor;
  if (editor && editor.document.uri.toString() === uri.toString()) {
    const line = editor.selection.active.line;
    const here = scenarios.find((s) => s.range.start.line <= line && line <= s.range.end.line);
    if (here) return { uri, scenario: here.name };
  }
  if (scenarios.length === 1) return { uri, scenario: scenarios[0].name };
  const pick = await vscode.window.showQuickPick(
    scenarios.map((s) => ({ label: s.name, description: `on ${s.platform}`, detail: s.status === 'unknown' ? undefined : `${s.status}: ${s.errors} errors, ${s.warnings} warnings` })),
    { placeHolder: `Scenario to ${verb}` },
  );
  return pick ? { uri, scenario: pick.label } : undefined;
}
