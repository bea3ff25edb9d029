// "Show as kernel C": the scenario as the sequence of kernel calls it stands for, in an untitled
// C document beside the scenario, so a driver author can compare it with their own code.
import * as vscode from 'vscode';
import type { Ctx } from './ctx';
import { KernelCRequest } from './protocol';
import type { ScenarioTarget } from './target';

export async function showKernelC(ctx: Ctx, target: ScenarioTarget): Promise<vscode.TextDocument | undefined> {
  await vscode.workspace.openTextDocument(target.uri);
  const result = await ctx.server.request(KernelCRequest, { uri: target.uri.toString(), scenario: target.scenario });
  if (!result) {
    void vscode.window.showWarningMessage(`DMA-BUF Lab: no scenario named ${target.scenario} in ${vscode.workspace.asRelativePath(target.uri)}.`);
    return undefined;
  }
  const doc = await vscode.workspace.openTextDocument({ language: 'c', content: result.text });
  await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true });
  return doc;
}
