// Formatting: the canonical layout — 2 spaces per block level, one space between tokens, `a, b`,
// `x = y`, at most one blank line in a row, comments kept (block comments verbatim), the file's
// line endings kept, one final newline. Token-based, so it never changes what a token says, and
// idempotent by construction (it is a function of the token sequence, which it preserves).
import type { TextEdit } from 'vscode-languageserver';
import type { ServerContext } from '../context';
import type { DocState } from '../documents';
import { guard } from '../request';
import { scan } from '../text/scan';
import type { Token } from '../text/scan';

export const INDENT = '  ';

export function register(ctx: ServerContext): void {
  ctx.connection.onDocumentFormatting(
    guard(ctx.log, 'formatting', [] as TextEdit[], (p) => {
      const doc = ctx.doc(p.textDocument.uri);
      return doc ? formattingEdits(doc) : [];
    }),
  );
}

export function formattingEdits(doc: DocState): TextEdit[] {
  const formatted = formatText(doc.text);
  if (formatted === undefined || formatted === doc.text) return [];
  return [{ range: doc.lines.range({ start: 0, end: doc.text.length }), newText: formatted }];
}

/** The formatted text, or undefined when the text cannot be formatted safely (unterminated comment or string). */
export function formatText(text: string): string | undefined {
  const tokens = scan(text);
  if (tokens.some((t) => t.unterminated)) return undefined;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lines: Token[][] = [[]];
  for (const t of tokens) {
    if (t.kind === 'newline') lines.push([]);
    else lines[lines.length - 1].push(t);
  }
  const out: string[] = [];
  let depth = 0;
  for (const line of lines) {
    if (line.length === 0) {
      if (out.length > 0 && out[out.length - 1] !== '') out.push('');
      continue;
    }
    let leadingCloses = 0;
    while (leadingCloses < line.length && isPunct(line[leadingCloses], '}')) leadingCloses++;
    const indent = INDENT.repeat(Math.max(0, depth - leadingCloses));
    out.push(indent + joinTokens(line));
    for (const t of line) {
      if (isPunct(t, '{')) depth++;
      else if (isPunct(t, '}')) depth = Math.max(0, depth - 1);
    }
  }
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out.length === 0 ? '' : out.join(eol) + eol;
}

function isPunct(t: Token, c: string): boolean {
  return t.kind === 'punct' && t.text === c;
}

const KNOWN_PUNCT = new Set(['{', '}', ',', ';', '=']);

function joinTokens(line: readonly Token[]): string {
  let s = '';
  for (let i = 0; i < line.length; i++) {
    const t = line[i];
    if (i > 0) {
      const prev = line[i - 1];
      const touching = prev.end === t.start;
      const unknown = (x: Token): boolean => x.kind === 'punct' && !KNOWN_PUNCT.has(x.text);
      if (isPunct(t, ',') || isPunct(t, ';')) {
        // no space before a separator
      } else if ((unknown(prev) || unknown(t)) && touching) {
        // text the language does not know: keep it as written
      } else s += ' ';
    }
    s += t.kind === 'comment' && !t.block ? t.text.trimEnd() : t.text;
  }
  return s;
}
