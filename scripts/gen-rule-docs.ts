// Writes one Markdown page per rule (dist/docs/rules/<ID>.md) and an index, from the rule
// registry: the pages diagnostics link to (codeDescription.href) and that `Open rule docs` shows.
// Usage: node <bundled gen-rule-docs.js> <out-dir>   (run by scripts/build.mjs)
import fs from 'node:fs';
import path from 'node:path';
import { allRules, ruleMarkdown } from '../server/src/engine/rule-docs/registry';
import type { RuleDoc } from '../server/src/engine/rule-docs/registry';
import { ruleProfileSection } from '../server/src/language/profile-docs';

function page(rule: RuleDoc): string {
  const parts = [ruleMarkdown(rule), ''];
  const profiles = ruleProfileSection(rule.id);
  if (profiles.length) parts.push(...profiles, '');
  if (!rule.triggerable) parts.push('*Documented for completeness: no scenario of the language can trigger it.*', '');
  if (rule.fixtures.length) parts.push('**Fixtures**', '', ...rule.fixtures.map((f) => `- \`${f}\``), '');
  parts.push('[All rules](index.md)', '');
  return parts.join('\n');
}

function index(rules: readonly RuleDoc[]): string {
  const rows = rules.map((r) => `| [${r.id}](${r.id}.md) | ${r.title.replace(/\|/g, '\\|')} | ${r.severity} |`);
  return ['# DMA-BUF Lab rules', '', `${rules.length} rules and diagnostic codes.`, '', '| Code | Rule | Severity |', '|---|---|---|', ...rows, ''].join('\n');
}

const out = process.argv[2] ?? path.join('dist', 'docs', 'rules');
fs.mkdirSync(out, { recursive: true });
const rules = allRules();
for (const rule of rules) fs.writeFileSync(path.join(out, `${rule.id}.md`), page(rule));
fs.writeFileSync(path.join(out, 'index.md'), index(rules));
