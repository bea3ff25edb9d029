// Rule docs of this family (owner: engine/kernel, K-BUF). VER-xx are notes on kernel versions that
// change outcomes; they are never reported as findings (language.md), so none is triggerable.
import type { RuleDoc } from './rule-doc';

export const RULES = [
  {
    id: 'VER-01',
    title: '6.2: one dma-buf locking convention',
    severity: 'information',
    body:
      'From 6.2 importers must hold the resv lock for pin/unpin, map/unmap and vmap/vunmap, and must not hold it for ' +
      'attach/detach, get/put, mmap, begin/end_cpu_access and the `_unlocked` variants; exporters hold it for ' +
      'move_notify. In 6.1 map/unmap needed it only for dynamic pairs and vmap used dmabuf->lock. The platform\'s ' +
      '`kernel 6.1|6.2` line selects the rules (MAP-01, VMAP-01, PIN-01, ATT-04); the `_unlocked` statements, which 6.1 ' +
      'lacks, are simulated as their 6.2 functions on both profiles.',
    outcome: 'Changes which calls MAP-01/VMAP-01 report.',
    kernelRefs: ['drivers/dma-buf/dma-buf.c (6.2, "DOC: locking convention")'],
    fixtures: [],
    triggerable: false,
  },
  {
    id: 'VER-02',
    title: '6.2: sg merging respects the ZONE_DEVICE pgmap',
    severity: 'information',
    body: 'pages_are_mergeable() stops P2P pages from merging with RAM pages in one entry; 6.1 merged on PFN contiguity alone.',
    outcome: 'Changes the entries of tables that mix P2P and RAM pages.',
    kernelRefs: ['lib/scatterlist.c:484-529'],
    fixtures: [],
    triggerable: false,
  },
  {
    id: 'VER-03',
    title: '6.2: per-device DMA ownership',
    severity: 'information',
    body: 'iommu_device_claim_dma_owner()/release appear next to the per-group API (IOMMU-04).',
    outcome: 'Note.',
    kernelRefs: ['include/linux/iommu.h (6.2)'],
    fixtures: [],
    triggerable: false,
  },
  {
    id: 'VER-04',
    title: '6.16: static importers are no longer pre-mapped at attach',
    severity: 'information',
    body:
      '6.16 stops mapping at attach for mixed pairs and pins at map time instead (de68b17d5d07), and removes ' +
      'cache_sgt_mapping and with it MAP-02\'s -EBUSY and the detach-time unmap (b72f66f22c0e); 7.1 removes ' +
      'CONFIG_DMABUF_MOVE_NOTIFY (always on, 609fc8766d68). The engine follows the platform\'s `kernel` line: on 6.1–6.12 ' +
      'ATT-03 and MAP-02 behave as in 6.1/6.2; on 6.18 and later there is no pre-map and no cached table (MAP-04 at a ' +
      'static importer\'s map, LIFE-04 for a GEM table left mapped at detach, a KERNEL-fence wait at every static map).',
    outcome: 'Note.',
    kernelRefs: ['linux-next de68b17d5d07 "dma-buf: stop mapping sg_tables on attach v2"'],
    fixtures: [],
    triggerable: false,
  },
  {
    id: 'VER-05',
    title: 'CONFIG_DMABUF_DEBUG later wraps the table instead of scrambling it',
    severity: 'information',
    body: 'From 7.0 (51db5336e16d) importers get a copy of the table with NULL pages instead of XORed page_links; the effect on MAP-06 is the same oops, and the engine\'s message says which on the scenario\'s profile.',
    outcome: 'Note.',
    kernelRefs: ['drivers/dma-buf/dma-buf.c:778-791'],
    fixtures: [],
    triggerable: false,
  },
  {
    id: 'VER-06',
    title: 'DMA-address-only exports (2025)',
    severity: 'information',
    body: 'dma_buf_phys_vec / p2pdma_provider based exporters (vfio-pci MMIO export) replace sg_tables for some users; not in 6.1/6.2.',
    outcome: 'Note.',
    kernelRefs: ['include/linux/dma-buf-mapping.h (2025 series)'],
    fixtures: [],
    triggerable: false,
  },
] as const satisfies readonly RuleDoc[];
