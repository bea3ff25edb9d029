// Rule docs of this family (owner: engine/kernel, K-BUF). See rule-doc.ts for the shape.
import type { RuleDoc } from './rule-doc';

export const RULES = [
  {
    id: 'MAP-01',
    title: 'Locking of map/unmap, and the _unlocked variants',
    severity: 'error',
    body:
      'In 6.1 `map`/`unmap` (dma_buf_map_attachment / dma_buf_unmap_attachment) need `dmabuf->resv` held when the importer ' +
      'or the exporter is dynamic, except that a static importer of a dynamic exporter gets the table the core mapped at ' +
      'attach (attach->sgt) back before the exporter\'s assertion, so nothing fires for it; from 6.2 every caller of these locked variants must hold it (VER-01). Without the lock ' +
      'the exporter maps without the serialisation it relies on. `map_unlocked`/`unmap_unlocked` take the lock ' +
      'themselves, so calling them while holding it deadlocks. Both functions may sleep: no map in atomic context.',
    outcome: 'dma_resv_assert_held: a lockdep splat with CONFIG_LOCKDEP, otherwise silent; an _unlocked call under the lock hangs.',
    kernelRefs: ['drivers/dma-buf/dma-buf.c:1060', 'drivers/dma-buf/dma-buf.c:1065-1066', 'drivers/dma-buf/dma-buf.c:1080-1081', 'drivers/dma-buf/dma-buf.c:1133-1148', 'drivers/dma-buf/dma-buf.c:1170-1177', 'drivers/dma-buf/dma-buf.c:1197-1209'],
    fixtures: ['test/fixtures/map/map-01-bad.dmabuf', 'test/fixtures/map/map-01-dynamic-61-bad.dmabuf', 'test/fixtures/map/map-01-good.dmabuf', 'test/fixtures/matrix/map-01-static-importer-ttm-matrix.dmabuf'],
    triggerable: true,
  },
  {
    id: 'MAP-02',
    title: 'A cached mapping has one direction',
    severity: 'error',
    severityNote: 'information when the cached table is simply returned',
    body:
      'When the attachment holds a cached table — the gem exporter (cache_sgt_mapping; the first map fixes the direction) ' +
      'or the ATT-03 pre-map (DMA_BIDIRECTIONAL) — every map returns that same table, and a map with another direction ' +
      'fails with -EBUSY unless the cached one is DMA_BIDIRECTIONAL. Unmapping the cached table does nothing; detach ' +
      'unmaps it. drm_gem_prime_import_dev() always maps DMA_BIDIRECTIONAL for this reason. **By profile:** up to 6.15 ' +
      '(the 6.1–6.12 profiles). From 6.16 (profiles 6.18 and later) there is no cached table at all: commit b72f66f22c0e ' +
      '"dma-buf: drop caching of sg_tables" removed cache_sgt_mapping and attach->sgt, and de68b17d5d07 the pre-map at ' +
      'attach, so every map reaches the exporter (drm_gem_map_dma_buf() builds and maps a new table each time), each ' +
      'unmap really unmaps, and a second direction is simply a second mapping: MAP-02 never fires there.',
    outcome: 'ERR_PTR(-EBUSY) from dma_buf_map_attachment(): "Two mappings with different directions for the same attachment are not allowed".',
    kernelRefs: ['drivers/dma-buf/dma-buf.c:1068-1078', 'drivers/dma-buf/dma-buf.c:1097-1100', 'drivers/dma-buf/dma-buf.c:1173-1174', 'drivers/gpu/drm/drm_prime.c:791-801', 'drivers/gpu/drm/drm_prime.c:937-943'],
    fixtures: [
      'test/fixtures/map/map-02-bad.dmabuf',
      'test/fixtures/map/map-02-good.dmabuf',
      'test/fixtures/sketches/b01-gem-direction-clash-bad.dmabuf',
      'test/fixtures/map/map-02-6.12-bad.dmabuf',
      'test/fixtures/map/map-02-6.18-good.dmabuf',
    ],
    triggerable: true,
  },
  {
    id: 'MAP-03',
    title: 'Never map a heap attachment twice without unmapping',
    severity: 'error',
    body:
      'The system and CMA heaps keep one sg_table per attachment and call dma_map_sgtable() on it at every map. A second ' +
      'map before unmap maps the same table again, which the DMA API forbids ("the sg cannot be mapped again if it has ' +
      'been mapped once"): the first mapping\'s DMA addresses are overwritten and leak, and both names now share one table. ' +
      'Only the heaps do this: a GEM exporter builds a fresh table at every map, so from 6.16 (no cached table, ' +
      'sgt-cache-dropped) a second GEM map is a second, independent mapping, and not this finding.',
    outcome: 'Silent IOVA leak; with CONFIG_DMA_API_DEBUG "cacheline tracking EEXIST, overlapping mappings aren\'t supported" for non-TO_DEVICE maps.',
    kernelRefs: ['drivers/dma-buf/heaps/system_heap.c:129-142', 'drivers/dma-buf/heaps/cma_heap.c:97-110', 'include/linux/dma-buf.h:173-178', 'Documentation/core-api/dma-api.rst:384'],
    fixtures: ['test/fixtures/map/map-03-bad.dmabuf', 'test/fixtures/map/map-03-good.dmabuf'],
    triggerable: true,
  },
  {
    id: 'MAP-04',
    title: 'A dynamic exporter\'s buffer is pinned while mapped (without MOVE_NOTIFY)',
    severity: 'information',
    body:
      'With CONFIG_DMABUF_MOVE_NOTIFY off (the default) the core pins a dynamic exporter\'s buffer at map and unpins it at ' +
      'unmap, so the exporter cannot move it while the mapping exists; amdgpu pins into system memory, so even a ' +
      'peer2peer importer gets system pages (P2P-04). With the option on, dynamic importers\' mappings are not pinned and ' +
      'the exporter may move the buffer (MOVE-01). The engine also notes here when a `move` is refused because of a pin. ' +
      '**By profile:** up to 6.15 only a dynamic importer reaches this pin (a static importer of a dynamic exporter was ' +
      'pinned at attach, ATT-03). From 6.16 dma_buf_pin_on_map() decides it: `ops->pin && (!attach->importer_ops || ' +
      '!IS_ENABLED(CONFIG_DMABUF_MOVE_NOTIFY))`, so a static importer is pinned at map and unpinned at unmap too. From 7.1 ' +
      'CONFIG_DMABUF_MOVE_NOTIFY is gone (always on, 609fc8766d68): a dynamic importer\'s mapping is never pinned by the ' +
      'core, and only static importers are.',
    outcome: 'Information: the pin, and a move that fails with -EBUSY while it lasts.',
    kernelRefs: ['drivers/dma-buf/dma-buf.c:1046-1049', 'drivers/dma-buf/dma-buf.c:1080-1094', 'drivers/dma-buf/dma-buf.c:1180-1182'],
    fixtures: [
      'test/fixtures/map/map-04-bad.dmabuf',
      'test/fixtures/map/map-04-good.dmabuf',
      'test/fixtures/att/att-03-6.18-good.dmabuf',
      'test/fixtures/map/map-04-7.0-bad.dmabuf',
      'test/fixtures/map/map-04-7.1-good.dmabuf',
    ],
    triggerable: true,
  },
  {
    id: 'MAP-05',
    title: 'Dynamic importers wait for the exporter\'s KERNEL fences themselves',
    severity: 'error',
    body:
      'For static importers the core waits for the buffer\'s KERNEL fences (moves, clears) inside map. Dynamic importers ' +
      'are not waited for: they must wait for those fences (e.g. `wait_resv BUF kernel`) before their device touches the ' +
      'buffer, as ib_umem_dmabuf_map_pages does. A dynamic importer\'s job that is not ordered after the exporter\'s move ' +
      'copy reads the new location before the data landed (found by the time half\'s ordering analysis). The copy is just as ' +
      'pipelined when the move happens inside the importer\'s own call: a ttm migration at `pin` or at `map` (a dynamic ' +
      'importer that cannot take VRAM, or the core\'s pin at map with DMABUF_MOVE_NOTIFY off) adds its fence as KERNEL and ' +
      'returns without waiting (ttm_bo_move_accel_cleanup()). **By profile:** ' +
      'up to 6.15 the static importer\'s wait happens only when the exporter is really called (__map_dma_buf()), so a ' +
      'cached table (GEM, or the ATT-03 pre-map) is returned without waiting for KERNEL fences added since; from 6.16 there ' +
      'is no cached table and dma_buf_map_attachment() waits at every map of an attachment without importer_ops.',
    outcome: 'Silent: the device reads old or uncleared data, or writes land before the copy overwrites them.',
    kernelRefs: ['drivers/dma-buf/dma-buf.c:793-815', 'drivers/dma-buf/dma-buf.c:1051-1052', 'include/linux/dma-buf.h:414-425', 'drivers/infiniband/core/umem_dmabuf.c:64-80'],
    fixtures: [
      'test/fixtures/map/map-05-bad.dmabuf',
      'test/fixtures/map/map-05-good.dmabuf',
      'test/fixtures/map/map-05-static-good.dmabuf',
      'test/fixtures/map/map-05-pipelined-pin-bad.dmabuf',
      'test/fixtures/map/map-05-pipelined-pin-good.dmabuf',
      'test/fixtures/map/map-05-per-map-6.12-good.dmabuf',
      'test/fixtures/map/map-05-per-map-6.18-bad.dmabuf',
      'test/fixtures/map/map-05-7.1-bad.dmabuf',
    ],
    triggerable: true,
  },
  {
    id: 'MAP-06',
    title: 'Importers must not touch struct page in an imported sg_table',
    severity: 'error',
    body:
      'An importer may use only the DMA side of the table: sg_dma_address()/sg_dma_len() over `nents`. `kmap` stands for ' +
      'sg_page()/kmap()/sg_virt() on the entries. A ttm VRAM table handed to a peer2peer importer has no struct page at ' +
      'all (NULL dereference); with CONFIG_DMABUF_DEBUG the core scrambles page_link after map to catch exactly this; ' +
      'without it the access works by accident on page-backed tables. drm_prime_sg_to_page_array() is deprecated for ' +
      'the same reason. kmap of a driver\'s own `dma_map` table is fine. **By profile:** up to 6.19 DMABUF_DEBUG XORs the ' +
      'page_link of the exporter\'s own table (sg_page() is garbage); from 7.0 (51db5336e16d "dma-buf: improve sg_table ' +
      'debugging hack v4") the importer gets a copy holding only DMA addresses and lengths (sg_page() is NULL). Either ' +
      'way kmap() oopses. (From 7.0 DMABUF_DEBUG also no longer defaults to y with DMA_API_DEBUG; the engine takes the ' +
      'config as the platform states it.) `iommu_map D IOVA SGT` of an imported table is the same abuse: iommu_map_sgtable() ' +
      'computes sg_phys() from the exporter\'s pages (tegra_bo_import(), rockchip\'s and etnaviv\'s PRIME imports), so with ' +
      'DMABUF_DEBUG or on a page-less table the IOVAs point at unrelated memory: no oops, DMA to the wrong place.',
    outcome: 'kmap: an oops on a page-less table or with CONFIG_DMABUF_DEBUG; iommu_map: IOVAs of unrelated memory there; otherwise silent.',
    kernelRefs: ['include/linux/scatterlist.h:185-187', 'drivers/dma-buf/dma-buf.c:778-791', 'drivers/dma-buf/dma-buf.c:936-944', 'drivers/gpu/drm/drm_prime.c:990-1016'],
    fixtures: [
      'test/fixtures/map/map-06-bad.dmabuf',
      'test/fixtures/map/map-06-good.dmabuf',
      'test/fixtures/sketches/b04-kmap-pageless-p2p-table-bad.dmabuf',
      'test/fixtures/map/map-06-7.0-bad.dmabuf',
      'test/fixtures/map/map-06-iommu-map-bad.dmabuf',
      'test/fixtures/map/map-06-iommu-map-good.dmabuf',
    ],
    triggerable: true,
  },
  {
    id: 'MAP-07',
    title: 'Addresses and lengths in the table are PAGE_SIZE aligned',
    severity: 'warning',
    body:
      'Exporters must hand out page-aligned entries. The built-in exporters build their tables from whole pages; a ' +
      'driver\'s own `exporter NAME { entry_offset N }` whose table starts N bytes into a page is reported at each map ' +
      'that reaches its map_dma_buf.',
    outcome: 'A pr_debug under CONFIG_DMA_API_DEBUG only.',
    kernelRefs: ['include/linux/dma-buf.h:163-167', 'drivers/dma-buf/dma-buf.c:1043-1044', 'drivers/dma-buf/dma-buf.c:1102-1118'],
    fixtures: ['test/fixtures/map/map-07-bad.dmabuf', 'test/fixtures/map/map-07-good.dmabuf'],
    triggerable: true,
  },
  {
    id: 'MAP-08',
    title: 'Check the result of map',
    severity: 'error',
    body:
      'dma_buf_map_attachment() returns an ERR_PTR on failure (-EBUSY for a direction clash, -ENOMEM, -EINTR, the ' +
      'exporter\'s or the DMA API\'s error). The name bound by a failed `map` holds that error; a job, kmap or unmap through ' +
      'it dereferences an error pointer. Check IS_ERR() and do not use the table.',
    outcome: 'Silent (the device is programmed with garbage) or an oops on dereference.',
    kernelRefs: ['drivers/dma-buf/dma-buf.c:1089-1090', 'include/linux/dma-buf.h:169-171'],
    fixtures: ['test/fixtures/map/map-08-bad.dmabuf', 'test/fixtures/map/map-08-good.dmabuf'],
    triggerable: true,
  },
  {
    id: 'MAP-09',
    title: 'Mapping a revoked vfio-pci dma-buf',
    severity: 'information',
    severityNote: 'the importer\'s use of the failed map is MAP-08',
    body:
      'While a vfio-pci dma-buf is revoked (memory decode off, during a reset, for good after the device fd is closed) ' +
      'vfio_pci_dma_buf_map() returns ERR_PTR(-ENODEV); the revoked state is the exporter\'s own (priv->revoked), the core has none. ' +
      'After memory decode is back on, a new map succeeds; after close, never. Importers must not assume a re-map succeeds.',
    outcome: 'RET -ENODEV (ERR_PTR).',
    kernelRefs: ['drivers/vfio/pci/vfio_pci_dmabuf.c (6.19+): vfio_pci_dma_buf_map(), vfio_pci_dma_buf_move(), vfio_pci_dma_buf_cleanup()'],
    fixtures: ['test/fixtures/vfio/map-09-bad.dmabuf', 'test/fixtures/vfio/vfio-01-good.dmabuf'],
    triggerable: true,
  },
] as const satisfies readonly RuleDoc[];
