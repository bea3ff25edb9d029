// The commands of the protocol brief (CodeLens, palette, editor title): run a scenario, show its
// trace or its kernel C, restart the server, open a rule's documentation, open a C path as a scenario.
import * as vscode from 'vscode';
import type { Ctx } from './ctx';
import { showKernelC } from './kernelC';
import { showCScenario } from './cScenario';
import { surface } from './log';
import { Commands, type TraceResult } from './protocol';
import { openRuleDocs } from './ruleDocs';
import { resolveTarget } from './target';
import { type TracePanel, runAndShow, showTrace } from './traceView';

export function runSummary(scenario: string, r: TraceResult): string {
  const errors = r.findings.filter((f) => (f.severity ?? 1) === 1).length;
  const warnings = r.findings.filter((f) => f.severity === 2).length;
  const e = r.exploration;
  const verdict = errors ? 'fails' : 'passes';
  return (
    `Scenario ${scenario} ${verdict}: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'} ` +
    `(${e.schedules} schedule${e.schedules === 1 ? '' : 's'}, ${e.states} states, ${Math.round(e.millis)} ms${e.cutShort ? ', cut short by the budget' : ''}).`
  );
}

export function activate(ctx: Ctx, panel: TracePanel): void {
  const register = (id: string, fn: (...args: unknown[]) => unknown) =>
    ctx.context.subscriptions.push(vscode.commands.registerCommand(id, fn));

  register(Commands.runScenario, async (...args) => {
    try {
      const target = await resolveTarget(ctx, args, 'run');
      if (!target) return undefined;
      const result = await runAndShow(ctx, panel, target);
      if (!result) {
        void vscode.window.showWarningMessage(`DMA-BUF Lab: no scenario named ${target.scenario} in this document.`);
        return null;
      }
      const summary = runSummary(target.scenario, result);
      ctx.log.info(summary);
      const failed = result.findings.some((f) => (f.severity ?? 1) === 1);
      const show = failed ? vscode.window.showErrorMessage : vscode.window.showInformationMessage;
      void show(summary, ...(failed ? ['Show Problems'] : [])).then((pick) => {
        if (pick) void vscode.commands.executeCommand('workbench.actions.view.problems');
      });
      return result;
    } catch (err) {
      surface(ctx.log, 'could not run the scenario', err);
      return undefined;
    }
  });

  register(Commands.showTrace, async (...args) => {
    try {
      const target = await resolveTarget(ctx, args, 'trace');
      if (!target) return;
      await showTrace(ctx, panel, target, typeof args[2] === 'number' ? args[2] : undefined);
    } catch (err) {
      surface(ctx.log, 'could not show the trace', err);
    }
  });

  register(Commands.showKernelC, async (...args) => {
    try {
      const target = await resolveTarget(ctx, args, 'show as kernel C');
      return target ? await showKernelC(ctx, target) : undefined;
    } catch (err) {
      surface(ctx.log, 'could not show the kernel C', err);
      return undefined;
    }
  });

  register(Commands.showCScenario, async (arg) => {
    try {
      return await showCScenario(arg);
    } catch (err) {
      surface(ctx.log, 'could not show the path as a scenario', err);
      return undefined;
    }
  });

  register(Commands.restartServer, async () => {
    try {
      await ctx.server.restart();
      void vscode.window.setStatusBarMessage('DMA-BUF Lab: language server restarted', 3000);
    } catch (err) {
      surface(ctx.log, 'could not restart the language server', err);
    }
  });

  // The walkthrough's first step: an untitled copy of the sample, so the user can edit it freely.
  register('dmabuf.openWalkthroughSample', async () => {
    try {
      const sample = vscode.Uri.joinPath(ctx.context.extensionUri, 'walkthrough', 'sample.dmabuf');
      const content = new TextDecoder().decode(await vscode.workspace.fs.readFile(sample));
      const doc = await vscode.workspace.openTextDocument({ language: 'dmabuf', content });
      await vscode.window.showTextDocument(doc);
    } catch (err) {
      surface(ctx.log, 'could not open the sample', err);
    }
  });

  register(Commands.openRuleDocs, async (code) => {
    try {
      await openRuleDocs(ctx, code);
    } catch (err) {
      surface(ctx.log, 'could not open the rule documentation', err);
    }
  });
}
