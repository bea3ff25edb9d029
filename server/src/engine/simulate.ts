// TEMPORARY placeholder until engine/time lands: simulates nothing, so that the front end, the CLI
// and the language server can be built end to end. Replaced by the real simulate().
import type { BoundProgram } from '../language/bound';
import type { EngineOptions, EngineResult } from './api';

export function simulate(_program: BoundProgram, _options: EngineOptions = {}): EngineResult {
  return { scenarios: [], findings: [], cancelled: false };
}
