// VFIO: the vfio-pci dma-buf exporter (6.19+, profile row vfio-dmabuf). The research behind it, with
// the source of each claim, is server/src/engine/kernel/exporters/vfio-research.md.
import type { RuleDoc } from './rule-doc';

export const RULES = [
  {
    id: 'VFIO-01',
    title: 'Creating a vfio-pci dma-buf (VFIO_DEVICE_FEATURE_DMA_BUF)',
    severity: 'error',
    body:
      'With the device bound to vfio-pci (`bind_vfio DEV`), `B = export DEV BAR SIZE [at OFFSET]` is userspace asking vfio-pci for a ' +
      'dma-buf over one range of a BAR. vfio_pci_core_feature_dma_buf() checks, in order: a zero or not page-aligned offset or length ' +
      '(-EINVAL, validate_dmabuf_input()), then that the range ends inside the BAR (-EINVAL, vfio_pci_core_fill_phys_vec()). The ' +
      'buffer is exactly the range (no rounding) and starts revoked when the device\'s memory decode is off. Before 6.19 there is no ' +
      'such feature (NAME).',
    outcome: 'RET -EINVAL; the fd is never created.',
    kernelRefs: ['drivers/vfio/pci/vfio_pci_dmabuf.c (6.19+): vfio_pci_core_feature_dma_buf(), validate_dmabuf_input(), vfio_pci_core_fill_phys_vec()'],
    fixtures: ['test/fixtures/vfio/vfio-01-bad.dmabuf', 'test/fixtures/vfio/vfio-01-good.dmabuf'],
    triggerable: true,
  },
  {
    id: 'VFIO-02',
    title: 'A vfio-pci dma-buf has no CPU access',
    severity: 'error',
    body:
      'vfio_pci_dmabuf_ops has attach, map_dma_buf, unmap_dma_buf and release (and, on 6.19 and 7.0, a pin that refuses): no mmap, no ' +
      'vmap, no begin/end_cpu_access. `mmap` of the fd and `vmap` fail with -EINVAL; the SYNC ioctl only waits for fences (CPU-05). ' +
      'The CPU reaches the BAR through the vfio region mmap, not through the dma-buf.',
    outcome: 'RET -EINVAL from mmap() and dma_buf_vmap().',
    kernelRefs: ['drivers/vfio/pci/vfio_pci_dmabuf.c: vfio_pci_dmabuf_ops', 'drivers/dma-buf/dma-buf.c: dma_buf_mmap_internal(), dma_buf_vmap()'],
    fixtures: ['test/fixtures/vfio/vfio-02-bad.dmabuf', 'test/fixtures/vfio/vfio-01-good.dmabuf'],
    triggerable: true,
  },
] as const satisfies readonly RuleDoc[];
