// Entry point: wires the feature modules to one language-server lifecycle. Nothing else here.
import type * as vscode from 'vscode';
import * as commands from './commands';
import * as diagnosticActions from './diagnosticActions';
import type { Ctx } from './ctx';
import { ServerLifecycle } from './lifecycle';
import { createLog, surface } from './log';
import * as status from './status';
import { ScenarioTests } from './testing';
import { TracePanel } from './traceView';

let server: ServerLifecycle | undefined;

/** What the integration tests reach through `extension.exports`. */
export interface DmabufApi {
  readonly tracePanel: TracePanel;
  readonly tests: ScenarioTests;
  readonly server: ServerLifecycle;
}

export async function activate(context: vscode.ExtensionContext): Promise<DmabufApi> {
  const log = createLog();
  server = new ServerLifecycle(context, log);
  const ctx: Ctx = { context, log, server };
  const tracePanel = new TracePanel(ctx);
  const tests = new ScenarioTests(ctx);
  context.subscriptions.push(log, server, tracePanel, tests);
  status.activate(ctx);
  commands.activate(ctx, tracePanel);
  diagnosticActions.activate(ctx);
  log.info(`DMA-BUF Lab ${String(context.extension.packageJSON.version)} activating`);
  try {
    await server.start();
  } catch (err) {
    // Activation still succeeds: commands stay available (restart included) and say what failed.
    surface(log, 'the language server did not start', err);
  }
  return { tracePanel, tests, server };
}

export async function deactivate(): Promise<void> {
  await server?.stop();
}
