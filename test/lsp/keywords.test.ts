// Every keyword the parser accepts has hover documentation naming the kernel call it stands for.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keywordDoc } from '../../server/src/lsp/docs/keywords';
import { DEVICE_KEYWORDS, PLATFORM_KEYWORDS } from '../../server/src/language/parser';
import { STATEMENT_KEYWORDS } from '../../server/src/language/statements';
import { CONFIG_NAMES } from '../../server/src/language/ast';

const OTHER_WORDS = [
  'import', 'platform', 'scenario', 'extends', 'on', 'x86_64', 'arm64', 'arm32', 'riscv64', 'page_sizes', 'iova_bits', 'p2p', 'under',
  'acs', 'pci', 'mmio', 'gem', 'ttm', 'none', 'yes', 'no', 'contiguous', 'system', 'cma', 'dynamic', 'peer2peer', 'skip_cpu_sync',
  'nents', 'for_cpu', 'for_device', 'read', 'write', 'rw', 'iova', 'after', 'implicit', 'signal', 'add', 'kernel', 'atomic', 'group',
  'at', 'size', 'to_device', 'from_device', 'bidirectional', 'bookkeep', 'context', 'seqno', 'userspace', 'timeout', 'any', 'prev',
];

test('every statement, platform item, device item, config and other keyword has docs', () => {
  for (const word of [...STATEMENT_KEYWORDS, ...PLATFORM_KEYWORDS, ...DEVICE_KEYWORDS, ...CONFIG_NAMES, ...OTHER_WORDS]) {
    const doc = keywordDoc(word, { leading: false });
    assert.ok(doc, `no docs for \`${word}\``);
    assert.ok(doc.call.length > 0 && doc.summary.length > 10, `thin docs for \`${word}\``);
  }
});

test('context picks the meaning of a shared word', () => {
  assert.match(keywordDoc('kernel', { kind: 'Alloc', leading: false })!.call, /GFP_KERNEL/);
  assert.match(keywordDoc('kernel', { kind: 'ResvAdd', leading: false })!.call, /DMA_RESV_USAGE_KERNEL/);
  assert.match(keywordDoc('kernel', { kind: 'Kernel', leading: true })!.call, /rule profile/);
  assert.match(keywordDoc('iommu', { kind: 'DeviceIommu', leading: true })!.call, /iommu_group/);
  assert.match(keywordDoc('iommu', { kind: 'Iommu', leading: true })!.call, /iommu_device/);
  assert.match(keywordDoc('signal', { kind: 'Submit', leading: false })!.summary, /this job signals/);
  assert.match(keywordDoc('signal', { kind: 'Signal', leading: true })!.call, /dma_fence_signal/);
  assert.match(keywordDoc('rw', { kind: 'IommuMap', leading: false })!.call, /IOMMU_READ \| IOMMU_WRITE/);
  assert.match(keywordDoc('rw', { kind: 'BeginCpu', leading: false })!.call, /DMA_BUF_SYNC_RW/);
});

test('statement docs name the rules they can trigger', () => {
  assert.ok(keywordDoc('map', { kind: 'Map', leading: true })!.rules.includes('MAP-01'));
  assert.ok(keywordDoc('cpu', { kind: 'CpuAccess', leading: true })!.rules.includes('CPU-02'));
  assert.ok(keywordDoc('wait', { kind: 'Wait', leading: true })!.rules.includes('HANG-01'));
});
