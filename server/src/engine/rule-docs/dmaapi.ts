// Rule docs of this family (owner: engine/kernel, K-DMA). See rule-doc.ts for the shape.
import type { RuleDoc } from './rule-doc';

const F = 'test/fixtures/dmaapi';
const pair = (n: string): string[] => [`${F}/dmaapi-${n}-bad.dmabuf`, `${F}/dmaapi-${n}-good.dmabuf`];

export const RULES = [
  {
    id: 'DMAAPI-01',
    title: 'Only the three DMA directions are valid',
    severity: 'error',
    body:
      'Every streaming map, unmap and sync entry point BUGs on a direction other than TO_DEVICE, FROM_DEVICE or BIDIRECTIONAL ' +
      '(BUG_ON(!valid_dma_direction(dir))). `none` (DMA_NONE) is accepted by `dma_map`, `dma_unmap` and `dma_sync` to show it: ' +
      'the call oopses the kernel in the calling task and makes nothing; the engine goes on past the line, the kernel does not.',
    outcome: 'BUG_ON: a kernel oops in the calling task.',
    kernelRefs: ['kernel/dma/mapping.c:150', 'kernel/dma/mapping.c:188', 'include/linux/dma-direction.h:12-16', 'Documentation/core-api/dma-api-howto.rst:440-470'],
    fixtures: ['test/fixtures/dmaapi/dmaapi-01-bad.dmabuf', 'test/fixtures/dmaapi/dmaapi-01-good.dmabuf'],
    triggerable: true,
  },
  {
    id: 'DMAAPI-02',
    title: 'No DMA before the DMA mask is set',
    severity: 'error',
    body:
      'A device must have a DMA mask (dma_set_mask must have succeeded) before it maps anything; without one the map WARNs and ' +
      'fails. The language requires `dma_mask` between 12 and 64 bits and defaults to 64, so every device has a mask. What a ' +
      'driver can get wrong is the mask it sets: `dma_set_mask DEV BITS` (dma_set_mask_and_coherent()) fails with -EIO when the ' +
      'device\'s DMA ops cannot honour it. dma-iommu and the arm32 arch IOMMU ops accept every mask; dma-direct accepts 32 bits and ' +
      'more, and a narrower mask only if it covers the last page of RAM or the lowest memory zone (ZONE_DMA: 24 bits on x86_64, ' +
      '32 on arm64). The failed call is a warning (the driver must handle -EIO); a map for the device afterwards is the error: ' +
      'the kernel maps with the old mask, and the hardware may not reach what it was given.',
    outcome: 'dma_set_mask_and_coherent() returns -EIO; DMA after it is undefined (silent); without any mask, WARN_ON_ONCE and a failed mapping.',
    kernelRefs: ['kernel/dma/mapping.c:152-153', 'kernel/dma/mapping.c:190-191', 'kernel/dma/mapping.c:714-727', 'kernel/dma/mapping.c:753-784', 'kernel/dma/direct.c:576-597', 'include/linux/dma-mapping.h:448-454', 'Documentation/core-api/dma-api-howto.rst:191-194'],
    fixtures: ['test/fixtures/dmaapi/dmaapi-02-bad.dmabuf', 'test/fixtures/dmaapi/dmaapi-02-good.dmabuf'],
    triggerable: true,
  },
  {
    id: 'DMAAPI-03',
    title: 'Check the result of a mapping',
    severity: 'error',
    severityNote: 'warning for a missing check alone (not expressible)',
    body:
      '`dma_map_sgtable()` returns -EINVAL, -ENOMEM, -EIO or -EREMOTEIO; `dma_map_sg()` returns 0. A driver must check and must not ' +
      'sync, unmap or program the device with a failed mapping. Reported at every use of a name bound by a failed `dma_map` ' +
      '(the raw DMA API\'s counterpart of MAP-08).',
    outcome: 'Silent: the driver works on an error value.',
    kernelRefs: ['Documentation/core-api/dma-api.rst:387-392', 'kernel/dma/mapping.c:202-205', 'kernel/dma/mapping.c:248-277'],
    fixtures: pair('03'),
    triggerable: true,
  },
  {
    id: 'DMAAPI-04',
    title: 'Unmap with the parameters of the map',
    severity: 'error',
    body:
      'Unmap with the same device, direction and the nents passed to `dma_map_sg` (not the count it returned). Otherwise only part ' +
      'of the table is unmapped and synced (IOVAs or swiotlb slots leak, CPU lines stay stale) or the cache maintenance follows the ' +
      'wrong direction. `dma_unmap SGT DIR nents N` lets a scenario do both wrongs.',
    outcome: 'dma-debug: "device driver frees DMA sg list with different entry count" / "frees DMA memory with different direction"; otherwise silent leaks and wrong maintenance.',
    kernelRefs: ['Documentation/core-api/dma-api.rst:327-329', 'Documentation/core-api/dma-api.rst:420-425', 'kernel/dma/debug.c:956-1048'],
    fixtures: [...pair('04'), 'test/fixtures/sketches/b06-unmap-wrong-nents-and-direction-bad.dmabuf'],
    triggerable: true,
  },
  {
    id: 'DMAAPI-05',
    title: 'Every streaming mapping is unmapped',
    severity: 'error',
    body: 'DMA address space (IOVAs, swiotlb slots) is shared and finite. A `dma_map` still live at the end of the scenario is reported at its statement.',
    outcome: 'Leak; dma-debug at driver unbind: "device driver has pending DMA allocations while released from device".',
    kernelRefs: ['Documentation/core-api/dma-api-howto.rst:603-605', 'kernel/dma/debug.c:845-866'],
    fixtures: pair('05'),
    triggerable: true,
  },
  {
    id: 'DMAAPI-06',
    title: 'The CPU keeps off a buffer the device owns',
    severity: 'error',
    severityNote: 'warning for coherent, unbounced devices',
    body:
      'After a streaming map the buffer belongs to the device until `dma_sync_sgtable_for_cpu()` or unmap gives it back; after the ' +
      'CPU touched it, `dma_sync_sgtable_for_device()` hands it over again. CPU access through a vmap/mmap to memory of a live ' +
      '`dma_map` the device owns is reported at the CPU access. dma-debug has no check for this.',
    outcome: 'Silent: stale reads or lost writes on non-coherent or bounced mappings.',
    kernelRefs: ['kernel/dma/mapping.c:246-250', 'Documentation/core-api/dma-api-howto.rst:607-646'],
    fixtures: pair('06'),
    triggerable: true,
  },
  {
    id: 'DMAAPI-07',
    title: 'Sync with the mapping\'s direction, at the right moments',
    severity: 'error',
    body:
      'Sync for the CPU before reading what the device wrote, for the device after the CPU wrote, both around BIDIRECTIONAL use, ' +
      'and always with the direction of the map (except that a BIDIRECTIONAL mapping may be synced either way). A sync with ' +
      'another direction does the wrong maintenance: a FROM_DEVICE mapping synced for the CPU as TO_DEVICE is not invalidated. ' +
      'A range sync (`dma_sync SGT for_cpu at OFF size LEN`, dma_sync_single_range_for_*() on the first segment\'s DMA address) ' +
      'maintains only those bytes, so reading past them is COH-01; a range past the end of that segment is memory dma-debug never ' +
      'saw mapped, and the maintenance still runs over it. The system and CMA heaps sync every mapped attachment with the ' +
      'direction of the CPU bracket (begin/end_cpu_access), not the one it was mapped with: a READ bracket over a buffer an ' +
      'importer mapped TO_DEVICE makes dma-debug print the direction mismatch. That is reported here as a warning, naming the ' +
      'heap: the importer did nothing wrong.',
    outcome: 'dma-debug: "syncs DMA memory with different direction", "syncs device read-only DMA memory for cpu", "syncs device write-only DMA memory to device", "tries to sync DMA memory it has not allocated"; otherwise silent stale data.',
    kernelRefs: ['Documentation/core-api/dma-api.rst:449-465', 'Documentation/core-api/dma-api.rst:300-318', 'kernel/dma/debug.c:1091-1164', 'kernel/dma/debug.c:276-287', 'include/linux/dma-mapping.h:346-358'],
    fixtures: [...pair('07'), `${F}/dmaapi-07-range-bad.dmabuf`, `${F}/dmaapi-07-range-good.dmabuf`, `${F}/dmaapi-07-heap-bracket-warn.dmabuf`, `${F}/dmaapi-07-heap-bracket-good.dmabuf`, 'test/fixtures/coh/coh-01-partial-sync-bad.dmabuf', 'test/fixtures/coh/coh-01-partial-sync-good.dmabuf'],
    triggerable: true,
  },
  {
    id: 'DMAAPI-08',
    title: 'The device accesses a mapping only in its direction',
    severity: 'error',
    body:
      'dma-iommu maps TO_DEVICE read-only and FROM_DEVICE write-only for the device: a device write into a TO_DEVICE mapping ' +
      '(or a read of a FROM_DEVICE one) faults in the IOMMU and the transaction is aborted. Without an IOMMU nothing stops it, ' +
      'but the cache maintenance done for the declared direction does not cover the access.',
    outcome: 'HWFAULT with an IOMMU (arm-smmu context fault, DMAR fault); silent without.',
    kernelRefs: ['drivers/iommu/dma-iommu.c:606-624', 'Documentation/core-api/dma-api-howto.rst:473-478'],
    fixtures: [...pair('08'), 'test/fixtures/sketches/x3-device-write-to-device-iova-bad.dmabuf'],
    triggerable: true,
  },
  {
    id: 'DMAAPI-09',
    title: 'Mapped regions start and end on cache lines',
    severity: 'warning',
    body:
      'A region mapped for a non-coherent device must begin and end on cache lines (dma_get_cache_alignment(): 128 bytes on arm64), ' +
      'or the invalidation at map, sync and unmap also hits the data sharing its partial lines. `dma_map_single DEV MEM DIR at OFFSET size LENGTH` ' +
      'of `kmalloc` memory reports it at the map (warning) and at a CPU write to a shared line while the device owns the mapping (error). ' +
      'From 6.5 arm64 bounces a small mapping through swiotlb when its kmalloc size class is not cache-aligned (dma_kmalloc_needs_bounce(), ' +
      'row kmalloc-bounce): by size only, so a larger field of a struct is not protected.',
    outcome: 'Silent corruption of neighbouring data, or of the device\'s data when a neighbouring line is written back.',
    kernelRefs: ['Documentation/core-api/dma-api.rst:287-298'],
    fixtures: ['test/fixtures/dmaapi/dmaapi-09-bad.dmabuf', 'test/fixtures/dmaapi/dmaapi-09-good.dmabuf'],
    triggerable: true,
  },
  {
    id: 'DMAAPI-10',
    title: 'Overlapping mappings of the same memory',
    severity: 'warning',
    body:
      'dma-debug remembers the first cache line of every non-TO_DEVICE mapping; a second such mapping of the same line without ' +
      'DMA_ATTR_SKIP_CPU_SYNC is reported, because both mappings would perform their own maintenance on the same lines. Map the ' +
      'additional devices with `skip_cpu_sync`. Heaps map every attachment with attrs 0, so two importers of one heap buffer in ' +
      'BIDIRECTIONAL/FROM_DEVICE hit it.',
    outcome: 'dma-debug: "cacheline tracking EEXIST, overlapping mappings aren\'t supported"; otherwise silent.',
    kernelRefs: ['kernel/dma/debug.c:454-575', 'Documentation/core-api/dma-attributes.rst:46-68'],
    fixtures: [...pair('10'), 'test/fixtures/sketches/w2-heap-bidirectional-two-devices-debug-warn.dmabuf'],
    triggerable: true,
  },
  {
    id: 'DMAAPI-11',
    title: 'DMA_ATTR_SKIP_CPU_SYNC skips the cache maintenance',
    severity: 'information',
    body:
      'With this attribute map and unmap do no CPU cache maintenance (swiotlb still copies at map; at unmap it skips the copy ' +
      'back). The attribute is per call: an unmap passes its own attrs, whatever the map passed. GEM and amdgpu exporters map and ' +
      'unmap with it, so their map_attachment never cleans or invalidates. The engine applies it to `dma_map ... skip_cpu_sync`, ' +
      '`dma_unmap ... skip_cpu_sync` and the gem/ttm exporter models. A driver\'s own unmap with the attribute while its device ' +
      'still owns a mapping it may have written (FROM_DEVICE or BIDIRECTIONAL, no dma_sync_*_for_cpu since) on a bounced or ' +
      'non-coherent mapping is reported as information: the device\'s data stays in the bounce slots, or behind stale CPU lines, ' +
      'and a later CPU read is COH-01.',
    outcome: 'Silent: no invalidate and no swiotlb copy-back at unmap; the CPU reads what was there before.',
    kernelRefs: ['Documentation/core-api/dma-attributes.rst:63-68', 'kernel/dma/direct.h:114-125', 'kernel/dma/swiotlb.c:895-907', 'drivers/gpu/drm/drm_prime.c:637-638', 'drivers/gpu/drm/amd/amdgpu/amdgpu_dma_buf.c:201-202'],
    fixtures: ['test/fixtures/dmaapi/dmaapi-11-bad.dmabuf', 'test/fixtures/dmaapi/dmaapi-11-good.dmabuf'],
    triggerable: true,
  },
  {
    id: 'DMAAPI-12',
    title: 'No DMA from the stack, kernel text or vmalloc memory',
    severity: 'error',
    body:
      'dma_map_single() refuses a vmalloc address before mapping anything (dev_WARN_ONCE and DMA_MAPPING_ERROR), whatever the config; an ' +
      'on-stack array is vmalloc space under CONFIG_VMAP_STACK (the default on x86_64 and arm64). Without VMAP_STACK only dma-debug reports ' +
      'stack memory. `vmalloc` and `stack` memory mapped with `dma_map_single` fire it; mapping the pages of vmalloc memory with `dma_map` ' +
      '(vmalloc_to_page() into an sg table) is allowed. So is `dma_alloc_coherent` memory of a device that does not snoop: its CPU ' +
      'address is an uncached remap in vmalloc space (its DMA handle is what the device needs).',
    outcome: 'WARN and DMA_MAPPING_ERROR; an unchecked result then programs the device with an error value (DMAAPI-03).',
    kernelRefs: ['include/linux/dma-mapping.h:328-338', 'kernel/dma/debug.c:1056-1089'],
    fixtures: ['test/fixtures/dmaapi/dmaapi-12-bad.dmabuf', 'test/fixtures/dmaapi/dmaapi-12-good.dmabuf', 'test/fixtures/dmaapi/dmaapi-12-coherent-bad.dmabuf', 'test/fixtures/dmaapi/dmaapi-12-coherent-good.dmabuf'],
    triggerable: true,
  },
  {
    id: 'DMAAPI-13',
    title: 'Addresses beyond the DMA mask bounce, or fail',
    severity: 'information',
    severityNote: 'error when the mapping fails (swiotlb off, or the bounce slot itself out of reach)',
    body:
      'dma-direct checks every segment against the device\'s mask. Out of reach, swiotlb (on by default) bounces it through its ' +
      'pool at the bottom of RAM: the device then works on a copy (see DMAAPI-14/15). With swiotlb off the map fails with ' +
      '"DMA addr ... overflow". Devices behind an IOMMU get IOVAs within their mask instead, except that an untrusted device ' +
      '(`untrusted yes`) has every entry that does not start and end on an IOMMU page bounced the same way, padding zeroed ' +
      '(iommu_dma_map_page()). Drivers building their own table ' +
      'use dma_max_mapping_size(), 256 KiB while bouncing is possible.',
    outcome: 'Bounce (information), or dev_WARN_ONCE "DMA addr %pad+%zu overflow (mask %llx, bus limit %llx)." and -EIO.',
    kernelRefs: ['kernel/dma/direct.h:84-112', 'kernel/dma/direct.c:599-606', 'drivers/iommu/dma-iommu.c:516-524'],
    fixtures: pair('13'),
    triggerable: true,
  },
  {
    id: 'DMAAPI-14',
    title: 'swiotlb: copy semantics, 256 KiB per mapping, a finite pool',
    severity: 'error',
    body:
      'swiotlb copies the buffer into its slot at map (whatever the direction), to the slot at sync_for_device (TO/BIDI), back at ' +
      'sync_for_cpu and unmap (FROM/BIDI, unmap not with SKIP_CPU_SYNC). One mapping holds at most 2 KiB × 128 = 256 KiB and the ' +
      'default pool is 64 MiB: a longer segment or a full pool fails the map with "swiotlb buffer is full". The system heap\'s ' +
      '1 MiB entries can never bounce.',
    outcome: '"swiotlb buffer is full (sz: %zd bytes), total %lu (slots), used %lu (slots)" and -EIO.',
    kernelRefs: ['kernel/dma/swiotlb.c:815-842', 'kernel/dma/swiotlb.c:895-975', 'include/linux/swiotlb.h:25-35'],
    fixtures: pair('14'),
    triggerable: true,
  },
  {
    id: 'DMAAPI-15',
    title: 'Bounced mappings and buffer sharing do not mix',
    severity: 'error',
    body:
      'A bounced importer reads and writes its private copy; other agents see its writes only after its sync_for_cpu or unmap, and ' +
      'it sees theirs only after its sync_for_device. Fence-ordered device-to-device hand-over calls neither, so the next device ' +
      'reads stale data. Found by simulation (the stale read is reported with it).',
    outcome: 'Silent stale data.',
    kernelRefs: ['drivers/gpu/drm/tegra/drm.c:1109-1117', 'kernel/dma/swiotlb.c:895-925'],
    fixtures: ['test/fixtures/sketches/b10-bounced-importer-fence-pipeline-bad.dmabuf'],
    triggerable: true,
  },
  {
    id: 'DMAAPI-16',
    title: 'dma-debug is not a complete checker',
    severity: 'information',
    body:
      'CONFIG_DMA_API_DEBUG checks map/unmap/sync bookkeeping, segment limits and overlaps, prints only the first error by default ' +
      'and disables itself when it runs out of entries; it never checks ownership, missing syncs, fences or dma-buf rules. Every ' +
      'finding here says whether such a kernel would print it and what it prints. On a platform with `config DMA_API_DEBUG yes`, the ' +
      'second dma-debug report of a run carries this information: a default kernel only counts it (dma-api/all_errors prints it).',
    outcome: 'Information.',
    kernelRefs: ['Documentation/core-api/dma-api.rst:755-848', 'kernel/dma/debug.c:217-228'],
    fixtures: ['test/fixtures/dmaapi/dmaapi-07-heap-bracket-warn.dmabuf', 'test/fixtures/dmaapi/dmaapi-16-good.dmabuf'],
    triggerable: true,
  },
  {
    id: 'DMAAPI-17',
    title: 'The two-step IOVA API (dma_iova_*, 6.16+)',
    severity: 'error',
    body:
      '`S = dma_iova_try_alloc DEV SIZE` reserves an IOVA range in the device\'s dma-iommu domain, or returns false with the state zeroed ' +
      '(dma_use_iova() false) for a device without dma-iommu (direct mapping, identity domain, the arm32 arch mapping) or when the space is ' +
      'exhausted; the driver then maps with dma_map_*(), and `dma_iova_link` on such a state is an oops (no dma_use_iova() check). A link ' +
      'writes the PTEs without an IOTLB sync: a device using the range (`submit DEV … iova S OFFSET`) before `dma_iova_sync S` is an error; ' +
      'a link that does not start on an IOMMU page at an offset other than 0 is WARN_ON_ONCE and -EIO; a link past the reserved size is not ' +
      'checked. `dma_iova_unlink S at OFF size LEN DIR` unmaps with a synchronous IOTLB flush, keeping the IOVAs; it and `dma_iova_destroy S LEN DIR` ' +
      '(which must cover everything linked) WARN_ON(unmapped != size) over a hole; `dma_iova_free S` with links ' +
      'left, or a destroy that leaves some, returns the IOVAs while their PTEs stay. dma-debug has no hooks in this API (DMAAPI-16). Before ' +
      '6.16 the functions do not exist (NAME).',
    outcome: 'An oops, a WARN and -EIO, or silent: stale PTEs, translation through an unsynced IOTLB, DMA to address 0.',
    kernelRefs: ['drivers/iommu/dma-iommu.c (6.16+): dma_iova_try_alloc(), dma_iova_link(), dma_iova_sync(), dma_iova_destroy(), dma_iova_free()'],
    fixtures: ['test/fixtures/dmaapi/dmaapi-17-bad.dmabuf', 'test/fixtures/dmaapi/dmaapi-17-good.dmabuf'],
    triggerable: true,
  },
  {
    id: 'DMAAPI-18',
    title: 'dma_map_phys() and DMA_ATTR_MMIO (6.18+)',
    severity: 'error',
    body:
      '`M = dma_map_phys DEV MEM [at OFF size LEN] DIR [mmio]` maps one physically contiguous range; `mmio` is DMA_ATTR_MMIO, which says the ' +
      'address is not memory: no CPU cache maintenance, no swiotlb bounce, IOMMU_MMIO in dma-iommu, the physical address after a mask check in ' +
      'dma-direct (dev_WARN_ONCE and DMA_MAPPING_ERROR when the mask does not reach it). A BAR without `mmio` is taken for memory: on a ' +
      'non-coherent device arch_sync_dma_for_device() runs through phys_to_virt() of an address the linear map lacks, behind an IOMMU the PTE ' +
      'gets IOMMU_CACHE, and dma-direct may bounce it. RAM with `mmio` gets no cache maintenance (stale data on a non-coherent device) and no ' +
      'bounce. `dma_unmap_phys M [DIR] [mmio]` does what its own attributes say, so they must be the map\'s. A range that is not physically ' +
      'contiguous in the memory named is reported too. The same `mmio` applies to `dma_iova_link`. Before 6.18 neither exists (NAME).',
    outcome: 'An oops (cache maintenance on an unmapped address), a WARN and DMA_MAPPING_ERROR, or silent: stale data, a bounce never copied back.',
    kernelRefs: ['kernel/dma/mapping.c (6.18+): dma_map_phys(), dma_unmap_phys()', 'kernel/dma/direct.h: dma_direct_map_phys(), dma_direct_unmap_phys()', 'drivers/iommu/dma-iommu.c: iommu_dma_map_phys(), dma_iova_link()', 'include/linux/dma-mapping.h: DMA_ATTR_MMIO'],
    fixtures: ['test/fixtures/dmaapi/dmaapi-18-bad.dmabuf', 'test/fixtures/dmaapi/dmaapi-18-good.dmabuf'],
    triggerable: true,
  },
] as const satisfies readonly RuleDoc[];
