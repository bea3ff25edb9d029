// The one place the language server calls the front end and the engine, so that the rest of the
// server depends on their contracts (bound.ts, engine/api.ts) and not on their module layout.
import type { BoundProgram, ParsedFile } from '../language/bound';
import type { EngineOptions, EngineProgram, EngineResult } from '../engine/api';
import { bindProgram } from '../language/program';
import { simulateMatrix } from '../engine/matrix';
import type { KernelVersion } from '../language/profiles';
import { overlayHost } from './host';

// Parsed imported files, reused while their text is unchanged (the front end compares it).
const importCache = new Map<string, ParsedFile>();
const IMPORT_CACHE_LIMIT = 256;

/**
 * Parse + bind (with imports and the built-in platforms), on every keystroke. Given the document's
 * previous parse, only the top-level items around the edit are parsed again.
 */
export function bindDocument(path: string, text: string, root: string, overlay: ReadonlyMap<string, string>, previous?: ParsedFile): BoundProgram {
  if (importCache.size > IMPORT_CACHE_LIMIT) importCache.clear();
  return bindProgram({ path, text }, { root, host: overlayHost(overlay), cache: importCache, ...(previous ? { previous } : {}) });
}

/** `kernels`: a version matrix over every scenario (engine/matrix.ts); a platform's range makes one by itself. */
export function simulateProgram(program: EngineProgram, options: EngineOptions, kernels?: readonly KernelVersion[]): EngineResult {
  return simulateMatrix(program, kernels, options);
}
