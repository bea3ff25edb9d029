// The pipeline as one function: document in, findings and traces out. The CLI (and the tests)
// call this. The language server does not: it runs the same two steps apart (lsp/pipeline.ts),
// binding on the main thread and simulating in the engine worker, and puts the front end's and the
// engine's findings together in lsp/service.ts.
import type { EngineOptions, EngineResult } from './engine/api';
import { simulateMatrix } from './engine/matrix';
import type { KernelVersion } from './language/profiles';
import type { BoundProgram, ParsedFile } from './language/bound';
import { bindProgram, type FileHost, type MainText } from './language/program';
import { compareFindings, type Finding } from './common/findings';
import { frontUnderMatrix } from './language/matrix-front';

export interface AnalysisOptions {
  /** Imports must stay inside this folder. */
  readonly root: string;
  readonly host: FileHost;
  readonly engine?: EngineOptions;
  /**
   * A version matrix over every scenario (the CLI's `--kernels`): overrides every platform's
   * profile, as `engine.kernel` does. Without it a platform's `kernel A..B` range still makes its
   * scenarios a matrix.
   */
  readonly kernels?: readonly KernelVersion[];
  /** Parsed imported files reused while unchanged. */
  readonly cache?: Map<string, ParsedFile>;
}

export interface Analysis {
  readonly program: BoundProgram;
  readonly engine: EngineResult;
  /** The matrix asked for over every scenario, if any (front-end findings happen on all of it). */
  readonly kernels?: readonly KernelVersion[];
  /** Front-end and engine findings, sorted (compareFindings). */
  readonly findings: readonly Finding[];
}

export function analyze(main: MainText, options: AnalysisOptions): Analysis {
  const program = bindProgram(main, options);
  const engine = simulateMatrix(program, options.kernels, options.engine ?? {});
  const kernels = options.kernels;
  const front = kernels ? frontUnderMatrix(program, kernels) : program.findings;
  const findings = [...front, ...engine.findings].sort(compareFindings);
  return { program, engine, findings, ...(kernels ? { kernels } : {}) };
}
