// Hosts the trace panel: one webview (strict CSP, nonce, only our bundle and stylesheet), fed
// with a scenario's trace from the server, refreshed when the server has re-checked the document,
// revealing a step's statement when the user picks it, and restored after a reload from the
// state the page keeps with setState.
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Ctx } from './ctx';
import { surface } from './log';
import { Commands, RunScenarioRequest, type TraceResult, TraceRequest } from './protocol';
import type { ScenarioTarget } from './target';
import { tracePageHtml } from './webview/page';
import { type HostToWebview, type TraceOrigin, type WebviewToHost, isPersistedState, isWebviewToHost } from './webview/messages';

export const TRACE_VIEW_TYPE = 'dmabuf.trace';

interface Shown {
  readonly target: ScenarioTarget;
  trace?: TraceResult;
  origin: TraceOrigin;
  /** Under a version matrix: the profile the user picked (default: the server's choice). */
  kernel?: string;
}

export class TracePanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private shown: Shown | undefined;
  private generation = 0;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly loadedEmitter = new vscode.EventEmitter<TraceResult>();
  /** Fired after a trace was sent to the page (tests wait on it). */
  readonly onDidLoad = this.loadedEmitter.event;

  constructor(private readonly ctx: Ctx) {
    this.disposables.push(
      this.loadedEmitter,
      vscode.window.registerWebviewPanelSerializer(TRACE_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel, state: unknown) => {
          if (!isPersistedState(state)) {
            panel.dispose();
            return;
          }
          this.adopt(panel);
          this.shown = { target: { uri: vscode.Uri.parse(state.uri, true), scenario: state.scenario }, origin: 'trace' };
          panel.title = `Trace: ${state.scenario}`;
          await this.refresh();
        },
      }),
      ctx.server.onStatus((s) => {
        if (!this.panel || !this.shown || s.uri !== this.shown.target.uri.toString()) return;
        if (s.state === 'checking') this.post({ type: 'notice', level: 'info', text: 'The document changed: checking it again…' });
        else if (s.version > (this.shown.trace?.version ?? -1)) void this.refresh();
      }),
    );
  }

  /** The trace currently on screen (tests and the status bar read it). */
  get current(): { readonly target: ScenarioTarget; readonly trace?: TraceResult } | undefined {
    return this.shown;
  }

  get visible(): boolean {
    return this.panel?.visible ?? false;
  }

  /** Shows a scenario's trace: the given result (after a run), else the server's last analysis. */
  async show(target: ScenarioTarget, result?: TraceResult, step?: number): Promise<void> {
    const panel = this.ensurePanel();
    panel.title = `Trace: ${target.scenario}`;
    panel.reveal(undefined, true);
    this.shown = { target, origin: result ? 'run' : 'trace', trace: result };
    if (result) this.sendTrace();
    else await this.refresh();
    if (step !== undefined) this.post({ type: 'select', step });
  }

  /** Asks the server for the current trace of the shown scenario. */
  async refresh(): Promise<void> {
    const shown = this.shown;
    if (!shown) return;
    const generation = ++this.generation;
    try {
      const trace = await this.ctx.server.request(TraceRequest, { uri: shown.target.uri.toString(), scenario: shown.target.scenario, ...(shown.kernel ? { kernel: shown.kernel } : {}) });
      if (generation !== this.generation || shown !== this.shown) return; // a newer request is in flight
      if (!trace) {
        this.post({ type: 'notice', level: 'warning', text: `No trace for ${shown.target.scenario} yet: it is not in the document, or not simulated yet.` });
        return;
      }
      shown.trace = trace;
      shown.origin = 'trace';
      this.sendTrace();
    } catch (err) {
      this.post({ type: 'notice', level: 'error', text: `Could not get the trace: ${err instanceof Error ? err.message : String(err)}` });
      this.ctx.log.error(`dmabuf/trace for ${shown.target.scenario}: ${String(err)}`);
    }
  }

  private sendTrace(): void {
    const shown = this.shown;
    if (!shown?.trace) return;
    this.post({ type: 'load', origin: shown.origin, trace: shown.trace });
    this.loadedEmitter.fire(shown.trace);
  }

  private post(msg: HostToWebview): void {
    void this.panel?.webview.postMessage(msg);
  }

  private ensurePanel(): vscode.WebviewPanel {
    if (this.panel) return this.panel;
    const panel = vscode.window.createWebviewPanel(
      TRACE_VIEW_TYPE,
      'Trace',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      { enableScripts: true, localResourceRoots: this.resourceRoots() },
    );
    this.adopt(panel);
    return panel;
  }

  private resourceRoots(): vscode.Uri[] {
    const ext = this.ctx.context.extensionUri;
    return [vscode.Uri.joinPath(ext, 'dist'), vscode.Uri.joinPath(ext, 'media')];
  }

  private adopt(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    panel.webview.options = { enableScripts: true, localResourceRoots: this.resourceRoots() };
    panel.iconPath = vscode.Uri.joinPath(this.ctx.context.extensionUri, 'media', 'trace.svg');
    panel.webview.html = this.html(panel.webview);
    const subs = [
      panel.webview.onDidReceiveMessage((raw: unknown) => {
        if (!isWebviewToHost(raw)) {
          this.ctx.log.warn(`trace view: ignored a malformed message ${JSON.stringify(raw)?.slice(0, 200)}`);
          return;
        }
        void this.onMessage(raw);
      }),
      panel.onDidDispose(() => {
        if (this.panel === panel) {
          this.panel = undefined;
          this.shown = undefined;
        }
        for (const d of subs) d.dispose();
      }),
    ];
  }

  private async onMessage(msg: WebviewToHost): Promise<void> {
    const shown = this.shown;
    switch (msg.type) {
      case 'ready':
        // The page (re)loaded: after being hidden, or restored. Give it what it shows.
        if (shown?.trace) this.sendTrace();
        return;
      case 'reveal':
        if (shown?.trace) await this.reveal(shown.trace, msg.step);
        return;
      case 'revealRelated': {
        const r = shown?.trace?.findings[msg.finding]?.relatedInformation?.[msg.related];
        if (r) await this.revealRange(vscode.Uri.parse(r.location.uri, true), r.location.range, `related location of finding ${msg.finding + 1}`);
        return;
      }
      case 'openRuleDocs':
        await vscode.commands.executeCommand(Commands.openRuleDocs, msg.code);
        return;
      case 'run':
        if (shown) await vscode.commands.executeCommand(Commands.runScenario, shown.target.uri.toString(), shown.target.scenario);
        return;
      case 'profile':
        if (shown) {
          shown.kernel = msg.kernel;
          await this.refresh();
        }
        return;
    }
  }

  /** Selects the step's statement in an editor, keeping the focus in the panel. */
  private async reveal(trace: TraceResult, index: number): Promise<void> {
    const step = trace.steps.find((s) => s.index === index);
    if (!step) return; // the page asked for a step this trace does not have: ignore it
    // Steps carry absolute paths (a step may sit in an imported file); an unsaved document has none.
    const uri = path.isAbsolute(step.location.file) ? vscode.Uri.file(step.location.file) : vscode.Uri.parse(trace.uri, true);
    await this.revealRange(uri, step.location.range, `step ${index}`);
  }

  private async revealRange(uri: vscode.Uri, r: TraceResult['steps'][number]['location']['range'], what: string): Promise<void> {
    try {
      const range = new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
      const open = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString());
      const editor = await vscode.window.showTextDocument(uri, {
        viewColumn: open?.viewColumn ?? vscode.ViewColumn.One,
        selection: new vscode.Selection(range.start, range.end),
        preserveFocus: true,
      });
      editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    } catch (err) {
      surface(this.ctx.log, `could not reveal the ${what}`, err);
    }
  }

  private html(webview: vscode.Webview): string {
    const ext = this.ctx.context.extensionUri;
    return tracePageHtml({
      cspSource: webview.cspSource,
      nonce: randomBytes(16).toString('base64'),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(ext, 'dist', 'webview.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(ext, 'media', 'trace.css')).toString(),
    });
  }

  dispose(): void {
    this.panel?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

/** Opens a trace for a scenario target, surfacing failures. */
export async function showTrace(ctx: Ctx, panel: TracePanel, target: ScenarioTarget, step?: number): Promise<void> {
  try {
    await vscode.workspace.openTextDocument(target.uri);
    await panel.show(target, undefined, step);
  } catch (err) {
    surface(ctx.log, `could not show the trace of ${target.scenario}`, err);
  }
}

/** Runs a scenario with the full budget and shows the result in the panel. */
export async function runAndShow(ctx: Ctx, panel: TracePanel, target: ScenarioTarget): Promise<TraceResult | null> {
  await vscode.workspace.openTextDocument(target.uri);
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: `DMA-BUF: running ${target.scenario}` },
    () => ctx.server.request(RunScenarioRequest, { uri: target.uri.toString(), scenario: target.scenario }),
  );
  if (result) await panel.show(target, result);
  return result;
}
