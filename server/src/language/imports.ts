// Import resolution, confined to a root folder. Every problem, however deep in the import chain,
// is reported at the main file's `import` that leads to it, because that is the only place the
// author of the main file can act on. Never loops (cycle detection, a depth limit), never throws.
import fs from 'node:fs';
import path from 'node:path';
import type { ImportDecl } from './ast';
import type { ParsedFile } from './bound';
import { frontFinding } from './diagnostics';
import { parse } from './parser';
import type { Finding, RelatedInformation } from '../common/findings';
import { sourceText } from '../common/source';
import { embed, positionMarker, type Place } from '../common/message';

/** Reads files for the pipeline; the language server serves unsaved editor contents through it. */
export interface FileHost {
  /** The file's text, or undefined when it cannot be read. */
  readFile(path: string): string | undefined;
  /** The canonical path with symlinks resolved, or undefined when the file does not exist. */
  realpath(path: string): string | undefined;
}

/** Imported files larger than this are refused (a scenario description is a few KiB). */
export const MAX_IMPORT_BYTES = 2 * 1024 * 1024;
/** Longest chain of imports followed. */
export const MAX_IMPORT_DEPTH = 64;

export const nodeFileHost: FileHost = {
  readFile(p) {
    try {
      const st = fs.statSync(p);
      if (!st.isFile()) return undefined;
      // Refuse before reading: a multi-gigabyte file must not be loaded to find out it is too big.
      if (st.size > MAX_IMPORT_BYTES * 4) return '\u0000'.repeat(MAX_IMPORT_BYTES + 1);
      return fs.readFileSync(p, 'utf8');
    } catch {
      return undefined;
    }
  },
  realpath(p) {
    try {
      return fs.realpathSync.native(p);
    } catch {
      return undefined;
    }
  },
};

export interface ImportResult {
  /** Every file reached by import (main excluded), each once, in the order first reached. */
  readonly files: readonly ParsedFile[];
  /** IMPORT findings, located in the main file. */
  readonly findings: readonly Finding[];
  /** For each imported file, the main file's import that first led to it. */
  readonly siteOf: ReadonlyMap<ParsedFile, ImportDecl>;
}

export interface ImportOptions {
  readonly root: string;
  readonly host: FileHost;
  /** Parsed files by canonical path, reused while their text is unchanged (the language server). */
  readonly cache?: Map<string, ParsedFile>;
}

function isInside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** Why an import path as written is refused, before touching the file system. */
function refuseSpelling(spec: string): string | undefined {
  if (spec === '') return 'the import path is empty';
  if (spec.includes('\\')) return `\`${spec}\` contains a backslash: write import paths with \`/\``;
  if (spec.includes('\0')) return 'the import path contains a NUL character';
  if (spec.startsWith('/') || /^[A-Za-z]:/.test(spec) || spec.startsWith('~')) {
    return `\`${spec}\` is absolute: imports are relative to the importing file`;
  }
  return undefined;
}

export function loadImports(main: ParsedFile, options: ImportOptions): ImportResult {
  const { host } = options;
  const root = host.realpath(options.root) ?? path.resolve(options.root);
  const findings: Finding[] = [];
  const files: ParsedFile[] = [];
  const byPath = new Map<string, ParsedFile>();
  const siteOf = new Map<ParsedFile, ImportDecl>();
  const mainReal = host.realpath(main.source.path) ?? path.resolve(main.source.path);
  const display = (p: string): string => (isInside(root, p) ? path.relative(root, p) || p : p);

  /** Follows the imports of `file`; problems are reported at `site` (an import of main). */
  const visit = (file: ParsedFile, fileReal: string, stack: string[], site: ImportDecl | undefined): void => {
    for (const item of file.ast.items) {
      if (item.kind !== 'Import') continue;
      const at = site ?? item;
      // For a problem deep in the chain, say how the main file's import leads there.
      const via = site ? `${stack.slice(1).map((p) => `\`${display(p)}\``).join(' → ')}: ` : '';
      const fail = (message: string, related: RelatedInformation[] = []): void => {
        findings.push(frontFinding(main.source, 'IMPORT', at.pathSpan, `${via}${message}`, related));
      };
      const refused = refuseSpelling(item.path);
      if (refused) {
        fail(refused);
        continue;
      }
      const target = path.resolve(path.dirname(fileReal), item.path);
      if (!isInside(root, target)) {
        fail(`\`${item.path}\` leads outside the root folder \`${root}\``);
        continue;
      }
      const real = host.realpath(target);
      if (real === undefined) {
        fail(`cannot find \`${item.path}\` (looked for \`${display(target)}\`)`);
        continue;
      }
      if (!isInside(root, real)) {
        fail(`\`${item.path}\` resolves (through a symbolic link) to \`${real}\`, outside the root folder \`${root}\``);
        continue;
      }
      if (real === mainReal || stack.includes(real)) {
        fail(`import cycle: \`${item.path}\` leads back to \`${display(real)}\`, ${real === mainReal ? 'the file being checked' : 'which is already being imported'}`);
        continue;
      }
      const known = byPath.get(real);
      if (known) continue; // reached before through another import: platforms are already visible
      if (stack.length >= MAX_IMPORT_DEPTH) {
        fail(`imports are nested more than ${MAX_IMPORT_DEPTH} deep`);
        continue;
      }
      const text = host.readFile(real);
      if (text === undefined) {
        fail(`cannot read \`${display(real)}\``);
        continue;
      }
      if (text.length > MAX_IMPORT_BYTES) {
        fail(`\`${display(real)}\` is larger than ${MAX_IMPORT_BYTES / (1024 * 1024)} MiB: refused`);
        continue;
      }
      const parsed = parseCached(real, text, options.cache);
      byPath.set(real, parsed);
      files.push(parsed);
      siteOf.set(parsed, at);
      visit(parsed, real, [...stack, real], at);
    }
  };
  visit(main, mainReal, [mainReal], undefined);
  return { files, findings, siteOf };
}

function parseCached(real: string, text: string, cache: Map<string, ParsedFile> | undefined): ParsedFile {
  const hit = cache?.get(real);
  if (hit && hit.source.text === text) return hit;
  const source = sourceText(real, text);
  const { ast, findings } = parse(source);
  const file: ParsedFile = { source, ast, findings, builtin: false };
  cache?.set(real, file);
  return file;
}

/** Problems inside imported files, reported once per imported file at the main file's import. */
export function relocateForeign(
  main: ParsedFile,
  root: string,
  siteOf: ReadonlyMap<ParsedFile, ImportDecl>,
  problems: readonly { readonly file: ParsedFile; readonly finding: Finding }[],
): Finding[] {
  const byFile = new Map<ParsedFile, Finding[]>();
  for (const p of problems) {
    const list = byFile.get(p.file) ?? [];
    list.push(p.finding);
    byFile.set(p.file, list);
  }
  const out: Finding[] = [];
  for (const [file, list] of byFile) {
    const site = siteOf.get(file);
    if (!site) continue;
    list.sort((a, b) => a.location.span.start - b.location.span.start);
    const first = list[0];
    const shown = path.relative(root, file.source.path) || file.source.path;
    // The position and the first message name places in the imported file: rendered at the edge.
    const pos: Place = { file: file.source.path, offset: first.location.span.start };
    const firstText = embed(first, [pos]);
    const more = list.length > 1 ? ` (and ${list.length - 1} more)` : '';
    // A prefix leaves the message's markers (and so their indexes) as they are.
    const related = list.slice(0, 20).map((f) => ({ location: f.location, message: `${f.code}: ${f.message}`, ...(f.places ? { places: f.places } : {}) }));
    const finding = frontFinding(main.source, 'IMPORT', site.pathSpan, '', related);
    out.push({ ...finding, message: `imported file \`${shown}\` has errors: ${positionMarker(0)}: ${first.code} ${firstText.message}${more}`, places: firstText.places });
  }
  return out;
}
