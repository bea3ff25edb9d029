// Results hold offsets; lines are computed when diagnostics are built. So a result reused after an
// edit above it (the per-scenario cache, or the findings carried while the engine catches up) must
// publish exactly what a fresh analysis of the edited text publishes: the same ranges, and the
// same message when it names another line ("taken at line 7" becomes "taken at line 9").
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Diagnostic } from 'vscode-languageserver';
import type { Finding } from '../../server/src/common/findings';
import { simulate } from '../../server/src/engine/simulate';
import type { BoundProgram } from '../../server/src/language/bound';
import { bindProgram, type FileHost } from '../../server/src/language/program';
import { carriedFindings } from '../../server/src/lsp/carryOver';
import { toDiagnostic } from '../../server/src/lsp/convert';
import { EngineReuse } from '../../server/src/lsp/engineReuse';
import type { EngineState } from '../../server/src/lsp/documents';
import { UriMap } from '../../server/src/lsp/paths';

const PATH = '/virtual/moves.dmabuf';
const host: FileHost = { readFile: () => undefined, realpath: (p) => p };
const OPTIONS = { budget: { maxStates: 5000, maxMillis: 60_000 } };
const uris = new UriMap();

const OK = `scenario fine on x86_64_pc {
  buf = heap system 4KiB
  put buf
}
`;
const RELOCK = `scenario relock on x86_64_pc {
  buf = heap system 4KiB
  lock buf
  lock buf
  unlock buf
  unlock buf
  put buf
}
`;
const before = `${OK}${RELOCK}`;
// Two lines more above both scenarios (the first one counts as touched by the edit, the relock
// scenario is not): everything below moves down by two lines.
const after = `// a note\n// another\n${OK}${RELOCK}`;

function bind(text: string): BoundProgram {
  return bindProgram({ path: PATH, text }, { root: '/virtual', host });
}

function diagnostics(program: BoundProgram, findings: readonly Finding[]): Diagnostic[] {
  const linesOf = (file: string) => program.files.get(file)?.source.lines;
  return findings.map((f) => toDiagnostic(f, uris, linesOf));
}

function freshDiagnostics(text: string): Diagnostic[] {
  const program = bind(text);
  return diagnostics(program, simulate(program, OPTIONS).findings);
}

describe('a result moved after an edit above it', () => {
  const expected = freshDiagnostics(after);
  const hang = expected.find((d) => d.code === 'HANG-01');

  it('the edited text has the finding whose message names another line', () => {
    assert.ok(hang, JSON.stringify(expected));
    assert.equal(hang.range.start.line, 9, 'the second lock, two lines lower');
    assert.match(String(hang.message), /\(taken at line 9\)/);
    assert.equal(hang.relatedInformation?.[0].location.range.start.line, 8);
  });

  it('the per-scenario cache reuses it, and publishes what a fresh analysis does', () => {
    const reuse = new EngineReuse();
    const p0 = bind(before);
    const plan0 = reuse.plan(p0, OPTIONS);
    reuse.merge(p0, OPTIONS, plan0, simulate(p0, OPTIONS).scenarios);
    const p1 = bind(after);
    const plan1 = reuse.plan(p1, OPTIONS);
    assert.deepEqual(plan1.missing, [], 'nothing to simulate again: both scenarios are reused');
    const merged = reuse.merge(p1, OPTIONS, plan1, []);
    assert.deepEqual(diagnostics(p1, merged.findings), expected);
  });

  it('the findings carried while the engine catches up are published as a fresh analysis does', () => {
    const p0 = bind(before);
    const r = simulate(p0, OPTIONS);
    const items = p0.files.get(PATH)!.ast.items.map((i) => ({ kind: i.kind, span: i.span }));
    const state: EngineState = { version: 1, text: before, findings: r.findings, scenarios: r.scenarios, cancelled: false, millis: 0, items };
    const carried = carriedFindings(state, items, PATH, after);
    assert.deepEqual(diagnostics(bind(after), carried), expected);
  });
});
