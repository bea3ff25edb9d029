// Rule docs of this family (owner: engine/time). See rule-doc.ts for the shape.
import type { RuleDoc } from './rule-doc';

const F = 'test/fixtures/resv';

export const RULES = [
  {
    id: 'RESV-01',
    title: 'Reservation usages: kernel < write < read < bookkeep',
    severity: 'information',
    body:
      'Each fence in a buffer\'s dma_resv has a usage. Asking for a usage returns the fences of that usage and of every stronger ' +
      'one: KERNEL (memory management: moves, clears — everyone must wait for these unless the buffer is pinned), WRITE and READ ' +
      '(implicit sync of userspace submissions), BOOKKEEP (never waited for implicitly: explicitly synced work, preemption ' +
      'fences). Usages are promoted (re-adding a BOOKKEEP fence as READ), never degraded. **Reported** (information) at a `resv B add ' +
      'F U` when F is already in B\'s reservation with a stronger usage: it keeps the stronger one, and the engine keeps it too.',
    outcome: 'Information: the fence keeps its stronger usage.',
    kernelRefs: ['include/linux/dma-resv.h:52-117'],
    fixtures: [`${F}/resv-01-bad.dmabuf`, `${F}/resv-01-good.dmabuf`],
    triggerable: true,
  },
  {
    id: 'RESV-02',
    title: 'dma_resv_usage_rw(): what a new access waits for',
    severity: 'information',
    body:
      'A new write waits for READ usage (all readers and writers), a new read for WRITE usage (writers only). `submit ... implicit`, ' +
      '`begin_cpu` and `export_sync_file` use this rule to pick their fences. **Reported** inside RACE-01: when the missing edge is a ' +
      '`wait_resv B U` whose usage leaves out the other access\'s fence where dma_resv_usage_rw() would have included it (e.g. ' +
      '`wait_resv B write` before a write while a READ fence is pending), the race\'s message names this rule.',
    outcome: 'Silent data race (reported as RACE-01).',
    kernelRefs: ['include/linux/dma-resv.h:126-136'],
    fixtures: ['test/fixtures/race/race-01-resv-02-bad.dmabuf', 'test/fixtures/race/race-01-resv-02-good.dmabuf'],
    triggerable: true,
  },
  {
    id: 'RESV-03',
    title: 'Implicit sync needs the producer\'s fence in the reservation',
    severity: 'error',
    body:
      'Drivers that take part in implicit synchronisation must add a WRITE fence for writes and a READ fence for reads to the ' +
      'buffer\'s reservation. A consumer that relies on implicit sync (`submit ... implicit`, `begin_cpu`) waits only for what is ' +
      'there: a producer job whose fence was never added is not waited for, and the two accesses race. The engine reports the ' +
      'race as RACE-01 at the later access and names this rule as the missing edge.',
    outcome: 'Silent data race.',
    kernelRefs: ['include/linux/dma-buf.h:390-412'],
    fixtures: ['test/fixtures/race/race-01-resv-03-bad.dmabuf', 'test/fixtures/race/race-01-resv-03-good.dmabuf'],
    triggerable: true,
  },
  {
    id: 'RESV-04',
    title: 'Adding a fence needs the reservation lock',
    severity: 'error',
    body:
      '`dma_resv_add_fence()` changes the fence list and consumes a slot reserved by `dma_resv_reserve_fences()` in the same ' +
      'locked section. `resv BUF add F USAGE` stands for both calls and must run while this agent holds the buffer\'s lock ' +
      '(`lock BUF`). Without it the list races with every other writer; with CONFIG_LOCKDEP `dma_resv_assert_held()` reports it, ' +
      'and a missing slot hits BUG_ON.',
    outcome: 'LOCKDEP with CONFIG_LOCKDEP; otherwise silent list corruption or BUG_ON(num_fences >= max_fences).',
    kernelRefs: ['drivers/dma-buf/dma-resv.c:275-315', 'drivers/dma-buf/dma-resv.c:177-261'],
    fixtures: [`${F}/resv-04-bad.dmabuf`, `${F}/resv-04-good.dmabuf`],
    triggerable: true,
  },
  {
    id: 'RESV-05',
    title: 'No container fences in a reservation',
    severity: 'warning',
    body:
      'A reservation holds individual fences. Adding a container (a sync file standing for several fences) WARNs; add each fence ' +
      'on its own. `import_sync_file` unwraps containers itself; `resv BUF add S` with such a sync file does not.',
    outcome: 'WARN_ON(dma_fence_is_container(fence)); the container is added anyway.',
    kernelRefs: ['drivers/dma-buf/dma-resv.c:286-289'],
    fixtures: [`${F}/resv-05-bad.dmabuf`, `${F}/resv-05-good.dmabuf`],
    triggerable: true,
  },
  {
    id: 'RESV-06',
    title: 'Slot replacement',
    severity: 'information',
    body:
      'Adding a fence replaces the first entry with the same context, the same or a weaker usage and a seqno that is not later, or ' +
      'any entry that already signalled; otherwise the fence is appended (6.1.0 compared with dma_fence_is_later(), strictly later; ' +
      'the later fix "dma-buf: fix check in dma_resv_add_fence" compares later-or-same, which the engine follows — wait sets are the ' +
      'same either way). The engine applies the rule, so wait sets follow the replacement. **Reported** (information) at an explicit ' +
      '`resv B add F U` that replaces a different, still unsignalled fence: waiters on B no longer see it, which is only right if the ' +
      'context signals in order (FENCE-02). Not reported for `submit ... implicit`, where each job of a queue replaces the last.',
    outcome: 'Information: the replaced fence is no longer waited for through the reservation.',
    kernelRefs: ['drivers/dma-buf/dma-resv.c:291-313'],
    fixtures: [`${F}/resv-06-bad.dmabuf`, `${F}/resv-06-good.dmabuf`],
    triggerable: true,
  },
  {
    id: 'RESV-07',
    title: 'Reservation locking',
    severity: 'error',
    body:
      'The reservation lock is a ww_mutex. Taking it again while holding it (NULL acquire context) deadlocks; unlocking it from an ' +
      'agent that does not hold it breaks the holder\'s critical section. Self-deadlocks and lock cycles are reported as HANG-01 ' +
      'with this rule in the message; an unlock by a non-holder is reported under this code, and so is `mmap` with the ' +
      'buffer\'s reservation held, which self-deadlocks where something on the mmap path takes it: the core on 6.2-6.5 ' +
      '(dma_buf_mmap_internal()), a drm_gem_shmem exporter from 6.6 (drm_gem_shmem_mmap()); elsewhere it is information ' +
      '(the locking convention lists dma_buf_mmap() as called without the lock). **By profile:** row mmap-unlocked.',
    outcome: 'Deadlock; with CONFIG_DEBUG_MUTEXES a WARN for an unlock by a non-owner.',
    kernelRefs: ['include/linux/dma-resv.h:320-346', 'include/linux/dma-resv.h:186-196', 'drivers/dma-buf/dma-buf.c (6.2-6.5): dma_buf_mmap_internal()', 'drivers/gpu/drm/drm_gem_shmem_helper.c (6.12): drm_gem_shmem_mmap()'],
    fixtures: [
      `${F}/resv-07-bad.dmabuf`,
      `${F}/resv-07-good.dmabuf`,
      'test/fixtures/matrix/mmap-under-resv-heap-matrix.dmabuf',
      'test/fixtures/matrix/mmap-under-resv-gem-matrix.dmabuf',
      'test/fixtures/matrix/mmap-under-resv-ttm-matrix.dmabuf',
    ],
    triggerable: true,
  },
  {
    id: 'RESV-08',
    title: 'Waiting on a reservation',
    severity: 'information',
    body:
      '`dma_resv_wait_timeout(obj, usage, intr, timeout)` (`wait_resv B U (timeout N)?`) waits for the fences of that usage and every ' +
      'stronger one; it needs no lock and returns 0 when the timeout expires; `timeout 0` is `dma_resv_test_signaled()`, which never ' +
      'waits. Without a timeout a fence that never signals makes the wait HANG-01. **Reported** (information) where a timed wait ' +
      'returns 0: a test that finds fences pending, or a timeout on fences nothing left in the scenario signals. What follows is not ' +
      'ordered after them; a conflicting access then shows up as RACE-01.',
    outcome: '0 on timeout (the caller must check it).',
    kernelRefs: ['drivers/dma-buf/dma-resv.c:655-717'],
    fixtures: [`${F}/resv-08-bad.dmabuf`, `${F}/resv-08-good.dmabuf`],
    triggerable: true,
  },
  {
    id: 'RESV-09',
    title: 'BOOKKEEP fences are invisible to implicit sync',
    severity: 'error',
    body:
      'Explicitly synchronised submissions add their fences as BOOKKEEP, which `dma_resv_usage_rw()` never returns. A consumer ' +
      'that relies on implicit sync does not wait for them unless the fence is promoted (DMA_BUF_IOCTL_IMPORT_SYNC_FILE, ' +
      '`import_sync_file`). The engine reports the resulting race as RACE-01 and names this rule as the missing edge.',
    outcome: 'Silent data race.',
    kernelRefs: ['include/linux/dma-resv.h:105-116'],
    fixtures: ['test/fixtures/race/race-01-resv-09-bad.dmabuf', 'test/fixtures/syncf/syncf-01-good.dmabuf'],
    triggerable: true,
  },
] as const satisfies readonly RuleDoc[];
