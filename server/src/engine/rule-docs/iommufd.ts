// IOMMUFD: iommufd as a dma-buf importer (6.19+, profile row iommufd-dmabuf). The research behind it
// is server/src/engine/kernel/exporters/vfio-research.md §9.
import type { RuleDoc } from './rule-doc';

export const RULES = [
  {
    id: 'IOMMUFD-01',
    title: 'Importing a dma-buf into an IOAS (IOMMU_IOAS_MAP_FILE)',
    severity: 'error',
    body:
      '`ioas_map A BUF iova ADDR [at OFFSET size LENGTH]` maps a dma-buf into an IOAS. iommufd checks, in order: a zero length (-EINVAL), ' +
      'a range past the end of the dma-buf (-EINVAL), then attaches dynamically with its own misc device as the device and allow_peer2peer ' +
      '(vfio-pci refuses a revoked buffer: -ENODEV), then asks the exporter for its physical range through vfio_pci_dma_buf_iommufd_map(), ' +
      'which only vfio-pci has: any other exporter\'s buffer is -EOPNOTSUPP. The range goes into every domain attached to the IOAS as MMIO; ' +
      'iommufd makes no P2P reachability check against the devices that will use it (userspace owns that decision). Before 6.19 (and ' +
      'without iommufd, before 6.2) there is no such import (NAME).',
    outcome: 'RET -EINVAL, -ENODEV or -EOPNOTSUPP from the ioctl; nothing is mapped.',
    kernelRefs: ['drivers/iommu/iommufd/pages.c (6.19+): iopt_map_file_pages(), iopt_alloc_dmabuf_pages(), iopt_map_dmabuf()', 'drivers/vfio/pci/vfio_pci_dmabuf.c: vfio_pci_dma_buf_iommufd_map()'],
    fixtures: ['test/fixtures/iommufd/iommufd-01-bad.dmabuf', 'test/fixtures/iommufd/iommufd-good.dmabuf'],
    triggerable: true,
  },
  {
    id: 'IOMMUFD-02',
    title: 'A revoke unmaps the IOAS area, and nothing maps it back',
    severity: 'error',
    body:
      'When vfio-pci revokes the buffer (memory decode off, a reset, close), iommufd\'s callback iopt_revoke_notify() unmaps the area from ' +
      'every domain it was mapped into and empties it; when the buffer comes back nothing is filled again ("There is no automatic remap"). ' +
      'A device that uses the IOVA afterwards takes an IOMMU translation fault. Userspace must IOMMU_IOAS_UNMAP the area (`ioas_unmap`) and ' +
      'map it again once the buffer is live.',
    outcome: 'An IOMMU translation fault (DMAR/SMMU fault report) for every device access to the area.',
    kernelRefs: ['drivers/iommu/iommufd/pages.c (6.19+): iopt_revoke_notify(), iopt_fill_domain()'],
    fixtures: ['test/fixtures/iommufd/iommufd-02-bad.dmabuf', 'test/fixtures/iommufd/iommufd-good.dmabuf'],
    triggerable: true,
  },
] as const satisfies readonly RuleDoc[];
