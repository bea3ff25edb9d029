// `--format text`: one line per finding, `file:line:col: severity CODE message`, like a compiler,
// related locations indented under it, then a summary line.
import type { Severity } from '../common/findings';
import { displayPath, messageText, oneBased, versionsText, type FileReport } from './report';
import { cTextLines, type CReport } from './c-checks';

export function formatText(reports: readonly FileReport[], cwd: string, cReports: readonly CReport[] = [], showScenario = false): string {
  const lines: string[] = [];
  const counts: Record<Severity, number> = { error: 0, warning: 0, information: 0 };
  for (const r of reports) {
    for (const f of r.analysis.findings) {
      counts[f.severity]++;
      const p = oneBased(f.location, r);
      const versions = versionsText(f, r);
      lines.push(`${displayPath(f.location.file, r, cwd)}:${p.line}:${p.column}: ${f.severity} ${f.code} ${versions ? `[${versions}] ` : ''}${oneLine(messageText(f, r))}`);
      for (const rel of f.related) {
        const q = oneBased(rel.location, r);
        lines.push(`    ${displayPath(rel.location.file, r, cwd)}:${q.line}:${q.column}: note: ${oneLine(messageText(rel, r))}`);
      }
    }
  }
  lines.push(...cTextLines(cReports, showScenario));
  for (const r of cReports) for (const f of r.result.findings) counts[f.severity]++;
  lines.push(summary(counts, reports.length + cReports.length));
  return `${lines.join('\n')}\n`;
}

function oneLine(s: string): string {
  return s.replace(/\r?\n/g, ' ');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function summary(c: Record<Severity, number>, files: number): string {
  return `${plural(c.error, 'error')}, ${plural(c.warning, 'warning')}, ${c.information} information in ${plural(files, 'file')} checked`;
}
