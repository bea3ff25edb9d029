// Rule docs of this family (owner: engine/kernel, K-DMA). See rule-doc.ts for the shape.
import type { RuleDoc } from './rule-doc';

const F = 'test/fixtures/sgt';

export const RULES = [
  {
    id: 'SGT-01',
    title: 'What a scatterlist entry holds',
    severity: 'information',
    body:
      'An entry has a page (plus chain/end bits in `page_link`), an offset and a 32-bit length for the CPU view, and a DMA address ' +
      'and 32-bit DMA length (plus the bus-address flag) after mapping. The engine models each entry this way and shows it in the ' +
      'trace: physical address or none (page-less), page yes/no, offset, length, DMA address, DMA length, bus flag, bounce flag.',
    outcome: 'Model only.',
    kernelRefs: ['include/linux/scatterlist.h:11-22', 'include/linux/scatterlist.h:39-43', 'include/linux/scatterlist.h:51-69'],
    fixtures: [],
    triggerable: false,
  },
  {
    id: 'SGT-02',
    title: 'Program the device from nents, not orig_nents',
    severity: 'error',
    body:
      'After mapping, an sg_table has two counts: `orig_nents` CPU entries and `nents` DMA segments, fewer when the IOMMU merged ' +
      'IOVA-contiguous pages. DMA segments live in the first `nents` entries; dma-iommu leaves the entries after them with ' +
      'sg_dma_address = DMA_MAPPING_ERROR and sg_dma_len = 0 (__finalise_sg()). Walk DMA segments with `for_each_sgtable_dma_sg` ' +
      'and pages with `for_each_sgtable_sg`. `submit DEV ACCESS SGT walk orig_nents` is a driver filling its descriptors from ' +
      'every CPU entry\'s DMA fields: an error when the table was merged (the device gets zero-length, error-address ' +
      'descriptors), a warning when nothing was merged on this platform (dma-direct: nents = orig_nents), since the same walk ' +
      'breaks behind an IOMMU. `dma_unmap ... nents N` with the merged count is DMAAPI-04, whose message names this rule.',
    outcome: 'Silent: descriptors built from zero-length or DMA_MAPPING_ERROR entries; the device does what it does with them.',
    kernelRefs: ['kernel/dma/mapping.c:266-277', 'include/linux/scatterlist.h:24-30', 'include/linux/scatterlist.h:169-187', 'drivers/iommu/dma-iommu.c:1060-1122'],
    fixtures: ['test/fixtures/sgt/sgt-02-bad.dmabuf', 'test/fixtures/sgt/sgt-02-direct-warn.dmabuf', 'test/fixtures/sgt/sgt-02-good.dmabuf', 'test/fixtures/sketches/g08-iommu-merged-sg-good.dmabuf'],
    triggerable: true,
  },
  {
    id: 'SGT-03',
    title: 'Entries without struct page have only DMA fields',
    severity: 'error',
    body:
      'Page-less entries (P2P VRAM tables) carry a NULL page: `sg_page()`, `sg_phys()`, `sg_virt()` and kmap are meaningless on ' +
      'them. Reported when `iommu_map D ADDR SGT` would compute physical addresses of such a table (iommu_map_sg uses sg_phys) and ' +
      'when a `dma_map` is asked to map page-less entries: a driver mapping a BAR its own exporter describes as page-less ' +
      '(`bar_entries pageless|pageless_for_all`) with `dma_map DEV BUF` instead of dma_map_resource(). An importer\'s `kmap` of such ' +
      'a table is MAP-06, which names this rule.',
    outcome: 'BUG/oops on the NULL page (with CONFIG_DEBUG_SG a BUG on chain entries).',
    kernelRefs: ['include/linux/scatterlist.h:144-150'],
    fixtures: ['test/fixtures/sgt/sgt-03-bad.dmabuf', 'test/fixtures/sgt/sgt-03-good.dmabuf', 'test/fixtures/sketches/b04-kmap-pageless-p2p-table-bad.dmabuf'],
    triggerable: true,
  },
  {
    id: 'SGT-04',
    title: 'One entry describes less than 4 GiB',
    severity: 'error',
    body:
      '`length` and `dma_length` are 32-bit: one entry holds at most 4 GiB − 1 (the table builders cap at UINT_MAX aligned down to ' +
      'a page, 0xFFFFF000). A contiguous range of 4 GiB or more must be split; storing a 64-bit size into `length` truncates ' +
      'silently (4 GiB becomes 0). The engine\'s table builders split correctly, as the kernel helpers do: a `contiguous` 4 GiB ' +
      'export shows two entries in the trace. dma_get_sgtable() of a coherent allocation does not: dma-direct describes it with one ' +
      'entry, sg_set_page(sgl, page, PAGE_ALIGN(size), 0), whose `unsigned int len` keeps the low 32 bits of a 4 GiB or larger ' +
      'size (`NAME = dma_get_sgtable MEM`, as vb2-dma-contig and other exporters of coherent memory build their tables).',
    outcome: 'Silent truncation of the entry length.',
    kernelRefs: ['include/linux/scatterlist.h:411-418', 'lib/scatterlist.c:452-457', 'kernel/dma/direct.c:533-544', 'include/linux/scatterlist.h:136-142'],
    fixtures: ['test/fixtures/sgt/sgt-04-coherent-bad.dmabuf', 'test/fixtures/sgt/sgt-04-coherent-good.dmabuf', 'test/fixtures/sgt/sgt-04-good.dmabuf'],
    triggerable: true,
  },
  {
    id: 'SGT-05',
    title: 'Segments must fit the importing device\'s limits',
    severity: 'warning',
    severityNote: 'error when the platform declares the device\'s max_segment (the hardware really cannot take more)',
    body:
      'Each device has a maximum segment size (`dma_get_max_seg_size`, 64 KiB unless the driver raises it; PCI sets this at ' +
      'enumeration) and a segment boundary (4 GiB on PCI). The DMA API does not split an entry that is too long: dma-iommu merges ' +
      'up to the limit but never splits, dma-direct passes entries through. Exporters should build tables from the importer\'s ' +
      'limits; the system heap uses 1 MiB entries regardless. The check applies to declared limits and to the PCI default; a ' +
      'platform device without a declared `max_segment` is assumed configured by its driver.',
    outcome: 'With CONFIG_DMA_API_DEBUG_SG: "mapping sg segment longer than device claims to support" / "across boundary"; otherwise silent (the device may truncate or fault).',
    kernelRefs: ['include/linux/dma-mapping.h:480-501', 'drivers/pci/probe.c:2599-2603', 'kernel/dma/debug.c:1166-1190', 'drivers/iommu/dma-iommu.c:1060-1110'],
    fixtures: [`${F}/sgt-05-bad.dmabuf`, `${F}/sgt-05-good.dmabuf`, 'test/fixtures/sketches/w3-heap-1mib-segments-64k-importer-warn.dmabuf'],
    triggerable: true,
  },
  {
    id: 'SGT-06',
    title: 'Long tables are chained: walk them with sg_next()',
    severity: 'error',
    body:
      'One allocation holds `SG_MAX_SINGLE_ALLOC` entries (page size / sizeof(struct scatterlist): 128 on 64-bit, 204 on arm32); ' +
      'longer tables are chains whose last slot links to the next chunk (__sg_alloc_table()). `sg + 1` walks off the chunk; ' +
      '`sg_next()` follows the link. `submit DEV ACCESS SGT walk pointer` is a driver stepping through the DMA segments with ' +
      '`sg++`: it fires when the walk reaches the first chain link (more than SG_MAX_SINGLE_ALLOC - 1 segments in a chained table).',
    outcome: 'Silent: the chain link (length 0) and memory past the first allocation programmed as descriptors.',
    kernelRefs: ['include/linux/scatterlist.h:451', 'lib/scatterlist.c:282-369'],
    fixtures: ['test/fixtures/sgt/sgt-06-bad.dmabuf', 'test/fixtures/sgt/sgt-06-good.dmabuf'],
    triggerable: true,
  },
  {
    id: 'SGT-07',
    title: 'How tables merge pages',
    severity: 'information',
    body:
      'The table builders merge runs of physically contiguous pages into one entry up to `max_segment`; from 6.2 pages of ' +
      'different ZONE_DEVICE pgmaps never merge (VER-02). The engine builds every table this way: system heap chunks and ttm/gem ' +
      'pages are never adjacent, `contiguous` and cma buffers become entries of at most `max_segment`. A driver\'s own ' +
      '`NAME = sg_table MEM max_segment SIZE` below one page is the helper\'s WARN_ON and -EINVAL (error): no table is built.',
    outcome: 'Information (how tables merge); WARN and -EINVAL for a max_segment below PAGE_SIZE.',
    kernelRefs: ['lib/scatterlist.c:484-529', 'lib/scatterlist.c:455-457', 'drivers/gpu/drm/drm_prime.c:819-832'],
    fixtures: ['test/fixtures/sgt/sgt-07-bad.dmabuf', 'test/fixtures/sgt/sgt-07-good.dmabuf'],
    triggerable: true,
  },
  {
    id: 'SGT-08',
    title: 'A scatterlist is mapped at most once at a time',
    severity: 'error',
    body:
      'Mapping may rewrite the list\'s DMA fields; mapping it again before unmapping destroys the first mapping\'s record and leaks ' +
      'its IOVAs. A driver-built table (`NAME = sg_table MEM`) mapped with `dma_map DEV TABLE DIR` while an earlier map of it is ' +
      'live fires this rule; `dma_map DEV BUF` maps a fresh table each time, and mapping an attachment\'s table twice is MAP-03, ' +
      'which names this rule.',
    outcome: 'Leaked IOVAs; dma-debug EEXIST for non-TO_DEVICE mappings.',
    kernelRefs: ['Documentation/core-api/dma-api.rst:384-385'],
    fixtures: ['test/fixtures/sgt/sgt-08-bad.dmabuf', 'test/fixtures/sgt/sgt-08-good.dmabuf', 'test/fixtures/sketches/x5-heap-attachment-mapped-twice-bad.dmabuf'],
    triggerable: true,
  },
  {
    id: 'SGT-09',
    title: 'Tables without a CPU view',
    severity: 'error',
    body:
      'A table from dma_buf_phys_vec_to_sgt() (vfio-pci) has sg_page() NULL, length and offset 0 on every entry and orig_nents 0 ' +
      '("DMABUF abuses scatterlist to create a scatterlist that does not have any CPU list, only the DMA list"): only nents and ' +
      'sg_dma_address/sg_dma_len are valid. An importer that walks orig_nents (`walk orig_nents`) programs its device with nothing.',
    outcome: 'Silent: the device gets no descriptors (or whatever the ring held).',
    kernelRefs: ['drivers/dma-buf/dma-buf-mapping.c (6.19+): fill_sg_entry(), dma_buf_phys_vec_to_sgt()'],
    fixtures: ['test/fixtures/vfio/sgt-09-bad.dmabuf', 'test/fixtures/vfio/vfio-01-good.dmabuf'],
    triggerable: true,
  },
] as const satisfies readonly RuleDoc[];
