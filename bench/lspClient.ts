// A minimal LSP client for the bench: spawns the real `dist/server.js --stdio`, speaks JSON-RPC
// through vscode-languageserver-protocol, and timestamps every notification on arrival so the
// bench can measure from a `didChange` to the diagnostics / status for that version.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createProtocolConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver-protocol/node';
import type { ProtocolConnection, PublishDiagnosticsParams } from 'vscode-languageserver-protocol/node';
import { SERVER_ENV, SERVER_NODE_FLAGS } from '../server/src/lsp/launch';
import type { StatusParams } from '../server/src/lsp/protocol';

export const REPO = path.resolve(__dirname, '..');
export const SERVER = path.join(REPO, 'dist', 'server.js');

export interface Stamped<T> {
  readonly at: number;
  readonly params: T;
}

type Waiter = { readonly probe: () => boolean; readonly resolve: () => void };

export class BenchClient {
  readonly diagnostics: Stamped<PublishDiagnosticsParams>[] = [];
  readonly status: Stamped<StatusParams>[] = [];
  private waiters: Waiter[] = [];
  stderr = '';

  private constructor(
    readonly child: ChildProcess,
    readonly connection: ProtocolConnection,
    readonly workspace: string,
  ) {}

  static async start(settings: Record<string, unknown> = {}): Promise<BenchClient> {
    if (!fs.existsSync(SERVER)) throw new Error(`${SERVER} is missing: the bench runner builds it first`);
    const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'dmabuf-bench-'));
    // BENCH_SERVER_NODE_ARGS: extra node flags for the server (e.g. --cpu-prof when profiling it).
    const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
    // Started as VS Code's client starts it (SERVER_NODE_FLAGS, SERVER_ENV), plus any flags of the caller.
    const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, ...nodeArgs, SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...SERVER_ENV } });
    const c = new BenchClient(child, createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!)), workspace);
    child.stderr!.on('data', (b: Buffer) => void (c.stderr += b.toString()));
    const conn = c.connection;
    conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => c.note(c.diagnostics, p));
    conn.onNotification('dmabuf/status', (p: StatusParams) => c.note(c.status, p));
    conn.onNotification('window/logMessage', () => undefined);
    conn.onNotification('$/progress', () => undefined);
    conn.onRequest('workspace/configuration', (p: { items: { section?: string }[] }) => p.items.map((i) => (i.section === 'dmabuf' ? settings : null)));
    conn.onRequest('window/workDoneProgress/create', () => null);
    conn.onRequest('client/registerCapability', () => null);
    conn.onRequest('workspace/semanticTokens/refresh', () => null);
    conn.onRequest('workspace/codeLens/refresh', () => null);
    conn.listen();
    await conn.sendRequest('initialize', {
      processId: process.pid,
      rootUri: pathToFileURL(workspace).href,
      workspaceFolders: [{ uri: pathToFileURL(workspace).href, name: 'bench' }],
      capabilities: {
        workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true } },
        window: { workDoneProgress: true },
        textDocument: { publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true, dataSupport: true } },
      },
    });
    await conn.sendNotification('initialized', {});
    return c;
  }

  private note<T>(log: Stamped<T>[], params: T): void {
    log.push({ at: performance.now(), params });
    this.waiters = this.waiters.filter((w) => {
      if (!w.probe()) return true;
      w.resolve();
      return false;
    });
  }

  /** Resolves when `probe` holds (checked now and on every notification). */
  until(what: string, probe: () => boolean, timeoutMs = 600_000): Promise<void> {
    if (probe()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`bench: timed out after ${timeoutMs} ms waiting for ${what}\n${this.stderr}`)), timeoutMs);
      this.waiters.push({ probe, resolve: () => (clearTimeout(t), resolve()) });
    });
  }

  uri(name: string): string {
    return pathToFileURL(path.join(this.workspace, name)).href;
  }

  async open(name: string, text: string, version = 1): Promise<string> {
    const uri = this.uri(name);
    fs.writeFileSync(path.join(this.workspace, name), text);
    await this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'dmabuf', version, text } });
    return uri;
  }

  async change(uri: string, version: number, change: { range?: unknown; text: string }): Promise<void> {
    await this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [change] });
  }

  /** First diagnostics published for `uri` at `version` (the front end's). */
  firstDiagnostics(uri: string, version: number): Stamped<PublishDiagnosticsParams> | undefined {
    return this.diagnostics.find((d) => d.params.uri === uri && d.params.version === version);
  }

  /** The status that ended the analysis of `version` (engine findings published just before it). */
  settled(uri: string, version: number): Stamped<StatusParams> | undefined {
    return this.status.find((s) => s.params.uri === uri && s.params.version === version && s.params.state !== 'checking');
  }

  checking(uri: string): boolean {
    const last = [...this.status].reverse().find((s) => s.params.uri === uri);
    return last?.params.state === 'checking';
  }

  /** Resident memory of the server process (main thread and engine worker), in MB. */
  rssMB(): number | undefined {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${this.child.pid}/status`, 'utf8'));
      return m ? Number(m[1]) / 1024 : undefined;
    } catch {
      return undefined;
    }
  }

  async stop(): Promise<void> {
    try {
      await Promise.race([this.connection.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 3000).unref())]);
      await this.connection.sendNotification('exit');
    } catch {
      // already gone
    }
    await new Promise<void>((resolve) => {
      if (this.child.exitCode !== null) return resolve();
      const t = setTimeout(() => {
        this.child.kill('SIGKILL');
        resolve();
      }, 3000);
      this.child.on('exit', () => (clearTimeout(t), resolve()));
    });
    this.connection.dispose();
    fs.rmSync(this.workspace, { recursive: true, force: true });
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
