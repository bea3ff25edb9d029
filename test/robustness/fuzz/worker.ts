// One fuzz child process: checks inputs [from, to) of a run and reports on stdout, one line per
// event, so the parent can count, and can tell which input a hung child was working on:
//   S <index>                     starting an input
//   D <json Done>                 finished it
//   V <json Failure>              it broke a property (with a minimised input)
// Usage: node --import tsx worker.ts <seed> <from> <to> <budgetMs>
import { generate, type FuzzKind } from './generators';
import { check } from './oracle';
import { minimiseLines } from './minimise';
import { seedFor } from './rng';

export interface Done {
  readonly i: number;
  readonly kind: FuzzKind;
  readonly ms: number;
  readonly codes: readonly string[];
  readonly scenarios: number;
  readonly states: number;
  readonly cutShort: boolean;
  readonly chars: number;
}

export interface Failure {
  readonly i: number;
  readonly kind: FuzzKind;
  readonly violations: readonly string[];
  readonly input: string;
  readonly minimised: string;
}

/** Which generator input `index` of a run uses: 40% token streams, 35% mutations, 25% grammar. */
export function kindOf(seed: number, index: number): FuzzKind {
  const p = seedFor(seed ^ 0x5eed, index) % 100;
  return p < 40 ? 'tokens' : p < 75 ? 'mutation' : 'grammar';
}

/** The first word of a violation: "threw", "took", "nondeterministic", a finding code... */
function violationClass(v: string): string {
  return v.split(/[\s:]/)[0];
}

function main(): void {
  const [seed, from, to, budgetMs] = process.argv.slice(2).map(Number);
  const out = (line: string): void => void process.stdout.write(line + '\n');
  for (let i = from; i < to; i++) {
    out(`S ${i}`);
    const kind = kindOf(seed, i);
    const input = generate(kind, seed, i);
    const v = check(input, { budgetMs });
    if (v.violations.length > 0) {
      const classes = new Set(v.violations.map(violationClass));
      const minimised = minimiseLines(input, (t) => check(t, { budgetMs }).violations.some((x) => classes.has(violationClass(x))), 300);
      const failure: Failure = { i, kind, violations: v.violations.map((s) => s.slice(0, 2000)), input, minimised };
      out(`V ${JSON.stringify(failure)}`);
    }
    const done: Done = { i, kind, ms: Math.round(v.millis * 10) / 10, codes: [...new Set(v.codes)], scenarios: v.scenarios, states: v.states, cutShort: v.cutShort, chars: input.length };
    out(`D ${JSON.stringify(done)}`);
  }
}

if (require.main === module) main();
