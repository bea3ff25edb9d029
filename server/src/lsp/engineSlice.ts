// What the engine worker is sent: the bound scenarios it must simulate and only what they read —
// the symbols their names resolve to and the names of the files the program read. The main thread
// parses and binds each version of a document once (imports through the open documents' unsaved
// text included); the worker neither parses nor binds, and receives no text at all. Structured
// clone keeps the identity of shared nodes within one message, so `refs` still finds the very
// identifiers of the scenarios' statements on the other side.
import type { Ident } from '../language/ast';
import type { BoundProgram, BoundScenario, Symbol } from '../language/bound';
import type { EngineProgram } from '../engine/api';

export function engineSlice(program: BoundProgram, scenarios: readonly BoundScenario[]): EngineProgram {
  return sliceOf(program.refs, new Set(program.files.keys()), scenarios);
}

/**
 * The slice cut into slices of at most `size` scenarios, each with only what its scenarios read:
 * posting them one at a time keeps the main thread's serialisation of a large analysis in short
 * pieces (a keystroke waits for one piece, not for the whole file's scenarios).
 */
export function chunks(slice: EngineProgram, size: number): EngineProgram[] {
  if (slice.scenarios.length <= size) return [slice];
  const out: EngineProgram[] = [];
  for (let i = 0; i < slice.scenarios.length; i += size) out.push(sliceOf(slice.refs, slice.files, slice.scenarios.slice(i, i + size)));
  return out;
}

function sliceOf(all: ReadonlyMap<Ident, Symbol>, files: EngineProgram['files'], scenarios: readonly BoundScenario[]): EngineProgram {
  const refs = new Map<Ident, Symbol>();
  for (const s of scenarios) collectRefs(s.decl, all, refs);
  return { scenarios, refs, symbols: [...new Set(refs.values())], files };
}

function isIdent(v: object): v is Ident {
  return (v as Partial<Ident>).kind === 'Ident';
}

/** Every resolved identifier in a syntax subtree (plain data: arrays and objects). */
function collectRefs(node: unknown, all: ReadonlyMap<Ident, Symbol>, out: Map<Ident, Symbol>): void {
  if (typeof node !== 'object' || node === null) return;
  if (Array.isArray(node)) {
    for (const x of node) collectRefs(x, all, out);
    return;
  }
  if (isIdent(node)) {
    const s = all.get(node);
    if (s) out.set(node, s);
    return;
  }
  for (const k in node) collectRefs((node as Record<string, unknown>)[k], all, out);
}
