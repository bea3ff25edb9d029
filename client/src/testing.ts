// The Testing API: each .dmabuf file is a test item whose children are its scenarios (from
// `dmabuf/scenarios`). Running one simulates it with the full budget (`dmabuf/runScenario`):
// it fails when the run has error findings, each shown as a message at its location.
import * as vscode from 'vscode';
import type { Ctx } from './ctx';
import { RunScenarioRequest, type TraceFinding, type TraceResult } from './protocol';
import { scenariosOf } from './target';
import { messageText } from './webview/messages';

const SCENARIO_SEP = '#';

function toRange(r: { start: { line: number; character: number }; end: { line: number; character: number } }): vscode.Range {
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

export function failureMessages(uri: vscode.Uri, result: TraceResult): vscode.TestMessage[] {
  return result.findings
    .filter((f: TraceFinding) => (f.severity ?? 1) === 1)
    .map((f) => {
      const code = f.code === undefined ? '' : `${String(f.code)}: `;
      const m = new vscode.TestMessage(`${code}${messageText(f.message)}${f.traceStep !== undefined ? ` (trace step ${f.traceStep})` : ''}`);
      m.location = new vscode.Location(uri, toRange(f.range));
      return m;
    });
}

export class ScenarioTests implements vscode.Disposable {
  readonly controller = vscode.tests.createTestController('dmabuf', 'DMA-BUF scenarios');
  /** The last outcome per scenario item id: the Testing API cannot be read back, tests read this. */
  readonly outcomes = new Map<string, 'passed' | 'failed' | 'skipped' | 'errored'>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly ctx: Ctx) {
    this.controller.resolveHandler = async (item) => {
      if (!item) await this.discoverWorkspace();
      else await this.loadScenarios(item);
    };
    this.controller.refreshHandler = async () => {
      await this.discoverWorkspace();
    };
    this.controller.createRunProfile('Run', vscode.TestRunProfileKind.Run, (req, token) => this.run(req, token), true);
    const watcher = vscode.workspace.createFileSystemWatcher('**/*.dmabuf');
    this.disposables.push(
      this.controller,
      watcher,
      watcher.onDidCreate((uri) => this.fileItem(uri)),
      watcher.onDidDelete((uri) => this.controller.items.delete(uri.toString())),
      vscode.workspace.onDidOpenTextDocument((d) => {
        if (d.languageId === 'dmabuf' && d.uri.scheme === 'file') this.fileItem(d.uri);
      }),
      // After each analysis the scenario list (names, ranges) may have changed.
      ctx.server.onStatus((s) => {
        if (s.state === 'checking') return;
        const item = this.controller.items.get(s.uri);
        if (item) void this.loadScenarios(item);
      }),
    );
    for (const d of vscode.workspace.textDocuments) if (d.languageId === 'dmabuf' && d.uri.scheme === 'file') this.fileItem(d.uri);
  }

  private fileItem(uri: vscode.Uri): vscode.TestItem {
    const id = uri.toString();
    const existing = this.controller.items.get(id);
    if (existing) return existing;
    const item = this.controller.createTestItem(id, vscode.workspace.asRelativePath(uri), uri);
    item.canResolveChildren = true;
    this.controller.items.add(item);
    return item;
  }

  private async discoverWorkspace(): Promise<void> {
    const files = await vscode.workspace.findFiles('**/*.dmabuf', '**/{node_modules,.git,.e2e}/**');
    for (const f of files) this.fileItem(f);
  }

  private async loadScenarios(file: vscode.TestItem): Promise<void> {
    if (!file.uri) return;
    const uri = file.uri;
    file.busy = true;
    try {
      const scenarios = await scenariosOf(this.ctx, uri);
      file.error = undefined;
      file.children.replace(
        scenarios.map((s) => {
          const child = this.controller.createTestItem(`${uri.toString()}${SCENARIO_SEP}${s.name}`, s.name, uri);
          child.range = toRange(s.selectionRange ?? s.range);
          child.description = `on ${s.platform}`;
          return child;
        }),
      );
    } catch (err) {
      file.error = `Could not list scenarios: ${err instanceof Error ? err.message : String(err)}`;
      this.ctx.log.error(`dmabuf/scenarios ${uri.toString()}: ${String(err)}`);
    } finally {
      file.busy = false;
    }
  }

  /** The scenario items a request covers: a file item stands for all its scenarios. */
  private async scenarioItems(req: vscode.TestRunRequest): Promise<vscode.TestItem[]> {
    const roots: vscode.TestItem[] = [];
    if (req.include) roots.push(...req.include);
    else {
      await this.discoverWorkspace();
      this.controller.items.forEach((i) => roots.push(i));
    }
    const excluded = new Set((req.exclude ?? []).map((i) => i.id));
    const out: vscode.TestItem[] = [];
    for (const item of roots) {
      if (excluded.has(item.id)) continue;
      if (item.id.includes(SCENARIO_SEP)) {
        out.push(item);
        continue;
      }
      if (item.children.size === 0) await this.loadScenarios(item);
      item.children.forEach((c) => {
        if (!excluded.has(c.id)) out.push(c);
      });
    }
    return out;
  }

  async run(req: vscode.TestRunRequest, token: vscode.CancellationToken): Promise<void> {
    const items = await this.scenarioItems(req);
    const run = this.controller.createTestRun(req, 'DMA-BUF scenarios', true);
    for (const item of items) run.enqueued(item);
    try {
      for (const item of items) {
        if (token.isCancellationRequested) {
          run.skipped(item);
          continue;
        }
        await this.runOne(run, item, token);
      }
    } finally {
      run.end();
    }
  }

  private async runOne(run: vscode.TestRun, item: vscode.TestItem, token: vscode.CancellationToken): Promise<void> {
    if (!item.uri) return;
    const scenario = item.label;
    run.started(item);
    const t0 = Date.now();
    try {
      const result = await this.ctx.server.request(RunScenarioRequest, { uri: item.uri.toString(), scenario }, token);
      if (!result) {
        run.skipped(item);
        this.outcomes.set(item.id, 'skipped');
        run.appendOutput(`${scenario}: not found in the current text\r\n`, undefined, item);
        return;
      }
      const e = result.exploration;
      run.appendOutput(
        `${scenario}: ${result.findings.length} finding${result.findings.length === 1 ? '' : 's'}, ${e.schedules} schedule${e.schedules === 1 ? '' : 's'}, ${e.states} state${e.states === 1 ? '' : 's'}, ${Math.round(e.millis)} ms${e.cutShort ? ', cut short' : ''}\r\n`,
        undefined,
        item,
      );
      const failures = failureMessages(item.uri, result);
      if (failures.length) run.failed(item, failures, Date.now() - t0);
      else run.passed(item, Date.now() - t0);
      this.outcomes.set(item.id, failures.length ? 'failed' : 'passed');
    } catch (err) {
      this.outcomes.set(item.id, 'errored');
      run.errored(item, new vscode.TestMessage(`Could not run ${scenario}: ${err instanceof Error ? err.message : String(err)}`), Date.now() - t0);
    }
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
