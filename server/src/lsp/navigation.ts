// Shared by definition, references and rename: the symbol under the cursor and every place it
// is written (in the main file and in the files it imports that are not built-in).
import type { Ident } from '../language/ast';
import type { BoundProgram, Symbol } from '../language/bound';
import type { DocState } from './documents';

export interface Occurrence {
  readonly file: string;
  readonly ident: Ident;
  readonly declaration: boolean;
}

export function symbolAt(doc: DocState, offset: number): { symbol: Symbol; ident: Ident } | undefined {
  const ident = doc.front.syntax?.identAt(offset);
  const symbol = ident ? doc.front.program?.refs.get(ident) : undefined;
  return ident && symbol ? { symbol, ident } : undefined;
}

/** Every resolved occurrence of the symbol, declarations included, in file then text order. */
export function occurrences(program: BoundProgram, symbol: Symbol): Occurrence[] {
  const out: Occurrence[] = [];
  const fileOf = new Map<Ident, string>();
  for (const [p, f] of program.files) collectIdents(f.ast, p, fileOf);
  for (const [ident, s] of program.refs) {
    if (s.id !== symbol.id) continue;
    const file = fileOf.get(ident) ?? symbol.file;
    out.push({ file, ident, declaration: file === symbol.file && ident.span.start === symbol.span.start });
  }
  if (!out.some((o) => o.declaration)) {
    // The binder may key declarations by a different node: make sure the declaration is listed.
    out.push({ file: symbol.file, ident: { kind: 'Ident', name: symbol.name, span: symbol.span }, declaration: true });
  }
  return out.sort((a, b) => (a.file === b.file ? a.ident.span.start - b.ident.span.start : a.file < b.file ? -1 : 1));
}

function collectIdents(value: unknown, file: string, into: Map<Ident, string>): void {
  if (Array.isArray(value)) {
    for (const v of value) collectIdents(v, file, into);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const node = value as Record<string, unknown>;
  if (node.kind === 'Ident') {
    into.set(node as unknown as Ident, file);
    return;
  }
  if (typeof node.kind !== 'string') return;
  for (const [k, v] of Object.entries(node)) if (k !== 'span' && k !== 'keyword') collectIdents(v, file, into);
}
