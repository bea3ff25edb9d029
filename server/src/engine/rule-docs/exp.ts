// Rule docs of this family (owner: engine/kernel, K-BUF). See rule-doc.ts for the shape.
import type { RuleDoc } from './rule-doc';

export const RULES = [
  {
    id: 'EXP-01',
    title: 'dma_buf_export() needs priv, ops, map_dma_buf, unmap_dma_buf and release',
    severity: 'error',
    body:
      'An exporter describes its buffer with `struct dma_buf_export_info`; the core refuses it unless `priv` and `ops` ' +
      'are set and the ops provide `map_dma_buf`, `unmap_dma_buf` and `release`. In scenarios this is an `export` from ' +
      'a device whose driver exports nothing (`exporter none`, the default): give the device `exporter gem` or `exporter ttm`, ' +
      'or allocate from a heap instead; or from a device whose own `exporter NAME { ops … }` leaves out one of the three. ' +
      'The name bound by the failed export holds `-EINVAL`; using it is LIFE-05.',
    outcome: 'WARN and ERR_PTR(-EINVAL) from dma_buf_export(); no buffer exists.',
    kernelRefs: ['drivers/dma-buf/dma-buf.c:616-620'],
    fixtures: ['test/fixtures/exp/exp-01-bad.dmabuf', 'test/fixtures/exp/exp-01-ops-bad.dmabuf', 'test/fixtures/exp/exp-01-good.dmabuf'],
    triggerable: true,
  },
  {
    id: 'EXP-02',
    title: 'cache_sgt_mapping cannot be combined with pin/unpin',
    severity: 'error',
    body:
      'A dynamic exporter (one with `pin`/`unpin`) may move its buffer, so it cannot let the core cache one mapping per ' +
      'attachment: an `exporter NAME { ops … pin unpin; cache_sgt_mapping yes }` fails at `export`. From 6.16 the member ' +
      'and this check are gone (b72f66f22c0e "dma-buf: drop caching of sg_tables"): a driver that still sets it does not ' +
      'build, a NAME finding at the export.',
    outcome: 'WARN and ERR_PTR(-EINVAL) from dma_buf_export().',
    kernelRefs: ['drivers/dma-buf/dma-buf.c:622-624', 'include/linux/dma-buf.h:86-123'],
    fixtures: ['test/fixtures/exp/exp-02-bad.dmabuf', 'test/fixtures/exp/exp-02-good.dmabuf', 'test/fixtures/exp/exp-02-6.18-bad.dmabuf'],
    triggerable: true,
  },
  {
    id: 'EXP-03',
    title: 'pin and unpin come as a pair',
    severity: 'error',
    body:
      'An ops table with only one of `pin`/`unpin` is refused: an `exporter NAME { ops … }` that lists one without the ' +
      'other fails at `export`.',
    outcome: 'WARN and ERR_PTR(-EINVAL) from dma_buf_export().',
    kernelRefs: ['drivers/dma-buf/dma-buf.c:626-627'],
    fixtures: ['test/fixtures/exp/exp-03-bad.dmabuf', 'test/fixtures/exp/exp-03-good.dmabuf'],
    triggerable: true,
  },
  {
    id: 'EXP-04',
    title: 'A dma-buf has an invariant size; mmap bounds are checked by the core',
    severity: 'error',
    body:
      'The core rejects an mmap of the fd that reaches past the buffer (`vm_pgoff + pages > size >> PAGE_SHIFT`) or of an ' +
      'exporter without `mmap`. The language\'s `mmap BUF` maps the whole buffer from offset 0, so the bounds check cannot ' +
      'fail; an `exporter NAME { ops … }` without `mmap` makes `mmap` return -EINVAL.',
    outcome: 'RET -EINVAL from dma_buf_mmap_internal(); -EOVERFLOW from dma_buf_mmap() on pgoff overflow.',
    kernelRefs: ['drivers/dma-buf/dma-buf.c:131-150', 'drivers/dma-buf/dma-buf.c:1420-1444', 'include/linux/dma-buf.h:257-262'],
    fixtures: ['test/fixtures/exp/exp-04-bad.dmabuf', 'test/fixtures/exp/exp-04-good.dmabuf'],
    triggerable: true,
  },
] as const satisfies readonly RuleDoc[];
