import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { sourceText } from '../../server/src/common/source';
import { parseFresh, reparse } from '../../server/src/language/incremental';
import { parse, type ParseResult } from '../../server/src/language/parser';
import { generateFile } from '../../bench/generators';

const SAMPLES = path.join(__dirname, '..', '..', 'samples');
const sampleTexts = fs.readdirSync(SAMPLES).filter((f) => f.endsWith('.dmabuf')).map((f) => fs.readFileSync(path.join(SAMPLES, f), 'utf8'));
const BASES = [...sampleTexts.slice(0, 4), sampleTexts.join('\n'), generateFile(200).text];

/** Fragments that change how the text around them parses: block ends, comments, strings, keywords. */
const FRAGMENTS = [
  '}', '{', '\n', ';', 'scenario', 'scenario s on arm64_soc {\n', 'platform p extends arm64_soc {', 'import "x.dmabuf"\n',
  '/*', '*/', '//', '"', '=', ' = ', 'x', 'b = export soc_gpu system 1MiB\n', 'submit soc_gpu read b', 'thread t {', '@', '0x',
  '\u0000', ' ', 'wait', ',',
];

interface Edit {
  readonly at: number; // fraction of the text length
  readonly remove: number;
  readonly insert: string;
}

const editArb: fc.Arbitrary<Edit> = fc.record({
  at: fc.double({ min: 0, max: 1, noNaN: true }),
  remove: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 8 }), fc.integer({ min: 9, max: 400 })),
  insert: fc.oneof(fc.constant(''), fc.constantFrom(...FRAGMENTS), fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 4 }).map((a) => a.join(''))),
});

function apply(text: string, e: Edit): string {
  const at = Math.floor(e.at * text.length);
  return text.slice(0, at) + e.insert + text.slice(Math.min(text.length, at + e.remove));
}

/** The incremental result must be the full parse: same tree, same findings (ranges included). */
function assertSameAsFresh(result: ParseResult, text: string, context: string): void {
  const fresh = parse(sourceText('/w/f.dmabuf', text));
  assert.deepEqual(result.ast, fresh.ast, `tree differs ${context}`);
  assert.deepEqual(result.findings, fresh.findings, `findings differ ${context}`);
}

test('re-parsing after random edits gives exactly the full parse (tree and findings)', () => {
  fc.assert(
    fc.property(fc.constantFrom(...BASES.keys()), fc.array(editArb, { minLength: 1, maxLength: 6 }), (base, edits) => {
      let text = BASES[base];
      let result = parseFresh(sourceText('/w/f.dmabuf', text));
      for (const [i, e] of edits.entries()) {
        const next = apply(text, e);
        result = reparse(sourceText('/w/f.dmabuf', next), result);
        text = next;
        assertSameAsFresh(result, text, `after edit ${i + 1} of ${JSON.stringify(edits)}`);
      }
    }),
    { numRuns: 300, seed: 4242 },
  );
});

test('typing a statement into the middle of a large file re-parses only the items around it', () => {
  const base = generateFile(2000).text;
  const at = base.indexOf('\n', Math.floor(base.length / 2)) + 1;
  let text = base;
  let result = parseFresh(sourceText('/w/f.dmabuf', text));
  const before = result.ast.items;
  for (const ch of '  q = fence\n') {
    const pos = at + (text.length - base.length);
    const next = text.slice(0, pos) + ch + text.slice(pos);
    result = reparse(sourceText('/w/f.dmabuf', next), result);
    text = next;
  }
  assertSameAsFresh(result, text, 'after typing');
  // Items well before the edit are the very same objects: nothing was parsed or copied for them.
  const firstChanged = result.ast.items.findIndex((item, i) => item !== before[i]);
  assert.ok(firstChanged > before.length / 4, `items reused before the edit: ${firstChanged} of ${before.length}`);
});

test('an edit that opens an unterminated block comment re-parses to the end of the file', () => {
  const text = sampleTexts.join('\n');
  const first = parseFresh(sourceText('/w/f.dmabuf', text));
  const at = text.indexOf('scenario', text.length / 3);
  const next = `${text.slice(0, at)}/* ${text.slice(at)}`;
  const result = reparse(sourceText('/w/f.dmabuf', next), first);
  assertSameAsFresh(result, next, 'after opening a comment');
  assert.ok(result.findings.some((f) => /unterminated block comment/.test(f.message)));
});

test('an edit to the keyword that ended an unclosed block re-parses that block too', () => {
  // The first scenario has no `}`: the second's `scenario` keyword ends it. Renaming that
  // keyword lets the first block run on, which only a re-parse of the first item can see.
  const text = [
    'scenario a on arm64_soc {',
    '  b = export soc_gpu system 1MiB',
    '  put b',
    'scenario c on arm64_soc {',
    '  f = fence',
    '  signal f',
    '}',
    'scenario d on arm64_soc {',
    '}',
    '',
  ].join('\n');
  const first = parseFresh(sourceText('/w/f.dmabuf', text));
  assert.equal(first.ast.items.length, 3);
  const at = text.indexOf('scenario c') + 'scenario'.length;
  const next = `${text.slice(0, at)}x${text.slice(at)}`;
  const result = reparse(sourceText('/w/f.dmabuf', next), first);
  assertSameAsFresh(result, next, 'after renaming the keyword');
  assert.equal(result.ast.items.length, 2);
});
