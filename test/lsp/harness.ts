// A language client for protocol tests: spawns `node dist/server.js --stdio` (built by the test
// runner first), speaks JSON-RPC with vscode-languageserver-protocol, records every notification
// and keeps a copy of every byte the server wrote to stdout (for the stdout-purity test).
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver-protocol/node';
import type {
  CompletionItem,
  CompletionList,
  Diagnostic,
  InitializeResult,
  ProtocolConnection,
  PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';
import type { StatusParams } from '../../server/src/lsp/protocol';

export const REPO = path.resolve(__dirname, '..', '..');
export const SERVER = path.join(REPO, 'dist', 'server.js');

export interface StartOptions {
  /** The `dmabuf` settings section answered to workspace/configuration. */
  readonly settings?: Record<string, unknown>;
  /** Workspace folder (default: a fresh temp dir). */
  readonly workspace?: string;
  readonly env?: Record<string, string>;
  /** Extra server arguments (e.g. `--clientProcessId=N`). */
  readonly args?: readonly string[];
  /** Announce window.workDoneProgress support (default true). */
  readonly workDoneProgress?: boolean;
}

export interface Progress {
  readonly token: string | number;
  readonly value: { kind: string; title?: string; message?: string; percentage?: number; cancellable?: boolean };
}

export class LspClient {
  readonly diagnosticsLog: PublishDiagnosticsParams[] = [];
  readonly statusLog: StatusParams[] = [];
  readonly logs: { type: number; message: string }[] = [];
  readonly progress: Progress[] = [];
  readonly progressTokens: (string | number)[] = [];
  readonly stdout: Buffer[] = [];
  stderr = '';
  exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  init!: InitializeResult;
  settings: Record<string, unknown>;

  private constructor(
    readonly child: ChildProcess,
    readonly connection: ProtocolConnection,
    readonly workspace: string,
    settings: Record<string, unknown>,
  ) {
    this.settings = settings;
  }

  static async start(options: StartOptions = {}): Promise<LspClient> {
    if (!fs.existsSync(SERVER)) throw new Error(`${SERVER} is missing: run node scripts/build.mjs first`);
    const workspace = options.workspace ?? fs.mkdtempSync(path.join(os.tmpdir(), 'dmabuf-lsp-'));
    const child = spawn(process.execPath, [SERVER, '--stdio', ...(options.args ?? [])], {
      env: { ...process.env, DMABUF_TEST_HOOKS: '1', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const tee = new PassThrough();
    const client = new LspClient(child, createProtocolConnection(new StreamMessageReader(tee), new StreamMessageWriter(child.stdin!)), workspace, options.settings ?? {});
    child.stdout!.on('data', (b: Buffer) => {
      client.stdout.push(b);
      tee.write(b);
    });
    child.stderr!.on('data', (b: Buffer) => void (client.stderr += b.toString()));
    child.on('exit', (code, signal) => (client.exit = { code, signal }));
    const c = client.connection;
    c.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => void client.diagnosticsLog.push(p));
    c.onNotification('dmabuf/status', (p: StatusParams) => void client.statusLog.push(p));
    c.onNotification('window/logMessage', (p: { type: number; message: string }) => void client.logs.push(p));
    c.onNotification('$/progress', (p: Progress) => void client.progress.push(p));
    c.onRequest('workspace/configuration', (p: { items: { section?: string }[] }) => p.items.map((i) => (i.section === 'dmabuf' ? client.settings : null)));
    c.onRequest('window/workDoneProgress/create', (p: { token: string | number }) => {
      client.progressTokens.push(p.token);
      return null;
    });
    c.onRequest('client/registerCapability', () => null);
    c.onRequest('workspace/semanticTokens/refresh', () => null);
    c.onRequest('workspace/codeLens/refresh', () => null);
    c.listen();
    client.init = await c.sendRequest('initialize', {
      processId: process.pid,
      rootUri: pathToFileURL(workspace).href,
      workspaceFolders: [{ uri: pathToFileURL(workspace).href, name: 'ws' }],
      capabilities: {
        workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true } },
        window: { workDoneProgress: options.workDoneProgress ?? true },
        textDocument: { publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true, dataSupport: true } },
      },
    });
    await c.sendNotification('initialized', {});
    return client;
  }

  uri(name: string): string {
    return pathToFileURL(path.join(this.workspace, name)).href;
  }

  /** Writes the file into the workspace too, so imports and the CLI see the same text. */
  async open(name: string, text: string, version = 1): Promise<string> {
    const uri = this.uri(name);
    fs.mkdirSync(path.dirname(path.join(this.workspace, name)), { recursive: true });
    fs.writeFileSync(path.join(this.workspace, name), text);
    await this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'dmabuf', version, text } });
    return uri;
  }

  async change(uri: string, version: number, text: string): Promise<void> {
    await this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
  }

  async close(uri: string): Promise<void> {
    await this.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.connection.sendRequest(method, params) as Promise<R>;
  }

  /** The last diagnostics published for `uri`. */
  lastDiagnostics(uri: string): PublishDiagnosticsParams | undefined {
    return [...this.diagnosticsLog].reverse().find((d) => d.uri === uri);
  }

  /** Waits until `probe` returns a value (polled every 10 ms). */
  async waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 10_000): Promise<T> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const v = probe();
      if (v !== undefined && v !== false) return v;
      if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\nserver log:\n${this.logs.map((l) => l.message).join('\n')}\nstderr:\n${this.stderr}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Waits for the analysis of `uri` at `version` to finish (a non-`checking` status). */
  async settled(uri: string, version: number, timeoutMs = 15_000): Promise<StatusParams> {
    return this.waitFor(`status of ${uri} v${version}`, () => [...this.statusLog].reverse().find((s) => s.uri === uri && s.version === version && s.state !== 'checking'), timeoutMs);
  }

  /** Diagnostics for `uri` at `version` after its analysis settled. */
  async diagnosticsAfterAnalysis(uri: string, version: number): Promise<Diagnostic[]> {
    await this.settled(uri, version);
    const d = this.lastDiagnostics(uri);
    if (!d || d.version !== version) throw new Error(`last diagnostics of ${uri} are for v${d?.version}, expected v${version}`);
    return d.diagnostics;
  }

  async stop(): Promise<void> {
    if (this.exit) return;
    try {
      await Promise.race([this.connection.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 2000).unref())]);
      await this.connection.sendNotification('exit');
    } catch {
      // already gone
    }
    await new Promise<void>((resolve) => {
      if (this.exit) return resolve();
      const t = setTimeout(() => {
        this.child.kill('SIGKILL');
        resolve();
      }, 3000);
      this.child.on('exit', () => {
        clearTimeout(t);
        resolve();
      });
    });
    this.connection.dispose();
  }
}

/** Position of the `nth` occurrence of `needle` in `text` (0-based line/character), plus `delta` characters. */
export function positionOf(text: string, needle: string, delta = 0, nth = 0): { line: number; character: number } {
  let idx = -1;
  for (let i = 0; i <= nth; i++) {
    idx = text.indexOf(needle, idx + 1);
    if (idx < 0) throw new Error(`"${needle}" (#${nth}) not in text`);
  }
  const before = text.slice(0, idx + delta);
  const line = before.split('\n').length - 1;
  return { line, character: before.length - before.lastIndexOf('\n') - 1 };
}

export function readSample(name: string): string {
  return fs.readFileSync(path.join(REPO, 'samples', name), 'utf8');
}

/** Changes `uri` to `text` without its `@` (at `version`) and returns the labels completion offers at the `@`. */
export async function completionLabels(c: LspClient, uri: string, version: number, text: string): Promise<string[]> {
  const at = text.indexOf('@');
  const clean = text.replace('@', '');
  await c.change(uri, version, clean);
  const before = clean.slice(0, at);
  const position = { line: before.split('\n').length - 1, character: at - before.lastIndexOf('\n') - 1 };
  const r = await c.request<CompletionItem[] | CompletionList | null>('textDocument/completion', { textDocument: { uri }, position });
  return (Array.isArray(r) ? r : (r?.items ?? [])).map((i) => i.label);
}
