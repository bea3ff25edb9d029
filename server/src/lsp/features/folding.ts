// Folding: platform, device, IOMMU, scenario and thread blocks; block comments; runs of line comments.
import { FoldingRangeKind } from 'vscode-languageserver';
import type { FoldingRange } from 'vscode-languageserver';
import type { ServerContext } from '../context';
import type { DocState } from '../documents';
import { guard } from '../request';
import type { Token } from '../text/scan';

export function register(ctx: ServerContext): void {
  ctx.connection.onFoldingRanges(
    guard(ctx.log, 'foldingRange', [] as FoldingRange[], (p) => {
      const doc = ctx.doc(p.textDocument.uri);
      return doc ? foldingRanges(doc) : [];
    }),
  );
}

export function foldingRanges(doc: DocState): FoldingRange[] {
  const out: FoldingRange[] = [];
  const add = (start: number, end: number, kind?: string): void => {
    const a = doc.lines.position(start).line;
    const b = doc.lines.position(end).line;
    if (b > a) out.push({ startLine: a, endLine: b, ...(kind ? { kind } : {}) });
  };
  // Blocks by brace matching on the token stream: works while the parser is still recovering.
  const stack: number[] = [];
  let commentRun: { start: number; end: number } | undefined;
  let prev: Token | undefined;
  for (const t of doc.tokens) {
    const aloneOnLine = !prev || prev.kind === 'newline';
    prev = t;
    if (t.kind === 'punct' && t.text === '{') stack.push(t.start);
    else if (t.kind === 'punct' && t.text === '}') {
      const open = stack.pop();
      // Fold up to the line before the closing brace, so the brace stays visible.
      if (open !== undefined) {
        const a = doc.lines.position(open).line;
        const b = doc.lines.position(t.start).line - 1;
        if (b > a) out.push({ startLine: a, endLine: b });
      }
    }
    if (t.kind === 'comment' && t.block) add(t.start, t.end, FoldingRangeKind.Comment);
    if (t.kind === 'comment' && !t.block && aloneOnLine) {
      const line = doc.lines.position(t.start).line;
      if (commentRun && doc.lines.position(commentRun.end).line === line - 1) commentRun.end = t.start;
      else {
        if (commentRun) add(commentRun.start, commentRun.end, FoldingRangeKind.Comment);
        commentRun = { start: t.start, end: t.start };
      }
    }
  }
  if (commentRun) add(commentRun.start, commentRun.end, FoldingRangeKind.Comment);
  return out.sort((x, y) => x.startLine - y.startLine);
}
