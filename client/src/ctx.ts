// What every feature module's `activate` receives.
import type * as vscode from 'vscode';
import type { ServerLifecycle } from './lifecycle';
import type { Log } from './log';

export interface Ctx {
  readonly context: vscode.ExtensionContext;
  readonly log: Log;
  readonly server: ServerLifecycle;
}
