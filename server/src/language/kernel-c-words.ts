// The C spelling of the language's operand words (directions, sync flags, usages, IOMMU
// permissions), for the kernel-C view of each statement (statements.ts).
import type { ApiDir, CpuDir, Usage } from './ast';

export const C = {
  dir: (d: ApiDir): string => (d === 'to_device' ? 'DMA_TO_DEVICE' : d === 'from_device' ? 'DMA_FROM_DEVICE' : d === 'none' ? 'DMA_NONE' : 'DMA_BIDIRECTIONAL'),
  syncFlags: (d: CpuDir): string => (d === 'read' ? 'DMA_BUF_SYNC_READ' : d === 'write' ? 'DMA_BUF_SYNC_WRITE' : 'DMA_BUF_SYNC_RW'),
  /** A CPU access direction as the DMA direction begin/end_cpu_access pass on. */
  cpuDir: (d: CpuDir): string => (d === 'read' ? 'DMA_FROM_DEVICE' : d === 'write' ? 'DMA_TO_DEVICE' : 'DMA_BIDIRECTIONAL'),
  usage: (u: Usage): string => `DMA_RESV_USAGE_${u.toUpperCase()}`,
  /** No `prot` written: read and write. */
  prot: (p: 'read' | 'write' | 'rw' | undefined): string => (p === 'read' ? 'IOMMU_READ' : p === 'write' ? 'IOMMU_WRITE' : 'IOMMU_READ | IOMMU_WRITE'),
  /** The DMA attributes a statement's `mmio` and `skip_cpu_sync` flags stand for. */
  attrs: (s: { readonly mmio?: boolean; readonly skipCpuSync?: boolean }): string =>
    [s.mmio ? 'DMA_ATTR_MMIO' : '', s.skipCpuSync ? 'DMA_ATTR_SKIP_CPU_SYNC' : ''].filter(Boolean).join(' | ') || '0',
  hex: (n: number): string => `0x${n.toString(16)}`,
} as const;
