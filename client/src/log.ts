// One log for the whole extension, with levels the user sets from the Output view ("Set Log
// Level"). The language client writes the server's window/logMessage lines to the same channel.
import * as vscode from 'vscode';

export type Log = vscode.LogOutputChannel;

export function createLog(): Log {
  return vscode.window.createOutputChannel('DMA-BUF Lab', { log: true });
}

/** Logs the error and tells the user, with a way to the log; never throws. */
export function surface(log: Log, what: string, err: unknown): void {
  const text = err instanceof Error ? err.message : String(err);
  log.error(`${what}: ${text}`);
  if (err instanceof Error && err.stack) log.debug(err.stack);
  void vscode.window.showErrorMessage(`DMA-BUF Lab: ${what}: ${text}`, 'Show Log').then((pick) => {
    if (pick) log.show(true);
  });
}
