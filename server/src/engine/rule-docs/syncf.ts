// Rule docs of this family (owner: engine/time). See rule-doc.ts for the shape.
import type { RuleDoc } from './rule-doc';

export const RULES = [
  {
    id: 'SYNCF-01',
    title: 'Sync files bridge explicit and implicit synchronisation',
    severity: 'information',
    severityNote: 'error when the flags have neither READ nor WRITE (`none`): -EINVAL',
    body:
      '`export_sync_file BUF DIR` (DMA_BUF_IOCTL_EXPORT_SYNC_FILE) returns a sync file for the fences a new access in DIR would ' +
      'wait for (dma_resv_usage_rw of a write for `write`/`rw`, of a read for `read`), or an already signalled stub when there are ' +
      'none. `import_sync_file BUF F DIR` adds F to the reservation as WRITE when DIR includes write, else READ — the way to make an ' +
      'explicitly synced job visible to implicit consumers (RESV-09). The pair is not atomic: other submissions may add fences in ' +
      'between. `none` flags (neither DMA_BUF_SYNC_READ nor _WRITE) make either ioctl return -EINVAL: no sync file, no fence added.',
    outcome: '-EINVAL for flags without READ or WRITE; otherwise the model of the bridge (its misuse shows as RACE-01).',
    kernelRefs: ['drivers/dma-buf/dma-buf.c:336-438', 'include/uapi/linux/dma-buf.h:88-117'],
    fixtures: ['test/fixtures/syncf/syncf-01-bad.dmabuf', 'test/fixtures/syncf/syncf-01-flags-bad.dmabuf', 'test/fixtures/syncf/syncf-01-good.dmabuf'],
    triggerable: true,
  },
] as const satisfies readonly RuleDoc[];
