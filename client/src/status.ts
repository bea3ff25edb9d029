// The status-bar item: the active .dmabuf document's analysis state as the server reports it
// (`dmabuf/status`), clicking through to the Problems view, the trace or the log.
import * as vscode from 'vscode';
import type { Ctx } from './ctx';
import { Commands, type StatusParams } from './protocol';
import { presentStatus } from './statusModel';

const CLICK = 'dmabuf.statusClick';

export function activate(ctx: Ctx): void {
  const latest = new Map<string, StatusParams>();
  const item = vscode.window.createStatusBarItem('dmabuf.status', vscode.StatusBarAlignment.Left, 10);
  item.name = 'DMA-BUF Lab';
  item.command = CLICK;

  // With the trace panel (or any non-text editor) focused there is no active text editor: keep
  // showing the last .dmabuf document rather than hiding the item.
  let lastDmabuf: string | undefined;
  const activeUri = (): string | undefined => {
    const editor = vscode.window.activeTextEditor;
    if (!editor) return lastDmabuf;
    lastDmabuf = editor.document.languageId === 'dmabuf' ? editor.document.uri.toString() : undefined;
    return lastDmabuf;
  };

  const render = () => {
    const uri = activeUri();
    if (!uri) {
      item.hide();
      return;
    }
    const p = presentStatus(latest.get(uri));
    item.text = p.text;
    item.tooltip = p.tooltip;
    item.backgroundColor =
      p.tone === 'error' ? new vscode.ThemeColor('statusBarItem.errorBackground') : p.tone === 'warning' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    item.show();
  };

  ctx.context.subscriptions.push(
    item,
    ctx.server.onStatus((s) => {
      const known = latest.get(s.uri);
      // Results of an older version arriving late must not hide the newer state.
      if (known && s.version < known.version) return;
      latest.set(s.uri, s);
      if (s.state === 'error') ctx.log.warn(`analysis of ${s.uri} failed: ${s.message ?? 'no message'}`);
      if (s.uri === activeUri()) render();
    }),
    ctx.server.onDidStop(() => {
      latest.clear();
      render();
    }),
    vscode.window.onDidChangeActiveTextEditor(render),
    vscode.workspace.onDidCloseTextDocument((d) => {
      latest.delete(d.uri.toString());
      if (d.uri.toString() === lastDmabuf) lastDmabuf = undefined;
      render();
    }),
    vscode.commands.registerCommand(CLICK, async () => {
      const uri = activeUri();
      const click = presentStatus(uri ? latest.get(uri) : undefined).click;
      if (click === 'problems') await vscode.commands.executeCommand('workbench.actions.view.problems');
      else if (click === 'trace' && uri) await vscode.commands.executeCommand(Commands.showTrace, uri);
      else ctx.log.show(true);
    }),
  );
  render();
}
