// Per-document state: the text the client sent, the latest parse + bind (main thread, always for
// the current text), and the latest good engine result (from the worker, possibly for an older
// version). Feature handlers read what is here and never wait for the engine.
import path from 'node:path';
import type { Diagnostic } from 'vscode-languageserver';
import type { Finding } from '../common/findings';
import { LineIndex } from '../common/source';
import type { LinesOf } from '../common/edge';
import type { ScenarioResult } from '../engine/api';
import type { BoundProgram, BoundScenario } from '../language/bound';
import { scan } from './text/scan';
import type { Token } from './text/scan';
import { SyntaxIndex } from './syntax';
import type { Span } from '../common/span';

export interface FrontState {
  readonly version: number;
  readonly program?: BoundProgram;
  readonly syntax?: SyntaxIndex;
  /** Why parse/bind failed (a bug in the front end), if it did. */
  readonly error?: string;
}

/** A top-level item of the text an engine result was computed from. */
export interface ItemPlace {
  readonly kind: string;
  readonly span: Span;
}

export interface EngineState {
  readonly version: number;
  /** The text the result was computed from: spans in it are valid only for this text. */
  readonly text: string;
  readonly findings: readonly Finding[];
  readonly scenarios: readonly ScenarioResult[];
  readonly cancelled: boolean;
  readonly millis: number;
  /** Top-level items of `text`: which scenarios a later edit leaves alone (carryOver.ts). */
  readonly items?: readonly ItemPlace[];
  /** A scenario the server stopped because it overran its time budget (its findings are missing). */
  readonly overran?: { readonly scenario: string; readonly millis: number };
}

export class DocState {
  private tokenCache: { text: string; tokens: Token[] } | undefined;
  private lineCache: LineIndex | undefined;
  /** Lines of an older text an engine result was computed from (the trace of a stale result). */
  private staleLines: LineIndex | undefined;
  front: FrontState = { version: -1 };
  engine: EngineState | undefined;
  engineError: { version: number; message: string } | undefined;
  /** An analysis of the current version is queued or running. */
  checking = false;
  /** The diagnostics last published for this document (the status bar counts them). */
  published: readonly Diagnostic[] = [];

  constructor(
    readonly uri: string,
    readonly path: string,
    public version: number,
    public text: string,
  ) {}

  update(version: number, text: string): void {
    this.version = version;
    this.text = text;
    this.lineCache = undefined;
  }

  get lines(): LineIndex {
    if (this.lineCache && this.lineCache.text === this.text) return this.lineCache;
    // The parse of this very text already indexed its lines: no second index per keystroke.
    const program = this.front.program;
    const parsed = program?.files.get(program.main)?.source;
    this.lineCache = parsed && parsed.text === this.text ? parsed.lines : new LineIndex(this.text);
    return this.lineCache;
  }

  /**
   * Line indexes for the places of a result computed from `engine`'s text (the current text when
   * absent): this document's own places are offsets into that text, other files' into the parse.
   */
  linesFor(engine?: EngineState): LinesOf {
    const own = !engine || engine.text === this.text ? this.lines : this.engineLines(engine.text);
    const files = this.front.program?.files;
    return (file) => (file === this.path ? own : files?.get(file)?.source.lines);
  }

  private engineLines(text: string): LineIndex {
    if (!this.staleLines || this.staleLines.text !== text) this.staleLines = new LineIndex(text);
    return this.staleLines;
  }

  get tokens(): Token[] {
    if (!this.tokenCache || this.tokenCache.text !== this.text) this.tokenCache = { text: this.text, tokens: scan(this.text) };
    return this.tokenCache.tokens;
  }

  /** The engine result when it was computed from exactly the current text (its spans are valid). */
  get currentEngine(): EngineState | undefined {
    return this.engine && this.engine.text === this.text ? this.engine : undefined;
  }

  scenario(name: string): BoundScenario | undefined {
    return this.front.program?.scenarios.find((s) => s.name === name);
  }

  scenarioResult(name: string): ScenarioResult | undefined {
    return this.engine?.scenarios.find((s) => s.name === name);
  }
}

export class DocumentStore {
  private readonly docs = new Map<string, DocState>();
  private workspaceRoots: string[] = [];

  setRoots(roots: readonly string[]): void {
    this.workspaceRoots = roots.map((r) => path.resolve(r)).sort((a, b) => b.length - a.length);
  }

  get(uri: string): DocState | undefined {
    return this.docs.get(uri);
  }

  set(doc: DocState): void {
    this.docs.set(doc.uri, doc);
  }

  delete(uri: string): void {
    this.docs.delete(uri);
  }

  all(): DocState[] {
    return [...this.docs.values()];
  }

  /** Unsaved text of every open document, by path (overrides the disk for imports). */
  overlay(): Map<string, string> {
    return new Map(this.all().map((d) => [d.path, d.text]));
  }

  /** Imports stay inside the workspace folder holding the document, or its own folder. */
  rootOf(filePath: string): string {
    const inside = this.workspaceRoots.find((r) => filePath === r || filePath.startsWith(r.endsWith(path.sep) ? r : r + path.sep));
    return inside ?? path.dirname(filePath);
  }
}
