// The TextMate grammar's statement patterns, generated from the statement table
// (server/src/language/statements.ts): the `thread NAME` pattern, the `NAME = keyword` pattern,
// the plain `keyword` pattern and the modifier words of the statements' operands. The rest of syntaxes/dmabuf.tmLanguage.json is written by hand;
// scripts/gen-grammar.ts rewrites the file at build time, test/grammar/generated.test.ts fails when
// the committed file differs from what this returns.
import { BINDING_KEYWORDS, PLAIN_KEYWORDS, SPECS, STATEMENTS, modifierWords } from '../server/src/language/statements';

/** Modifier words outside the statement table's slots: platform syntax and fence's bespoke `context C seqno N`. */
const OTHER_MODIFIERS = ['under', 'group', 'mmio', 'extends', 'on', 'context', 'seqno'];

const LINE_START = '(?:^|(?<=[;{]))\\s*';
const KERNEL_CALL = { name: 'support.function.kernel.dmabuf' };

/** Keywords as one alternation, a keyword before any keyword it extends (`map_unlocked` before `map`). */
export function alternation(words: readonly string[]): string {
  const out: string[] = [];
  for (const w of words) {
    const at = out.findIndex((o) => w.startsWith(o));
    if (at < 0) out.push(w);
    else out.splice(at, 0, w);
  }
  return out.join('|');
}

/** The `statements` repository entry of the grammar. */
export function statementPatterns(): unknown {
  const thread = STATEMENTS.Thread.keywords.map((k) => k.word);
  const plain = PLAIN_KEYWORDS.filter((k) => !thread.includes(k));
  return {
    patterns: [
      {
        match: `${LINE_START}(${alternation(thread)})\\s+([A-Za-z_]\\w*)`,
        captures: { 1: { name: 'keyword.control.thread.dmabuf' }, 2: { name: 'entity.name.function.thread.dmabuf' } },
      },
      {
        match: `${LINE_START}([A-Za-z_]\\w*)\\s*(=)\\s*(${alternation(BINDING_KEYWORDS)})\\b`,
        captures: { 1: { name: 'variable.other.definition.dmabuf' }, 2: { name: 'keyword.operator.assignment.dmabuf' }, 3: KERNEL_CALL },
      },
      { match: `${LINE_START}(${alternation(plain)})\\b`, captures: { 1: KERNEL_CALL } },
    ],
  };
}

/** The `modifiers` repository entry: option and operand words, wherever they stand. */
export function modifierPatterns(): unknown {
  const words = [...new Set([...OTHER_MODIFIERS, ...SPECS.flatMap((s) => modifierWords(s))])];
  return { patterns: [{ match: `\\b(${alternation(words)})\\b`, name: 'keyword.other.modifier.dmabuf' }] };
}

/** The grammar file's text with its statement and modifier patterns generated (the committed file's format). */
export function generateGrammar(current: string): string {
  const grammar = JSON.parse(current) as { repository: Record<string, unknown> };
  grammar.repository.statements = statementPatterns();
  grammar.repository.modifiers = modifierPatterns();
  return `${JSON.stringify(grammar, null, 2)}\n`;
}
