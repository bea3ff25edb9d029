// The driver's C, parsed with tree-sitter's C grammar compiled to WebAssembly (web-tree-sitter +
// tree-sitter-c from the npm registry: no native build, so it loads the same way in the extension
// host, the server and the CLI). Loading is asynchronous and done once; a parse after it is
// synchronous. Preprocessor lines stay in the tree as text (preproc_* nodes); a function whose body
// has an ERROR node is skipped with the reason, never guessed at.
import fs from 'node:fs';
import path from 'node:path';
import type { Node as CNode, Parser, Tree } from 'web-tree-sitter';

export type { CNode, Parser, Tree };

let loading: Promise<Parser> | undefined;
let loaded: Parser | undefined;

/** Where the .wasm files are: beside the bundle (dist/), else in node_modules (tests, tsx). */
function wasmPath(file: string, pkg: string): string {
  const beside = path.join(__dirname, file);
  if (fs.existsSync(beside)) return beside;
  return require.resolve(`${pkg}/${file}`);
}

/** The parser, loaded on first use (about 40 ms); every later call gets the same one. */
export function loadCParser(): Promise<Parser> {
  loading ??= (async () => {
    // Required here, not at the top: a run without `check` never pays for loading tree-sitter.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ts = require('web-tree-sitter') as typeof import('web-tree-sitter');
    // The bytes, not paths: given a path, web-tree-sitter reads it with a dynamic import('fs/promises'),
    // which the CLI's code-cache loader (cli/launch.ts) cannot serve.
    const runtime = wasmPath('tree-sitter.wasm', 'web-tree-sitter');
    await ts.Parser.init({ wasmBinary: fs.readFileSync(runtime), locateFile: () => runtime });
    const language = await ts.Language.load(fs.readFileSync(wasmPath('tree-sitter-c.wasm', 'tree-sitter-c')));
    const parser = new ts.Parser();
    parser.setLanguage(language);
    loaded = parser;
    return parser;
  })();
  return loading;
}

/** The parser if loadCParser() has finished, for callers that cannot wait (the CLI loads it first). */
export function cParserIfLoaded(): Parser | undefined {
  return loaded;
}

/** A function definition of the file: its name, node and, when it does not parse, why it is skipped. */
export interface CFunction {
  readonly name: string;
  readonly node: CNode;
  readonly body: CNode;
  /** Static functions may be followed from a checked function of the same file. */
  readonly isStatic: boolean;
  /** The parameters' names, in order. */
  readonly params: readonly string[];
  readonly skipped?: string;
}

export function functionsOf(tree: Tree): CFunction[] {
  const out: CFunction[] = [];
  for (const node of tree.rootNode.namedChildren) {
    if (!node || node.type !== 'function_definition') continue;
    const declarator = node.childForFieldName('declarator');
    const body = node.childForFieldName('body');
    const name = declarator ? declaredName(declarator) : undefined;
    if (!name || !body) continue;
    const isStatic = node.namedChildren.some((c) => c?.type === 'storage_class_specifier' && c.text === 'static');
    const error = firstError(body);
    const list = declarator?.descendantsOfType('parameter_list')[0];
    const params = (list?.namedChildren ?? [])
      .filter((c): c is CNode => !!c && c.type === 'parameter_declaration')
      .map((c) => {
        const d = c.childForFieldName('declarator');
        return d ? declaredName(d) ?? '' : '';
      });
    out.push({ name, node, body, isStatic, params, ...(error ? { skipped: `line ${error.startPosition.row + 1} does not parse as C (${error.text.slice(0, 40).replace(/\s+/g, ' ')})` } : {}) });
  }
  return out;
}

/** The identifier a (function) declarator declares, through pointers and parentheses. */
function declaredName(declarator: CNode): string | undefined {
  let d: CNode | null = declarator;
  while (d && d.type !== 'identifier') d = d.childForFieldName('declarator') ?? d.namedChildren.find((c) => c?.type === 'identifier') ?? null;
  return d?.text;
}

function firstError(node: CNode): CNode | undefined {
  if (node.type === 'ERROR' || node.isMissing) return node;
  if (!node.hasError) return undefined;
  for (const c of node.namedChildren) {
    if (!c) continue;
    const e = firstError(c);
    if (e) return e;
  }
  return node;
}
