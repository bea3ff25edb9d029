// The `check` items of .dmabuf files, run: their C files checked path by path (check.ts) on the
// platforms the .dmabuf files define, whoever asks (the CLI reads the files from disk; the language
// server passes the editor's texts through `read`).
import fs from 'node:fs';
import path from 'node:path';
import { analyze } from '../analysis';
import { bindProgram, type FileHost } from '../language/program';
import type { BoundProgram } from '../language/bound';
import { cParserIfLoaded } from './c-syntax';
import { checkC, fromAnalysis, type CCheckResult } from './check';
import { LineIndex, type TextRange } from '../common/source';
import type { EngineOptions } from '../engine/api';

/** Reads a file's text: the editor's when it has the file open, else the disk's; undefined when unreadable. */
export type ReadText = (absolute: string) => string | undefined;


export interface CheckOptions {
  readonly cwd: string;
  readonly root: string;
  readonly host: FileHost;
  readonly engine: EngineOptions;
  /** Where texts come from (default: the disk). */
  readonly read?: ReadText;
}

function readDiskOrWhy(absolute: string): string | { readonly why: string } {
  try {
    return fs.readFileSync(absolute, 'utf8');
  } catch (e) {
    return { why: (e as NodeJS.ErrnoException).code ?? String(e) };
  }
}

function readDisk(absolute: string): string | undefined {
  const text = readDiskOrWhy(absolute);
  return typeof text === 'string' ? text : undefined;
}

/** One checked C file. */
export interface CReport {
  /** The .dmabuf file whose `check` named it, and the `check` item's place in it (offsets, and lines for the editor). */
  readonly dmabuf: string;
  readonly checkSpan: { readonly start: number; readonly end: number };
  readonly checkRange: TextRange;
  /** The .dmabuf file's platform items as text: what a path's scenario needs to stand alone ("Show as scenario"). */
  readonly prelude: string;
  /** The C path as shown: relative to the working folder. */
  readonly display: string;
  readonly absolute: string;
  readonly lines: LineIndex;
  readonly result: CCheckResult;
}

/** Whether any of these .dmabuf texts has a `check` item (then the C grammar must be loaded first). */
export function needsC(texts: readonly string[]): boolean {
  return texts.some((t) => /^\s*check\s+"/m.test(t));
}

/**
 * Runs the program's checks. Errors (a C file that cannot be read, one outside the root) are
 * returned as messages for stderr, never thrown.
 */
export function runChecks(
  program: BoundProgram,
  dmabufText: string,
  opts: CheckOptions & { /** Only the checks of this C file. */ readonly only?: string },
): { readonly reports: CReport[]; readonly errors: string[] } {
  const reports: CReport[] = [];
  const errors: string[] = [];
  if (program.checks.length === 0) return { reports, errors };
  const dmabufLines = new LineIndex(dmabufText);
  const prelude = itemSpans(program, 'Platform').map((sp) => dmabufText.slice(sp.start, sp.end)).join('\n\n');
  const parser = cParserIfLoaded();
  if (!parser) return { reports, errors: ['the C grammar is not loaded (internal: loadCParser() was not awaited)'] };
  for (const check of program.checks) {
    const absolute = path.resolve(path.dirname(check.file), check.decl.path);
    if (opts.only !== undefined && absolute !== opts.only) continue;
    const display = path.relative(opts.cwd, absolute) || absolute;
    if (path.relative(opts.root, absolute).startsWith('..')) {
      errors.push(`${display}: outside --root ${opts.root}: not checked`);
      continue;
    }
    const text = opts.read ? opts.read(absolute) : readDiskOrWhy(absolute);
    if (typeof text !== 'string') {
      errors.push(`${display}: cannot read${text ? ` (${text.why})` : ''}`);
      continue;
    }
    const tree = parser.parse(text);
    if (!tree) {
      errors.push(`${display}: the C parser gave up on it`);
      continue;
    }
    const result = checkC(check, dmabufText, tree, (t) => fromAnalysis(analyze({ path: check.file, text: t }, { root: opts.root, host: opts.host, engine: opts.engine })), scenarioSpans(program));
    reports.push({ dmabuf: check.file, checkSpan: check.decl.span, checkRange: dmabufLines.range(check.decl.span), prelude, display, absolute, lines: new LineIndex(text), result });
  }
  return { reports, errors };
}

/**
 * `dmabuf-check driver.c`: the .dmabuf files under the root whose `check` names the C file, and the
 * C file's reports from them (the .dmabuf files' own scenarios are not run).
 */
export function checksOfCFile(cFile: string, dmabufFiles: readonly string[], opts: CheckOptions): { readonly reports: CReport[]; readonly errors: string[]; /** Some `check` names the file. */ readonly named: boolean } {
  const reports: CReport[] = [];
  const errors: string[] = [];
  let named = false;
  for (const file of dmabufFiles) {
    const text = (opts.read ?? readDisk)(file);
    if (text === undefined || !needsC([text])) continue;
    const program = bindProgram({ path: file, text }, { root: opts.root, host: opts.host });
    if (!program.checks.some((c) => path.resolve(path.dirname(c.file), c.decl.path) === cFile)) continue;
    named = true;
    const r = runChecks(program, text, { ...opts, only: cFile });
    reports.push(...r.reports);
    errors.push(...r.errors);
  }
  if (!named) errors.push(`${path.relative(opts.cwd, cFile) || cFile}: no \`check\` of a .dmabuf file under --root names it`);
  return { reports, errors, named };
}

/** The spans of the main file's own scenarios. */
export function scenarioSpans(program: BoundProgram): { readonly start: number; readonly end: number }[] {
  return itemSpans(program, 'Scenario');
}

function itemSpans(program: BoundProgram, kind: 'Scenario' | 'Platform'): { readonly start: number; readonly end: number }[] {
  return (program.files.get(program.main)?.ast.items ?? []).filter((i) => i.kind === kind).map((i) => i.span);
}

/** `*.dmabuf` under `dir`, sorted, skipping node_modules and .git; symlinked folders are not followed. */
export function findDmabufFiles(dir: string): string[] {
  const out: string[] = [];
  const stack = [dir];
  while (stack.length) {
    const d = stack.pop()!;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'node_modules' && e.name !== '.git') stack.push(p);
      } else if (e.isFile() && e.name.endsWith('.dmabuf')) {
        out.push(p);
      }
    }
  }
  return out.sort();
}
