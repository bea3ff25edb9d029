// What the profile table (profiles.ts) says, in Markdown: for hover on `kernel`, the rule pages and
// the README's table. Everything here is derived from the rows, so a row's citation is written once.
import { firstProfileWith, KERNEL_VERSIONS, MAINLINE, PROFILE_ROWS, rowsBetween, type Evidence, type KernelVersion, type ProfileRow } from './profiles';

const ROWS: readonly ProfileRow[] = PROFILE_ROWS;
/** The oldest profile: what the others are described against. */
export const BASELINE: KernelVersion = KERNEL_VERSIONS[0];

/** How a row's behaviour is known, for readers. */
export const EVIDENCE_TEXT: Readonly<Record<Evidence, string>> = {
  'release-source': 'read in a released kernel\'s source',
  'dev-tree': 'read in a development tree or a merged commit\'s diff',
  'pr-only': 'known only from a pull request (never decides an outcome)',
};

/** The rows whose `rules` include `rule`, oldest release first (as the table lists them). */
export function rowsForRule(rule: string): readonly ProfileRow[] {
  return ROWS.filter((r) => r.rules.includes(rule));
}

/** What a row says about its reach: nothing for a row the engine consults. */
export function unreachableText(row: ProfileRow): string {
  return row.unreachable ? `Not modelled: no statement reaches it; ${row.unreachable}` : '';
}

/** One row as a Markdown bullet: release (and first profile), change, rules, commit, where, evidence class, reach. */
export function rowBullet(row: ProfileRow): string {
  const first = firstProfileWith(row);
  const profile = first && first !== row.since ? `, profiles from ${first}` : '';
  const reach = unreachableText(row);
  return (
    `- **${row.since}**${profile} (\`${row.id}\`): ${row.change} ` +
    `Rules: ${row.rules.join(', ')}. Commit ${row.commit}; ${row.where}; evidence: ${row.evidence} (${EVIDENCE_TEXT[row.evidence]}).` +
    (reach ? ` ${reach}` : '')
  );
}

/** A rule page's section: the rows that change the rule, or nothing when no row does. */
export function ruleProfileSection(rule: string): string[] {
  const rows = rowsForRule(rule);
  if (rows.length === 0) return [];
  return [
    `**Per kernel profile**: the rows of the profile table that change this rule (described against ${BASELINE}; \`mainline\` is ${MAINLINE}):`,
    '',
    ...rows.map(rowBullet),
  ];
}

/** What `version` changes relative to the baseline, for hover on a `kernel` line. */
export function profileMarkdown(version: KernelVersion, spelled: string): string[] {
  const name = spelled === 'mainline' ? `mainline (= ${MAINLINE}, the newest modelled profile)` : version;
  const rows = rowsBetween(BASELINE, version);
  if (rows.length === 0) return [`**Kernel profile ${name}**: the baseline; no row of the profile table applies.`];
  return [`**Kernel profile ${name}**: what it changes relative to ${BASELINE} (the rows up to ${version}):`, '', ...rows.map(rowBullet)];
}

/** Hover on a range `A..B`: its profiles and the rows that differ inside it. */
export function rangeMarkdown(profiles: readonly KernelVersion[], spelled: readonly string[]): string[] {
  const first = profiles[0];
  const last = profiles[profiles.length - 1];
  const mainline = spelled.includes('mainline') ? ` \`mainline\` is ${MAINLINE}, the newest modelled profile.` : '';
  const rows = rowsBetween(first, last);
  const head = [`**Version matrix ${first}..${last}**: every scenario runs under ${profiles.join(', ')}.${mainline}`];
  if (rows.length === 0) return [...head, '', 'No row of the profile table changes anything inside the range.'];
  return [...head, '', `What changes inside the range (after ${first}):`, '', ...rows.map(rowBullet)];
}

/** A Markdown table cell: no pipes, no line breaks. */
const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\s+/g, ' ');

/** The README's "What each kernel profile changes" table, one line per row. */
export function readmeProfileTable(): string {
  const lines = ['| Release | What changes | Rules | Evidence |', '|---|---|---|---|'];
  for (const r of ROWS) {
    const first = firstProfileWith(r);
    const release = first && first !== r.since ? `${r.since} (profiles from ${first})` : r.since;
    const reach = unreachableText(r);
    lines.push(`| ${release} | ${cell(reach ? `${r.change} ${reach}` : r.change)} | ${r.rules.join(', ')} | ${r.evidence} |`);
  }
  return lines.join('\n');
}
