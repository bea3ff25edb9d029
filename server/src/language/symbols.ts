// Symbol creation and the bookkeeping every binding pass shares: unique ids, identifier → symbol
// references, and findings tagged with the file they belong to (so the program can move findings
// of imported files to the import that leads there).
import type { Ident, Node, Span } from './ast';
import type { ParsedFile, Symbol, SymbolKind } from './bound';
import { frontFinding, type FrontCode } from './diagnostics';
import type { Finding, RelatedInformation } from '../common/findings';

export class SymbolTable {
  readonly symbols: Symbol[] = [];
  /** Starts with the parent's references, so a program's map also resolves built-in identifiers. */
  readonly refs: Map<Ident, Symbol>;
  /** Declaring node → its symbol, so a declaration inherited by several platforms has one symbol. */
  private readonly byDecl = new Map<Node, Symbol>();

  /** `parent`: a table whose symbols are reused (the built-ins', when a platform extends one). */
  constructor(
    private nextId: number,
    private readonly parent?: SymbolTable,
  ) {
    this.refs = new Map(parent?.refs);
  }

  get next(): number {
    return this.nextId;
  }

  /**
   * The symbol declared by `ident`; records the ident as a reference. Platform items are
   * remembered by their declaring ident (`shared`), so every platform inheriting one gets the same
   * symbol; scenario names are declared once and need no memo.
   */
  declare(kind: SymbolKind, ident: Ident, file: ParsedFile, decl: Node, container?: string, shared = true): Symbol {
    const existing = shared ? (this.byDecl.get(ident) ?? this.parent?.byDecl.get(ident)) : undefined;
    if (existing) {
      this.refs.set(ident, existing);
      return existing;
    }
    const sym: Symbol = {
      id: this.nextId++,
      kind,
      name: ident.name,
      file: file.source.path,
      span: ident.span,
      decl,
      ...(container !== undefined ? { container } : {}),
    };
    if (shared) this.byDecl.set(ident, sym);
    this.symbols.push(sym);
    this.refs.set(ident, sym);
    return sym;
  }

  ref(ident: Ident, sym: Symbol): void {
    this.refs.set(ident, sym);
  }
}

/** Findings collected during binding, each with the parsed file it is located in. */
export class FindingSink {
  readonly items: { readonly file: ParsedFile; readonly finding: Finding }[] = [];
  private readonly seen = new Set<string>();

  report(
    file: ParsedFile,
    code: FrontCode,
    span: Span,
    message: string,
    related: readonly RelatedInformation[] = [],
    scenario?: string,
  ): void {
    // A base platform's mistake is seen once per platform that extends it: report it once.
    const key = `${file.source.path}\0${span.start}\0${span.end}\0${message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.items.push({ file, finding: frontFinding(file.source, code, span, message, related, scenario) });
  }
}
