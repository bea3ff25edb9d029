// Rule docs of this family (owner: engine/kernel, K-DMA). See rule-doc.ts for the shape.
import type { RuleDoc } from './rule-doc';

const F = 'test/fixtures/iommu';
const pair = (n: string): string[] => [`${F}/iommu-${n}-bad.dmabuf`, `${F}/iommu-${n}-good.dmabuf`];

export const RULES = [
  {
    id: 'IOMMU-01',
    title: 'iommu_attach_device needs a device in a group of its own',
    severity: 'error',
    body:
      'Groups are the unit of isolation: `iommu_attach_device()` returns -ENODEV for a device without a group (not behind an ' +
      'IOMMU) and -EINVAL when its group holds other devices; attach those with `iommu_attach_group()` (`attach_domain D group G`). ' +
      'A domain of another IOMMU instance is refused too.',
    outcome: 'RET -ENODEV / -EINVAL.',
    kernelRefs: ['drivers/iommu/iommu.c:1979-2004', 'drivers/iommu/iommu.c:2119-2130'],
    fixtures: pair('01'),
    triggerable: true,
  },
  {
    id: 'IOMMU-02',
    title: 'A group in a driver\'s own domain is busy',
    severity: 'error',
    body:
      'A group moves to a new domain only from its default (or blocking) domain. Attaching a second domain, or the same one twice, ' +
      'returns -EBUSY: detach first, or check `iommu_get_domain_for_dev()` as Tegra DRM does.',
    outcome: 'RET -EBUSY.',
    kernelRefs: ['drivers/iommu/iommu.c:2088-2117'],
    fixtures: pair('02'),
    triggerable: true,
  },
  {
    id: 'IOMMU-03',
    title: 'Detach what is attached',
    severity: 'warning',
    body:
      '`iommu_detach_device()` WARNs and does nothing when the domain is not the group\'s, or the group is not a singleton. In 6.1 ' +
      '`iommu_detach_group()` checks nothing: it returns the group to its default domain (none on arm32) even if the group was in ' +
      'another driver\'s domain, which the engine reports; detaching a group already back in its default domain is harmless.',
    outcome: 'WARN (detach_device); silent re-attachment to the default domain (detach_group).',
    kernelRefs: ['drivers/iommu/iommu.c:1951-1963', 'drivers/iommu/iommu.c:2025-2042', 'drivers/iommu/iommu.c:2179-2184'],
    fixtures: pair('03'),
    triggerable: true,
  },
  {
    id: 'IOMMU-04',
    title: 'DMA ownership: kernel driver versus user owner',
    severity: 'error',
    body:
      'A kernel driver using the DMA API and a user owner (VFIO, iommufd) exclude each other per group; a claimed group sits in the ' +
      'blocking domain (no translation: DMA-API mappings of its devices fault). Every device counts as bound to a DMA-API driver ' +
      '(really_probe() → iommu_device_use_default_domain(), owner_cnt++) until `bind_vfio DEV` binds vfio-pci, whose ' +
      'driver_managed_dma does not. `claim_dma_owner group G` returns -EPERM while the group has such a user and -EBUSY when it ' +
      'is not in its default domain; `release_dma_owner group G` gives it back, and WARNs for a group nobody claimed.',
    outcome: 'RET -EBUSY / -EPERM; WARN on an unbalanced release.',
    kernelRefs: ['drivers/iommu/iommu.c:3126-3150', 'drivers/iommu/iommu.c:3206-3261'],
    fixtures: ['test/fixtures/iommu/iommu-04-bad.dmabuf', 'test/fixtures/iommu/iommu-04-good.dmabuf'],
    triggerable: true,
  },
  {
    id: 'IOMMU-05',
    title: 'DMA-API addresses belong to the default domain',
    severity: 'error',
    body:
      'dma-iommu always maps into the group\'s default domain. While the group is attached to a driver\'s own domain, IOVAs from ' +
      '`dma_map`/`map` are looked up in the wrong page table (fault, or whatever that domain maps there); after ' +
      '`arm_iommu_detach` on arm32 the device is untranslated and those IOVAs are used as physical addresses. Use explicit IOVAs ' +
      '(`iommu_map`) for devices in an explicit domain.',
    outcome: 'HWFAULT, or silent access to the wrong memory.',
    kernelRefs: ['drivers/iommu/iommu.c:2066-2069', 'drivers/iommu/dma-iommu.c:1189', 'drivers/gpu/drm/tegra/drm.c:963-970'],
    fixtures: pair('05'),
    triggerable: true,
  },
  {
    id: 'IOMMU-06',
    title: 'Sharing one explicit domain among several clients (Tegra)',
    severity: 'information',
    body:
      'A domain can serve several groups; a group has one active domain. Tegra DRM attaches each client\'s group once (skipping ' +
      'clients whose group is already in the shared domain) and detaches only if still attached. The engine models domain → ' +
      'groups and the effect of a group detach on all its devices. **By profile:** `domain` stands for ' +
      'iommu_domain_alloc(bus) up to 6.12 and for iommu_paging_domain_alloc(dev) from 6.13, where the bus call is gone ' +
      '(f6440fcc9c7b "iommu: Remove iommu_domain_alloc()"; the device call exists from 6.11 and reports a device without an ' +
      'IOMMU as ERR_PTR(-ENODEV) where the old one returned NULL). The trace and the kernel C view name the call of the ' +
      'scenario\'s profile; the domain behaves the same.',
    outcome: 'Model only; attaching twice is IOMMU-02.',
    kernelRefs: ['drivers/gpu/drm/tegra/drm.c:945-1011'],
    fixtures: ['test/fixtures/sketches/g07-tegra-shared-domain-good.dmabuf', 'test/fixtures/iommu/iommu-07-6.18-good.dmabuf'],
    triggerable: false,
  },
  {
    id: 'IOMMU-07',
    title: 'iommu_map and iommu_unmap: alignment, holes, no overwrite',
    severity: 'error',
    body:
      'IOVA, physical address and size must be aligned to the IOMMU\'s smallest page, else -EINVAL with an "unaligned" line. An ' +
      'IOVA already mapped is refused (-EEXIST) and an IOVA range beyond the input address size fails (-ERANGE); partial maps are ' +
      'rolled back. `iommu_unmap()` returns the bytes it unmapped and stops at the first hole.',
    outcome: 'RET -EINVAL / -EEXIST / -ERANGE; iommu_unmap returns less than asked.',
    kernelRefs: ['drivers/iommu/iommu.c:2279-2357', 'drivers/iommu/iommu.c:2380-2446'],
    fixtures: pair('07'),
    triggerable: true,
  },
  {
    id: 'IOMMU-08',
    title: 'Access to an IOVA the active domain does not map',
    severity: 'error',
    body:
      'A device access is translated by the domain its group is attached to at that moment; an IOVA without a mapping, or without ' +
      'the needed permission, faults and the transaction is aborted. `submit DEV ... iova D ADDR` is translated through the active ' +
      'domain even if it names another.',
    outcome: 'HWFAULT: arm-smmu "Unhandled context fault", Intel DMAR fault; report_iommu_fault(), no recovery.',
    kernelRefs: ['drivers/iommu/iommu.c:2520-2560', 'drivers/iommu/arm/arm-smmu/arm-smmu.c:415'],
    fixtures: [...pair('08'), `${F}/iommu-08-after-unmap-strict-bad.dmabuf`],
    triggerable: true,
  },
  {
    id: 'IOMMU-09',
    title: 'Unmapped DMA-API IOVAs are invalidated lazily',
    severity: 'error',
    body:
      'Default DMA domains with a flush queue (IOMMU_DOMAIN_DMA_FQ: CONFIG_IOMMU_DEFAULT_DMA_LAZY, the Kconfig default on x86, ' +
      'chosen in iommu_subsys_init(); `iommu.strict=0` elsewhere) batch the IOTLB invalidation: after `dma_unmap`/`unmap` the device ' +
      'may still reach the old pages until the queue drains, then faults, and the IOVA may be reused. A device access through a ' +
      'mapping after its unmap in such a domain is IOMMU-09; in a strict domain (the default outside x86, `config ' +
      'IOMMU_DEFAULT_DMA_LAZY no`) the unmap invalidated at once and the access is an IOMMU fault (IOMMU-08); without an IOMMU it ' +
      'is LIFE-05. Explicit `iommu_unmap` on an unmanaged domain is strict too.',
    outcome: 'Undefined and silent: old (possibly freed) pages or a fault.',
    kernelRefs: ['include/linux/iommu.h:65-90', 'drivers/iommu/iommu.c:165-166'],
    fixtures: ['test/fixtures/iommu/iommu-09-bad.dmabuf', 'test/fixtures/iommu/iommu-08-after-unmap-strict-bad.dmabuf', 'test/fixtures/iommu/iommu-09-good.dmabuf'],
    triggerable: true,
  },
  {
    id: 'IOMMU-10',
    title: '32-bit ARM: the arch code attaches every IOMMU device first',
    severity: 'error',
    severityNote: 'warning for arm_iommu_detach of a device that has no mapping ("Not attached")',
    body:
      'With CONFIG_ARM_DMA_USE_IOMMU the arch code gives each IOMMU-backed device a private mapping (an UNMANAGED domain) before ' +
      'its driver probes, so the driver\'s own domain gets -EBUSY (IOMMU-02) until it calls `arm_iommu_detach_device()` and ' +
      '`arm_iommu_release_mapping()` (`arm_iommu_detach DEV`). After that the device\'s DMA-API calls use physical addresses. ' +
      'Devices in multi-device groups never get the arch mapping (iommu_attach_device refuses) and do direct DMA. ' +
      '`arm_iommu_detach` does not exist on other platforms.',
    outcome: 'RET -EBUSY from the driver\'s attach; dev_warn "Not attached".',
    kernelRefs: ['arch/arm/mm/dma-mapping.c:1559-1620', 'arch/arm/mm/dma-mapping.c:1706-1745', 'arch/arm/mm/dma-mapping.c:1769-1795', 'drivers/gpu/drm/tegra/drm.c:953-961'],
    fixtures: [...pair('10'), 'test/fixtures/sketches/b08-arm32-arch-mapping-blocks-domain-bad.dmabuf'],
    triggerable: true,
  },
  {
    id: 'IOMMU-11',
    title: 'Why Tegra uses an explicit domain',
    severity: 'information',
    body: 'Tegra DRM uses an IOMMU only when host1x is behind one too, because bounce buffers would be exhausted by framebuffers and the DMA API cannot choose which device shares a domain. Background for IOMMU-06/10; nothing to check.',
    outcome: 'Information.',
    kernelRefs: ['drivers/gpu/drm/tegra/drm.c:1091-1140'],
    fixtures: [],
    triggerable: false,
  },
] as const satisfies readonly RuleDoc[];
