// Semantic tokens: names coloured by what they resolve to (platform, device, buffer, fence…),
// keywords, keyword-valued words (directions, usages), configs, numbers, strings and comments.
// Driven by the lexical scan so unparsable text is still coloured.
import type { SemanticTokens, SemanticTokensLegend } from 'vscode-languageserver';
import type { SymbolKind } from '../../language/bound';
import type { ServerContext } from '../context';
import type { DocState } from '../documents';
import { ALL_KEYWORDS, CONFIG_WORDS } from '../docs/keywords';
import { isBuiltinPath } from '../paths';
import { guard } from '../request';

const TYPES = ['namespace', 'class', 'interface', 'enum', 'enumMember', 'variable', 'property', 'function', 'method', 'event', 'keyword', 'comment', 'string', 'number', 'macro', 'type'] as const;
const MODIFIERS = ['declaration', 'defaultLibrary'] as const;
type TokenType = (typeof TYPES)[number];

export const LEGEND: SemanticTokensLegend = { tokenTypes: [...TYPES], tokenModifiers: [...MODIFIERS] };

const BY_SYMBOL: Record<SymbolKind, TokenType> = {
  platform: 'namespace',
  scenario: 'function',
  device: 'class',
  bar: 'property',
  iommu: 'interface',
  group: 'enum',
  host_bridge: 'type',
  switch: 'type',
  exporter: 'interface',
  buffer: 'variable',
  attachment: 'variable',
  sgt: 'variable',
  fence: 'event',
  domain: 'variable',
  vmap: 'variable',
  memory: 'variable',
  table: 'variable',
  iova: 'variable',
  ioas: 'variable',
  thread: 'method',
};

const CONFIGS = new Set(CONFIG_WORDS);

export function register(ctx: ServerContext): void {
  ctx.connection.languages.semanticTokens.on(
    guard(ctx.log, 'semanticTokens', { data: [] } as SemanticTokens, (p) => {
      const doc = ctx.doc(p.textDocument.uri);
      return { data: doc ? encode(doc) : [] };
    }),
  );
}

interface Raw {
  readonly start: number;
  readonly end: number;
  readonly type: TokenType;
  readonly modifiers: number;
}

export function classify(doc: DocState): Raw[] {
  const program = doc.front.program;
  const syntax = doc.front.syntax;
  const identByStart = new Map((syntax?.idents ?? []).map((i) => [i.span.start, i]));
  const wordStarts = new Set((syntax?.words ?? []).map((w) => w.span.start));
  const out: Raw[] = [];
  for (const t of doc.tokens) {
    if (t.kind === 'comment') out.push({ start: t.start, end: t.end, type: 'comment', modifiers: 0 });
    else if (t.kind === 'string') out.push({ start: t.start, end: t.end, type: 'string', modifiers: 0 });
    else if (t.kind === 'number') out.push({ start: t.start, end: t.end, type: 'number', modifiers: 0 });
    else if (t.kind === 'word') {
      const ident = identByStart.get(t.start);
      const sym = ident && program?.refs.get(ident);
      if (sym) {
        let mods = 0;
        if (sym.file === doc.path && sym.span.start === t.start) mods |= 1;
        if (isBuiltinPath(sym.file)) mods |= 2;
        out.push({ start: t.start, end: t.end, type: BY_SYMBOL[sym.kind], modifiers: mods });
      } else if (CONFIGS.has(t.text)) out.push({ start: t.start, end: t.end, type: 'macro', modifiers: 0 });
      else if (wordStarts.has(t.start)) out.push({ start: t.start, end: t.end, type: 'enumMember', modifiers: 0 });
      // `system` is a name-position keyword (MEM := 'system' | BAR): an unresolved ident there.
      else if (ALL_KEYWORDS.has(t.text) && (!ident || t.text === 'system')) out.push({ start: t.start, end: t.end, type: 'keyword', modifiers: 0 });
    }
  }
  return out;
}

/** LSP's relative encoding; multi-line tokens (block comments) are split per line. */
export function encode(doc: DocState): number[] {
  const data: number[] = [];
  let prevLine = 0;
  let prevChar = 0;
  for (const r of classify(doc)) {
    const a = doc.lines.position(r.start);
    const b = doc.lines.position(r.end);
    for (let line = a.line; line <= b.line; line++) {
      const startChar = line === a.line ? a.character : 0;
      const endChar = line === b.line ? b.character : doc.lines.lineText(line).length;
      if (endChar <= startChar) continue;
      const deltaLine = line - prevLine;
      data.push(deltaLine, deltaLine === 0 ? startChar - prevChar : startChar, endChar - startChar, TYPES.indexOf(r.type), r.modifiers);
      prevLine = line;
      prevChar = startChar;
    }
  }
  return data;
}
