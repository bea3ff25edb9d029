// Every keyword the parser accepts has hover documentation naming the kernel call it stands for.
// Statement keywords and the words of their operands come from the statement table
// (server/src/language/statements.ts), so a statement added there is checked here too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keywordDoc } from '../../server/src/lsp/docs/keywords';
import { DEVICE_KEYWORDS, PLATFORM_KEYWORDS } from '../../server/src/language/parser';
import { SPECS, STATEMENT_KEYWORDS, operandWords } from '../../server/src/language/statements';
import { CONFIG_NAMES } from '../../server/src/language/ast';

/** Words of the statements' operands, from their table slots. */
const OPERAND_WORDS = [...new Set(SPECS.flatMap((s) => operandWords(s)))];

/** Words outside the statement table's slots: top level, platform values, and the bespoke syntax of fence and attach_domain. */
const OTHER_WORDS = [
  'import', 'platform', 'scenario', 'check', 'untrusted', 'extends', 'on', 'x86_64', 'arm64', 'arm32', 'riscv64', 'page_sizes', 'iova_bits', 'p2p', 'under',
  'acs', 'pci', 'mmio', 'gem', 'ttm', 'none', 'yes', 'no', 'system', 'group', 'context', 'seqno',
];

test('the statement table gives the word list: every statement keyword and operand word is in it', () => {
  assert.ok(STATEMENT_KEYWORDS.length >= 49, `only ${STATEMENT_KEYWORDS.length} statement keywords`);
  for (const w of ['to_device', 'for_cpu', 'bookkeep', 'nents', 'timeout', 'add', 'prev', 'any', 'skip_cpu_sync', 'implicit', 'at', 'size']) {
    assert.ok(OPERAND_WORDS.includes(w), `\`${w}\` is not an operand word of the table`);
  }
});

test('every statement, platform item, device item, config and other keyword has docs', () => {
  for (const word of [...STATEMENT_KEYWORDS, ...OPERAND_WORDS, ...PLATFORM_KEYWORDS, ...DEVICE_KEYWORDS, ...CONFIG_NAMES, ...OTHER_WORDS]) {
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
