// The three shipped platforms (x86_64_pc, arm64_soc, arm32_soc). They are ordinary .dmabuf text,
// parsed and resolved like any file, once per process: every program shares the result, so their
// symbols take the lowest ids and each program numbers its own symbols after them.
import fs from 'node:fs';
import path from 'node:path';
import type { Ident } from './ast';
import type { ParsedFile, ResolvedPlatform, Symbol } from './bound';
import { parse } from './parser';
import { buildSpec, resolveSpec, type PlatformSpec } from './platforms';
import { FindingSink, SymbolTable } from './symbols';
import { sourceText } from '../common/source';
import type { Finding } from '../common/findings';

export const BUILTIN_NAMES = ['x86_64_pc', 'arm64_soc', 'arm32_soc'] as const;
export const BUILTIN_SCHEME = 'builtin:/';

export interface Builtins {
  readonly files: ReadonlyMap<string, ParsedFile>;
  readonly specs: ReadonlyMap<string, PlatformSpec>;
  readonly platforms: ReadonlyMap<string, ResolvedPlatform>;
  readonly symbols: readonly Symbol[];
  readonly refs: ReadonlyMap<Ident, Symbol>;
  /** The table programs chain to, so platforms extending a built-in reuse its symbols. */
  readonly table: SymbolTable;
  /** Problems in the shipped text (a test keeps this empty). */
  readonly findings: readonly Finding[];
}

let cache: Builtins | undefined;
let none: Builtins | undefined;

const NAMED = new RegExp(`\\b(?:${BUILTIN_NAMES.join('|')})\\b`);

/**
 * The built-ins a program needs: all three when any of its files names one, else none. A program
 * can only reach a built-in by its name, and parsing them was a sixth of the CLI's start-up on a
 * file that names none (an empty file, a file with its own platforms).
 */
export function builtinsFor(texts: readonly string[]): Builtins {
  if (texts.some((t) => NAMED.test(t))) return builtins();
  none ??= { files: new Map(), specs: new Map(), platforms: new Map(), symbols: [], refs: new Map(), table: new SymbolTable(1), findings: [] };
  return none;
}

/** Where the .dmabuf texts are: beside this module under tsx, dist/platforms in the bundles. */
function platformsDir(): string {
  const candidates = [path.join(__dirname, 'platforms'), path.join(__dirname, '..', 'server', 'src', 'language', 'platforms')];
  return candidates.find((d) => fs.existsSync(path.join(d, 'x86_64_pc.dmabuf'))) ?? candidates[0];
}

export function builtinPath(name: string): string {
  return `${BUILTIN_SCHEME}${name}.dmabuf`;
}

/** The text of a built-in platform, for hover and the docs. */
export function builtinText(name: string): string | undefined {
  return builtins().files.get(builtinPath(name))?.source.text;
}

export function builtins(): Builtins {
  if (cache) return cache;
  const symbols = new SymbolTable(1);
  const sink = new FindingSink();
  const files = new Map<string, ParsedFile>();
  const specs = new Map<string, PlatformSpec>();
  const platforms = new Map<string, ResolvedPlatform>();
  const dir = platformsDir();
  for (const name of BUILTIN_NAMES) {
    let text = '';
    try {
      text = fs.readFileSync(path.join(dir, `${name}.dmabuf`), 'utf8');
    } catch {
      // A broken installation: the platform is simply missing and scenarios naming it get a NAME error.
      continue;
    }
    const source = sourceText(builtinPath(name), text);
    const parsed = parse(source);
    const file: ParsedFile = { source, ast: parsed.ast, findings: parsed.findings, builtin: true };
    files.set(source.path, file);
    for (const item of parsed.ast.items) {
      if (item.kind !== 'Platform') continue;
      const spec = buildSpec({ symbols, sink }, file, item, undefined);
      specs.set(spec.name, spec);
      platforms.set(spec.name, resolveSpec({ symbols, sink }, spec));
    }
  }
  const findings = [...[...files.values()].flatMap((f) => f.findings), ...sink.items.map((i) => i.finding)];
  cache = { files, specs, platforms, symbols: symbols.symbols, refs: symbols.refs, table: symbols, findings };
  return cache;
}
