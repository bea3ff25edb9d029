// Rule docs of this family (owner: engine/kernel). See registry.ts for the shape.
import type { RuleDoc } from './registry';

export const RULES: readonly RuleDoc[] = [];
