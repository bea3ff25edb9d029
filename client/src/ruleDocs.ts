// Rule documentation: the build writes one Markdown page per rule next to the server bundle
// (dist/docs/rules/<ID>.md, the same file the diagnostics' codeDescription links to); this opens
// it in VS Code's Markdown preview.
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { Ctx } from './ctx';
import { RULE_CODE } from './webview/messages';

function docsDir(ctx: Ctx): vscode.Uri {
  return vscode.Uri.joinPath(ctx.context.extensionUri, 'dist', 'docs', 'rules');
}

/** The rule codes that have a page, from the generated folder. */
export function documentedRules(ctx: Ctx): string[] {
  try {
    return fs
      .readdirSync(docsDir(ctx).fsPath)
      .filter((f) => f.endsWith('.md') && f !== 'index.md')
      .map((f) => f.slice(0, -3))
      .sort();
  } catch {
    return [];
  }
}

export async function openRuleDocs(ctx: Ctx, arg: unknown): Promise<void> {
  let code = typeof arg === 'string' ? arg.trim() : undefined;
  if (code !== undefined && !RULE_CODE.test(code)) {
    void vscode.window.showWarningMessage(`DMA-BUF Lab: "${code}" is not a rule code.`);
    return;
  }
  if (!code) {
    const rules = documentedRules(ctx);
    const pick = await vscode.window.showQuickPick(['index', ...rules], { placeHolder: 'Rule to read (index: all rules)' });
    if (!pick) return;
    code = pick;
  }
  const page = vscode.Uri.joinPath(docsDir(ctx), `${code}.md`);
  if (!fs.existsSync(page.fsPath)) {
    ctx.log.warn(`no rule page at ${page.fsPath}`);
    void vscode.window.showWarningMessage(`DMA-BUF Lab: no documentation page for ${code}.`);
    return;
  }
  await vscode.commands.executeCommand('markdown.showPreview', page);
}
