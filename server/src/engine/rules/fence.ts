// Rule docs of this family (owner: engine/time). See registry.ts for the shape.
import type { RuleDoc } from './registry';

const F = 'test/fixtures/fence';

export const RULES: readonly RuleDoc[] = [
  {
    id: 'FENCE-01',
    title: 'A fence signals exactly once',
    severity: 'warning',
    severityNote: 'error for a fence initialised without its lock or name callbacks (not expressible here)',
    body:
      'A dma_fence goes from unsignalled to signalled once and never back. `dma_fence_signal()` sets the SIGNALED bit with ' +
      'test_and_set; a second call finds it set and returns -EINVAL without running the callbacks again. Two signallers for one ' +
      'fence usually mean two code paths believe they own it, and waiters were released by the first one, possibly before the ' +
      'work the fence stands for was complete. Here: `signal F` on a fence already signalled, or a job whose `signal F` fence ' +
      'the CPU signalled before the job finished.',
    outcome: 'RET -EINVAL from the second dma_fence_signal(); waiters already released by the first.',
    kernelRefs: ['drivers/dma-buf/dma-fence.c:367-393', 'drivers/dma-buf/dma-fence.c:461-480', 'drivers/dma-buf/dma-fence.c:947-964'],
    fixtures: [`${F}/fence-01-bad.dmabuf`, `${F}/fence-01-good.dmabuf`],
    triggerable: true,
  },
  {
    id: 'FENCE-02',
    title: 'Fences of one context signal in seqno order',
    severity: 'error',
    body:
      'All fences on one context (one timeline, one ring) are fully ordered: a later seqno must not signal before an earlier one. ' +
      'dma_resv relies on this when it replaces an older fence of the same context by a newer one (RESV-06); if the newer signals ' +
      'first, waiters on the replaced fence proceed too early. In this language every device queue is one context whose jobs run ' +
      'in order, and every software fence gets a context of its own, so no scenario can signal a context out of order.',
    outcome: 'Silent: waiters on a replaced fence proceed early.',
    kernelRefs: ['drivers/dma-buf/dma-fence.c:46-48', 'include/linux/dma-fence.h:451-520', 'drivers/dma-buf/dma-resv.c:291-313'],
    fixtures: [],
    triggerable: false,
  },
  {
    id: 'FENCE-03',
    title: 'Set a fence error before signalling it',
    severity: 'warning',
    body:
      '`dma_fence_set_error()` must be called before the fence signals and with a negative errno; a waiter reads the status with ' +
      '`dma_fence_get_status()`. The language has no statement for fence errors, so this rule documents the contract only.',
    outcome: 'WARN when the error is set after signalling or is not negative.',
    kernelRefs: ['include/linux/dma-fence.h:557-564', 'drivers/dma-buf/dma-fence.c:673-696'],
    fixtures: [],
    triggerable: false,
  },
  {
    id: 'FENCE-04',
    title: 'Every fence must signal in bounded time',
    severity: 'error',
    body:
      '`dma_fence_wait()` waits with MAX_SCHEDULE_TIMEOUT. A fence that nothing will ever signal therefore hangs every waiter, ' +
      'including the kernel\'s own (memory reclaim, page-flip, other drivers). Fences for work that may run forever need timeout ' +
      'and reset handling that force-completes them. The engine reports the hang itself as HANG-01 at the wait and names this rule ' +
      'in the message.',
    outcome: 'Hang: the waiting task never wakes up.',
    kernelRefs: ['drivers/dma-buf/dma-fence.c:69-83', 'include/linux/dma-fence.h:607-619'],
    fixtures: ['test/fixtures/hang/hang-01-bad.dmabuf', 'test/fixtures/hang/hang-01-good.dmabuf'],
    triggerable: true,
  },
  {
    id: 'FENCE-05',
    title: 'Nothing on a fence\'s signalling path may wait for fences',
    severity: 'error',
    body:
      'The code between `dma_fence_begin_signalling()` and `dma_fence_end_signalling()` is what stands between a fence and its ' +
      'signal. It must not wait for fences (`wait`, `wait_resv`), take a dma_resv lock (drivers wait for fences while holding ' +
      'one), or allocate with GFP_KERNEL (direct reclaim runs shrinkers that wait for fences); only GFP_ATOMIC is allowed. Any of ' +
      'these can make the fence depend on itself. Lockdep is primed at boot with the resv lock → fs_reclaim → fence-wait order ' +
      'and reports violations inside annotated sections.',
    outcome: 'LOCKDEP splat with CONFIG_LOCKDEP; otherwise a possible deadlock with no report.',
    kernelRefs: ['drivers/dma-buf/dma-fence.c:90-104', 'drivers/dma-buf/dma-fence.c:195-346', 'drivers/dma-buf/dma-resv.c:742-781'],
    fixtures: [`${F}/fence-05-bad.dmabuf`, `${F}/fence-05-good.dmabuf`],
    triggerable: true,
  },
  {
    id: 'FENCE-06',
    title: 'Waiting sleeps',
    severity: 'error',
    body:
      '`dma_fence_wait_timeout()` may sleep (might_sleep) and rejects a negative timeout with a WARN and -EINVAL. Every wait in ' +
      'this language is an unbounded, sleeping wait from process context, so the atomic-context case cannot be written.',
    outcome: 'WARN and -EINVAL for a negative timeout; a sleeping-in-atomic splat from atomic context.',
    kernelRefs: ['drivers/dma-buf/dma-fence.c:482-522', 'drivers/dma-buf/dma-fence.c:855'],
    fixtures: [],
    triggerable: false,
  },
  {
    id: 'FENCE-07',
    title: 'A fence released with pending callbacks',
    severity: 'error',
    body:
      'Dropping the last reference to an unsignalled fence that still has callbacks WARNs ("released with pending signals!") and ' +
      'force-signals it with -EDEADLK. Fence reference counting is not part of the language, so this is documented only.',
    outcome: 'WARN, then the fence is signalled with error -EDEADLK.',
    kernelRefs: ['drivers/dma-buf/dma-fence.c:531-564', 'drivers/dma-buf/dma-fence.c:620-671'],
    fixtures: [],
    triggerable: false,
  },
  {
    id: 'FENCE-08',
    title: 'No containers inside containers',
    severity: 'warning',
    body:
      'A dma_fence_array must not contain arrays or chains, and a chain node must not wrap a chain: flatten with ' +
      '`dma_fence_unwrap_for_each`. Sync files exported here are flattened by construction, so the rule cannot be triggered.',
    outcome: 'WARN per offending fence.',
    kernelRefs: ['drivers/dma-buf/dma-fence-array.c:207-219', 'drivers/dma-buf/dma-fence-chain.c:242-263'],
    fixtures: [],
    triggerable: false,
  },
  {
    id: 'FENCE-09',
    title: 'No indefinite fences',
    severity: 'error',
    body:
      'A dma_fence must not depend on something userspace may never do (a future or userspace fence) or on page faults being ' +
      'served. In this language a fence that only a blocked agent could signal shows up as HANG-01 at the waits.',
    outcome: 'Deadlock of every waiter (including memory reclaim).',
    kernelRefs: ['Documentation/driver-api/dma-buf.rst:203-320'],
    fixtures: [],
    triggerable: false,
  },
];
