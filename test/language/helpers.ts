// Shared helpers for the front-end tests: parse or bind a text in one call.
import type * as A from '../../server/src/language/ast';
import { parse } from '../../server/src/language/parser';
import { bindProgram, type FileHost } from '../../server/src/language/program';
import type { BoundProgram } from '../../server/src/language/bound';
import type { Finding } from '../../server/src/common/findings';
import { sourceText } from '../../server/src/common/source';

export function parseText(text: string): { ast: A.SourceFileNode; findings: readonly Finding[] } {
  return parse(sourceText('/virtual/test.dmabuf', text));
}

/** A host that serves nothing: for texts without imports. */
export const emptyHost: FileHost = { readFile: () => undefined, realpath: () => undefined };

export function bindText(text: string, host: FileHost = emptyHost, root = '/virtual'): BoundProgram {
  return bindProgram({ path: '/virtual/test.dmabuf', text }, { root, host });
}

/** `line:CODE message` for each finding (1-based lines), for readable assertions. */
export function summary(findings: readonly Finding[]): string[] {
  return findings.map((f) => `${f.location.range.start.line + 1}:${f.code} ${f.message}`);
}

export function codesByLine(findings: readonly Finding[]): string[] {
  return findings.map((f) => `${f.location.range.start.line + 1}:${f.code}`);
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
