// Rule docs of this family (owner: engine/kernel, K-BUF): CPU-xx, VMAP-01 and POLL-01.
import type { RuleDoc } from './rule-doc';

export const RULES = [
  {
    id: 'CPU-01',
    title: 'DMA_BUF_IOCTL_SYNC flags must be valid',
    severity: 'error',
    body:
      'The ioctl rejects flags outside the valid mask or without READ/WRITE, and maps READ→DMA_FROM_DEVICE, ' +
      'WRITE→DMA_TO_DEVICE, RW→DMA_BIDIRECTIONAL. `begin_cpu BUF none` / `end_cpu BUF none` are START or END without ' +
      'READ or WRITE: -EINVAL before any wait or exporter call, so the bracket does not open (or close) and the CPU ' +
      'access inside it is unbracketed. Bits outside the mask cannot be spelled.',
    outcome: 'RET -EINVAL from the ioctl; -EAGAIN/-EINTR must be restarted.',
    kernelRefs: ['drivers/dma-buf/dma-buf.c:449-477', 'include/uapi/linux/dma-buf.h:55-86', 'drivers/dma-buf/dma-buf.c:1266-1268'],
    fixtures: ['test/fixtures/cpu/cpu-01-bad.dmabuf', 'test/fixtures/cpu/cpu-01-good.dmabuf'],
    triggerable: true,
  },
  {
    id: 'CPU-02',
    title: 'Every CPU access to a dma-buf is bracketed by begin/end_cpu_access',
    severity: 'error',
    severityNote: 'error when the CPU mapping is cacheable and a mapped device is non-coherent; warning otherwise',
    body:
      'Loads and stores through an mmap or vmap of a dma-buf must sit between `begin_cpu` and `end_cpu` ' +
      '(DMA_BUF_IOCTL_SYNC START/END, dma_buf_begin/end_cpu_access) with the right direction: that is where the exporter ' +
      'does cache maintenance. "Userspace cannot rely on coherent access, even when there are systems where it just ' +
      'works." This is the primary code for an unbracketed access (HEAP-05 and DMAAPI-06 are named in the message).',
    outcome: 'Silent: stale data for the device or the CPU on non-coherent systems (the time half reports the COH-xx consequence).',
    kernelRefs: ['include/uapi/linux/dma-buf.h:35-38', 'drivers/dma-buf/dma-buf.c:1286-1288', 'include/linux/dma-buf.h:254-255', 'drivers/dma-buf/dma-buf.c:1341-1343', 'drivers/dma-buf/dma-buf.c:1457-1459'],
    fixtures: ['test/fixtures/sketches/b02-unsynced-mmap-write-bad.dmabuf', 'test/fixtures/sketches/g02-cpu-upload-noncoherent-good.dmabuf'],
    triggerable: true,
  },
  {
    id: 'CPU-03',
    title: 'begin_cpu_access waits only for implicit fences and excludes nobody',
    severity: 'error',
    body:
      'begin waits for dma_resv_usage_rw(write) fences — a write waits for KERNEL, WRITE and READ fences, a read for KERNEL ' +
      'and WRITE — and never for BOOKKEEP or explicitly synchronised work; end does not wait. It provides no mutual ' +
      'exclusion. The engine makes `begin_cpu` wait for those fences; CPU access concurrent with unordered device work ' +
      'is reported as a race (RACE-01, naming CPU-03) by the time half.',
    outcome: 'Silent data race.',
    kernelRefs: ['drivers/dma-buf/dma-buf.c:1317-1332', 'include/linux/dma-resv.h:126-136', 'drivers/dma-buf/dma-buf.c:1345-1348', 'include/uapi/linux/dma-buf.h:40-47'],
    fixtures: ['test/fixtures/sketches/g03-cpu-readback-implicit-fence-good.dmabuf'],
    triggerable: true,
  },
  {
    id: 'CPU-04',
    title: 'The direction of the bracket matters',
    severity: 'error',
    severityNote: 'error on non-coherent platforms, warning on coherent ones',
    body:
      'Exporters flush by direction: the heaps sync every mapped attachment with the bracket\'s direction. A write inside ' +
      'a READ bracket is not written back for the device (on arm32 the END|READ invalidates the lines, discarding it); a ' +
      'read inside a WRITE bracket is not invalidated first (arm64 sync_for_cpu(TO_DEVICE) does nothing). END should use ' +
      'the flags of the START. Use `rw` when the CPU both reads and writes.',
    outcome: 'Silent stale reads or lost writes.',
    kernelRefs: ['include/linux/dma-buf.h:206-222', 'drivers/dma-buf/heaps/system_heap.c:154-194', 'drivers/dma-buf/heaps/cma_heap.c:121-161'],
    fixtures: ['test/fixtures/sketches/b03-read-bracket-around-writes-arm32-bad.dmabuf'],
    triggerable: true,
  },
  {
    id: 'CPU-05',
    title: 'Exporters without begin/end_cpu_access',
    severity: 'information',
    body:
      'Both callbacks are optional; the gem exporter has neither, so SYNC only waits for fences and coherency relies on ' +
      'the CPU mapping type (cacheable shmem pages in this model; VRAM apertures are write-combined). The trace says so ' +
      'at each bracket.',
    outcome: 'Information.',
    kernelRefs: ['include/linux/dma-buf.h:206-248', 'drivers/gpu/drm/drm_prime.c:791-801'],
    fixtures: [],
    triggerable: true,
  },
  {
    id: 'CPU-06',
    title: 'Do not hold the resv lock around begin/end_cpu_access',
    severity: 'error',
    body:
      'The core annotates might_lock(dmabuf->resv) and exporters may take it inside: amdgpu reserves the BO in ' +
      'begin_cpu_access for reads, so for the ttm exporter this deadlocks; for the others lockdep reports it.',
    outcome: 'LOCKDEP report; self-deadlock with the ttm exporter.',
    kernelRefs: ['drivers/dma-buf/dma-buf.c:1361', 'drivers/dma-buf/dma-buf.c:1396', 'drivers/gpu/drm/amd/amdgpu/amdgpu_dma_buf.c:259-287'],
    fixtures: [],
    triggerable: true,
  },
  {
    id: 'CPU-07',
    title: 'Exporter-specific bracket contracts (udmabuf, videobuf2-dma-sg)',
    severity: 'error',
    body:
      'udmabuf (`NAME = udmabuf SIZE`) does its CPU-bracket maintenance on a table of its own misc device, made by the ' +
      'first begin_cpu_access with that bracket\'s direction. end_cpu_access before any begin finds no table and fails ' +
      'with -EINVAL, so nothing is synced for the importers (which map with DMA_ATTR_SKIP_CPU_SYNC). Later brackets ' +
      'sync that table with their own direction: unless the first bracket was RW, dma-debug reports a sync with a ' +
      'different direction (warning). videobuf2-dma-sg (an exporter description with `cpu_access sync_own_*`) syncs its own ' +
      'mapping for the exporting device in the queue\'s direction whatever the bracket asks: a read bracket on a DMA_TO_DEVICE ' +
      'queue does not invalidate where the device does not snoop, and on arm32 the end of a write bracket on a DMA_FROM_DEVICE ' +
      'queue invalidates (warnings; the stale read or lost write is COH-01/03).',
    outcome: 'RET -EINVAL and stale data for the devices; dma-debug "device driver syncs DMA memory with different direction"; stale reads or lost CPU writes.',
    kernelRefs: ['drivers/dma-buf/udmabuf.c:125-159', 'kernel/dma/debug.c:1121-1132', 'drivers/media/common/videobuf2/videobuf2-dma-sg.c:474-493'],
    fixtures: ['test/fixtures/cpu/cpu-07-bad.dmabuf', 'test/fixtures/cpu/cpu-07-direction-warn.dmabuf', 'test/fixtures/cpu/cpu-07-good.dmabuf', 'test/fixtures/cpu/cpu-07-vb2-sg-bad.dmabuf', 'test/fixtures/cpu/cpu-07-vb2-sg-good.dmabuf'],
    triggerable: true,
  },
  {
    id: 'CPU-08',
    title: 'Heaps sync only mapped attachments',
    severity: 'information',
    body:
      'With no device mapping, the heaps\' begin/end do no cache maintenance; the next dma_map_sgtable(…, 0) performs ' +
      'sync_for_device itself. The trace shows it at the bracket.',
    outcome: 'Information.',
    kernelRefs: ['drivers/dma-buf/heaps/system_heap.c:165-169', 'drivers/dma-buf/heaps/system_heap.c:186-190', 'kernel/dma/direct.h:108-110'],
    fixtures: [],
    triggerable: true,
  },
  {
    id: 'VMAP-01',
    title: 'vmap/vunmap: locking and balance',
    severity: 'error',
    body:
      'dma_buf_vmap() is refcounted: the first call maps, later ones return the same address. vunmap with the counter at ' +
      '0 (a second vunmap) BUGs; an extra vunmap while others hold it drops their reference. From 6.2 the locked ' +
      'variants need `dmabuf->resv` held and the `_unlocked` ones must not be called under it (VER-01). CPU access ' +
      'through a vmap still needs CPU-02 bracketing. **By profile:** on 6.1 dma_buf_vmap()/vunmap() serialise on the ' +
      'internal dmabuf->lock and need no lock from the caller, and `vmap_unlocked`/`vunmap_unlocked` do not exist ' +
      '(dma_buf_vmap_unlocked() was added in 6.2 and is not in any 6.1 stable release): using them on a `kernel 6.1` ' +
      'platform is a NAME error. An exporter without `vmap` in its `ops` makes dma_buf_vmap() return -EINVAL.',
    outcome: 'BUG_ON on an unbalanced vunmap; lockdep splat or deadlock for locking mistakes.',
    kernelRefs: ['drivers/dma-buf/dma-buf.c:1463-1498', 'drivers/dma-buf/dma-buf.c:1505-1522'],
    fixtures: [
      'test/fixtures/vmap/vmap-01-bad.dmabuf',
      'test/fixtures/vmap/vmap-01-good.dmabuf',
      'test/fixtures/vmap/vmap-unlocked-6.1-bad.dmabuf',
      'test/fixtures/vmap/vmap-unlocked-6.2-good.dmabuf',
      'test/fixtures/vmap/vmap-01-no-op-bad.dmabuf',
      'test/fixtures/vmap/vmap-01-no-op-good.dmabuf',
    ],
    triggerable: true,
  },
  {
    id: 'POLL-01',
    title: 'poll() on a dma-buf is not a SYNC',
    severity: 'information',
    body:
      '`poll BUF in|out [timeout MS]` waits like dma_buf_poll(): EPOLLIN for the KERNEL and WRITE fences, EPOLLOUT for all but ' +
      'BOOKKEEP (so a CPU write after `poll … in` still races with device readers). It reports completion only: a CPU access to ' +
      'the buffer after a poll without a begin_cpu bracket since is reported here, with the kernel\'s own words.',
    outcome: 'Information; the missing SYNC is CPU-02 and its stale data COH-01/COH-02.',
    kernelRefs: ['drivers/dma-buf/dma-buf.c:179-201', 'drivers/dma-buf/dma-buf.c:237-305'],
    fixtures: ['test/fixtures/poll/poll-01-bad.dmabuf', 'test/fixtures/poll/poll-01-good.dmabuf'],
    triggerable: true,
  },
] as const satisfies readonly RuleDoc[];
