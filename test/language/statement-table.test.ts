// The statement table (server/src/language/statements.ts) is the one place a statement is
// described. These tests keep it so: it covers every statement kind of the AST, and a statement
// keyword is spelled as a literal in at most two files of the language front end, the language
// server and the client (the table, and the parser for syntax of its own) — issue 12's
// acceptance rule, so that adding a statement does not mean finding every list that names them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import type { StmtKind as AstStmtKind } from '../../server/src/language/ast';
import { firstScenario, parseText, scenario, summary } from './helpers';
import { BINDING_KEYWORDS, PLAIN_KEYWORDS, SPECS, STATEMENTS, STATEMENT_KEYWORDS, statementFor, type StmtKind } from '../../server/src/language/statements';

const ROOT = path.resolve(__dirname, '..', '..');
const SCANNED = ['server/src/language', 'server/src/lsp', 'client/src'];
const MAX_FILES = 2;

// Compile time: the table is keyed by every kind but `Error` (the parser's, not the language's);
// a kind added to `Stmt` without an entry fails here and in statements.ts.
const covered: Record<Exclude<AstStmtKind, 'Error'>, unknown> = STATEMENTS;
const noExtra: Record<keyof typeof STATEMENTS, unknown> = {} as Record<Exclude<AstStmtKind, 'Error'>, unknown>;
void covered;
void noExtra;

/** The `kind` of every member of `export type Stmt = ...` in ast.ts, read from the source. */
function astStatementKinds(): string[] {
  const file = path.join(ROOT, 'server/src/language/ast.ts');
  const sf = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const kindOf = new Map<string, string>();
  let members: string[] = [];
  sf.forEachChild((node) => {
    if (ts.isInterfaceDeclaration(node)) {
      for (const m of node.members) {
        if (ts.isPropertySignature(m) && m.name.getText(sf) === 'kind' && m.type && ts.isLiteralTypeNode(m.type) && ts.isStringLiteral(m.type.literal)) {
          kindOf.set(node.name.text, m.type.literal.text);
        }
      }
    }
    if (ts.isTypeAliasDeclaration(node) && node.name.text === 'Stmt' && ts.isUnionTypeNode(node.type)) {
      members = node.type.types.map((t) => t.getText(sf));
    }
  });
  assert.ok(members.length > 0, 'no `export type Stmt = ...` union found in ast.ts');
  return members.map((m) => {
    const kind = kindOf.get(m);
    assert.ok(kind, `no \`kind\` literal on ${m}`);
    return kind;
  });
}

test('the table has one entry per statement kind of ast.ts (Error aside), keyed by its own kind', () => {
  const kinds = astStatementKinds().filter((k) => k !== 'Error').sort();
  assert.deepEqual(Object.keys(STATEMENTS).sort(), kinds);
  for (const [key, spec] of Object.entries(STATEMENTS)) assert.equal(spec.kind, key);
});

test('every keyword starts exactly one statement and names it back', () => {
  assert.equal(new Set(STATEMENT_KEYWORDS).size, STATEMENT_KEYWORDS.length, 'a keyword is listed twice');
  assert.deepEqual([...BINDING_KEYWORDS, ...PLAIN_KEYWORDS].sort(), [...STATEMENT_KEYWORDS].sort());
  for (const spec of SPECS) {
    assert.ok(spec.keywords.length > 0, `${spec.kind} has no keyword`);
    for (const k of spec.keywords) assert.equal(statementFor(k.word)?.spec.kind, spec.kind as StmtKind);
  }
  assert.equal(statementFor('not_a_statement'), undefined);
});

// Words that are statement keywords and also the word of another vocabulary. A literal of that
// other meaning is not a statement keyword, so it is not counted — in the files named here only,
// and each entry must still be needed (a stale exclusion would hide a real literal).
const OTHER_MEANINGS: readonly { readonly word: string; readonly file: string; readonly meaning: string }[] = [
  // SymbolKind: the kinds of names (a fence, a domain, a vmap, a thread) the binder and hover report.
  { word: 'fence', file: 'server/src/language/bound.ts', meaning: 'the SymbolKind of fence names' },
  { word: 'domain', file: 'server/src/language/bound.ts', meaning: 'the SymbolKind of IOMMU domain names' },
  { word: 'vmap', file: 'server/src/language/bound.ts', meaning: 'the SymbolKind of vmap/mmap names' },
  { word: 'thread', file: 'server/src/language/bound.ts', meaning: 'the SymbolKind of thread names' },
  // struct dma_buf_ops members (DMA_BUF_CALLBACKS), the `ops` line of an exporter description.
  { word: 'attach', file: 'server/src/language/ast.ts', meaning: 'the dma_buf_ops member ops->attach' },
  { word: 'pin', file: 'server/src/language/ast.ts', meaning: 'the dma_buf_ops member ops->pin' },
  { word: 'mmap', file: 'server/src/language/ast.ts', meaning: 'the dma_buf_ops member ops->mmap' },
  // Trace agents: `cpu` is the main CPU thread's agent id, `thread` a trace lane's kind.
  { word: 'cpu', file: 'server/src/lsp/features/kernelC.ts', meaning: 'the main CPU agent id of a trace step' },
  { word: 'cpu', file: 'client/src/webview/model.ts', meaning: 'the main CPU agent id and its lane kind' },
  { word: 'thread', file: 'client/src/webview/model.ts', meaning: 'the lane kind of a thread agent' },
];

/** Every .ts file under the scanned folders, relative to the repository. */
function scannedFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
      const rel = `${dir}/${e.name}`;
      if (e.isDirectory()) walk(rel);
      else if (e.name.endsWith('.ts')) out.push(rel);
    }
  };
  for (const d of SCANNED) walk(d);
  assert.ok(out.length > 20, `too few files scanned (${out.length}): the folders moved?`);
  return out;
}

/** The values of the string and template literals of a file whose whole value is one word (comments are not literals). */
function wordLiterals(file: string): Set<string> {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false);
  const words = new Set<string>();
  const visit = (node: ts.Node) => {
    if ((ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) && /^\w+$/.test(node.text)) words.add(node.text);
    node.forEachChild(visit);
  };
  visit(sf);
  return words;
}

test(`a statement keyword is a literal ('kw', "kw" or \`kw\`) in at most ${MAX_FILES} files of ${SCANNED.join(', ')}`, () => {
  const literals = new Map(scannedFiles().map((f) => [f, wordLiterals(f)]));
  for (const x of OTHER_MEANINGS) {
    assert.ok(literals.get(x.file)?.has(x.word), `stale exclusion: ${x.file} no longer has the literal '${x.word}' (${x.meaning})`);
  }
  const excluded = (word: string, file: string) => OTHER_MEANINGS.some((x) => x.word === word && x.file === file);
  const over: string[] = [];
  for (const word of STATEMENT_KEYWORDS) {
    const files = [...literals].filter(([f, words]) => words.has(word) && !excluded(word, f)).map(([f]) => f);
    if (files.length > MAX_FILES) over.push(`'${word}' in ${files.length} files: ${files.join(', ')}`);
  }
  assert.deepEqual(over, [], 'derive these from the statement table (server/src/language/statements.ts)');
});

test('the table is where the keywords are spelled', () => {
  const table = wordLiterals('server/src/language/statements.ts');
  for (const word of STATEMENT_KEYWORDS) assert.ok(table.has(word), `'${word}' is not spelled in statements.ts`);
});

test('an unknown keyword is a SYNTAX finding, never parsed as some other statement', () => {
  // Before the table, an unknown binding keyword became `Domain` and an unknown plain one `Thread`.
  const { ast, findings } = parseText(scenario('x = domian smmu\nthreed t\nb = signal f\nexport_sync_file b read'));
  assert.deepEqual(
    firstScenario(ast).body.map((s) => s.kind),
    ['Error', 'Error', 'Error', 'Error'],
  );
  assert.deepEqual(summary(findings), [
    `2:SYNTAX expected a value-producing statement (${BINDING_KEYWORDS.map((k) => `\`${k}\``).join(', ').replace(/, ([^,]*)$/, ' or $1')}) after \`x =\`, found \`domian\``,
    '3:SYNTAX expected a statement (e.g. `NAME = export ...`, `submit`, `wait`), found `threed`',
    '4:SYNTAX `signal` does not produce a value: write it without `b =`',
    '5:SYNTAX `export_sync_file` produces a value: write `NAME = export_sync_file ...`',
  ]);
});
