// An index over one file's syntax tree for the editor features: which item or statement encloses
// an offset, and which identifier / number / keyword-valued word sits at it. Built by a generic
// walk of the plain-data tree, so nodes added to ast.ts later are indexed without changes here.
import type { Ident, NumberLit, SourceFileNode, Span, Word } from '../language/ast';

/** An item or statement: anything with a kind, a span and (usually) a leading keyword. */
export interface ContextNode {
  readonly kind: string;
  readonly span: Span;
  readonly keyword?: Span;
  readonly node: Readonly<Record<string, unknown>>;
  readonly depth: number;
  readonly parent?: ContextNode;
}

export class SyntaxIndex {
  readonly contexts: ContextNode[] = [];
  readonly idents: Ident[] = [];
  readonly numbers: NumberLit[] = [];
  readonly words: Word<string>[] = [];

  constructor(readonly file: SourceFileNode) {
    this.visit(file, undefined);
    const byStart = (a: { span: Span }, b: { span: Span }): number => a.span.start - b.span.start;
    this.idents.sort(byStart);
    this.numbers.sort(byStart);
    this.words.sort(byStart);
  }

  /** The innermost item or statement whose span contains `offset` (end inclusive, for a cursor at the end). */
  contextAt(offset: number): ContextNode | undefined {
    let best: ContextNode | undefined;
    for (const c of this.contexts) {
      if (c.span.start <= offset && offset <= c.span.end && (!best || c.depth > best.depth)) best = c;
    }
    return best;
  }

  identAt(offset: number): Ident | undefined {
    return this.idents.find((i) => i.name !== '' && i.span.start <= offset && offset <= i.span.end);
  }

  numberAt(offset: number): NumberLit | undefined {
    return this.numbers.find((n) => n.span.start <= offset && offset <= n.span.end);
  }

  /** The enclosing scenario or platform declaration. */
  topLevelAt(offset: number): ContextNode | undefined {
    return this.contexts.find((c) => c.depth === 1 && c.span.start <= offset && offset <= c.span.end);
  }

  private visit(value: unknown, parent: ContextNode | undefined): void {
    if (Array.isArray(value)) {
      for (const v of value) this.visit(v, parent);
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    const node = value as Record<string, unknown>;
    const kind = node.kind;
    if (typeof kind !== 'string') return; // a Span or other plain record: nothing inside to index
    switch (kind) {
      case 'Ident':
        this.idents.push(node as unknown as Ident);
        return;
      case 'Number':
        this.numbers.push(node as unknown as NumberLit);
        return;
      case 'Word':
        this.words.push(node as unknown as Word<string>);
        return;
      case 'Bool':
        return;
    }
    let here = parent;
    if (kind !== 'File' && kind !== 'Range' && kind !== 'Object' && kind !== 'Iova' && isSpan(node.span)) {
      here = { kind, span: node.span, keyword: isSpan(node.keyword) ? node.keyword : undefined, node, depth: (parent?.depth ?? 0) + 1, parent };
      this.contexts.push(here);
    }
    for (const k in node) {
      if (k === 'span' || k === 'keyword' || k === 'kind') continue;
      const v = node[k];
      if (typeof v === 'object' && v !== null) this.visit(v, here);
    }
  }
}

function isSpan(v: unknown): v is Span {
  return typeof v === 'object' && v !== null && typeof (v as Span).start === 'number' && typeof (v as Span).end === 'number';
}

export function contains(span: Span, offset: number): boolean {
  return span.start <= offset && offset <= span.end;
}
