// Rule docs of this family (owner: engine/kernel, K-BUF). See rule-doc.ts for the shape.
import type { RuleDoc } from './rule-doc';

export const RULES = [
  {
    id: 'ATT-01',
    title: 'Dynamic importers must supply move_notify',
    severity: 'error',
    body:
      'dma_buf_dynamic_attach() refuses importer ops without `move_notify`: a dynamic importer must be told when the ' +
      'exporter moves the buffer. `attach ... dynamic` stands for an importer with move_notify; `attach ... dynamic ' +
      'no_move_notify` leaves it out. **By profile:** from 7.1 the callback (renamed invalidate_mappings) is optional, the ' +
      'attach succeeds and the exporter\'s invalidation skips the attachment.',
    outcome: 'WARN and ERR_PTR(-EINVAL) from dma_buf_dynamic_attach() (up to 7.0).',
    kernelRefs: ['drivers/dma-buf/dma-buf.c:851-852', 'drivers/dma-buf/dma-buf.c:929-934'],
    fixtures: ['test/fixtures/att/att-01-7.0-bad.dmabuf', 'test/fixtures/att/att-01-7.1-good.dmabuf'],
    triggerable: true,
  },
  {
    id: 'ATT-02',
    title: 'The exporter may refuse an attach',
    severity: 'information',
    body:
      'The exporter\'s `attach` callback checks whether it can serve the device and may fail. The simulated gem exporter ' +
      'refuses importers of a gem object placed in a BAR (a VRAM-helper object has no get_sg_table, so drm_gem_map_attach() ' +
      'fails with -ENOSYS); the ttm exporter instead downgrades peer2peer (P2P-03). A driver\'s own `exporter NAME { peer2peer ' +
      'require }` refuses every importer without peer2peer with -EOPNOTSUPP, as xe does for VRAM-only BOs and vfio-pci for its ' +
      'MMIO exports. The name then holds the error.',
    outcome: 'RET the exporter\'s error from dma_buf_attach().',
    kernelRefs: ['include/linux/dma-buf.h:47-74', 'drivers/dma-buf/dma-buf.c:835-838', 'drivers/dma-buf/dma-buf.c:865-869'],
    fixtures: ['test/fixtures/att/att-02-bad.dmabuf', 'test/fixtures/att/att-02-good.dmabuf'],
    triggerable: true,
  },
  {
    id: 'ATT-03',
    title: 'Mixed static/dynamic pairs are pinned and pre-mapped at attach',
    severity: 'information',
    body:
      'When exactly one side is dynamic — a static importer of the ttm exporter, or a dynamic importer of a heap or gem ' +
      'buffer — the core takes the resv lock at attach, pins the buffer if the exporter is dynamic (amdgpu pins into ' +
      'system memory, migrating VRAM: P2P-04), maps it once DMA_BIDIRECTIONAL and caches the table in the attachment. ' +
      'Every later map returns that table (MAP-02 applies), unmap of it is a no-op, and the real unmap and unpin happen ' +
      'at detach. A static importer\'s pre-map waits for the buffer\'s KERNEL fences. **By profile:** up to 6.15 (the ' +
      '6.1–6.12 profiles). From 6.16 (de68b17d5d07 "dma-buf: dma-buf: stop mapping sg_tables on attach v2", VER-04) ' +
      'attach neither pins nor maps: a static importer of a dynamic exporter is pinned at each map and unpinned at unmap ' +
      '(MAP-04), maps with the direction it asks for, and waits for KERNEL fences at every map (MAP-05).',
    outcome: 'Information: the pin, the migration and the mapping happen at attach.',
    kernelRefs: ['drivers/dma-buf/dma-buf.c:873-900', 'drivers/dma-buf/dma-buf.c:959-969'],
    fixtures: [
      'test/fixtures/att/att-03-bad.dmabuf',
      'test/fixtures/att/att-03-good.dmabuf',
      'test/fixtures/sketches/g06-static-importer-of-vram-good.dmabuf',
      'test/fixtures/att/att-03-6.18-good.dmabuf',
    ],
    triggerable: true,
  },
  {
    id: 'ATT-04',
    title: 'Do not hold the dma-buf\'s resv lock around attach or detach',
    severity: 'error',
    body:
      'dma_buf_attach()/dma_buf_dynamic_attach() and dma_buf_detach() take `dmabuf->resv` themselves to edit the ' +
      'attachment list (and to pre-map/unmap for mixed pairs). Calling them with the lock held makes the ww_mutex wait for ' +
      'itself: the thread hangs. Since 6.2 this is the documented locking convention (VER-01). Attach before `lock`, detach ' +
      'after `unlock`.',
    outcome: 'Self-deadlock (HANG); with CONFIG_LOCKDEP a recursive-locking report first.',
    kernelRefs: ['drivers/dma-buf/dma-buf.c:870-872', 'drivers/dma-buf/dma-buf.c:881-882', 'drivers/dma-buf/dma-buf.c:961-962', 'drivers/dma-buf/dma-buf.c:971-973'],
    fixtures: ['test/fixtures/att/att-04-bad.dmabuf', 'test/fixtures/att/att-04-good.dmabuf'],
    triggerable: true,
  },
  {
    id: 'ATT-05',
    title: 'The attachment list is protected by the resv lock',
    severity: 'warning',
    body:
      'Exporters that walk `dmabuf->attachments` (to gather constraints at first map, or to sync every attachment) must hold ' +
      'the resv lock. A driver\'s exporter description says where its ops walk it (`attachment_walk at_map|at_cpu_access|none`): ' +
      'in map_dma_buf the caller\'s lock covers the walk from 6.2, but on 6.1 a static importer of a static exporter maps ' +
      'without it; begin/end_cpu_access are always called without it. The built-in exporters keep lists of their own.',
    outcome: 'Silent list corruption or use-after-free under concurrent attach/detach.',
    kernelRefs: ['include/linux/dma-buf.h:318-324', 'drivers/dma-buf/dma-buf.c:870-872', 'drivers/dma-buf/dma-buf.c:971-973', 'include/linux/dma-buf.h:140-143'],
    fixtures: ['test/fixtures/att/att-05-bad.dmabuf', 'test/fixtures/att/att-05-good.dmabuf'],
    triggerable: true,
  },
  {
    id: 'ATT-06',
    title: 'vfio-pci refuses importers it cannot revoke or serve',
    severity: 'error',
    body:
      'vfio_pci_dma_buf_attach() checks, in order: attach->peer2peer (a static importer never has it, a dynamic one only with ' +
      'allow_peer2peer: -EOPNOTSUPP), the buffer revoked (-ENODEV), and from 7.1 dma_buf_attach_revocable() (importer_ops with ' +
      'invalidate_mappings; `dynamic no_move_notify` is not: -EOPNOTSUPP). On 6.19 and 7.0 the exporter has a pin that returns ' +
      '-EOPNOTSUPP: `pin` fails, and with CONFIG_DMABUF_MOVE_NOTIFY off (the default) dma_buf_pin_on_map() makes every map call it, so ' +
      'every `map` fails with -EOPNOTSUPP. 7.1 removes the pin op.',
    outcome: 'RET -EOPNOTSUPP or -ENODEV from dma_buf_dynamic_attach(), dma_buf_pin() or dma_buf_map_attachment().',
    kernelRefs: ['drivers/vfio/pci/vfio_pci_dmabuf.c (6.19+): vfio_pci_dma_buf_attach(), vfio_pci_dma_buf_pin()', 'drivers/dma-buf/dma-buf.c: dma_buf_dynamic_attach(), dma_buf_pin_on_map(), dma_buf_attach_revocable() (7.1)'],
    fixtures: ['test/fixtures/vfio/att-06-bad.dmabuf', 'test/fixtures/vfio/vfio-01-good.dmabuf'],
    triggerable: true,
  },
] as const satisfies readonly RuleDoc[];
