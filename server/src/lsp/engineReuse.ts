// Which scenarios of a document the engine must simulate after an edit, and the document's full
// engine result once it has: the results of untouched scenarios come from the per-scenario cache
// (moved to where the scenarios now sit), the rest from the worker. An edit inside one scenario
// sends that scenario alone to the worker, and only its result comes back.
import { compareFindings, type Finding } from '../common/findings';
import type { ScenarioResult } from '../engine/api';
import type { BoundProgram, BoundScenario } from '../language/bound';
import { ScenarioCache, type CacheOptions } from './scenarioCache';

export interface ReusePlan {
  readonly known: ReadonlyMap<BoundScenario, ScenarioResult>;
  /** The scenarios to simulate, in source order. */
  readonly missing: readonly BoundScenario[];
}

export class EngineReuse {
  private readonly cache = new ScenarioCache();

  plan(program: BoundProgram, options: CacheOptions): ReusePlan {
    const known = new Map<BoundScenario, ScenarioResult>();
    const missing: BoundScenario[] = [];
    for (const s of program.scenarios) {
      const r = this.cache.lookup(program, s, options);
      if (r) known.set(s, r);
      else missing.push(s);
    }
    return { known, missing };
  }

  /** Every scenario's result in source order (fresh ones cached), and all their findings sorted. */
  merge(program: BoundProgram, options: CacheOptions, plan: ReusePlan, fresh: readonly ScenarioResult[]): { scenarios: ScenarioResult[]; findings: Finding[] } {
    const scenarios: ScenarioResult[] = [];
    for (const s of program.scenarios) {
      let r = plan.known.get(s);
      if (!r) {
        // A scenario's result is located at its name.
        r = fresh.find((x) => x.name === s.name && x.location.file === s.file && x.location.span.start === s.decl.name.span.start);
        if (r) this.cache.store(program, s, options, r);
      }
      if (r) scenarios.push(r);
    }
    const findings = scenarios.flatMap((r) => r.findings).sort(compareFindings);
    return { scenarios, findings };
  }
}
