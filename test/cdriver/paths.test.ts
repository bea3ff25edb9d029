// Paths through C functions (cdriver/paths.ts): branches, gotos, loops, conditions on results,
// repeated conditions and flags, and the bound.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { functionsOf, loadCParser } from '../../server/src/cdriver/c-syntax';
import { functionPaths, MAX_PATHS } from '../../server/src/cdriver/paths';

async function pathsOf(c: string) {
  const parser = await loadCParser();
  const tree = parser.parse(c);
  assert.ok(tree);
  const [fn] = functionsOf(tree);
  assert.ok(fn);
  return functionPaths(fn.body);
}

const calls = (p: { steps: readonly { call: { fn: string }; failed: boolean }[] }): string => p.steps.filter((s) => !s.failed).map((s) => s.call.fn.replace('dma_buf_', '')).join(' ');

test('a failed call creates nothing, and its error branch follows the goto ladder', async () => {
  const r = await pathsOf(`int f(struct dma_buf *b, struct device *d) {
    struct dma_buf_attachment *a = dma_buf_attach(b, d);
    struct sg_table *t;
    if (IS_ERR(a)) return PTR_ERR(a);
    t = dma_buf_map_attachment_unlocked(a, DMA_TO_DEVICE);
    if (IS_ERR(t)) goto err;
    dma_buf_unmap_attachment_unlocked(a, t, DMA_TO_DEVICE);
    dma_buf_detach(b, a);
    return 0;
  err:
    dma_buf_detach(b, a);
    return -1;
  }`);
  assert.deepEqual(r.paths.map(calls).sort(), ['', 'attach detach', 'attach map_attachment_unlocked unmap_attachment_unlocked detach'].sort());
  const failing = r.paths.find((p) => calls(p) === 'attach detach')!;
  assert.deepEqual(failing.conditions, ['when `dma_buf_attach()` at line 2 succeeds', 'when `dma_buf_map_attachment_unlocked()` at line 5 fails', 'then `goto err`']);
});

test('a condition tested again takes the same branch, and a flag set on the path is known', async () => {
  const r = await pathsOf(`void f(struct dma_buf *b, struct dma_buf_attachment *a, int x) {
    bool pinned = false;
    if (x) pinned = true;
    if (pinned) dma_buf_pin(a);
    if (x) dma_buf_put(b);
  }`);
  // x true: pinned, pin, put; x false: nothing. No path pins without x, none puts without pinning.
  assert.deepEqual(r.paths.map(calls).sort(), ['', 'pin put']);
});

test('an int result: `if (ret)` is the failure branch, and a call that cannot fail has none', async () => {
  const r = await pathsOf(`int f(struct dma_buf *b) {
    int ret = dma_buf_begin_cpu_access(b, DMA_FROM_DEVICE);
    if (ret) return ret;
    dma_buf_end_cpu_access(b, DMA_FROM_DEVICE);
    dma_buf_put(b);
    return 0;
  }`);
  assert.deepEqual(r.paths.map(calls).sort(), ['', 'begin_cpu_access end_cpu_access put']);
});

test('loops run 0, 1 and 2 times; the path bound is reported', async () => {
  const r = await pathsOf(`void f(struct dma_buf *b, int n) { for (int i = 0; i < n; i++) get_dma_buf(b); }`);
  assert.deepEqual(r.paths.map(calls), ['', 'get_dma_buf', 'get_dma_buf get_dma_buf']);
  assert.equal(r.truncated, false);
  const many = await pathsOf(`void f(struct dma_buf *b, int a, int c, int d, int e, int g, int h, int k) {
    if (a) get_dma_buf(b); if (c) get_dma_buf(b); if (d) get_dma_buf(b); if (e) get_dma_buf(b);
    if (g) get_dma_buf(b); if (h) get_dma_buf(b); if (k) get_dma_buf(b);
  }`);
  assert.equal(many.paths.length, MAX_PATHS);
  assert.equal(many.truncated, true);
});

test('calls the checker does not model are listed as assumptions', async () => {
  const r = await pathsOf(`void f(struct dma_buf *b) { foo_flush(b); dma_buf_put(b); }`);
  assert.deepEqual(r.unmodelled, ['foo_flush']);
});

test('a static callee is followed with the caller\'s names for its parameters, its returns falling back into the caller', async () => {
  const parser = await loadCParser();
  const tree = parser.parse(`static void put_it(struct dma_buf *x) { if (!x) return; dma_buf_put(x); }
  int f(struct dma_buf *b) { get_dma_buf(b); put_it(b); dma_buf_put(b); return 0; }`);
  assert.ok(tree);
  const fns = functionsOf(tree);
  const callees = new Map(fns.filter((c) => c.isStatic).map((c) => [c.name, { body: c.body, params: c.params }]));
  const f = fns.find((c) => c.name === 'f')!;
  const r = functionPaths(f.body, callees, 'f');
  assert.deepEqual(r.paths.map(calls).sort(), ['get_dma_buf put', 'get_dma_buf put put']);
  const through = r.paths.find((p) => calls(p) === 'get_dma_buf put put')!;
  assert.equal(through.steps[1]!.alias?.get('x'), 'b');
  assert.ok(through.conditions.some((c) => c.startsWith('through `put_it()` at line 2')));
  assert.deepEqual(r.unmodelled, [], 'a followed callee is not an assumption');
});

test('a caller\'s test of what a static callee returned follows the callee\'s path (no helper failed while the caller goes on)', async () => {
  const parser = await loadCParser();
  const tree = parser.parse(`static int get_att(struct dma_buf *b, struct device *d) {
    struct dma_buf_attachment *a = dma_buf_attach(b, d);
    if (IS_ERR(a)) return PTR_ERR(a);
    return 0;
  }
  int f(struct dma_buf *b, struct device *d) { int ret = get_att(b, d); if (ret < 0) return ret; dma_buf_put(b); return 0; }`);
  assert.ok(tree);
  const fns = functionsOf(tree);
  const callees = new Map(fns.filter((c) => c.isStatic).map((c) => [c.name, { body: c.body, params: c.params }]));
  const f = fns.find((c) => c.name === 'f')!;
  assert.deepEqual(functionPaths(f.body, callees, 'f').paths.map(calls).sort(), ['', 'attach put']);
});

test('a call tested in the condition itself decides it (`if (!f(...))`, `if (f(...) < 0)`), and each condition keeps its place', async () => {
  const src = `int f(struct device *d, struct iommu_domain *dom) {
    struct dma_iova_state s = {};
    if (!dma_iova_try_alloc(d, &s, 0, 4096))
      return -EOPNOTSUPP;
    if (iommu_attach_device(dom, d) < 0)
      return -EBUSY;
    dma_iova_free(d, &s);
    return 0;
  }`;
  const r = await pathsOf(src);
  assert.deepEqual(r.paths.map(calls).sort(), ['', 'dma_iova_try_alloc', 'dma_iova_try_alloc iommu_attach_device dma_iova_free'].sort());
  const late = r.paths.find((p) => calls(p) === 'dma_iova_try_alloc')!;
  assert.deepEqual(late.conditions, ['when `dma_iova_try_alloc()` at line 3 succeeds', 'when `iommu_attach_device()` at line 5 fails']);
  assert.deepEqual(late.conditionAt.map((at) => src.slice(at.start, at.end)), ['dma_iova_try_alloc(d, &s, 0, 4096)', 'iommu_attach_device(dom, d)']);
});

test('a variable assigned again forgets the call it held: `ret = helper()` after `ret = dma_map_sgtable()` is a free condition', async () => {
  const r = await pathsOf(`int f(struct device *d, struct sg_table *t) {
    int ret = dma_map_sgtable(d, t, DMA_TO_DEVICE, 0);
    if (ret)
      return ret;
    ret = helper(d);
    if (ret)
      return ret;
    dma_unmap_sgtable(d, t, DMA_TO_DEVICE, 0);
    return 0;
  }`);
  // The helper's failure is a path of its own on which the map succeeded (before the fix, `if (ret)` re-read the map).
  const helperFailed = r.paths.find((p) => p.conditions.includes('when `ret` at line 6 is true'));
  assert.ok(helperFailed, JSON.stringify(r.paths.map((p) => p.conditions)));
  assert.equal(calls(helperFailed), 'dma_map_sgtable');
});
