// The engine's own codes (owner: engine/time): consequences found by simulation rather than checks
// the kernel performs, plus the engine's notes about itself. See rule-doc.ts for the shape.
import type { RuleDoc } from './rule-doc';

export const RULES = [
  {
    id: 'COH-01',
    title: 'Stale CPU read',
    severity: 'error',
    body:
      'The CPU reads a version of the data older than the latest write. Typical causes: a non-coherent device wrote memory and the ' +
      'CPU cache still holds an older line (no `dma_sync_*_for_cpu()` / `begin_cpu` with a read direction after the device ' +
      'finished); on arm64 a line invalidated before the device\'s write was filled again speculatively; the newest data sits in a ' +
      'swiotlb bounce slot that was not copied back. Found by tracking data versions in memory, cache and bounce slots ' +
      '(kernel-rules.md §8), at the statement that reads.',
    outcome: 'Silent: the CPU computes on old data.',
    kernelRefs: ['kernel/dma/direct.h:55-124', 'arch/arm64/mm/dma-mapping.c:16-33', 'arch/arm/mm/dma-mapping.c:685-734'],
    fixtures: ['test/fixtures/coh/coh-01-bad.dmabuf', 'test/fixtures/coh/coh-01-good.dmabuf'],
    triggerable: true,
  },
  {
    id: 'COH-02',
    title: 'Stale device read',
    severity: 'error',
    body:
      'A device reads a version older than the latest write: the newest data is in dirty CPU cache lines a non-coherent device ' +
      'cannot see (no `end_cpu` / `dma_sync_*_for_device()` after the CPU wrote), or in a bounce slot / original page the device ' +
      'does not read (DMAAPI-15). Reported at the `submit` whose job reads.',
    outcome: 'Silent: the device processes old data.',
    kernelRefs: ['kernel/dma/direct.h:84-124', 'Documentation/core-api/dma-api-howto.rst:607-646'],
    fixtures: ['test/fixtures/coh/coh-02-bad.dmabuf', 'test/fixtures/coh/coh-02-good.dmabuf'],
    triggerable: true,
  },
  {
    id: 'COH-03',
    title: 'Lost write',
    severity: 'error',
    body:
      'Data is destroyed: dirty CPU lines are invalidated before reaching memory (arm32 `dma_sync_*_for_device(FROM_DEVICE)`, or a ' +
      '`sync_for_cpu` after CPU writes in a device-owned buffer), a non-coherent device writes under dirty CPU lines that a later ' +
      'eviction will write back over the device\'s data, or a swiotlb copy-back overwrites newer CPU data. Reported at the statement ' +
      'where the data is lost.',
    outcome: 'Silent: writes disappear.',
    kernelRefs: ['arch/arm/mm/cache-v7.S:437-455', 'arch/arm/mm/dma-mapping.c:685-734', 'kernel/dma/swiotlb.c'],
    fixtures: ['test/fixtures/coh/coh-03-bad.dmabuf', 'test/fixtures/coh/coh-03-good.dmabuf'],
    triggerable: true,
  },
  {
    id: 'COH-04',
    title: 'Ownership violation',
    severity: 'error',
    severityNote: 'warning when every device involved is coherent and nothing bounces',
    body:
      'A device accesses a streaming mapping while the CPU owns it (inside a begin/end_cpu bracket, or after `dma_sync for_cpu` ' +
      'without a `for_device`). The DMA API hands a buffer back and forth: only the current owner may touch it. Reported by the ' +
      'kernel half at the device access, independently of whether the data happens to be right.',
    outcome: 'Silent; the data may or may not be corrupted depending on cache state.',
    kernelRefs: ['kernel/dma/mapping.c:246-250', 'Documentation/core-api/dma-api.rst:288-318'],
    fixtures: ['test/fixtures/coh/coh-04-bad.dmabuf', 'test/fixtures/coh/coh-04-good.dmabuf'],
    triggerable: true,
  },
  {
    id: 'RACE-01',
    title: 'Unordered conflicting accesses',
    severity: 'error',
    body:
      'Two agents (the CPU, threads, device queues) access overlapping memory, at least one writes, and nothing orders them: no ' +
      'fence signalled by one and waited for by the other (directly, through `after`, a reservation, `begin_cpu`\'s implicit wait or ' +
      'a sync file), no lock, no thread start. The outcome depends on timing. The engine tracks happens-before with vector clocks, ' +
      'so the race is found whichever order the run took; it is reported at the later access, with the other as related location ' +
      'and the missing edge named (CPU-03: begin_cpu waits only for reservation fences; RESV-03: the producer never added its ' +
      'fence; RESV-09: it added it only as BOOKKEEP).',
    outcome: 'Silent data race.',
    kernelRefs: ['drivers/dma-buf/dma-buf.c:1317-1348', 'include/linux/dma-buf.h:390-425', 'include/linux/dma-resv.h:105-136'],
    fixtures: ['test/fixtures/race/race-01-bad.dmabuf', 'test/fixtures/race/race-01-good.dmabuf'],
    triggerable: true,
  },
  {
    id: 'HANG-01',
    title: 'A wait or lock that can never complete',
    severity: 'error',
    body:
      'The agent blocks forever: it waits for a fence nothing will signal (FENCE-04), for fences of agents that wait for it in turn ' +
      '(a cycle across threads and device queues), for a reservation lock that is never released, or takes a lock it already ' +
      'holds (RESV-07, MAP-01 `_unlocked` calls, ATT-04). The hung agent stops there: its later statements do not run and what they ' +
      'would have released is not reported as leaked. Interleavings are explored, so a deadlock that needs an unlucky order (two ' +
      'locks taken in opposite orders) is found too.',
    outcome: 'Hang (task blocked forever; the hung-task detector reports it after 120 s).',
    kernelRefs: ['drivers/dma-buf/dma-fence.c:69-83', 'include/linux/dma-fence.h:607-619', 'include/linux/dma-resv.h:320-346'],
    fixtures: ['test/fixtures/hang/hang-01-bad.dmabuf', 'test/fixtures/hang/hang-01-good.dmabuf'],
    triggerable: true,
  },
  {
    id: 'LEAK-01',
    title: 'An object is still held when the scenario ends',
    severity: 'error',
    body:
      'A buffer reference, attachment, pin, mapping, vmap, mmap or reservation lock taken in the scenario is never released. ' +
      'Reported at the statement that created it. Fences, sync files and domains are not counted.',
    outcome: 'Silent leak (memory, IOVA space, pinned pages); a held lock blocks every later user.',
    kernelRefs: ['drivers/dma-buf/dma-buf.c:559-588'],
    fixtures: ['test/fixtures/leak/leak-01-bad.dmabuf', 'test/fixtures/leak/leak-01-good.dmabuf'],
    triggerable: true,
  },
  {
    id: 'BUDGET',
    title: 'Exploration was cut short',
    severity: 'information',
    body:
      'The engine explores the interleavings of device jobs, threads and moves that can change the outcome, with partial-order ' +
      'reduction, up to a budget of states (reproducible) and a time limit (a safety net). When the budget ends exploration ' +
      'before every interleaving was covered, this note says how far it got: findings that need a later interleaving may be ' +
      'missing. Raise the budget (setting `dmabuf.engine.maxStates`, or `budget` in the engine API) to go further.',
    outcome: 'No kernel behaviour: a note about the analysis.',
    kernelRefs: [],
    fixtures: [],
    triggerable: true,
  },
  {
    id: 'INTERNAL',
    title: 'The engine failed on this scenario',
    severity: 'error',
    body:
      'Simulating the scenario raised an unexpected error inside DMA-BUF Lab. This is a bug in the tool, not in the scenario; the ' +
      'other scenarios are still checked. Please report it with the file.',
    outcome: 'No kernel behaviour: a tool failure.',
    kernelRefs: [],
    fixtures: [],
    triggerable: false,
  },
] as const satisfies readonly RuleDoc[];
