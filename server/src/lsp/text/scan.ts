// A lexical scan of .dmabuf text that never fails: words, numbers, strings, comments and
// punctuation with their offsets. The parser's tree says what the text means; this scan is what
// the editor features need where the tree has no node (comments for folding and formatting, a
// flag keyword like `dynamic` for hover and semantic tokens, the words before the cursor for
// completion) and it works on text the parser rejects.

export type TokenKind = 'word' | 'number' | 'string' | 'comment' | 'punct' | 'newline';

export interface Token {
  readonly kind: TokenKind;
  readonly start: number;
  /** Exclusive. */
  readonly end: number;
  readonly text: string;
  /** A block comment or string that runs to the end of the text (or line, for strings). */
  readonly unterminated?: boolean;
  /** For comments: `//` or `/*`. */
  readonly block?: boolean;
}

const isAlpha = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isWordStart = (c: string): boolean => isAlpha(c.charCodeAt(0));
const isWordPart = (c: string): boolean => isAlpha(c.charCodeAt(0)) || isDigit(c.charCodeAt(0));
// Numbers keep their unit, `_` separators, hex digits and a version's dot: `64MiB`, `0x1_000`, `6.1`.
const isNumberPart = (c: string): boolean => isWordPart(c) || c === '.';

export function scan(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = text.length;
  const push = (kind: TokenKind, start: number, end: number, extra: Partial<Token> = {}): void => {
    tokens.push({ kind, start, end, text: text.slice(start, end), ...extra });
  };
  while (i < n) {
    const c = text[i];
    if (c === '\n' || c === '\r') {
      const start = i;
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      push('newline', start, i);
    } else if (c === ' ' || c === '\t' || c === '\f' || c === '\v') {
      i++;
    } else if (c === '/' && text[i + 1] === '/') {
      const start = i;
      while (i < n && text[i] !== '\n' && text[i] !== '\r') i++;
      push('comment', start, i, { block: false });
    } else if (c === '/' && text[i + 1] === '*') {
      const start = i;
      const close = text.indexOf('*/', i + 2);
      i = close < 0 ? n : close + 2;
      push('comment', start, i, { block: true, unterminated: close < 0 });
    } else if (c === '"') {
      const start = i++;
      let closed = false;
      while (i < n && text[i] !== '\n' && text[i] !== '\r') {
        if (text[i] === '\\') i += 2;
        else if (text[i++] === '"') { closed = true; break; }
      }
      i = Math.min(i, n);
      push('string', start, i, { unterminated: !closed });
    } else if (isWordStart(c)) {
      const start = i;
      while (i < n && isWordPart(text[i])) i++;
      push('word', start, i);
    } else if (c >= '0' && c <= '9') {
      const start = i;
      // A range's `..` ends the version before it (`6.1..mainline` is a number, `..`, a word).
      while (i < n && isNumberPart(text[i]) && !(text[i] === '.' && text[i + 1] === '.')) i++;
      push('number', start, i);
    } else if (c === '.' && text[i + 1] === '.') {
      push('punct', i, i + 2);
      i += 2;
    } else {
      push('punct', i, i + 1);
      i++;
    }
  }
  return tokens;
}

/** The token whose span contains `offset`, or ends exactly at it (the cursor just after a word). */
export function tokenAt(tokens: readonly Token[], offset: number): Token | undefined {
  let lo = 0;
  let hi = tokens.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const t = tokens[mid];
    if (t.end < offset) lo = mid + 1;
    else if (t.start > offset) hi = mid - 1;
    else {
      // Prefer the token that starts at the offset over one that merely ends there.
      const next = tokens[mid + 1];
      if (t.end === offset && next && next.start === offset) return next;
      return t;
    }
  }
  return undefined;
}
