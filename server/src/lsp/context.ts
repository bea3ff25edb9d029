// What every feature module gets: the connection, the documents, the analysis service and
// settings. Features register their handlers with `register(ctx)` and read state; none of them
// waits for the engine (runScenario excepted, by definition).
import type { Connection } from 'vscode-languageserver';
import type { DocumentStore, DocState } from './documents';
import type { EngineHost, Logger } from './engineHost';
import type { UriMap } from './paths';
import type { DmabufSettings } from './protocol';
import type { AnalysisService } from './service';
import type { CCheckService } from './cChecks';

export interface ServerContext {
  readonly connection: Connection;
  readonly docs: DocumentStore;
  readonly uris: UriMap;
  readonly service: AnalysisService;
  readonly engine: EngineHost;
  /** The driver's C files (dmabuf.checkC). */
  readonly cChecks: CCheckService;
  readonly log: Logger;
  readonly testHooks: boolean;
  settings(): DmabufSettings;
  /** The open document for a URI, if the client opened it. */
  doc(uri: string): DocState | undefined;
}
