// The shape of one rule's documentation (one entry of a family's `RULES` table). Its own module so
// the family modules and registry.ts, which collects them, do not import each other.
import type { Severity } from '../../common/findings';

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
