// Rule docs of this family (owner: engine/kernel, K-BUF). See rule-doc.ts for the shape.
import type { RuleDoc } from './rule-doc';

export const RULES = [
  {
    id: 'PIN-01',
    title: 'Only dynamic importers pin, with the resv lock held, balanced',
    severity: 'error',
    severityNote: 'warning for a pin used for a transient job',
    body:
      'dma_buf_pin()/dma_buf_unpin() exist for dynamic importers that cannot handle a move for a while (scanout). The ' +
      'core WARNs when a static attachment calls them (the core already pins for static importers, ATT-03) and asserts ' +
      'the resv lock. Every unpin must match a pin; a pin never undone keeps the buffer in place forever (LEAK-01). The ' +
      'ttm exporter pins into system memory, migrating a VRAM buffer first (P2P-04). "It is not permitted to allow ' +
      'userspace to pin arbitrary amounts of buffers." dma_buf_detach() does not undo an importer\'s pins (only the core\'s ' +
      'own attach-time pin): detaching with a pin held orphans it, the buffer never moves again, and TTM WARNs when the ' +
      'buffer object is released (ttm_bo_release(): WARN_ON_ONCE(bo->pin_count)).',
    outcome: 'WARN_ON(!dynamic); dma_resv_assert_held (lockdep splat with CONFIG_LOCKDEP, else silent); an unbalanced amdgpu unpin WARNs; a pin orphaned by detach WARNs at TTM release.',
    kernelRefs: ['drivers/dma-buf/dma-buf.c:984-992', 'drivers/dma-buf/dma-buf.c:996-1009', 'drivers/dma-buf/dma-buf.c:1020-1030'],
    fixtures: ['test/fixtures/pin/pin-01-bad.dmabuf', 'test/fixtures/pin/pin-01-static-bad.dmabuf', 'test/fixtures/pin/pin-01-good.dmabuf', 'test/fixtures/pin/pin-01-detach-bad.dmabuf', 'test/fixtures/pin/pin-01-detach-good.dmabuf'],
    triggerable: true,
  },
  {
    id: 'PIN-02',
    title: 'Memory must be ready when pin or a static map returns',
    severity: 'error',
    body:
      'An exporter that pipelines moves or clears must wait for them before `pin` (and before `map_dma_buf` for static importers) ' +
      'returns, or publish their fences in the reservation as DMA_RESV_USAGE_KERNEL: the core waits for KERNEL fences before a static ' +
      'importer\'s map returns, and dynamic importers must wait for them (MAP-05). An exporter description with `clear unpublished` ' +
      'clears its new memory with a job on its own device and keeps the fence: a device job of an importer that is not ordered after ' +
      'that clear is PIN-02 (at its `submit`). `clear kernel_fence` is the correct pipelined form; the built-in exporters complete ' +
      'their clears and ttm\'s migrations for static importers before returning.',
    outcome: 'Silent: the importer reads memory before the move or clear landed, or the clear overwrites what it wrote.',
    kernelRefs: ['include/linux/dma-buf.h:99-103', 'include/linux/dma-buf.h:153-160'],
    fixtures: ['test/fixtures/pin/pin-02-bad.dmabuf', 'test/fixtures/pin/pin-02-good.dmabuf'],
    triggerable: true,
  },
] as const satisfies readonly RuleDoc[];
