// Turns .dmabuf text into tokens. Never throws: malformed input becomes `Bad` tokens or flagged
// tokens plus a lexical problem, which the parser turns into SYNTAX findings. Newlines are tokens
// because they end statements; comments and other whitespace are dropped.
import type { Span } from './ast';

export type TokenKind =
  | 'Ident'
  | 'Number'
  | 'Version'
  | 'String'
  | 'LBrace'
  | 'RBrace'
  | 'Comma'
  | 'Semi'
  | 'Equals'
  /** `-`: only the statements that take a signed integer (set_error, timeout) accept it. */
  | 'Minus'
  /** `..`: only between two versions, in a `kernel A..B` range. */
  | 'DotDot'
  | 'Newline'
  | 'Bad'
  | 'EOF';

export interface Token {
  readonly kind: TokenKind;
  readonly span: Span;
  /** The source text of the token (for strings: the contents without quotes). */
  readonly text: string;
  /** Numbers: the value in bytes (with unit) or the raw integer. */
  readonly value?: number;
  /** Numbers: the unit as written. */
  readonly unit?: string;
  /** Set when the lexer already reported a problem with this token. */
  readonly invalid?: boolean;
}

export interface LexProblem {
  readonly span: Span;
  readonly message: string;
}

export interface LexResult {
  readonly tokens: Token[];
  readonly problems: LexProblem[];
}

const KIB = 1024;
/** Unit multipliers; `K`, `M`, `G`, `T` are synonyms of the binary units. */
export const UNITS: Readonly<Record<string, number>> = {
  B: 1,
  KiB: KIB,
  MiB: KIB ** 2,
  GiB: KIB ** 3,
  TiB: KIB ** 4,
  K: KIB,
  M: KIB ** 2,
  G: KIB ** 3,
  T: KIB ** 4,
};

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isHexDigit = (c: number): boolean => isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
const isIdentStart = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isIdentPart = (c: number): boolean => isIdentStart(c) || isDigit(c);

const PUNCT: Readonly<Record<string, TokenKind>> = { '{': 'LBrace', '}': 'RBrace', ',': 'Comma', ';': 'Semi', '=': 'Equals', '-': 'Minus' };

/** Tokens of `text` from offset `from` (a token boundary, e.g. where a top-level item begins) to the end. */
export function lex(text: string, from = 0): LexResult {
  const { tokens, problems } = lexChunk(text, from, Infinity);
  return { tokens, problems };
}

/**
 * Tokens from `from` up to the first line end at or after `until` (where the lexer's state is
 * fresh: no comment, string or run of bad characters crosses a newline token), so that a parser
 * can lex only as far as it reads. `end` is where the next chunk starts; the last chunk ends
 * with the EOF token.
 */
export function lexChunk(text: string, from: number, until: number): LexResult & { readonly end: number } {
  const tokens: Token[] = [];
  const problems: LexProblem[] = [];
  const n = text.length;
  let i = from;

  const problem = (start: number, end: number, message: string): void => {
    problems.push({ span: { start, end }, message });
  };

  while (i < n) {
    const c = text.charCodeAt(i);
    const start = i;
    if (c === 10 || c === 13) {
      i += c === 13 && text.charCodeAt(i + 1) === 10 ? 2 : 1;
      tokens.push({ kind: 'Newline', span: { start, end: i }, text: '\n' });
      if (i >= until) return { tokens, problems, end: i };
      continue;
    }
    if (c === 32 || c === 9 || c === 12 || c === 11 || c === 0xfeff) {
      i++;
      continue;
    }
    if (c === 47 && text.charCodeAt(i + 1) === 47) {
      while (i < n && text.charCodeAt(i) !== 10 && text.charCodeAt(i) !== 13) i++;
      continue;
    }
    if (c === 47 && text.charCodeAt(i + 1) === 42) {
      i = lexBlockComment(text, i, tokens, problem);
      continue;
    }
    if (isIdentStart(c)) {
      while (i < n && isIdentPart(text.charCodeAt(i))) i++;
      tokens.push({ kind: 'Ident', span: { start, end: i }, text: text.slice(start, i) });
      continue;
    }
    if (isDigit(c)) {
      i = lexNumber(text, i, tokens, problem);
      continue;
    }
    if (c === 34) {
      i = lexString(text, i, tokens, problem);
      continue;
    }
    if (c === 46 && text.charCodeAt(i + 1) === 46) {
      i += 2;
      tokens.push({ kind: 'DotDot', span: { start, end: i }, text: '..' });
      continue;
    }
    const punct = PUNCT[text[i]];
    if (punct) {
      i++;
      tokens.push({ kind: punct, span: { start, end: i }, text: text[start] });
      continue;
    }
    // One bad character (a whole surrogate pair counts as one) per token, so a binary blob
    // does not produce a token per byte pair nor a problem per byte: runs are merged below.
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < n ? 2 : 1;
    const prev = tokens[tokens.length - 1];
    if (prev?.kind === 'Bad' && prev.span.end === start) {
      tokens[tokens.length - 1] = { ...prev, span: { start: prev.span.start, end: i }, text: text.slice(prev.span.start, i) };
      problems[problems.length - 1] = { span: { start: prev.span.start, end: i }, message: badCharMessage(text.slice(prev.span.start, i)) };
    } else {
      tokens.push({ kind: 'Bad', span: { start, end: i }, text: text.slice(start, i), invalid: true });
      problem(start, i, badCharMessage(text.slice(start, i)));
    }
  }
  tokens.push({ kind: 'EOF', span: { start: n, end: n }, text: '' });
  return { tokens, problems, end: n };
}

function badCharMessage(chars: string): string {
  if (chars.length === 1) return `unexpected character \`${printable(chars)}\``;
  return `unexpected characters \`${printable(chars.slice(0, 16))}${chars.length > 16 ? '…' : ''}\``;
}

function printable(s: string): string {
  return s.replace(/[\x00-\x1f\x7f-\x9f]/g, (ch) => `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

type Problem = (start: number, end: number, message: string) => void;

function lexBlockComment(text: string, start: number, _tokens: Token[], problem: Problem): number {
  const close = text.indexOf('*/', start + 2);
  if (close < 0) {
    problem(start, start + 2, 'unterminated block comment: `/*` has no matching `*/`');
    return text.length;
  }
  return close + 2;
}

function lexString(text: string, start: number, tokens: Token[], problem: Problem): number {
  let i = start + 1;
  let value = '';
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      tokens.push({ kind: 'String', span: { start, end: i + 1 }, text: value });
      return i + 1;
    }
    if (c === 10 || c === 13) break;
    if (c === 92 && i + 1 < text.length && (text[i + 1] === '"' || text[i + 1] === '\\')) {
      value += text[i + 1];
      i += 2;
      continue;
    }
    value += text[i];
    i++;
  }
  problem(start, i, 'unterminated string: a `"` is missing before the end of the line');
  tokens.push({ kind: 'String', span: { start, end: i }, text: value, invalid: true });
  return i;
}

/** Integer (decimal or 0x hex, `_` separators), optional unit; or a version `6.1`. */
function lexNumber(text: string, start: number, tokens: Token[], problem: Problem): number {
  const n = text.length;
  let i = start;
  let hex = false;
  if (text.charCodeAt(i) === 48 && (text[i + 1] === 'x' || text[i + 1] === 'X')) {
    hex = true;
    i += 2;
    while (i < n && (isHexDigit(text.charCodeAt(i)) || text.charCodeAt(i) === 95)) i++;
  } else {
    while (i < n && (isDigit(text.charCodeAt(i)) || text.charCodeAt(i) === 95)) i++;
    if (text[i] === '.' && isDigit(text.charCodeAt(i + 1))) {
      let j = i + 1;
      while (j < n && isDigit(text.charCodeAt(j))) j++;
      if (j >= n || !isIdentPart(text.charCodeAt(j))) {
        tokens.push({ kind: 'Version', span: { start, end: j }, text: text.slice(start, j) });
        return j;
      }
    }
  }
  const digitsEnd = i;
  while (i < n && isIdentPart(text.charCodeAt(i))) i++;
  const whole = text.slice(start, i);
  const digits = text.slice(hex ? start + 2 : start, digitsEnd).replace(/_/g, '');
  const unit = text.slice(digitsEnd, i);
  const bad = (message: string): number => {
    problem(start, i, message);
    tokens.push({ kind: 'Number', span: { start, end: i }, text: whole, value: 0, invalid: true });
    return i;
  };
  if (digits.length === 0) return bad(`malformed number \`${whole}\`: no digits after \`0x\``);
  if (/__|_$/.test(text.slice(start, digitsEnd))) return bad(`malformed number \`${whole}\`: \`_\` must separate digits`);
  if (unit && UNITS[unit] === undefined) {
    return bad(`malformed number \`${whole}\`: \`${unit}\` is not a unit (use B, KiB, MiB, GiB, TiB or K, M, G, T)`);
  }
  const raw = BigInt(hex ? `0x${digits}` : digits) * BigInt(unit ? UNITS[unit] : 1);
  if (raw > BigInt(Number.MAX_SAFE_INTEGER)) return bad(`number \`${whole}\` is too large (the limit is 2^53 - 1)`);
  tokens.push({
    kind: 'Number',
    span: { start, end: i },
    text: whole,
    value: Number(raw),
    ...(unit ? { unit } : {}),
  });
  return i;
}
