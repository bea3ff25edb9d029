// "Run scenario" and "Show trace" above each scenario. The commands are the client's (VS Code
// ids of protocol.ts) with `[uri, scenarioName]`; other editors can map them or ignore them.
import type { CodeLens } from 'vscode-languageserver';
import type { ServerContext } from '../context';
import { guard } from '../request';
import { Commands } from '../protocol';
import { scenarioInfos } from './traceRequest';

export function register(ctx: ServerContext): void {
  ctx.connection.onCodeLens(
    guard(ctx.log, 'codeLens', [] as CodeLens[], (p) => {
      const doc = ctx.doc(p.textDocument.uri);
      if (!doc) return [];
      return scenarioInfos(doc).flatMap((s): CodeLens[] => {
        const verdict = s.status === 'unknown' ? '' : s.status === 'pass' ? ' ✓' : ` ✗ ${s.errors} error${s.errors === 1 ? '' : 's'}`;
        return [
          { range: s.selectionRange, command: { title: `▶ Run scenario${verdict}`, command: Commands.runScenario, arguments: [doc.uri, s.name] } },
          { range: s.selectionRange, command: { title: 'Show trace', command: Commands.showTrace, arguments: [doc.uri, s.name] } },
        ];
      });
    }),
  );
}
