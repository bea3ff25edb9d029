// The `check` items of the files given to dmabuf-check: their C files, checked path by path
// (cdriver/check.ts), as reports the text, JSON and SARIF formats print beside the .dmabuf files'.
import fs from 'node:fs';
import path from 'node:path';
import { analyze } from '../analysis';
import { bindProgram, type FileHost } from '../language/program';
import type { BoundProgram } from '../language/bound';
import { cParserIfLoaded, loadCParser } from '../cdriver/c-syntax';
import { checkC, fromAnalysis, type CCheckResult } from '../cdriver/check';
import { LineIndex } from '../common/source';
import type { EngineOptions } from '../engine/api';

/** One checked C file. */
export interface CReport {
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

export { loadCParser };

/**
 * Runs the program's checks. Errors (a C file that cannot be read, one outside the root) are
 * returned as messages for stderr, never thrown.
 */
export function runChecks(
  program: BoundProgram,
  dmabufText: string,
  opts: { readonly cwd: string; readonly root: string; readonly host: FileHost; readonly engine: EngineOptions; /** Only the checks of this C file. */ readonly only?: string },
): { readonly reports: CReport[]; readonly errors: string[] } {
  const reports: CReport[] = [];
  const errors: string[] = [];
  if (program.checks.length === 0) return { reports, errors };
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
    let text: string;
    try {
      text = fs.readFileSync(absolute, 'utf8');
    } catch (e) {
      errors.push(`${display}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
      continue;
    }
    const tree = parser.parse(text);
    if (!tree) {
      errors.push(`${display}: the C parser gave up on it`);
      continue;
    }
    const result = checkC(check, dmabufText, tree, (t) => fromAnalysis(analyze({ path: check.file, text: t }, { root: opts.root, host: opts.host, engine: opts.engine })), scenarioSpans(program));
    reports.push({ display, absolute, lines: new LineIndex(text), result });
  }
  return { reports, errors };
}

/**
 * `dmabuf-check driver.c`: the .dmabuf files under the root whose `check` names the C file, and the
 * C file's reports from them (the .dmabuf files' own scenarios are not run).
 */
export function checksOfCFile(cFile: string, dmabufFiles: readonly string[], opts: { readonly cwd: string; readonly root: string; readonly host: FileHost; readonly engine: EngineOptions }): { readonly reports: CReport[]; readonly errors: string[] } {
  const reports: CReport[] = [];
  const errors: string[] = [];
  for (const file of dmabufFiles) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    if (!needsC([text])) continue;
    const program = bindProgram({ path: file, text }, { root: opts.root, host: opts.host });
    if (!program.checks.some((c) => path.resolve(path.dirname(c.file), c.decl.path) === cFile)) continue;
    const r = runChecks(program, text, { ...opts, only: cFile });
    reports.push(...r.reports);
    errors.push(...r.errors);
  }
  if (reports.length === 0 && errors.length === 0) errors.push(`${path.relative(opts.cwd, cFile) || cFile}: no \`check\` of a .dmabuf file under --root names it`);
  return { reports, errors };
}

/** The spans of the main file's own scenarios. */
export function scenarioSpans(program: BoundProgram): { readonly start: number; readonly end: number }[] {
  return (program.files.get(program.main)?.ast.items ?? []).filter((i) => i.kind === 'Scenario').map((i) => i.span);
}

/** 1-based line and column of an offset, as compilers print them. */
export function cPosition(r: CReport, offset: number): { readonly line: number; readonly column: number } {
  const p = r.lines.position(offset);
  return { line: p.line + 1, column: p.character + 1 };
}

/** The text format's lines for the C reports (findings, their path and related places, skipped functions). */
export function cTextLines(reports: readonly CReport[], showScenario: boolean): string[] {
  const lines: string[] = [];
  for (const r of reports) {
    for (const f of r.result.findings) {
      const p = cPosition(r, f.start);
      lines.push(`${r.display}:${p.line}:${p.column}: ${f.severity} ${f.code} ${f.message.replace(/\r?\n/g, ' ')}`);
      if (f.path.length) lines.push(`    ${r.display}:${p.line}:${p.column}: note: in ${f.function}(), ${f.path.join(', ')}`);
      for (const rel of f.related) {
        const q = cPosition(r, rel.start);
        lines.push(`    ${r.display}:${q.line}:${q.column}: note: ${rel.message.replace(/\r?\n/g, ' ')}`);
      }
      if (showScenario) lines.push(...f.scenario.split('\n').map((l) => `    | ${l}`));
    }
    for (const s of r.result.skipped) lines.push(`${r.display}: note: ${s.function}() not checked: ${s.reason}`);
  }
  return lines;
}
