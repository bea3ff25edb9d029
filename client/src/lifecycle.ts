// The one owner of the language client: starts the bundled server (dist/server.js over stdio,
// the same transport the CLI contract and other editors use), restarts it on request, and hands
// out typed requests that wait for it to be ready. Features never hold the client themselves, so
// a restart cannot leave one talking to a dead connection.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, type LanguageClientOptions, type ServerOptions, State, TransportKind } from 'vscode-languageclient/node';
import type { RequestParam, RequestType } from 'vscode-languageserver-protocol';
import type { Log } from './log';
import { StatusNotification, type StatusParams } from './protocol';
import { SERVER_ENV, SERVER_NODE_FLAGS } from '../../server/src/lsp/launch';

/** `dmabuf.checkC`: the server also gets the C files (the server reads the same setting to check them). */
function checkC(): boolean {
  return vscode.workspace.getConfiguration('dmabuf').get<boolean>('checkC') === true;
}

export class ServerLifecycle implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private starting: Promise<LanguageClient> | undefined;
  private readonly statusEmitter = new vscode.EventEmitter<StatusParams>();
  private readonly startedEmitter = new vscode.EventEmitter<void>();
  private readonly stoppedEmitter = new vscode.EventEmitter<void>();
  private readonly perClient: vscode.Disposable[] = [];

  /** Every `dmabuf/status` notification, whichever client instance sent it. */
  readonly onStatus = this.statusEmitter.event;
  /** Fired each time a server is up (first start and every restart). */
  readonly onDidStart = this.startedEmitter.event;
  readonly onDidStop = this.stoppedEmitter.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: Log,
  ) {
    // The document selector is fixed when a client starts: dmabuf.checkC needs a new one.
    context.subscriptions.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!e.affectsConfiguration('dmabuf.checkC') || !this.client) return;
        this.restart().catch((err: unknown) => this.log.error(`restart for dmabuf.checkC failed: ${String(err)}`));
      }),
    );
  }

  get running(): boolean {
    return this.client?.state === State.Running;
  }

  /** Starts the server once; concurrent callers share the same start. */
  start(): Promise<LanguageClient> {
    if (this.client && this.client.state !== State.Stopped) return this.starting ?? Promise.resolve(this.client);
    this.starting = this.doStart().finally(() => (this.starting = undefined));
    return this.starting;
  }

  private async doStart(): Promise<LanguageClient> {
    // A client that stopped on its own (crashed past its restart budget) leaves handlers behind.
    for (const d of this.perClient.splice(0)) d.dispose();
    const serverModule = this.context.asAbsolutePath(path.join('dist', 'server.js'));
    // The extension host's node runs the server; the same options whether or not VS Code debugs us.
    const run = { module: serverModule, transport: TransportKind.stdio, options: { execArgv: [...SERVER_NODE_FLAGS], env: { ...process.env, ...SERVER_ENV } } };
    const serverOptions: ServerOptions = { run, debug: run };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [
        { scheme: 'file', language: 'dmabuf' },
        { scheme: 'untitled', language: 'dmabuf' },
        // The driver's C files, only when asked for: otherwise every C file would be sent to us.
        ...(checkC() ? [{ scheme: 'file', language: 'c' }] : []),
      ],
      synchronize: {
        configurationSection: 'dmabuf',
        // Imports: a change in another .dmabuf file can change this one's findings.
        fileEvents: vscode.workspace.createFileSystemWatcher('**/*.dmabuf'),
      },
      outputChannel: this.log,
    };
    // The id `dmabuf` makes the client read the `dmabuf.trace.server` setting.
    const client = new LanguageClient('dmabuf', 'DMA-BUF Lab', serverOptions, clientOptions);
    this.client = client;
    this.perClient.push(
      client.onNotification(StatusNotification, (p) => this.statusEmitter.fire(p)),
      client.onDidChangeState((e) => {
        this.log.info(`language server: ${State[e.oldState]} → ${State[e.newState]}`);
        if (e.newState === State.Stopped) this.stoppedEmitter.fire();
      }),
    );
    const t0 = Date.now();
    await client.start();
    this.log.info(`language server started in ${Date.now() - t0} ms (${serverModule})`);
    this.startedEmitter.fire();
    return client;
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    for (const d of this.perClient.splice(0)) d.dispose();
    if (!client) return;
    if (client.state === State.Running || client.state === State.Starting) await client.stop();
    this.stoppedEmitter.fire();
  }

  async restart(): Promise<void> {
    this.log.info('restarting the language server');
    await this.stop();
    await this.start();
  }

  /** A typed request to the running server (started on demand). */
  async request<P, R>(type: RequestType<P, R, void>, params: RequestParam<P>, token?: vscode.CancellationToken): Promise<R> {
    const client = await this.start();
    return client.sendRequest(type, params, token);
  }

  dispose(): void {
    void this.stop();
    this.statusEmitter.dispose();
    this.startedEmitter.dispose();
    this.stoppedEmitter.dispose();
  }
}
