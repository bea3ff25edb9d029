// "Show C Path as Scenario" (dmabuf.checkC): opens the scenario a C path became as a new .dmabuf
// document, where it runs, traces and hovers like any other. From a diagnostic's code action the
// server passes the text; from the palette, the code action of the finding under the cursor is
// asked for, so the text always comes from the server's last answer.
import * as vscode from 'vscode';
import { Commands, type CScenarioArgs } from './protocol';

export function isScenarioArgs(x: unknown): x is CScenarioArgs {
  const a = x as Partial<CScenarioArgs> | undefined;
  return typeof a?.text === 'string' && typeof a.title === 'string';
}

/** The arguments of the "Show as scenario" action at the cursor's finding, if there is one. */
async function argsAtCursor(): Promise<CScenarioArgs | undefined> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return undefined;
  const at = editor.selection.active;
  const diags = vscode.languages.getDiagnostics(editor.document.uri).filter((d) => d.source === 'dmabuf' && d.range.contains(at));
  for (const d of diags) {
    const actions = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>('vscode.executeCodeActionProvider', editor.document.uri, d.range);
    for (const a of actions ?? []) {
      const cmd = 'command' in a && typeof a.command === 'object' ? a.command : (a as vscode.Command);
      if (cmd?.command === Commands.showCScenario && isScenarioArgs(cmd.arguments?.[0])) return cmd.arguments[0];
    }
  }
  return undefined;
}

export async function showCScenario(arg: unknown): Promise<vscode.TextDocument | undefined> {
  const args = isScenarioArgs(arg) ? arg : await argsAtCursor();
  if (!args) {
    void vscode.window.showInformationMessage('DMA-BUF Lab: put the cursor on a finding of a checked C file (dmabuf.checkC) to open the scenario its path became.');
    return undefined;
  }
  const doc = await vscode.workspace.openTextDocument({ language: 'dmabuf', content: args.text });
  await vscode.window.showTextDocument(doc, { preview: false, viewColumn: vscode.ViewColumn.Beside });
  return doc;
}
