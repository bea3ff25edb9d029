// The `check` items of the files given to dmabuf-check: their C files, checked path by path
// (cdriver/check.ts), as reports the text, JSON and SARIF formats print beside the .dmabuf files'.
import type { CReport } from '../cdriver/run-checks';

export { loadCParser } from '../cdriver/c-syntax';
export { checksOfCFile, needsC, runChecks, scenarioSpans, type CReport } from '../cdriver/run-checks';

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
