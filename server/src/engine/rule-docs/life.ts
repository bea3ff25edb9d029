// Rule docs of this family (owner: engine/kernel, K-BUF). See rule-doc.ts for the shape.
import type { RuleDoc } from './rule-doc';

export const RULES = [
  {
    id: 'LIFE-01',
    title: 'References: no use after the last dma_buf_put()',
    severity: 'error',
    body:
      'A dma-buf lives as long as its file has references: the export or heap allocation gives one, `get` ' +
      '(get_dma_buf) adds one, `put` (dma_buf_put) drops one, and the last put runs dma_buf_release(), which frees the ' +
      'exporter\'s object and the memory. Anything done with the buffer afterwards (attach, map, vmap, begin_cpu, a job on ' +
      'it) touches freed memory. Take a reference for every user and drop it when that user is done.',
    outcome: 'Silent use-after-free.',
    kernelRefs: ['drivers/dma-buf/dma-buf.c:741-757', 'include/linux/dma-buf.h:563-575', 'drivers/dma-buf/dma-buf.c:769-776'],
    fixtures: ['test/fixtures/life/life-01-bad.dmabuf', 'test/fixtures/life/life-01-good.dmabuf'],
    triggerable: true,
  },
  {
    id: 'LIFE-02',
    title: 'The last put with attachments still on the list',
    severity: 'error',
    body:
      'An importer that drops its reference without dma_buf_detach() leaves its attachment on the buffer\'s list. When the ' +
      'last reference goes, dma_buf_release() first calls the exporter\'s release, then WARNs that the list is not empty; ' +
      'the attachment now points at freed exporter state. Detach every attachment (after unmapping) before the final put.',
    outcome: 'WARN_ON(!list_empty(&dmabuf->attachments)) after ops->release; later use of the attachment is a use-after-free.',
    kernelRefs: ['drivers/dma-buf/dma-buf.c:78-84'],
    fixtures: ['test/fixtures/life/life-02-bad.dmabuf', 'test/fixtures/life/life-02-good.dmabuf', 'test/fixtures/sketches/b09-release-with-attachment-and-vmap-bad.dmabuf'],
    triggerable: true,
  },
  {
    id: 'LIFE-03',
    title: 'The last put with a kernel vmap outstanding',
    severity: 'error',
    body:
      'dma_buf_release() asserts that no kernel vmap is left (`vmapping_counter` is 0). Dropping the last reference while a ' +
      '`vmap` has not been `vunmap`ped oopses the releasing thread; the CMA heap would also WARN "buffer still mapped in the ' +
      'kernel". The engine treats the BUGging put as having no effect. vunmap before the last put.',
    outcome: 'BUG_ON(dmabuf->vmapping_counter): kernel oops, the calling thread is killed.',
    kernelRefs: ['drivers/dma-buf/dma-buf.c:69', 'drivers/dma-buf/heaps/cma_heap.c:245-253'],
    fixtures: ['test/fixtures/life/life-03-bad.dmabuf', 'test/fixtures/life/life-03-good.dmabuf'],
    triggerable: true,
  },
  {
    id: 'LIFE-04',
    title: 'Detach only after unmapping',
    severity: 'error',
    body:
      'dma_buf_detach() unmaps only the mapping the core cached in the attachment (cache_sgt_mapping or the ATT-03 ' +
      'pre-map). A table returned by `map` from a non-caching exporter (heaps, ttm) that is still mapped stays DMA-mapped ' +
      'while the exporter frees it with the attachment (the system heap frees `a->table`): the DMA addresses leak and the ' +
      'table is gone. Unmap every mapping, then detach. **By profile:** up to 6.15 a GEM importer that detaches with its ' +
      'table still mapped is fine, because that table is the cached attach->sgt and detach unmaps it. From 6.16 ' +
      '(b72f66f22c0e "dma-buf: drop caching of sg_tables") dma_buf_detach() unmaps nothing: every mapping still live at ' +
      'detach leaks, GEM\'s included, and a mapping that pinned the buffer (MAP-04) keeps its pin.',
    outcome: 'Silent: leaked IOVAs/mappings; with CONFIG_DMA_API_DEBUG "device driver has pending DMA allocations while released from device" at unbind.',
    kernelRefs: ['drivers/dma-buf/dma-buf.c:955-979', 'drivers/dma-buf/heaps/system_heap.c:114-127', 'kernel/dma/debug.c:845-866'],
    fixtures: [
      'test/fixtures/life/life-04-bad.dmabuf',
      'test/fixtures/life/life-04-good.dmabuf',
      'test/fixtures/life/life-04-gem-6.12-good.dmabuf',
      'test/fixtures/life/life-04-gem-6.18-bad.dmabuf',
    ],
    triggerable: true,
  },
  {
    id: 'LIFE-05',
    title: 'No use of an sg_table after unmap or of an attachment after detach',
    severity: 'error',
    body:
      'The table `map` returns belongs to the importer only until `unmap` hands it back to the exporter; the attachment is ' +
      'freed by `detach`. A job, kmap or unmap through either afterwards uses memory the kernel has freed or remapped. The ' +
      'engine also reports LIFE-05 for any use of a name whose binding call failed (other than a failed `map`, which is ' +
      'MAP-08): the name holds an error pointer. A device access through an unmapped table whose IOVAs were in a default DMA ' +
      'domain is IOMMU-09 (flush queue) or IOMMU-08 (strict) instead: what happens is the IOMMU\'s.',
    outcome: 'Silent use-after-free.',
    kernelRefs: ['include/linux/dma-buf.h:173-178', 'drivers/dma-buf/dma-buf.c:978'],
    fixtures: ['test/fixtures/life/life-05-bad.dmabuf', 'test/fixtures/life/life-05-good.dmabuf'],
    triggerable: true,
  },
] as const satisfies readonly RuleDoc[];
