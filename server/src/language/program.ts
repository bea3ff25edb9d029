// The front end as one call: main text in, bound program out (parse, follow imports, bind).
// This is what the CLI and the language server use; `analysis.ts` adds the engine.
import path from 'node:path';
import type { BoundProgram, ParsedFile } from './bound';
import { bind } from './binder';
import { loadImports, MAX_IMPORT_BYTES, relocateForeign, type FileHost } from './imports';
import { frontFinding } from './diagnostics';
import { parseFresh, reparse } from './incremental';
import { compareFindings } from '../common/findings';
import { sourceText } from '../common/source';

export { nodeFileHost, type FileHost } from './imports';

export interface MainText {
  /** Absolute path (or a pseudo path for an unsaved editor buffer). */
  readonly path: string;
  readonly text: string;
}

export interface ProgramOptions {
  /** Imports must stay inside this folder (after symlinks are resolved). */
  readonly root: string;
  readonly host: FileHost;
  /** Parsed imported files by canonical path, reused while unchanged. */
  readonly cache?: Map<string, ParsedFile>;
  /** The main file's previous parse (an editor's last version): re-parsed incrementally. */
  readonly previous?: ParsedFile;
}

/** Parses a file; given its previous parse, only the items around what changed (incremental.ts). */
export function parseFile(p: string, text: string, previous?: ParsedFile): ParsedFile {
  const source = sourceText(p, text);
  const { ast, findings } = previous && previous.source.path === p ? reparse(source, previous) : parseFresh(source);
  return { source, ast, findings, builtin: false };
}

/**
 * The largest main file checked, the same as for an imported file. Parsing is linear but runs on
 * the language server's main thread at every keystroke: a 5 MB file took seconds per edit there.
 * A scenario description is a few KiB; a generated one with thousands of scenarios stays below.
 */
export const MAX_MAIN_BYTES = MAX_IMPORT_BYTES;

export function bindProgram(main: MainText, options: ProgramOptions): BoundProgram {
  if (main.text.length > MAX_MAIN_BYTES) return tooLarge(main);
  const file = parseFile(main.path, main.text, options.previous);
  const imports = loadImports(file, options);
  const { program, foreign } = bind(file, imports.files);
  const importSyntax = imports.files.flatMap((f) => f.findings.map((finding) => ({ file: f, finding })));
  const root = options.host.realpath(options.root) ?? path.resolve(options.root);
  const relocated = relocateForeign(file, root, imports.siteOf, [...importSyntax, ...foreign]);
  const findings = [...program.findings, ...imports.findings, ...relocated].sort(compareFindings);
  return { ...program, findings };
}

/** A file over the limit: nothing parsed, one LIMIT finding at its start, the built-ins still there. */
function tooLarge(main: MainText): BoundProgram {
  const empty = parseFile(main.path, '');
  const file: ParsedFile = { ...empty, source: sourceText(main.path, main.text) };
  const { program } = bind(file, []);
  const mib = (n: number): string => (n / (1024 * 1024)).toFixed(1);
  const message = `this file is ${mib(main.text.length)} MiB, more than the ${mib(MAX_MAIN_BYTES)} MiB checked: it is not parsed or simulated. Split it into files that import a shared platform file.`;
  return { ...program, findings: [frontFinding(file.source, 'LIMIT', { start: 0, end: 0 }, message)] };
}
