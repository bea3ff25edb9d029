// Rule docs of this family (owner: engine/time). See rule-doc.ts for the shape.
import type { RuleDoc } from './rule-doc';

const F = 'test/fixtures/fence';

export const RULES = [
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
      'the CPU signalled before the job finished. **By profile:** up to 6.19 the second call returns -EINVAL. From 7.0 ' +
      '(88e721ab978a "dma-buf/dma-fence: Remove return code of signaling-functions") dma_fence_signal() and its variants ' +
      'return void and a second signal is silently ignored; a caller that needs to know uses dma_fence_check_and_signal(). ' +
      'It is still reported there, as a silent bug: the kernel no longer says anything, but waiters were still released ' +
      'by the first signal.',
    outcome: 'RET -EINVAL from the second dma_fence_signal() up to 6.19, silently ignored from 7.0; waiters already released by the first.',
    kernelRefs: ['drivers/dma-buf/dma-fence.c:367-393', 'drivers/dma-buf/dma-fence.c:461-480', 'drivers/dma-buf/dma-fence.c:947-964'],
    fixtures: [`${F}/fence-01-bad.dmabuf`, `${F}/fence-01-good.dmabuf`, `${F}/fence-01-6.19-bad.dmabuf`, `${F}/fence-01-7.0-bad.dmabuf`],
    triggerable: true,
  },
  {
    id: 'FENCE-02',
    title: 'Fences of one context signal in seqno order',
    severity: 'error',
    body:
      'All fences on one context (one timeline, one ring) are fully ordered: a later seqno must not signal before an earlier one. ' +
      'dma_fence_is_later() and dma_resv_add_fence() rely on it: the reservation drops an older fence of a context when a newer one ' +
      'is added (RESV-06), so if the newer signals first, waiters on the dropped fence proceed too early. Write `F = fence context C ' +
      'seqno N` to put software fences on a shared timeline. **Reported** at a `signal F` that runs while a fence of the same context ' +
      'with a lower seqno is still unsignalled, in whichever explored interleaving that happens (two threads signalling one ' +
      'timeline). Device queues are one context per device whose jobs complete in order, so their fences never fire it.',
    outcome: 'Silent: waiters on a replaced fence proceed early.',
    kernelRefs: ['drivers/dma-buf/dma-fence.c:46-48', 'include/linux/dma-fence.h:451-520', 'drivers/dma-buf/dma-resv.c:291-313'],
    fixtures: [`${F}/fence-02-bad.dmabuf`, `${F}/fence-02-good.dmabuf`],
    triggerable: true,
  },
  {
    id: 'FENCE-03',
    title: 'Set a fence error before signalling it',
    severity: 'warning',
    body:
      '`dma_fence_set_error()` (`set_error F ERRNO`) must be called before the fence signals and with a negative errno in ' +
      '[-MAX_ERRNO, -1]; waiters read it with `dma_fence_get_status()`. **Reported** at a `set_error` on a fence that already ' +
      'signalled (whoever saw it signalled took it as a success) or with an errno that is zero, positive or below -4095. The kernel ' +
      'WARNs and stores the value anyway; the engine stores it too (it shows in the trace and in what a `wait` returns), and a fence ' +
      'array takes the error of its first erroring member.',
    outcome: 'WARN_ON(test_bit(SIGNALED)) / WARN_ON(error >= 0 || error < -MAX_ERRNO); the error is stored anyway.',
    kernelRefs: ['include/linux/dma-fence.h:557-564', 'drivers/dma-buf/dma-fence.c:673-696'],
    fixtures: [`${F}/fence-03-bad.dmabuf`, `${F}/fence-03-good.dmabuf`],
    triggerable: true,
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
    title: 'Waiting with a timeout',
    severity: 'warning',
    severityNote: 'information when a timed wait returns 0 (timed out, or a timeout of 0 found the fence pending)',
    body:
      '`dma_fence_wait_timeout(fence, intr, timeout)` (`wait F timeout N`, N in jiffies) may sleep, rejects a negative timeout with a ' +
      'WARN and -EINVAL, returns 0 when the timeout expires and the remaining jiffies on success; a timeout of 0 only tests the ' +
      'fence. **Reported** as a warning for a negative timeout (nothing is waited for, so nothing after it is ordered after the ' +
      'fence), and as information where a timed wait returns 0: a timeout of 0 that finds the fence pending, or a positive timeout ' +
      'on a fence nothing left in the scenario signals (where an untimed wait would be HANG-01). A timed wait on a fence that will ' +
      'signal waits for it like `wait`. A later access that needed the wait then shows up as RACE-01.',
    outcome: 'WARN and -EINVAL for a negative timeout; 0 on timeout (the caller must check it).',
    kernelRefs: ['drivers/dma-buf/dma-fence.c:482-522', 'drivers/dma-buf/dma-fence.c:855'],
    fixtures: [`${F}/fence-06-bad.dmabuf`, `${F}/fence-06-good.dmabuf`, `${F}/fence-06-timeout-info.dmabuf`],
    triggerable: true,
  },
  {
    id: 'FENCE-07',
    title: 'A fence released with pending callbacks',
    severity: 'error',
    body:
      'A fence is reference counted: its creator holds one, `get F` (dma_fence_get) adds one, `put F` (dma_fence_put) drops one, ' +
      'and reservation slots, sync files, fence arrays/chains and a job\'s scheduler hold their own. A callback — a job\'s `after F`, ' +
      'a CPU `wait F` — holds none. **Reported** at the `put` that drops the last reference while the fence is unsignalled and a job ' +
      'or an agent still waits on it: dma_fence_release() WARNs "released with pending signals!", sets -EDEADLK and signals the ' +
      'fence, so the waiters run now (the engine orders them after the put). Using a fence after its last reference is gone is a ' +
      'use-after-free, reported as LIFE-01 like a buffer\'s. Signal before the last put, and keep a reference while waiting.',
    outcome: 'WARN, then the fence is signalled with error -EDEADLK and its waiters run early.',
    kernelRefs: ['drivers/dma-buf/dma-fence.c:531-564', 'drivers/dma-buf/dma-fence.c:620-671'],
    fixtures: [`${F}/fence-07-bad.dmabuf`, `${F}/fence-07-good.dmabuf`, `${F}/fence-07-use-after-put-bad.dmabuf`],
    triggerable: true,
  },
  {
    id: 'FENCE-08',
    title: 'No containers inside containers',
    severity: 'warning',
    body:
      '`X = fence_array F1, F2 (any)?` is dma_fence_array_create() (it signals when all, or with `any` one, of its fences signal, ' +
      'with the first erroring member\'s error) and `X = fence_chain F (prev P)?` is dma_fence_chain_init() (it signals when F and ' +
      'every earlier link have). An array must not contain arrays or chains (a sync file of several fences is an array), and a ' +
      'chain node must not wrap a chain: flatten with `dma_fence_unwrap_for_each`. **Reported** at the array naming every offending ' +
      'member (the kernel WARNs once per member), and at a chain whose fence is a chain. Containers signal on their own: `signal` ' +
      'and `set_error` on one are NAME errors, and adding one to a reservation is RESV-05.',
    outcome: 'WARN per offending fence; the container is created anyway.',
    kernelRefs: ['drivers/dma-buf/dma-fence-array.c:207-219', 'drivers/dma-buf/dma-fence-chain.c:242-263'],
    fixtures: [`${F}/fence-08-bad.dmabuf`, `${F}/fence-08-good.dmabuf`],
    triggerable: true,
  },
  {
    id: 'FENCE-09',
    title: 'No indefinite fences',
    severity: 'error',
    body:
      'A dma_fence must not depend on something userspace may never do (a future, proxy or userspace fence imported as a ' +
      'dma_fence) or on page faults being served: memory reclaim, the GPU scheduler and other drivers wait on dma_fences and would ' +
      'deadlock. `F = fence userspace` declares such a fence (userspace will `signal` it). **Reported** once per such fence, at its ' +
      'first use as a kernel dependency: `after F` in a submit, `wait F`, `resv B add F`, `import_sync_file B F`, or through an array ' +
      'or chain that is so used.',
    outcome: 'Deadlock of every waiter (including memory reclaim) if userspace never acts.',
    kernelRefs: ['Documentation/driver-api/dma-buf.rst:203-320'],
    fixtures: [`${F}/fence-09-bad.dmabuf`, `${F}/fence-09-good.dmabuf`],
    triggerable: true,
  },
] as const satisfies readonly RuleDoc[];
