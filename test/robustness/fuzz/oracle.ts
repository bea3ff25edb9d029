// What must hold for every input, whatever it is: the pipeline (parse, bind, simulate) never
// throws and never reports an internal failure; it finishes within a time budget; every range it
// reports (findings, related locations, trace steps) lies inside the text it names and agrees
// with that text's line index; and the same input gives the same output.
import { analyze, type Analysis } from '../../../server/src/analysis';
import type { Location } from '../../../server/src/common/findings';
import type { Place } from '../../../server/src/common/message';
import type { SourceText } from '../../../server/src/common/source';
import type { EngineOptions } from '../../../server/src/engine/api';
import type { FileHost } from '../../../server/src/language/program';
import { parseFresh, reparse } from '../../../server/src/language/incremental';
import { parse } from '../../../server/src/language/parser';
import { sourceText } from '../../../server/src/common/source';

export const FUZZ_PATH = '/fuzz/input.dmabuf';
export const FUZZ_ROOT = '/fuzz';

/** Fuzz inputs see no file system: an import is a missing file (confinement has its own tests). */
export const NO_FILES: FileHost = { readFile: () => undefined, realpath: (p) => (p === FUZZ_PATH || p === FUZZ_ROOT ? p : undefined) };

/**
 * A state budget only: a wall-clock budget would make the result depend on the machine's load,
 * and determinism is one of the properties under test.
 */
export const FUZZ_ENGINE: EngineOptions = { budget: { maxStates: 16, maxMillis: 1e9 } };

export interface Verdict {
  /** Empty when every property holds. */
  readonly violations: string[];
  readonly millis: number;
  readonly findings: number;
  readonly codes: readonly string[];
  readonly scenarios: number;
  readonly states: number;
  readonly cutShort: boolean;
}

export interface OracleOptions {
  readonly engine?: EngineOptions;
  /** Wall-clock milliseconds one analysis may take. */
  readonly budgetMs?: number;
  /** Run twice and compare (default true). */
  readonly determinism?: boolean;
}

function run(text: string, engine: EngineOptions): Analysis {
  return analyze({ path: FUZZ_PATH, text }, { root: FUZZ_ROOT, host: NO_FILES, engine });
}

export function check(text: string, options: OracleOptions = {}): Verdict {
  const engine = options.engine ?? FUZZ_ENGINE;
  const budgetMs = options.budgetMs ?? 10_000;
  const violations: string[] = [];
  const started = performance.now();
  let first: Analysis;
  try {
    first = run(text, engine);
  } catch (e) {
    return { violations: [`threw: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`], millis: performance.now() - started, findings: 0, codes: [], scenarios: 0, states: 0, cutShort: false };
  }
  const millis = performance.now() - started;
  if (millis > budgetMs) violations.push(`took ${millis.toFixed(0)} ms (budget ${budgetMs} ms)`);
  for (const f of first.findings) {
    if (f.code === 'INTERNAL') violations.push(`internal failure reported: ${f.message}`);
  }
  violations.push(...rangeViolations(first));
  if (options.determinism !== false) {
    let second: Analysis | undefined;
    try {
      second = run(text, engine);
    } catch (e) {
      violations.push(`threw on the second run only: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (second) {
      const a = fingerprint(first);
      const b = fingerprint(second);
      if (a !== b) violations.push(`nondeterministic: ${firstDifference(a, b)}`);
    }
  }
  violations.push(...incrementalViolations(text));
  const states = first.engine.scenarios.reduce((n, s) => n + s.exploration.states, 0);
  return {
    violations,
    millis,
    findings: first.findings.length,
    codes: first.findings.map((f) => f.code),
    scenarios: first.engine.scenarios.length,
    states,
    cutShort: first.engine.scenarios.some((s) => s.exploration.cutShort),
  };
}

/**
 * The editor re-parses incrementally: parsing an edited copy of the input from the input's parse
 * must give exactly what parsing the copy from scratch gives. The edits are derived from the text
 * so that the run stays reproducible from its seed.
 */
export function incrementalViolations(text: string): string[] {
  const before = parseFresh(sourceText(FUZZ_PATH, text));
  const at = (k: number): number => Math.floor((text.length * k) / 7);
  const edits = [
    `${text.slice(0, at(3))}${text.slice(at(4))}`,
    `${text.slice(0, at(2))}}\n${text.slice(at(2))}`,
    `${text.slice(0, at(5))}/*${text.slice(at(5))}`,
    `scenario z on arm64_soc {\n${text.slice(at(1))}`,
  ];
  const out: string[] = [];
  for (const [i, edited] of edits.entries()) {
    const source = sourceText(FUZZ_PATH, edited);
    const incremental = reparse(source, before);
    const fresh = parse(source);
    const a = JSON.stringify([incremental.ast, incremental.findings]);
    const b = JSON.stringify([fresh.ast, fresh.findings]);
    if (a !== b) out.push(`incremental parse differs from a full parse after edit ${i + 1}: ${firstDifference(a, b)}`);
  }
  return out;
}

/** Every location in the result must name a file of the program and lie inside its text. */
export function rangeViolations(a: Analysis): string[] {
  const out: string[] = [];
  const sources = new Map<string, SourceText>();
  for (const [p, f] of a.program.files) sources.set(p, f.source);
  const checkLoc = (what: string, loc: Location): void => {
    const src = sources.get(loc.file);
    if (!src) {
      out.push(`${what}: file ${loc.file} is not part of the program`);
      return;
    }
    const { start, end } = loc.span;
    if (!(Number.isInteger(start) && Number.isInteger(end) && 0 <= start && start <= end && end <= src.text.length)) {
      out.push(`${what}: span ${start}-${end} outside ${loc.file} (length ${src.text.length})`);
    }
  };
  // A place a message names ("taken at line 12") is an offset into a file of the program too.
  const checkPlaces = (what: string, places: readonly Place[] | undefined): void => {
    for (const p of places ?? []) checkLoc(`${what} (a place its message names)`, { file: p.file, span: { start: p.offset, end: p.offset } });
  };
  const stepsByName = new Map<string, number[]>();
  for (const s of a.engine.scenarios) stepsByName.set(s.name, [...(stepsByName.get(s.name) ?? []), s.trace.steps.length]);
  for (const f of a.findings) {
    checkLoc(`${f.code} finding`, f.location);
    checkPlaces(`${f.code} finding`, f.places);
    for (const rel of f.related) {
      checkLoc(`${f.code} related`, rel.location);
      checkPlaces(`${f.code} related`, rel.places);
    }
    if (f.traceStep !== undefined) {
      // Scenario names may repeat in a broken file (a NAME error): any scenario of that name will do.
      const lengths = stepsByName.get(f.scenario ?? '') ?? [];
      if (lengths.length > 0 && !lengths.some((n) => f.traceStep! >= 1 && f.traceStep! <= n)) out.push(`${f.code} finding: trace step ${f.traceStep} of ${lengths.join('/')}`);
    }
  }
  for (const s of a.engine.scenarios) {
    checkLoc(`scenario ${s.name}`, s.location);
    s.trace.steps.forEach((step, i) => {
      if (step.index !== i + 1) out.push(`scenario ${s.name}: trace step ${i + 1} has index ${step.index}`);
      checkLoc(`scenario ${s.name} step ${step.index}`, step.location);
    });
  }
  return out;
}

/** The result as text, without the wall-clock figures that legitimately differ between runs. */
export function fingerprint(a: Analysis): string {
  return JSON.stringify({ findings: a.findings, scenarios: a.engine.scenarios, cancelled: a.engine.cancelled }, (k, v: unknown) => (k === 'millis' ? undefined : v));
}

function firstDifference(a: string, b: string): string {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return `first run …${a.slice(Math.max(0, i - 80), i + 80)}… second run …${b.slice(Math.max(0, i - 80), i + 80)}…`;
}
