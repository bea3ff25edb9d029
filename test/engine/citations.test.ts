// Kernel citations follow the scenario's profile (engine/kernel/citations.ts): 6.1 lines on 6.1 and
// 6.2, 6.12 lines on 6.12, file and symbol where no tree was read; every message citation goes
// through the table, and the table is well-formed. Against the kernel trees themselves the table
// is checked by scripts/citations-check.mjs, run here only where the trees are.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';
import { CITED_SITES, cite, site, symbolOn, type SiteId } from '../../server/src/engine/kernel/citations';
import { simulateMatrix, runOn } from '../../server/src/engine/matrix';
import { simulate } from '../../server/src/engine/simulate';
import { KERNEL_VERSIONS, compareReleases, type KernelVersion } from '../../server/src/language/profiles';
import { bindText } from '../language/helpers';
import { tsFiles } from '../files';

const root = path.resolve(__dirname, '..', '..');

// ATT-04 cites dma_buf_dynamic_attach()'s resv lock: 6.1 lines 870-872, 6.12 lines 932-934.
const ATTACH_UNDER_LOCK = `scenario attach_under_resv_lock on arm64_soc {
  buf = heap system 1MiB
  lock buf
  att = attach buf display
  unlock buf
  detach att
  put buf
}
`;

function att04(kernel: KernelVersion): string {
  const f = simulate(bindText(ATTACH_UNDER_LOCK), { kernel }).findings.find((x) => x.code === 'ATT-04');
  assert.ok(f, `no ATT-04 on ${kernel}`);
  return f.message;
}

test('the same finding cites 6.1 lines on 6.2, 6.12 lines on 6.12 and the function on 6.18', () => {
  assert.match(att04('6.1'), /\(drivers\/dma-buf\/dma-buf\.c:870-872\)/);
  assert.match(att04('6.2'), /\(drivers\/dma-buf\/dma-buf\.c:870-872\)/);
  assert.match(att04('6.12'), /\(drivers\/dma-buf\/dma-buf\.c:932-934\)/);
  assert.match(att04('6.18'), /\(drivers\/dma-buf\/dma-buf\.c, dma_buf_dynamic_attach\(\)\)/);
  assert.doesNotMatch(att04('6.18'), /dma-buf\.c:\d/);
});

test('a version matrix shares no run between profiles that cite differently', () => {
  const r = simulateMatrix(bindText(ATTACH_UNDER_LOCK), ['6.1', '6.2', '6.12', '6.18'], {});
  const s = r.scenarios[0];
  // 6.2 prints 6.1's lines (shares 6.1's run); 6.12 and 6.18 each print their own.
  assert.deepEqual(s.runs?.map((x) => `${x.version}${x.sharedWith ? `=${x.sharedWith}` : ''}`), ['6.1', '6.2=6.1', '6.12', '6.18']);
  const on = (v: KernelVersion): string | undefined => runOn(s, v)?.findings.find((f) => f.code === 'ATT-04')?.message;
  assert.match(on('6.12') ?? '', /dma-buf\.c:932-934/);
  assert.match(on('6.18') ?? '', /dma-buf\.c, dma_buf_dynamic_attach\(\)/);
});

test('cite() renders several sites of one file, renames, removals and unread symbols', () => {
  const two: SiteId[] = ['dma_buf_detach.resv-lock-sgt', 'dma_buf_detach.resv-lock-list'];
  assert.equal(cite('6.1', two), 'drivers/dma-buf/dma-buf.c:961-962, 971-973');
  assert.equal(cite('6.12', two), 'drivers/dma-buf/dma-buf.c:1020, 1029-1031');
  // The sgt half is gone from 6.16 (no cached table), so 6.18 names no function for the pair.
  assert.equal(cite('6.6', two), 'drivers/dma-buf/dma-buf.c, dma_buf_detach()');
  assert.equal(cite('6.18', two), 'drivers/dma-buf/dma-buf.c');
  assert.equal(cite('6.18', ['dma_buf_detach.resv-lock-list']), 'drivers/dma-buf/dma-buf.c, dma_buf_detach()');
  assert.equal(cite('6.2', ['dma_buf_map_attachment.dynamic-wait-doc'], 'dma-buf.c'), 'dma-buf.c:1051-1052');
  assert.equal(cite('6.18', ['mangle_sg_table']), 'drivers/dma-buf/dma-buf.c, mangle_sg_table()');
  assert.equal(cite('7.0', ['mangle_sg_table']), 'drivers/dma-buf/dma-buf.c, dma_buf_mangle_sg_table()');
  // No tree newer than 6.12 was read for dma-fence.c: the file only.
  assert.equal(cite('6.19', ['dma_fence_signal_timestamp_locked']), 'drivers/dma-buf/dma-fence.c');
  assert.equal(cite('6.6', ['dma_fence_signal_timestamp_locked']), 'drivers/dma-buf/dma-fence.c, dma_fence_signal_timestamp_locked()');
  // The code moved into another function by 6.12: 6.6 (between the two) names none.
  assert.equal(cite('6.6', ['dma_fence_array_create.nested-warn']), 'drivers/dma-buf/dma-fence-array.c');
  assert.equal(cite('6.12', ['dma_fence_array_create.nested-warn']), 'drivers/dma-buf/dma-fence-array.c:217-229');
  assert.throws(() => cite('6.1', ['dma_buf_detach', 'dma_resv_add_fence']), /one file/);
});

test('the table is well-formed', () => {
  const releases = /^\d+\.\d+$/;
  for (const [id, s] of Object.entries(CITED_SITES) as [SiteId, ReturnType<typeof site>][]) {
    const x = site(id);
    const ok = ([a, b]: readonly [number, number]): boolean => Number.isInteger(a) && Number.isInteger(b) && a >= 1 && a <= b;
    assert.ok(ok(x.v61), `${id}: 6.1 lines ${x.v61}`);
    if (x.v612) assert.ok(ok(x.v612), `${id}: 6.12 lines ${x.v612}`);
    // Only code gone by 6.12 lacks 6.12 lines, and it must say when it went.
    else assert.ok(x.until && compareReleases(x.until, '6.12') <= 0, `${id}: no 6.12 lines but no until <= 6.12`);
    if (x.until) assert.match(x.until, releases, id);
    for (const r of x.renamed ?? []) {
      assert.match(r.since, releases, id);
      assert.ok(compareReleases(r.since, '6.12') > 0, `${id}: a rename before 6.13 belongs in symbol612`);
    }
    assert.ok(x.file.includes('/') && !x.file.startsWith('/'), `${id}: ${x.file} is not a tree path`);
    assert.equal(s, x);
    // Every profile renders it without throwing, and a symbol only where one is known.
    for (const v of KERNEL_VERSIONS) assert.equal(typeof cite(v, [id]), 'string');
    assert.equal(symbolOn('6.12', x), x.until && compareReleases('6.12', x.until) >= 0 ? undefined : (x.symbol612 ?? x.symbol));
  }
});

/** Every string and template piece of a TypeScript file, cooked. */
function literals(file: string): { text: string; line: number }[] {
  const text = fs.readFileSync(file, 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const out: { text: string; line: number }[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n) || ts.isTemplateHead(n) || ts.isTemplateMiddle(n) || ts.isTemplateTail(n)) {
      out.push({ text: n.text, line: sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1 });
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}


const engine = path.join(root, 'server', 'src', 'engine');
// Rule docs cite Linux 6.1 on purpose and say so; the table is where lines may be written.
const engineSources = tsFiles(engine).filter((f) => !f.includes(`${path.sep}rule-docs${path.sep}`) && !f.endsWith(path.join('kernel', 'citations.ts')));

test('no message under server/src/engine writes file:line itself: it cites through the table', () => {
  assert.ok(engineSources.length > 40, 'the engine sources were not found');
  const raw: string[] = [];
  for (const f of engineSources) {
    for (const lit of literals(f)) if (/\.(c|h|rst):[0-9]/.test(lit.text)) raw.push(`${path.relative(root, f)}:${lit.line}: ${lit.text.slice(0, 100)}`);
  }
  assert.deepEqual(raw, [], 'use ctx.cite() / citeIn() with a site of engine/kernel/citations.ts');
});

test('every site of the table is cited by some message', () => {
  const sources = engineSources.map((f) => fs.readFileSync(f, 'utf8')).join('\n');
  const unused = (Object.keys(CITED_SITES) as SiteId[]).filter((id) => !sources.includes(`'${id}'`));
  assert.deepEqual(unused, []);
});

test('the table matches the kernel trees (scripts/citations-check.mjs)', (t) => {
  const src = process.env.DMABUF_KERNEL_SRC ?? '/work/src';
  if (!fs.existsSync(path.join(src, 'linux-source-6.1')) || !fs.existsSync(path.join(src, 'linux-source-6.12'))) {
    t.skip(`no kernel trees under ${src}: run scripts/citations-check.mjs where they are`);
    return;
  }
  const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'citations-check.mjs'), src], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
});
