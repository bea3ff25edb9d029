// The front end as one call: main text in, bound program out (parse, follow imports, bind).
// This is what the CLI and the language server use; `analysis.ts` adds the engine.
import path from 'node:path';
import type { BoundProgram, ParsedFile } from './bound';
import { bind } from './binder';
import { loadImports, relocateForeign, type FileHost } from './imports';
import { parse } from './parser';
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
}

export function parseFile(p: string, text: string): ParsedFile {
  const source = sourceText(p, text);
  const { ast, findings } = parse(source);
  return { source, ast, findings, builtin: false };
}

export function bindProgram(main: MainText, options: ProgramOptions): BoundProgram {
  const file = parseFile(main.path, main.text);
  const imports = loadImports(file, options);
  const { program, foreign } = bind(file, imports.files);
  const importSyntax = imports.files.flatMap((f) => f.findings.map((finding) => ({ file: f, finding })));
  const root = options.host.realpath(options.root) ?? path.resolve(options.root);
  const relocated = relocateForeign(file, root, imports.siteOf, [...importSyntax, ...foreign]);
  const findings = [...program.findings, ...imports.findings, ...relocated].sort(compareFindings);
  return { ...program, findings };
}
