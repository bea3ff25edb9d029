// Every diagnostic code the product can emit, with its documentation. The docs are ours, written
// for driver engineers; each cites where Linux 6.1 enforces or documents the rule. They are the
// hover text for a code and the target of a diagnostic's `codeDescription` link. Each family's
// docs live in the module of that family (one file per family, next to its fixtures' names).
import type { Severity } from '../../common/findings';
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
import { RULES as ENGINE } from './engine-codes';

export interface RuleDoc {
  readonly id: string;
  readonly title: string;
  /** The default severity; `severityNote` says when the platform or config changes it. */
  readonly severity: Severity;
  readonly severityNote?: string;
  /** Our explanation in Markdown: the rule, why it exists, how to comply. */
  readonly body: string;
  /** What the kernel does when it is broken: `RET -EBUSY`, a WARN, a dma-debug line, silent corruption. */
  readonly outcome: string;
  /** Linux 6.1 references: `drivers/dma-buf/dma-buf.c:1068-1078`. */
  readonly kernelRefs: readonly string[];
  /** Fixtures that fire it and stay silent, relative to the repository root. */
  readonly fixtures: readonly string[];
  /** False for rules no scenario of the language can trigger (documented for completeness). */
  readonly triggerable: boolean;
}

const ALL: readonly RuleDoc[] = [
  ...FRONT, ...EXP, ...LIFE, ...ATT, ...PIN, ...MAP, ...MOVE, ...CPU, ...P2P, ...SGT, ...DMAAPI,
  ...IOMMU, ...HEAP, ...VER, ...FENCE, ...RESV, ...SYNCF, ...ENGINE,
];
const BY_ID = new Map(ALL.map((r) => [r.id, r]));

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
