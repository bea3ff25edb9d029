// While the engine catches up with an edit, the diagnostics published at once keep the engine
// findings of the scenarios the edit did not touch, at the places a fresh analysis would give.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateFile } from '../../bench/generators';
import type { Finding } from '../../server/src/common/findings';
import { simulate } from '../../server/src/engine/simulate';
import { bindProgram, type FileHost } from '../../server/src/language/program';
import { carriedFindings } from '../../server/src/lsp/carryOver';
import type { EngineState } from '../../server/src/lsp/documents';

const PATH = '/virtual/carry.dmabuf';
const host: FileHost = { readFile: () => undefined, realpath: (p) => p };
const OPTIONS = { budget: { maxStates: 5000, maxMillis: 60_000 } };

function analyse(text: string): { state: EngineState; items: { kind: string; span: { start: number; end: number } }[] } {
  const program = bindProgram({ path: PATH, text }, { root: '/virtual', host });
  const r = simulate(program, OPTIONS);
  const items = program.files.get(PATH)!.ast.items.map((i) => ({ kind: i.kind, span: i.span }));
  return { state: { version: 1, text, findings: r.findings, scenarios: r.scenarios, cancelled: false, millis: 0, items }, items };
}

const key = (f: Finding): string => JSON.stringify([f.code, f.message, f.places, f.location, f.related]);
const base = generateFile(140).text;
const before = analyse(base);

function carried(after: string): Finding[] {
  return [...carriedFindings(before.state, before.items, PATH, after)];
}

describe('engine findings carried over an edit', () => {
  it('keeps every untouched scenario’s findings where a fresh analysis puts them, drops the edited one’s', () => {
    const edited = 'isp_params_without_sync_1';
    const at = base.indexOf('// no DMA_BUF_IOCTL_SYNC bracket');
    const after = `${base.slice(0, at)}\n\n${base.slice(at)}`; // two lines more inside the edited scenario
    const fresh = analyse(after).state.findings.filter((f) => f.scenario !== edited);
    const got = carried(after);
    assert.ok(before.state.findings.some((f) => f.scenario === edited), 'the edited scenario had findings');
    assert.ok(got.length > 0, 'findings of later scenarios are carried');
    assert.ok(got.every((f) => f.scenario !== edited), 'none of the edited scenario');
    // Messages that name a line are carried too: they hold offsets, rendered when published.
    assert.deepEqual(got.map(key).sort(), fresh.map(key).sort());
  });

  it('carries nothing over an edit of a platform, which any scenario may depend on', () => {
    assert.deepEqual(carried(base.replace('config DMABUF_DEBUG yes', 'config DMABUF_DEBUG no')), []);
  });
});
