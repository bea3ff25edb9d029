// Rule docs of this family (owner: engine/kernel, K-BUF). See rule-doc.ts for the shape.
import type { RuleDoc } from './rule-doc';

export const RULES = [
  {
    id: 'MOVE-01',
    title: 'After move_notify, old mappings point at the old location',
    severity: 'error',
    body:
      'When the ttm exporter moves a buffer (`move`, or a migration forced by a pin/map/begin_cpu) it calls ' +
      'move_notify on every dynamic importer. "Mappings stay valid and are not directly affected by this callback. But ' +
      'the DMA-buf can now be in a different physical location": the importer must stop its device, unmap, and map ' +
      'again (then wait for the move\'s KERNEL fence, MAP-05). A job through a table made before the move reads or writes ' +
      'the old location.',
    outcome: 'Silent: stale reads from, or lost writes to, the old backing store.',
    kernelRefs: ['include/linux/dma-buf.h:475-492', 'include/linux/dma-buf.h:423-425'],
    fixtures: ['test/fixtures/move/move-01-bad.dmabuf', 'test/fixtures/move/move-01-good.dmabuf'],
    triggerable: true,
  },
  {
    id: 'MOVE-02',
    title: 'Exporters move and call dma_buf_move_notify() under the resv lock',
    severity: 'error',
    body:
      'dma_buf_move_notify() asserts that the exporter holds `dmabuf->resv`, which serialises importers\' move_notify ' +
      'with their map/unmap. In a scenario, `move` stands for the exporter\'s migration: hold `lock BUF` around it. A ' +
      'pinned buffer is not moved (MAP-04). **By profile:** from 7.1 the call is dma_buf_invalidate_mappings() and the ' +
      'importer callback invalidate_mappings (renamed, same lock rule: 95308225e5ba, ef246da8e63c); the engine names them so.',
    outcome: 'dma_resv_assert_held: a lockdep splat with CONFIG_LOCKDEP, otherwise silent races with importers.',
    kernelRefs: ['drivers/dma-buf/dma-buf.c:1220-1229'],
    fixtures: ['test/fixtures/move/move-02-bad.dmabuf', 'test/fixtures/move/move-02-good.dmabuf', 'test/fixtures/move/move-02-7.1-bad.dmabuf'],
    triggerable: true,
  },
  {
    id: 'MOVE-04',
    title: 'After a revoke the importer stops writing and unmaps (7.1)',
    severity: 'error',
    body:
      'From 7.1 dma_buf_invalidate_mappings() is a revoke: the importer must stop device writes at once, may finish reads whose ' +
      'results it discards, and must unmap in bounded time; vfio-pci then waits (wait_for_completion(), unbounded) until every ' +
      'mapping is unmapped. A device write through a mapping made before the revoke is reported here; an unmap that never comes is ' +
      'HANG-01 on the revoking call. Statements after the revoke up to the importer\'s unmap stand for what its invalidate callback ' +
      '(or a worker it kicks) does. On 6.19 and 7.0 the same use is MOVE-01 (vfio does not wait).',
    outcome: 'Silent: the write goes to a BAR that no longer decodes (dropped, an Unsupported Request) or, after the reset, to memory the device owns again.',
    kernelRefs: ['drivers/dma-buf/dma-buf.c (7.1): dma_buf_invalidate_mappings() kdoc', 'drivers/vfio/pci/vfio_pci_dmabuf.c (7.1): vfio_pci_dma_buf_move()'],
    fixtures: ['test/fixtures/vfio/move-04-bad.dmabuf', 'test/fixtures/vfio/vfio-01-good.dmabuf'],
    triggerable: true,
  },
] as const satisfies readonly RuleDoc[];
