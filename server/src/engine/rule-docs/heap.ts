// Rule docs of this family (owner: engine/kernel, K-BUF). See rule-doc.ts for the shape.
import type { RuleDoc } from './rule-doc';

export const RULES = [
  {
    id: 'HEAP-01',
    title: 'DMA_HEAP_IOCTL_ALLOC arguments',
    severity: 'error',
    body:
      'The length is rounded up to PAGE_SIZE and 0 is refused; fd must be 0, fd_flags within O_CLOEXEC|O_ACCMODE and ' +
      'heap_flags 0. In scenarios only the length can be wrong (`heap system 0`); the name then holds -EINVAL.',
    outcome: 'RET -EINVAL from the ioctl.',
    kernelRefs: ['drivers/dma-buf/dma-heap.c:69-100', 'include/uapi/linux/dma-heap.h:18-22'],
    fixtures: [],
    triggerable: true,
  },
  {
    id: 'HEAP-02',
    title: 'The system heap: discontiguous 1 MiB / 64 KiB / 4 KiB chunks, mapped with cache maintenance',
    severity: 'information',
    body:
      'Buddy pages of the largest fitting order (1 MiB, 64 KiB, 4 KiB), zeroed and physically discontiguous; one table ' +
      'entry per chunk, duplicated per attachment; map = dma_map_sgtable(dev, table, dir, 0), so maps and unmaps clean ' +
      'or invalidate CPU caches for non-coherent devices; cacheable mmap and vmap. The page pool and the uncached variant ' +
      'are Android-only.',
    outcome: 'Information: the engine models the layout and the maintenance.',
    kernelRefs: ['drivers/dma-buf/heaps/system_heap.c:43-56', 'drivers/dma-buf/heaps/system_heap.c:58-152', 'drivers/dma-buf/heaps/system_heap.c:315-390'],
    fixtures: ['test/fixtures/sketches/g02-cpu-upload-noncoherent-good.dmabuf'],
    triggerable: true,
  },
  {
    id: 'HEAP-03',
    title: 'The CMA heap: one physically contiguous range',
    severity: 'information',
    body:
      'cma_alloc() returns one contiguous, zeroed range; each attachment gets a one-entry table; map/unmap with attrs 0; ' +
      'begin/end like the system heap; cacheable mmap; releasing with a vmap outstanding WARNs (LIFE-03).',
    outcome: 'Information.',
    kernelRefs: ['drivers/dma-buf/heaps/cma_heap.c:50-180', 'drivers/dma-buf/heaps/cma_heap.c:245-253', 'drivers/dma-buf/heaps/cma_heap.c:276-363'],
    fixtures: [],
    triggerable: true,
  },
  {
    id: 'HEAP-04',
    title: 'Heaps ignore importer constraints',
    severity: 'warning',
    body:
      'Neither heap looks at the importer\'s DMA mask, max segment size or boundary: a 32-bit importer may be bounced or ' +
      'fail (DMAAPI-13/15) and 1 MiB system-heap entries exceed the default 64 KiB segment limit (SGT-05). The engine ' +
      'reports the consequence under those codes when the mapping is made.',
    outcome: 'Bouncing, mapping errors, or dma-debug segment reports.',
    kernelRefs: ['drivers/dma-buf/heaps/system_heap.c:129-142', 'drivers/dma-buf/heaps/cma_heap.c:97-110'],
    fixtures: [],
    triggerable: false,
  },
  {
    id: 'HEAP-05',
    title: 'Heap CPU mappings are cacheable',
    severity: 'error',
    severityNote: 'error with a non-coherent device, warning otherwise',
    body:
      'Both heaps map cacheable for userspace and the kernel, so CPU access needs begin/end_cpu_access whenever a ' +
      'non-coherent device has the buffer mapped. An unbracketed access is reported as CPU-02 (one violation, one code), ' +
      'whose message names this rule.',
    outcome: 'Silent stale data.',
    kernelRefs: ['drivers/dma-buf/heaps/system_heap.c:196-216', 'drivers/dma-buf/heaps/cma_heap.c:163-180'],
    fixtures: [],
    triggerable: false,
  },
] as const satisfies readonly RuleDoc[];
