// Rename: every occurrence of the symbol, in this file and in imported (non-built-in) files.
// Refused on keywords, on built-in platform names, and for names that are not identifiers.
import { ResponseError } from 'vscode-languageserver';
import type { Range, TextEdit, WorkspaceEdit } from 'vscode-languageserver';
import type { ServerContext } from '../context';
import { isBuiltinPath } from '../paths';
import { guard } from '../request';
import { occurrences, symbolAt } from '../navigation';

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function register(ctx: ServerContext): void {
  ctx.connection.onPrepareRename(
    guard(ctx.log, 'prepareRename', null as { range: Range; placeholder: string } | null, (p) => {
      const doc = ctx.doc(p.textDocument.uri);
      const hit = doc && symbolAt(doc, doc.lines.offset(p.position));
      if (!doc || !hit || isBuiltinPath(hit.symbol.file)) return null;
      return { range: doc.lines.range(hit.ident.span), placeholder: hit.ident.name };
    }),
  );

  ctx.connection.onRenameRequest(async (p, token) => {
    if (!IDENT.test(p.newName)) throw new ResponseError(-32602, `"${p.newName}" is not a valid name`);
    return guard(ctx.log, 'rename', null as WorkspaceEdit | null, () => {
      const doc = ctx.doc(p.textDocument.uri);
      const program = doc?.front.program;
      const hit = doc && symbolAt(doc, doc.lines.offset(p.position));
      if (!doc || !program || !hit) return null;
      if (isBuiltinPath(hit.symbol.file)) throw new ResponseError(-32602, `\`${hit.symbol.name}\` is declared by a built-in platform and cannot be renamed`);
      const changes: Record<string, TextEdit[]> = {};
      for (const o of occurrences(program, hit.symbol)) {
        const file = program.files.get(o.file);
        if (!file || file.builtin) continue;
        (changes[ctx.uris.uri(o.file)] ??= []).push({ range: file.source.lines.range(o.ident.span), newText: p.newName });
      }
      return { changes };
    })(p, token);
  });
}
