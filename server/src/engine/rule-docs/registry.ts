// Every diagnostic code the product can emit, with its documentation. The docs are ours, written
// for driver engineers; each cites where Linux 6.1 enforces or documents the rule. They are the
// hover text for a code and the target of a diagnostic's `codeDescription` link. Each family's
// docs live in the module of that family (one file per family, next to its fixtures' names).
import type { RuleDoc } from './rule-doc';
import { RULES as FRONT } from './front';
import { RULES as EXP } from './exp';
import { RULES as LIFE } from './life';
import { RULES as ATT } from './att';
import { RULES as PIN } from './pin';
import { RULES as MAP } from './map';
import { RULES as MOVE } from './move';
import { RULES as CPU } from './cpu';
import { RULES as P2P } from './p2p';
import { RULES as SGT } from './sgt';
import { RULES as DMAAPI } from './dmaapi';
import { RULES as IOMMU } from './iommu';
import { RULES as HEAP } from './heap';
import { RULES as VER } from './ver';
import { RULES as FENCE } from './fence';
import { RULES as RESV } from './resv';
import { RULES as SYNCF } from './syncf';
import { RULES as VFIO } from './vfio';
import { RULES as IOMMUFD } from './iommufd';
import { RULES as ENGINE } from './engine-codes';

export type { RuleDoc };

const ALL = [
  ...FRONT, ...EXP, ...LIFE, ...ATT, ...PIN, ...MAP, ...MOVE, ...CPU, ...P2P, ...SGT, ...DMAAPI,
  ...IOMMU, ...HEAP, ...VFIO, ...IOMMUFD, ...VER, ...FENCE, ...RESV, ...SYNCF, ...ENGINE,
] as const satisfies readonly RuleDoc[];

/**
 * Every code the product can emit, derived from the docs above: a code without docs does not
 * type-check where a finding is reported (`report()` in engine/time/step.ts, `StepContext.report`).
 */
export type RuleId = (typeof ALL)[number]['id'];
const BY_ID = new Map<string, RuleDoc>(ALL.map((r) => [r.id, r]));

export function allRules(): readonly RuleDoc[] {
  return ALL;
}

export function ruleDoc(id: string): RuleDoc | undefined {
  return BY_ID.get(id);
}

/** The rule's documentation as Markdown, for hover and the docs page. */
export function ruleMarkdown(rule: RuleDoc): string {
  const sev = rule.severityNote ? `${rule.severity} (${rule.severityNote})` : rule.severity;
  return [
    `**${rule.id}: ${rule.title}**`,
    '',
    rule.body,
    '',
    `*Kernel outcome:* ${rule.outcome}`,
    `*Severity:* ${sev}`,
    `*Where:* ${rule.kernelRefs.map((r) => `\`${r}\``).join(', ')}`,
  ].join('\n');
}
