// Go to definition: from any resolved name to where it is declared (another file for imported
// platforms; the shipped platform file for built-ins).
import type { Location } from 'vscode-languageserver';
import type { ServerContext } from '../context';
import { guard } from '../request';
import { symbolAt } from '../navigation';

export function register(ctx: ServerContext): void {
  ctx.connection.onDefinition(
    guard(ctx.log, 'definition', null as Location | null, (p) => {
      const doc = ctx.doc(p.textDocument.uri);
      const program = doc?.front.program;
      const hit = doc && symbolAt(doc, doc.lines.offset(p.position));
      if (!doc || !program || !hit) return null;
      const file = program.files.get(hit.symbol.file);
      if (!file) return null;
      return { uri: ctx.uris.uri(hit.symbol.file), range: file.source.lines.range(hit.symbol.span) };
    }),
  );
}
