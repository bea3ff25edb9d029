// Find references: every place the name under the cursor is written (declaration on request).
import type { Location } from 'vscode-languageserver';
import type { ServerContext } from '../context';
import { guard } from '../request';
import { occurrences, symbolAt } from '../navigation';

export function register(ctx: ServerContext): void {
  ctx.connection.onReferences(
    guard(ctx.log, 'references', [] as Location[], (p) => {
      const doc = ctx.doc(p.textDocument.uri);
      const program = doc?.front.program;
      const hit = doc && symbolAt(doc, doc.lines.offset(p.position));
      if (!doc || !program || !hit) return [];
      return occurrences(program, hit.symbol)
        .filter((o) => p.context.includeDeclaration || !o.declaration)
        .flatMap((o) => {
          const file = program.files.get(o.file);
          return file ? [{ uri: ctx.uris.uri(o.file), range: file.source.lines.range(o.ident.span) }] : [];
        });
    }),
  );
}
