import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lex } from '../../server/src/language/lexer';

const kinds = (text: string): string[] => lex(text).tokens.map((t) => t.kind);

test('identifiers, punctuation and newlines are tokens; comments and spaces are not', () => {
  assert.deepEqual(kinds('a = b; { c }, // x\n/* y\n z */ d'), [
    'Ident', 'Equals', 'Ident', 'Semi', 'LBrace', 'Ident', 'RBrace', 'Comma', 'Newline', 'Ident', 'EOF',
  ]);
});

test('integers are decimal or hex with _ separators; sizes take binary units and their synonyms', () => {
  const values = (text: string): (number | undefined)[] => lex(text).tokens.filter((t) => t.kind === 'Number').map((t) => t.value);
  assert.deepEqual(values('4096 0x1000 0x1_0000_0000 1_000'), [4096, 4096, 2 ** 32, 1000]);
  assert.deepEqual(values('1B 4KiB 4K 64MiB 64M 2GiB 2G 1TiB 1T'), [1, 4096, 4096, 64 << 20, 64 << 20, 2 ** 31, 2 ** 31, 2 ** 40, 2 ** 40]);
  const [t] = lex('64MiB').tokens;
  assert.equal(t.unit, 'MiB');
  assert.equal(t.text, '64MiB');
});

test('a version is digits, a dot, digits', () => {
  const [t] = lex('6.1').tokens;
  assert.equal(t.kind, 'Version');
  assert.equal(t.text, '6.1');
});

test('numbers beyond 2^53 are "too large", not silently rounded', () => {
  const r = lex('0x20_0000_0000_0000 9007199254740991');
  assert.equal(r.problems.length, 1);
  assert.match(r.problems[0].message, /too large/);
  assert.equal(r.tokens[1].value, Number.MAX_SAFE_INTEGER);
  assert.match(lex('8PiB').problems[0].message, /not a unit/);
  assert.match(lex('1__0').problems[0].message, /separate digits/);
});

test('unterminated strings and block comments are problems, and lexing ends', () => {
  const s = lex('import "abc\nx');
  assert.match(s.problems[0].message, /unterminated string/);
  assert.deepEqual(s.tokens.map((t) => t.kind), ['Ident', 'String', 'Newline', 'Ident', 'EOF']);
  const c = lex('a /* never closed\n\n');
  assert.match(c.problems[0].message, /unterminated block comment/);
  assert.deepEqual(c.tokens.map((t) => t.kind), ['Ident', 'EOF']);
});

test('a run of unexpected characters is one Bad token with one problem', () => {
  const r = lex('a @#$ b');
  assert.deepEqual(r.tokens.map((t) => t.kind), ['Ident', 'Bad', 'Ident', 'EOF']);
  assert.equal(r.problems.length, 1);
  assert.match(r.problems[0].message, /unexpected characters `@#\$`/);
});

test('CRLF and lone CR end lines like LF', () => {
  assert.deepEqual(kinds('a\r\nb\rc'), ['Ident', 'Newline', 'Ident', 'Newline', 'Ident', 'EOF']);
});

test('token spans are exact UTF-16 offsets', () => {
  const r = lex('  heap  64MiB');
  assert.deepEqual(r.tokens.slice(0, 2).map((t) => t.span), [{ start: 2, end: 6 }, { start: 8, end: 13 }]);
});

test('`..` between versions is one token (a kernel range); a lone `.` stays a bad character', () => {
  assert.deepEqual(kinds('6.1..7.1'), ['Version', 'DotDot', 'Version', 'EOF']);
  assert.deepEqual(kinds('6.18..mainline'), ['Version', 'DotDot', 'Ident', 'EOF']);
  assert.deepEqual(kinds('6.1 .. 7.1'), ['Version', 'DotDot', 'Version', 'EOF']);
  assert.deepEqual(kinds('a.b'), ['Ident', 'Bad', 'Ident', 'EOF']);
});
