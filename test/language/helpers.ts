// Shared helpers for the front-end tests: parse or bind a text in one call.
import type * as A from '../../server/src/language/ast';
import { parse } from '../../server/src/language/parser';
import { bindProgram, type FileHost } from '../../server/src/language/program';
import type { BoundProgram } from '../../server/src/language/bound';
import type { Finding } from '../../server/src/common/findings';
import { sourceText, type TextRange } from '../../server/src/common/source';
import { rangeOf, renderMessage, type LinesOf } from '../../server/src/common/edge';

// Findings hold offsets only; assertions read lines. The line index of the text each finding came
// from is remembered here by the helpers that make findings (parseText, bindText, runText).
const linesOfFinding = new WeakMap<Finding, LinesOf>();

export function rememberLines(findings: readonly Finding[], linesOf: LinesOf): void {
  for (const f of findings) linesOfFinding.set(f, linesOf);
}

/** The line indexes of every file a bound program read. */
export function programLines(program: BoundProgram): LinesOf {
  return (file) => program.files.get(file)?.source.lines;
}

function linesOf(f: Finding): LinesOf {
  const l = linesOfFinding.get(f);
  if (!l) throw new Error(`no text known for finding ${f.code} (made by a helper that does not remember lines?)`);
  return l;
}

/** The finding's 0-based range, as it would leave the process. */
export function rangeOfFinding(f: Finding): TextRange {
  return rangeOf(f.location, linesOf(f));
}

/** The 0-based range of a related location of `f`. */
export function relatedRange(f: Finding, i: number): TextRange {
  return rangeOf(f.related[i].location, linesOf(f));
}

/** 1-based line of the finding. */
export function lineOfFinding(f: Finding): number {
  return rangeOfFinding(f).start.line + 1;
}

/** The message as printed (the lines it names written out). */
export function messageOf(f: Finding): string {
  return renderMessage(f, linesOf(f));
}

export function parseText(text: string): { ast: A.SourceFileNode; findings: readonly Finding[] } {
  const source = sourceText('/virtual/test.dmabuf', text);
  const r = parse(source);
  rememberLines(r.findings, (file) => (file === source.path ? source.lines : undefined));
  return r;
}

/** A host that serves nothing: for texts without imports. */
export const emptyHost: FileHost = { readFile: () => undefined, realpath: () => undefined };

export function bindText(text: string, host: FileHost = emptyHost, root = '/virtual'): BoundProgram {
  const program = bindProgram({ path: '/virtual/test.dmabuf', text }, { root, host });
  rememberLines(program.findings, programLines(program));
  return program;
}

/** `line:CODE message` for each finding (1-based lines), for readable assertions. */
export function summary(findings: readonly Finding[]): string[] {
  return findings.map((f) => `${lineOfFinding(f)}:${f.code} ${messageOf(f)}`);
}

export function codesByLine(findings: readonly Finding[]): string[] {
  return findings.map((f) => `${lineOfFinding(f)}:${f.code}`);
}

/** The statements of the first scenario. */
export function firstScenario(ast: A.SourceFileNode): A.ScenarioDecl {
  const s = ast.items.find((i): i is A.ScenarioDecl => i.kind === 'Scenario');
  if (!s) throw new Error('no scenario parsed');
  return s;
}

/** Wraps statements in a scenario on x86_64_pc. */
export function scenario(body: string, platform = 'x86_64_pc'): string {
  return `scenario s on ${platform} {\n${body}\n}\n`;
}
