// Hover on a driver's C file (dmabuf.checkC): on a call the checker followed, what the engine made
// of it on the first path that reaches it (the statement, the kernel call, what it returned, the
// state it changed), and
// on a finding's range the rule's documentation with the path that leads there.
import type { Hover } from 'vscode-languageserver';
import { ruleDoc, ruleMarkdown } from '../../engine/rule-docs/registry';
import type { CDoc } from '../cChecks';
import { ruleLink } from '../markdown';

export function cHoverAt(doc: CDoc, offset: number): Hover | null {
  const answer = doc.answer;
  if (!answer || answer.version !== doc.version) return null;
  const parts: string[] = [];
  let range: { start: number; end: number } | undefined;
  for (const r of answer.reports) {
    const call = r.result.calls.find((c) => c.start <= offset && offset <= c.end);
    if (call && parts.length === 0) {
      range = call;
      parts.push(
        `**\`${call.call}\`** ${call.ok ? 'returned' : 'failed:'} \`${call.outcome}\``,
        '',
        `Simulated as \`${call.statement}\` in ${call.function}()${call.path.length ? `, on the path where ${call.path.join(', ')}` : ''}.`,
      );
      // The simulated state the call left, one line per object it changed.
      if (call.changes.length) parts.push('', ...call.changes.map((c) => `- \`${c.object}\`: ${c.summary}`));
    }
    for (const f of r.result.findings) {
      if (offset < f.start || offset > f.end) continue;
      range ??= f;
      const doc = ruleDoc(f.code);
      parts.push('', '---', '', `${ruleLink(f.code)}: ${f.message}`);
      if (f.path.length) parts.push('', `Path: in ${f.function}(), ${f.path.join(', ')}.`);
      if (doc) parts.push('', ruleMarkdown(doc));
    }
  }
  if (!range || parts.length === 0) return null;
  while (parts[0] === '' || parts[0] === '---') parts.shift();
  return { contents: { kind: 'markdown', value: parts.join('\n') }, range: doc.lines.range(range) };
}
