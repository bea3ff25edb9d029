// The DMA-BUF Lab language server (dist/server.js). Speaks LSP over stdio (or node IPC / a
// socket, as vscode-languageserver picks from argv); everything it prints goes through the
// connection, never to stdout directly. The engine runs in dist/worker.js (see engineHost.ts).
import path from 'node:path';
import { format } from 'node:util';
import {
  createConnection,
  DidChangeConfigurationNotification,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
} from 'vscode-languageserver/node';
import type { InitializeParams, InitializeResult } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { fileURLToPath } from 'node:url';
import type { ServerContext } from './context';
import { DocState, DocumentStore } from './documents';
import { EngineHost } from './engineHost';
import type { Logger } from './engineHost';
import { UriMap } from './paths';
import { DEFAULT_SETTINGS } from './protocol';
import type { DmabufSettings } from './protocol';
import { AnalysisService } from './service';
import { normaliseSettings } from './settings';
import { capabilities as featureCapabilities, registerFeatures } from './features';
import { CCheckService } from './cChecks';

const connection = createConnection(ProposedFeatures.all);

// Anything that still calls console.* (a dependency, a stray debug line) must not corrupt the
// LSP stream on stdout: send it to the client's log instead.
console.log = (...args: unknown[]) => connection.console.log(format(...args));
console.info = (...args: unknown[]) => connection.console.info(format(...args));
console.warn = (...args: unknown[]) => connection.console.warn(format(...args));
console.error = (...args: unknown[]) => connection.console.error(format(...args));
console.debug = (...args: unknown[]) => connection.console.log(format(...args));

const log: Logger = {
  info: (m) => connection.console.info(m),
  warn: (m) => connection.console.warn(m),
  error: (m) => connection.console.error(m),
};

const testHooks = process.env.DMABUF_TEST_HOOKS === '1';
let settings: DmabufSettings = DEFAULT_SETTINGS;
let clientHasConfiguration = false;
let clientHasWorkspaceFolders = false;
let initOptionSettings: unknown;

const docs = new DocumentStore();
const uris = new UriMap();
const engine: EngineHost = new EngineHost({
  workerPath: path.join(__dirname, 'worker.js'),
  testHooks,
  log,
  onRestart: () => service.recheckAll(),
  cancelGraceMs: Number(process.env.DMABUF_CANCEL_GRACE_MS) || undefined,
  overrunSlackMs: Number(process.env.DMABUF_OVERRUN_SLACK_MS) || undefined,
  retireIdleMs: process.env.DMABUF_RETIRE_IDLE_MS === undefined ? undefined : Number(process.env.DMABUF_RETIRE_IDLE_MS),
});
const service: AnalysisService = new AnalysisService({ connection, docs, uris, engine, settings: () => settings, log });
const cChecks = new CCheckService({
  connection,
  workerPath: path.join(__dirname, 'c-worker.js'),
  log,
  settings: () => settings,
  roots: () => workspaceRoots.map((u) => fileURLToPath(u)),
  openDmabuf: () => Object.fromEntries(docs.overlay()),
});

const ctx: ServerContext = {
  connection,
  docs,
  uris,
  service,
  engine,
  cChecks,
  log,
  testHooks,
  settings: () => settings,
  doc: (uri) => docs.get(uri),
};

connection.onInitialize((params: InitializeParams): InitializeResult => {
  clientHasConfiguration = params.capabilities.workspace?.configuration === true;
  clientHasWorkspaceFolders = params.capabilities.workspace?.workspaceFolders === true;
  const roots = (params.workspaceFolders ?? []).map((f) => f.uri);
  if (roots.length === 0 && params.rootUri) roots.push(params.rootUri);
  setRoots(roots);
  const opts = params.initializationOptions as Record<string, unknown> | undefined;
  initOptionSettings = opts?.dmabuf ?? opts?.settings ?? undefined;
  if (initOptionSettings !== undefined) settings = normaliseSettings(initOptionSettings);
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      ...featureCapabilities(),
      workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
    },
    serverInfo: { name: 'dmabuf-lab', version: '0.1.0' },
  };
});

let workspaceRoots: string[] = [];
function setRoots(uris: readonly string[]): void {
  workspaceRoots = [...new Set(uris.filter((u) => u.startsWith('file:')))];
  docs.setRoots(workspaceRoots.map((u) => fileURLToPath(u)));
}

connection.onInitialized(() => {
  if (clientHasWorkspaceFolders) {
    // Imports are confined to the workspace folder of each document: folders added or removed
    // change what a document may import.
    connection.workspace.onDidChangeWorkspaceFolders((e) => {
      const removed = new Set(e.removed.map((f) => f.uri));
      setRoots([...workspaceRoots.filter((u) => !removed.has(u)), ...e.added.map((f) => f.uri)]);
      recheckAll();
    });
  }
  if (!clientHasConfiguration) return;
  void connection.client.register(DidChangeConfigurationNotification.type, { section: 'dmabuf' }).catch(() => undefined);
  void refreshSettings();
});

async function refreshSettings(): Promise<void> {
  if (!clientHasConfiguration) return;
  try {
    const raw: unknown = await connection.workspace.getConfiguration('dmabuf');
    const next = normaliseSettings(raw ?? initOptionSettings);
    const changed = JSON.stringify(next) !== JSON.stringify(settings);
    settings = next;
    if (changed) recheckAll();
  } catch (e) {
    log.warn(`could not read the dmabuf settings: ${e instanceof Error ? e.message : String(e)}`);
  }
}

connection.onDidChangeConfiguration((change) => {
  if (clientHasConfiguration) {
    void refreshSettings();
    return;
  }
  const section = (change.settings as Record<string, unknown> | null)?.dmabuf;
  if (section !== undefined) {
    settings = normaliseSettings(section);
    recheckAll();
  }
});

function recheckAll(): void {
  service.recheckAll();
  cChecks.recheckAll();
}

const documents = new TextDocuments(TextDocument);
documents.onDidChangeContent(({ document }) => {
  // A driver's C file (the client sends them with dmabuf.checkC on): its own service and worker.
  if (CCheckService.isC(document.uri)) {
    if (document.uri.startsWith('file:')) cChecks.changed(document.uri, fileURLToPath(document.uri), document.version, document.getText());
    return;
  }
  let doc = docs.get(document.uri);
  if (!doc) {
    doc = new DocState(document.uri, uris.remember(document.uri), document.version, document.getText());
    docs.set(doc);
  } else {
    doc.update(document.version, document.getText());
  }
  service.changed(doc);
  // A `check` item or a platform it names may have changed.
  cChecks.recheckAll();
});
documents.onDidClose(({ document }) => {
  if (CCheckService.isC(document.uri)) return cChecks.closed(document.uri);
  docs.delete(document.uri);
  uris.forget(document.uri);
  service.closed(document.uri);
});

registerFeatures(ctx);

connection.onShutdown(() => {
  engine.dispose();
  cChecks.dispose();
});
connection.onExit(() => {
  engine.dispose();
  cChecks.dispose();
});

documents.listen(connection);
connection.listen();
