// dmabuf/scenarios, dmabuf/trace and dmabuf/runScenario: a document's scenarios with their
// verdicts, and one scenario's trace as JSON (from the last engine result, or a fresh run).
import type { ScenarioResult } from '../../engine/api';
import type { ServerContext } from '../context';
import type { DocState, EngineState } from '../documents';
import { toTraceFinding } from '../convert';
import { rangedTrace } from '../../common/edge';
import { runOn } from '../../engine/matrix';
import { parseVersion } from '../../language/versionList';
import { guard } from '../request';
import { RunScenarioRequest, ScenariosRequest, TraceRequest } from '../protocol';
import type { DocumentParams, ScenarioInfo, ScenarioParams, TraceResult } from '../protocol';

/**
 * The trace of `r`; under a version matrix that of one profile: `kernel` when given (undefined when
 * the matrix lacks it), else the first on which the scenario has an error. A `kernel` for a
 * scenario that runs on one profile only is ignored.
 */
export function traceResult(ctx: ServerContext, doc: DocState, engine: EngineState, matrix: ScenarioResult, kernel?: string): TraceResult | null {
  let r = matrix;
  if (matrix.versions) {
    const version = kernel === undefined ? matrix.traceVersion : parseVersion(kernel);
    const run = version && runOn(matrix, version);
    if (!version || !run) return null;
    r = run;
    kernel = version;
  } else kernel = undefined;
  // Ranges from the text the result was computed from (the document may have moved on).
  const linesOf = doc.linesFor(engine);
  return {
    uri: doc.uri,
    scenario: r.name,
    platform: r.platform,
    steps: rangedTrace(r.trace, linesOf).steps,
    findings: r.findings.map((f) => toTraceFinding(f, ctx.uris, linesOf)),
    exploration: r.exploration,
    version: engine.version,
    ...(kernel && matrix.versions ? { kernel, kernels: matrix.versions } : {}),
  };
}

export function scenarioInfos(doc: DocState): ScenarioInfo[] {
  const program = doc.front.program;
  if (!program) return [];
  const engine = doc.currentEngine;
  return program.scenarios
    .filter((s) => s.file === doc.path)
    .map((s) => {
      const r = engine?.scenarios.find((x) => x.name === s.name);
      const errors = r?.findings.filter((f) => f.severity === 'error').length ?? 0;
      const warnings = r?.findings.filter((f) => f.severity === 'warning').length ?? 0;
      return {
        name: s.name,
        range: doc.lines.range(s.decl.span),
        selectionRange: doc.lines.range(s.decl.name.span),
        platform: s.decl.platform.name,
        status: r ? (errors > 0 ? 'fail' : 'pass') : 'unknown',
        errors,
        warnings,
      };
    });
}

export function register(ctx: ServerContext): void {
  ctx.connection.onRequest(
    ScenariosRequest.method,
    guard(ctx.log, 'dmabuf/scenarios', [] as ScenarioInfo[], (p: DocumentParams) => {
      const doc = ctx.doc(p.uri);
      return doc ? scenarioInfos(doc) : [];
    }),
  );

  ctx.connection.onRequest(
    TraceRequest.method,
    guard(ctx.log, 'dmabuf/trace', null as TraceResult | null, (p: ScenarioParams) => {
      const doc = ctx.doc(p.uri);
      const engine = doc?.engine;
      const r = engine?.scenarios.find((s) => s.name === p.scenario);
      return doc && engine && r ? traceResult(ctx, doc, engine, r, p.kernel) : null;
    }),
  );

  ctx.connection.onRequest(
    RunScenarioRequest.method,
    guard(ctx.log, 'dmabuf/runScenario', null as TraceResult | null, async (p: ScenarioParams) => {
      const doc = ctx.doc(p.uri);
      if (!doc?.scenario(p.scenario)) return null;
      const engine = await ctx.service.runScenario(doc, p.scenario);
      const r = engine?.scenarios.find((s) => s.name === p.scenario);
      return engine && r ? traceResult(ctx, doc, engine, r, p.kernel) : null;
    }),
  );
}
