// Document symbols (outline): platforms with their devices, IOMMUs, bridges and switches;
// scenarios with their threads and the objects they create.
import { SymbolKind } from 'vscode-languageserver';
import type { DocumentSymbol } from 'vscode-languageserver';
import type { Ident, Stmt, TopItem } from '../../language/ast';
import type { ServerContext } from '../context';
import type { DocState } from '../documents';
import { guard } from '../request';

export function register(ctx: ServerContext): void {
  ctx.connection.onDocumentSymbol(
    guard(ctx.log, 'documentSymbol', [] as DocumentSymbol[], (p) => {
      const doc = ctx.doc(p.textDocument.uri);
      const ast = doc?.front.syntax?.file;
      if (!doc || !ast) return [];
      return ast.items.flatMap((item) => topSymbol(doc, item));
    }),
  );
}

function sym(doc: DocState, name: Ident, detail: string, kind: SymbolKind, span: { start: number; end: number }, children: DocumentSymbol[] = []): DocumentSymbol[] {
  if (!name.name) return [];
  return [{ name: name.name, detail, kind, range: doc.lines.range(span), selectionRange: doc.lines.range(name.span), children }];
}

function topSymbol(doc: DocState, item: TopItem): DocumentSymbol[] {
  if (item.kind === 'Platform') {
    const children = item.items.flatMap((i): DocumentSymbol[] => {
      switch (i.kind) {
        case 'Device':
          return sym(doc, i.name, 'device', SymbolKind.Class, i.span, i.items.flatMap((d) => (d.kind === 'Bar' ? sym(doc, d.name, `BAR ${d.size.text}${d.mmio ? ' mmio' : ''}`, SymbolKind.Field, d.span) : [])));
        case 'Iommu':
          return sym(doc, i.name, 'iommu', SymbolKind.Interface, i.span);
        case 'HostBridge':
          return sym(doc, i.name, 'host bridge', SymbolKind.Module, i.span);
        case 'Switch':
          return sym(doc, i.name, `switch under ${i.under.name}`, SymbolKind.Module, i.span);
        case 'ExporterDecl':
          return sym(doc, i.name, 'exporter (dma_buf_ops)', SymbolKind.Struct, i.span);
        default:
          return [];
      }
    });
    return sym(doc, item.name, item.extends ? `platform extends ${item.extends.name}` : 'platform', SymbolKind.Namespace, item.span, children);
  }
  if (item.kind === 'Scenario') return sym(doc, item.name, `scenario on ${item.platform.name}`, SymbolKind.Function, item.span, stmtSymbols(doc, item.body));
  return [];
}

const BINDING_KIND: Partial<Record<Stmt['kind'], SymbolKind>> = {
  Export: SymbolKind.Variable,
  Heap: SymbolKind.Variable,
  Attach: SymbolKind.Variable,
  Map: SymbolKind.Variable,
  DmaMap: SymbolKind.Variable,
  Vmap: SymbolKind.Variable,
  Mmap: SymbolKind.Variable,
  Fence: SymbolKind.Event,
  ExportSyncFile: SymbolKind.Event,
  Domain: SymbolKind.Object,
};

function stmtSymbols(doc: DocState, body: readonly Stmt[]): DocumentSymbol[] {
  return body.flatMap((s): DocumentSymbol[] => {
    if (s.kind === 'Thread') return sym(doc, s.name, doc.text.slice(s.keyword.start, s.keyword.end), SymbolKind.Method, s.span, stmtSymbols(doc, s.body));
    if (s.kind === 'Submit' && s.signal) return sym(doc, s.signal, `fence signalled by ${s.dev.name}`, SymbolKind.Event, s.span);
    const kind = BINDING_KIND[s.kind];
    if (kind === undefined || !('name' in s)) return [];
    const text = doc.text.slice(s.keyword.start, s.span.end).split(/\r?\n/)[0];
    return sym(doc, s.name, text, kind, s.span);
  });
}
