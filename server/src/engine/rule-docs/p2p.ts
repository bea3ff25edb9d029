// Rule docs of this family (owner: engine/kernel, K-DMA). See rule-doc.ts for the shape.
import type { RuleDoc } from './rule-doc';

const F = 'test/fixtures/p2p';
const pair = (n: string): string[] => [`${F}/p2p-${n}-bad.dmabuf`, `${F}/p2p-${n}-good.dmabuf`];

export const RULES = [
  {
    id: 'P2P-01',
    title: 'Only dynamic importers can accept page-less (peer-to-peer) entries',
    severity: 'information',
    body:
      'An importer says it can handle memory without `struct page` (a peer device\'s BAR) through `allow_peer2peer` in its ' +
      '`dma_buf_attach_ops`. The core copies it into `attach->peer2peer` only for dynamic attachments; a static `dma_buf_attach()` ' +
      'always gets `peer2peer = false`, whatever the driver wanted. In a scenario: `attach BUF DEV peer2peer` without `dynamic`.',
    outcome: 'peer2peer silently stays false: the exporter will migrate the buffer to system memory instead of sharing VRAM.',
    kernelRefs: ['include/linux/dma-buf.h:467-473', 'drivers/dma-buf/dma-buf.c:860-861'],
    fixtures: pair('01'),
    triggerable: true,
  },
  {
    id: 'P2P-02',
    title: 'Page-less entries only for importers that accepted them',
    severity: 'error',
    body:
      'An exporter may put entries without `struct page` (VRAM behind a BAR, DMA-mapped with `dma_map_resource()`) into the table ' +
      'only when `attach->peer2peer` is set. Our ttm exporter model follows amdgpu: VRAM placement for an attachment only if it ' +
      'accepted P2P and can reach the BAR, otherwise it moves the buffer to system pages. A driver\'s own exporter with ' +
      '`bar_entries pageless_for_all` hands page-less entries to every importer (the error); with `bar_entries pageless` it ' +
      'refuses importers without peer2peer with -EPERM, as habanalabs does (information). A page-less table reaching an importer ' +
      'that touches `sg_page()` is a NULL dereference (MAP-06, SGT-03).',
    outcome: 'Silent until the importer dereferences sg_page(): then an oops.',
    kernelRefs: ['drivers/gpu/drm/amd/amdgpu/amdgpu_dma_buf.c:173-182', 'drivers/gpu/drm/amd/amdgpu/amdgpu_vram_mgr.c:631-690', 'drivers/gpu/drm/amd/amdgpu/amdgpu_dma_buf.c:234-245'],
    fixtures: ['test/fixtures/p2p/p2p-02-bad.dmabuf', 'test/fixtures/p2p/p2p-02-good.dmabuf', 'test/fixtures/p2p/p2p-02-refused.dmabuf', 'test/fixtures/sketches/b04-kmap-pageless-p2p-table-bad.dmabuf'],
    triggerable: true,
  },
  {
    id: 'P2P-03',
    title: 'Exporters drop peer2peer when the devices cannot reach each other',
    severity: 'information',
    body:
      'At attach, a P2P-capable exporter checks `pci_p2pdma_distance()` between its device and the importer and clears ' +
      '`attach->peer2peer` when the result is negative (amdgpu; xe also refuses the attach with -EOPNOTSUPP if the buffer ' +
      'cannot move to system memory). The engine reports the downgrade with the reason the topology gives.',
    outcome: 'The importer gets system pages instead of VRAM (information).',
    kernelRefs: ['drivers/gpu/drm/amd/amdgpu/amdgpu_dma_buf.c:85-87'],
    fixtures: pair('03'),
    triggerable: true,
  },
  {
    id: 'P2P-04',
    title: 'A non-P2P importer makes the exporter migrate to system memory (or fail)',
    severity: 'information',
    severityNote: 'error when the migration is impossible (-EBUSY or, from 6.15, -EINVAL for a pinned buffer, -EOPNOTSUPP) or a non-P2P importer gets VRAM',
    body:
      'When an attachment cannot use VRAM, the exporter validates the buffer into system memory (GTT) at map, pin or ' +
      '`begin_cpu_access`; a buffer pinned in VRAM cannot move and the map fails with -EBUSY. Migration notifies other dynamic ' +
      'importers (move_notify). **By profile:** up to 6.14 amdgpu pins into GTT only, so nothing is ever pinned in VRAM; from ' +
      '6.15 (row ttm-amdgpu-pin-domain) a pin keeps the BO in VRAM when every attachment is peer2peer and move notifiers are on, ' +
      'a later pin for a non-P2P attachment then fails with -EINVAL, and a non-P2P importer\'s map of the pinned BO gets a ' +
      'page-less VRAM table instead of -EBUSY.',
    outcome: 'Migration (information), or RET -EBUSY / -EOPNOTSUPP from the map.',
    kernelRefs: ['drivers/gpu/drm/amd/amdgpu/amdgpu_dma_buf.c:126-133', 'drivers/gpu/drm/amd/amdgpu/amdgpu_dma_buf.c:173-191', 'drivers/gpu/drm/amd/amdgpu/amdgpu_dma_buf.c:259-287'],
    fixtures: [...pair('04'), 'test/fixtures/matrix/ttm-pin-vram-matrix.dmabuf', 'test/fixtures/matrix/ttm-pin-vram-7.1-matrix.dmabuf'],
    triggerable: true,
  },
  {
    id: 'P2P-05',
    title: 'P2P reachability and map type (pci_p2pdma_distance)',
    severity: 'information',
    body:
      'The kernel decides how a client reaches a provider\'s BAR by walking both upstream paths. Below one switch without ACS ' +
      'redirect they talk by PCI bus address (BUS_ADDR, distance 4 for two devices on one switch). With ACS redirect, or without ' +
      'a common upstream bridge, traffic must go through the host bridge, which is allowed only for whitelisted host bridges ' +
      '(THRU_HOST_BRIDGE: mapped like ordinary memory); otherwise NOT_SUPPORTED. In the language: devices naming the same ' +
      '`switch` share it; a device or switch directly under a `host_bridge` sits on a root port of its own; `acs yes` on a ' +
      'switch redirects; `p2p yes` whitelists a host bridge; platform-bus devices are not PCI devices at all. Reported as ' +
      'information at every `dma_map` of BAR memory, with the kernel\'s ACS warnings when they apply.',
    outcome: 'Information (pci_warn lines for ACS redirect); NOT_SUPPORTED leads to P2P-06 or P2P-03.',
    kernelRefs: ['drivers/pci/p2pdma.c:449-538', 'drivers/pci/p2pdma.c:561-601', 'include/linux/dma-map-ops.h:396-428'],
    fixtures: pair('05'),
    triggerable: true,
  },
  {
    id: 'P2P-06',
    title: 'dma_map_sgtable of unreachable P2PDMA pages fails with -EREMOTEIO',
    severity: 'error',
    body:
      'BAR memory registered as P2PDMA (ZONE_DEVICE pages with struct page) can go through `dma_map_sgtable()`. For BUS_ADDR the ' +
      'entry gets the bus address and the SG_DMA_BUS_ADDRESS flag, no IOMMU mapping; for THRU_HOST_BRIDGE it is mapped normally; ' +
      'for NOT_SUPPORTED the whole map fails with -EREMOTEIO, "will not succeed if retried". In the language, `dma_map DEV BUF` of ' +
      'a BAR-backed buffer takes this path. Check reachability first (pci_p2pdma_distance) or fall back to system memory.',
    outcome: 'RET -EREMOTEIO from dma_map_sgtable (dma_map_sg returns 0).',
    kernelRefs: ['kernel/dma/mapping.c:263-264', 'kernel/dma/direct.c:482-497', 'drivers/iommu/dma-iommu.c:1225-1235', 'drivers/pci/p2pdma.c:892-912'],
    fixtures: [...pair('06'), 'test/fixtures/sketches/b07-p2p-across-root-ports-bad.dmabuf'],
    triggerable: true,
  },
  {
    id: 'P2P-07',
    title: 'P2P memory is never bounced',
    severity: 'error',
    body:
      'swiotlb copies RAM; it cannot stand in for a peer\'s BAR. When dma-direct would have to bounce a P2PDMA page (the address ' +
      'is beyond the device\'s DMA mask, or bouncing is forced) it returns DMA_MAPPING_ERROR and the map fails. Here: a device ' +
      'without an IOMMU and with a narrow `dma_mask`, reaching VRAM through a whitelisted host bridge.',
    outcome: 'RET -EIO from dma_map_sgtable (DMA_MAPPING_ERROR for the segment).',
    kernelRefs: ['kernel/dma/direct.h:91-100'],
    fixtures: pair('07'),
    triggerable: true,
  },
  {
    id: 'P2P-08',
    title: 'Only side-effect-free memory may be published for P2P',
    severity: 'error',
    severityNote: 'warning for a driver-owned doorbell protocol outside any generic rule',
    body:
      'P2PDMA memory must behave like memory: no side effects on read or write. A BAR of registers (a doorbell, `bar NAME SIZE mmio`) ' +
      'exported as a dma-buf lets importers read and write it like RAM; the kernel has no check. BAR memory is also usually not ' +
      'cache coherent and must never reach userspace as struct pages.',
    outcome: 'Silent: register side effects triggered by importers.',
    kernelRefs: ['Documentation/driver-api/pci/p2pdma.rst:24-27', 'Documentation/driver-api/pci/p2pdma.rst:73-80', 'Documentation/driver-api/pci/p2pdma.rst:114-124'],
    fixtures: pair('08'),
    triggerable: true,
  },
  {
    id: 'P2P-09',
    title: 'dma_map_resource does not check P2P reachability',
    severity: 'error',
    severityNote: 'warning when only the mapping-error check is missing',
    body:
      'Exporters of page-less VRAM tables map each BAR range with `dma_map_resource()`, which returns the physical address after a ' +
      'mask check (dma-direct) or a fresh IOVA (dma-iommu) and never asks whether the device can reach the BAR. The exporter must ' +
      'have decided reachability at attach (P2P-03). The ttm exporter always does; a driver\'s own exporter with `peer2peer ' +
      'trust` (the default: no pci_p2pdma_distance() in its attach) maps an unreachable peer\'s BAR address, reported at the map. ' +
      'Per the language, a BUS_ADDR pair receives bus addresses in the table and a host-bridge pair IOVAs in the importer\'s domain.',
    outcome: 'The device\'s transactions do not reach the BAR (PCIe Unsupported Request / AER, reads of all-ones); with dma-debug, "map error not checked" until dma_mapping_error().',
    kernelRefs: ['kernel/dma/direct.c:517-531', 'kernel/dma/debug.c:1449-1472'],
    fixtures: ['test/fixtures/p2p/p2p-09-bad.dmabuf', 'test/fixtures/p2p/p2p-09-good.dmabuf'],
    triggerable: true,
  },
  {
    id: 'P2P-10',
    title: 'dma_buf_phys_vec_to_sgt(): how a page-less export is mapped',
    severity: 'information',
    severityNote: 'the importer\'s use of the failed map is MAP-08',
    body:
      'vfio-pci maps with dma_buf_phys_vec_to_sgt(), which asks pci_p2pdma_map_type(provider, attach->dev): BUS_ADDR gives PCI bus ' +
      'addresses with no IOMMU mapping even behind an IOMMU; THRU_HOST_BRIDGE gives one IOVA run (dma_iova_try_alloc, dma_iova_link ' +
      'with DMA_ATTR_MMIO, one dma_iova_sync) or, without dma-iommu, dma_map_phys(…, DMA_ATTR_MMIO) per range; any other answer is ' +
      '-EINVAL. vfio\'s attach does not check reachability, so an importer that cannot reach the BAR learns it at map. The trace says ' +
      'which kind of address each table holds.',
    outcome: 'RET -EINVAL (ERR_PTR) when the importer cannot reach the BAR; otherwise information.',
    kernelRefs: ['drivers/dma-buf/dma-buf-mapping.c (6.19+): dma_buf_phys_vec_to_sgt(), dma_buf_free_sgt()', 'drivers/pci/p2pdma.c: pci_p2pdma_map_type()'],
    fixtures: ['test/fixtures/vfio/p2p-10-bad.dmabuf', 'test/fixtures/vfio/vfio-01-good.dmabuf'],
    triggerable: true,
  },
] as const satisfies readonly RuleDoc[];
