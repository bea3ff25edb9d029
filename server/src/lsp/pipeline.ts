// The one place the language server calls the front end and the engine, so that the rest of the
// server depends on their contracts (bound.ts, engine/api.ts) and not on their module layout.
import type { BoundProgram } from '../language/bound';
import type { EngineOptions, EngineResult } from '../engine/api';
import { bindProgram } from '../language/program';
import { simulate } from '../engine/simulate';
import { overlayHost } from './host';

/** Parse + bind (with imports and the built-in platforms). Fast enough for every keystroke. */
export function bindDocument(path: string, text: string, root: string, overlay: ReadonlyMap<string, string>): BoundProgram {
  return bindProgram({ path, text }, { root, host: overlayHost(overlay) });
}

export function simulateProgram(program: BoundProgram, options: EngineOptions): EngineResult {
  return simulate(program, options);
}
