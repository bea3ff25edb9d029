// Kernel profiles as data: the releases a platform's `kernel` line may name, and one row per
// behaviour that differs between them, with the release it changed in, the commit and the kernel
// source that show it, and how well that is known. The engine asks `since(version, row)` and never
// compares version numbers itself, so every version-dependent outcome is a row here, with its
// evidence; a row known only from a pull request or a patch mail (`pr-only`) is refused at run time
// and by a test. The rows come from reading the sources (Debian's 6.1.192 and 6.12.118 trees, the
// mailing-list archives' pull requests and patch diffs, development-tree files): a row's
// `evidence` says which of them shows the new behaviour; profiles-evidence.md beside this file is
// the research behind the rows (messages, files and store ids read, and what stayed unconfirmed).

/** The profiles a `kernel` line may name, oldest first. */
export const KERNEL_VERSIONS = ['6.1', '6.2', '6.6', '6.12', '6.18', '6.19', '7.0', '7.1'] as const;
export type KernelVersion = (typeof KERNEL_VERSIONS)[number];

/**
 * The kernel configs a `config` line may name (CONFIG_<NAME>). They live with the profiles because
 * a profile may lack one (a row's `removesConfig`); ast.ts re-exports them.
 */
export type ConfigName = 'DMA_API_DEBUG' | 'DMABUF_DEBUG' | 'DMABUF_MOVE_NOTIFY' | 'LOCKDEP' | 'ARM_DMA_USE_IOMMU' | 'SWIOTLB' | 'IOMMU_DEFAULT_DMA_LAZY';
export const CONFIG_NAMES: readonly ConfigName[] = ['DMA_API_DEBUG', 'DMABUF_DEBUG', 'DMABUF_MOVE_NOTIFY', 'LOCKDEP', 'ARM_DMA_USE_IOMMU', 'SWIOTLB', 'IOMMU_DEFAULT_DMA_LAZY'];

/** The profile of a platform without a `kernel` line (and of the built-in platforms' text). */
export const DEFAULT_KERNEL: KernelVersion = '6.18';

/** `mainline` means the newest modelled profile. */
export const MAINLINE: KernelVersion = '7.1';

/** A kernel release (`6.16`), not necessarily a profile. */
export type Release = `${number}.${number}`;

/**
 * How the new behaviour is known: read in a released kernel's source (`release-source`), in a
 * development tree's file or a merged commit's diff (`dev-tree`), or only in a pull request or
 * patch mail (`pr-only`, never consulted).
 */
export type Evidence = 'release-source' | 'dev-tree' | 'pr-only';

export interface ProfileRow {
  readonly id: string;
  /** Catalogue rule IDs whose outcome the row changes. */
  readonly rules: readonly string[];
  /** Before → after, with the kernel's outcome, in our words. */
  readonly change: string;
  /** The first release with the new behaviour. */
  readonly since: Release;
  /** The commit (hash and subject) that made the change. */
  readonly commit: string;
  /** Where it shows: file and function. */
  readonly where: string;
  readonly evidence: Evidence;
  /** A `config` the row's release removed from Kconfig: naming it on a later profile is a NAME finding. */
  readonly removesConfig?: ConfigName;
  /**
   * Why no statement of the language reaches the behaviour, for a row the engine never consults
   * (the profile test requires every row to be consulted or to say this). Shown with the row.
   */
  readonly unreachable?: string;
}

export const PROFILE_ROWS = [
  {
    id: 'locking-convention',
    rules: ['VER-01', 'MAP-01', 'PIN-01', 'VMAP-01'],
    change:
      'Importers hold the reservation lock for map/unmap/pin/vmap whatever their kind: dma_buf_map_attachment() and dma_buf_vmap() ' +
      'assert it unconditionally (a lockdep splat when it is not held); before, only dynamic attachments were checked and vmap ' +
      'serialised on the internal dmabuf->lock.',
    since: '6.2',
    commit: '47e982d5195d "dma-buf: Move dma_buf_map_attachment() to dynamic locking specification" (and 34c7797f9ef4, 809d9c72c2f8, ae2e7f28a170)',
    where: 'drivers/dma-buf/dma-buf.c: dma_buf_map_attachment(), dma_buf_vmap(), DOC "locking convention"',
    evidence: 'release-source',
  },
  {
    id: 'vmap-unlocked-added',
    rules: ['VMAP-01'],
    change: 'dma_buf_vmap_unlocked() and dma_buf_vunmap_unlocked() exist (they take the reservation lock around dma_buf_vmap()); 6.1 has neither, not even in its stable updates.',
    since: '6.2',
    commit: '"dma-buf: Add unlocked variant of vmapping functions"',
    where: 'drivers/dma-buf/dma-buf.c: dma_buf_vmap_unlocked()',
    evidence: 'release-source',
  },
  {
    id: 'device-dma-owner',
    rules: ['IOMMU-04'],
    change:
      'iommu_device_claim_dma_owner() and iommu_device_release_dma_owner() exist: DMA ownership taken per device by its driver_managed_dma driver ' +
      '(iommufd, the VFIO cdev path), shared by the devices of a group that claim it with the same owner; 6.1 has only the group functions.',
    since: '6.2',
    commit: '89395ccedbc1 "iommu: Add device-centric DMA ownership interfaces" (the iommufd series; absent from 6.1.192, present in 6.12.118)',
    where: 'drivers/iommu/iommu.c: iommu_device_claim_dma_owner(), iommu_device_release_dma_owner()',
    evidence: 'release-source',
  },
  {
    id: 'iommufd',
    rules: ['IOMMUFD-01'],
    change:
      'iommufd exists (/dev/iommu): IOMMU_IOAS_ALLOC, IOMMU_IOAS_MAP/UNMAP, devices attached to an IOAS through their DMA ownership; 6.1 has only the VFIO type1 container.',
    since: '6.2',
    commit: 'the iommufd series (drivers/iommu/iommufd/, merged for 6.2 with 89395ccedbc1; absent from 6.1.192, present in 6.12.118)',
    where: 'drivers/iommu/iommufd/ioas.c: iommufd_ioas_alloc_ioctl(), iommufd_ioas_map(), iommufd_ioas_unmap(); drivers/iommu/iommufd/device.c: iommufd_device_attach()',
    evidence: 'release-source',
  },
  {
    id: 'udmabuf-vmap',
    rules: ['VMAP-01'],
    change: 'udmabuf_ops gains vmap and vunmap (vm_map_ram() of the memfd pages, resv held): dma_buf_vmap() of a udmabuf no longer returns -EINVAL.',
    since: '6.3',
    commit: '"udmabuf: add vmap and vunmap methods to udmabuf_ops" (Lukasz Wiecaszek, v4 2022-11-17; listed under udmabuf in the drm-next pull for 6.3-rc1)',
    where: 'drivers/dma-buf/udmabuf.c: vmap_udmabuf(), vunmap_udmabuf(), udmabuf_ops',
    evidence: 'release-source',
  },
  {
    id: 'kmalloc-bounce',
    rules: ['DMAAPI-09'],
    change:
      'arm64 (and riscv with SWIOTLB) select DMA_BOUNCE_UNALIGNED_KMALLOC: dma-direct bounces a mapping through swiotlb when the ' +
      'device is non-coherent, the direction is not DMA_TO_DEVICE, the size is below 2 × ARCH_DMA_MINALIGN and kmalloc_size_roundup(size) ' +
      'is not a multiple of the cache alignment (dma_kmalloc_needs_bounce(), by size only), so small kmalloc caches could shrink to 8 bytes.',
    since: '6.5',
    commit: '"dma-mapping: force bouncing if the kmalloc() size is not cache-line-aligned" and "arm64: Allow kmalloc() caches aligned to the smaller cache_line_size()" (Catalin Marinas, June 2023; absent from 6.1.192, present in 6.12.118)',
    where: 'include/linux/dma-map-ops.h: dma_kmalloc_needs_bounce(); kernel/dma/direct.h: dma_direct_map_page()',
    evidence: 'release-source',
  },
  {
    id: 'mmap-unlocked',
    rules: ['RESV-07', 'VER-01'],
    change:
      'From 6.2 to 6.5 the core takes the reservation lock around the exporter\'s mmap (dma_buf_mmap_internal(), dma_buf_mmap()), ' +
      'so mmap with the lock held self-deadlocks whatever the exporter; from 6.6 it does not, and the exporter may take it ' +
      'itself (drm_gem_shmem_mmap() does: the same deadlock; the heaps and amdgpu do not: the mapping is made).',
    since: '6.6',
    commit: '"dma-buf: Change locking policy for mmap()"',
    where: 'drivers/dma-buf/dma-buf.c: dma_buf_mmap_internal(), dma_buf_mmap(), DOC "locking convention"',
    evidence: 'release-source',
  },
  {
    id: 'swiotlb-dynamic',
    rules: ['DMAAPI-14'],
    change: 'CONFIG_SWIOTLB_DYNAMIC (default n) lets swiotlb fall back to a transient pool when the default pool is full, before "swiotlb buffer is full" and DMA_MAPPING_ERROR.',
    since: '6.6',
    commit: '79636caad361 "swiotlb: if swiotlb is full, fall back to a transient memory pool"',
    where: 'kernel/dma/swiotlb.c: swiotlb_find_slots(), swiotlb_tbl_map_single()',
    evidence: 'release-source',
    unreachable:
      'the language has no CONFIG_SWIOTLB_DYNAMIC (default n, and no modelled platform needs it), and without it 6.6+ ' +
      'prints "swiotlb buffer is full" and returns DMA_MAPPING_ERROR exactly as 6.1 does.',
  },
  {
    id: 'arm32-identity-default',
    rules: ['IOMMU-10', 'IOMMU-02'],
    change:
      'With CONFIG_ARM_DMA_USE_IOMMU the IOMMU core gives the group an IDENTITY default domain, and the arch code then installs its ' +
      'own UNMANAGED mapping; a driver attaching its domain while that mapping is installed still gets -EBUSY.',
    since: '6.7',
    commit: 'e98befd010bd "iommu: Allow an IDENTITY domain as the default_domain in ARM32"',
    where: 'drivers/iommu/iommu.c: iommu_get_default_domain_type(), __iommu_attach_group()',
    evidence: 'release-source',
    unreachable:
      'only the name of the group\'s default domain changes (none on 6.1, IDENTITY from 6.7); attach_domain over the arch ' +
      'mapping is -EBUSY on both, and after arm_iommu_detach the device does untranslated DMA on both.',
  },
  {
    id: 'iommu-paging-alloc',
    rules: ['IOMMU-06'],
    change: 'iommu_paging_domain_alloc(dev) exists and returns ERR_PTR(-ENODEV) for a device without an IOMMU (iommu_domain_alloc(bus) returns NULL).',
    since: '6.11',
    commit: '"iommu: Add iommu_paging_domain_alloc() interface"',
    where: 'drivers/iommu/iommu.c: iommu_paging_domain_alloc()',
    evidence: 'release-source',
    unreachable:
      '`domain NAME IOMMU` always names an IOMMU, so no allocation meets a device without one (the -ENODEV case); on ' +
      '6.11 and 6.12 iommu_domain_alloc() still gives the same UNMANAGED domain, and the switch of call is iommu-domain-alloc-removed.',
  },
  {
    id: 'iommu-domain-alloc-removed',
    rules: ['IOMMU-06'],
    change: 'iommu_domain_alloc(bus) is gone: a driver allocates its domain with iommu_paging_domain_alloc(dev).',
    since: '6.13',
    commit: 'f6440fcc9c7b "iommu: Remove iommu_domain_alloc()"',
    where: 'drivers/iommu/iommu.c, include/linux/iommu.h',
    evidence: 'dev-tree',
  },
  {
    id: 'ttm-amdgpu-pin-domain',
    rules: ['P2P-04', 'MAP-04'],
    change:
      'amdgpu (the ttm exporter) pins with the BO\'s allowed domains instead of GTT only: a BO in VRAM stays there when every ' +
      'attachment is peer2peer and move notifiers are on (CONFIG_DMABUF_MOVE_NOTIFY; always from 7.1), otherwise it moves to ' +
      'GTT; pinning a BO already pinned in VRAM into GTT fails with -EINVAL (amdgpu_bo_pin()), and a BO pinned in VRAM is ' +
      'mapped from VRAM for every importer (the map\'s -EBUSY for a BO pinned outside GTT is gone).',
    since: '6.15',
    commit:
      'f5e7fabd1f5c "drm/amdgpu: allow pinning DMA-bufs into VRAM if all importers can do P2P" (6.15-rc2); 5e56935b519b ' +
      '"drm/amdgpu: Don\'t pin VRAM without DMABUF_MOVE_NOTIFY" and 5cf3c602df88 "drm/amdgpu: Use allowed_domains for pinning dmabufs" (6.15-rc4)',
    where: 'drivers/gpu/drm/amd/amdgpu/amdgpu_dma_buf.c: amdgpu_dma_buf_pin(), amdgpu_dma_buf_map(); amdgpu_object.c: amdgpu_bo_pin()',
    evidence: 'dev-tree',
  },
  {
    id: 'dma-iova-api',
    rules: ['DMAAPI-17'],
    change:
      'The two-step DMA API exists: dma_iova_try_alloc() reserves an IOVA range in a dma-iommu domain (false, and the caller falls back to ' +
      'dma_map_*(), for a device that does not use dma-iommu), dma_iova_link() maps memory into it without an IOTLB sync, dma_iova_sync() ' +
      'syncs, dma_iova_destroy()/dma_iova_free() end it; dma-debug does not see these mappings.',
    since: '6.16',
    commit: 'merge 23022f545610 (the "dma-mapping: provide an interface to allow allocate IOVA" series; absent from 6.12.118, read in stored 6.16-era and later trees: server/src/engine/kernel/dma-mapping/iova-research.md)',
    where: 'drivers/iommu/dma-iommu.c: dma_iova_try_alloc(), dma_iova_link(), dma_iova_sync(), dma_iova_destroy(), dma_iova_free()',
    evidence: 'dev-tree',
  },
  {
    id: 'dma-map-phys',
    rules: ['DMAAPI-18'],
    change:
      'dma_map_phys()/dma_unmap_phys() map a physical address, and DMA_ATTR_MMIO marks it as MMIO: no CPU cache maintenance, no swiotlb, ' +
      'IOMMU_MMIO in dma-iommu, the physical address after a mask check in dma-direct (dma_map_resource() becomes dma_map_phys(… | DMA_ATTR_MMIO)); ' +
      'dma_iova_link() takes DMA_ATTR_MMIO too. Before, MMIO had only dma_map_resource().',
    since: '6.18',
    commit: 'merge a498d59c469b ("dma-mapping: introduce new DMA attribute to indicate MMIO memory", "dma-mapping: export new dma_*map_phys() interface", v6 series; absent from 6.12.118: server/src/engine/kernel/dma-mapping/iova-research.md §7)',
    where: 'kernel/dma/mapping.c: dma_map_phys(), dma_unmap_phys(); kernel/dma/direct.h: dma_direct_map_phys(); drivers/iommu/dma-iommu.c: iommu_dma_map_phys(), dma_iova_link()',
    evidence: 'dev-tree',
  },
  {
    id: 'vfio-dmabuf',
    rules: ['VFIO-01', 'VFIO-02', 'ATT-06', 'MAP-09', 'P2P-10', 'SGT-09'],
    change:
      'vfio-pci exports BAR ranges as dma-bufs (VFIO_DEVICE_FEATURE_DMA_BUF): attach only for peer2peer importers, map through ' +
      'dma_buf_phys_vec_to_sgt() (bus addresses, one IOVA run with DMA_ATTR_MMIO, or -EINVAL when the importer cannot reach the BAR; ' +
      'a table without a CPU view, orig_nents 0), revoke on memory-decode off, reset and close (dma_buf_move_notify() under the resv ' +
      'lock, no wait); ops->pin returns -EOPNOTSUPP (from 6.19-rc8), so with CONFIG_DMABUF_MOVE_NOTIFY off every map fails.',
    since: '6.19',
    commit: 'the vfio-pci dma-buf series (vfio-v6.19-rc1 merge) and 61ceaf236115 "vfio: Prevent from pinned DMABUF importers to attach to VFIO DMABUF" (vfio-v6.19-rc8); read in torvalds/linux @1f97d9dcf536: server/src/engine/kernel/exporters/vfio-research.md',
    where: 'drivers/vfio/pci/vfio_pci_dmabuf.c: vfio_pci_core_feature_dma_buf(), vfio_pci_dma_buf_attach(), vfio_pci_dma_buf_map(), vfio_pci_dma_buf_move(), vfio_pci_dma_buf_cleanup(); drivers/dma-buf/dma-buf-mapping.c: dma_buf_phys_vec_to_sgt()',
    evidence: 'dev-tree',
  },
  {
    id: 'sgt-cache-dropped',
    rules: ['EXP-02', 'MAP-02', 'MAP-03', 'LIFE-04'],
    change:
      'dma_buf_ops.cache_sgt_mapping is gone: no cached table per attachment, so no -EBUSY for a second direction (MAP-02), no ' +
      'export check against pin/unpin (EXP-02), every map and unmap reaches the exporter, and dma_buf_detach() no longer unmaps ' +
      'a table the importer left mapped (LIFE-04: it leaks).',
    since: '6.16',
    commit: 'b72f66f22c0e "dma-buf: drop caching of sg_tables"',
    where: 'drivers/dma-buf/dma-buf.c: dma_buf_export(), dma_buf_map_attachment(), dma_buf_unmap_attachment(), dma_buf_detach()',
    evidence: 'dev-tree',
  },
  {
    id: 'attach-premap-dropped',
    rules: ['ATT-03', 'MAP-04', 'PIN-01', 'MAP-05'],
    change:
      'Attach never pins or maps: for a static importer of a dynamic exporter (or the reverse) dma_buf_map_attachment() pins ' +
      '(dma_buf_pin_on_map()) and unmap unpins, and a static importer waits for the KERNEL fences at every map, not once at attach ' +
      'or at the first map of a cached table.',
    since: '6.16',
    commit: 'de68b17d5d07 "dma-buf: dma-buf: stop mapping sg_tables on attach v2"',
    where: 'drivers/dma-buf/dma-buf.c: dma_buf_dynamic_attach(), dma_buf_pin_on_map(), dma_buf_map_attachment()',
    evidence: 'dev-tree',
  },
  {
    id: 'fence-signal-void',
    rules: ['FENCE-01'],
    change: 'dma_fence_signal() and its variants return void: a second signal is silently ignored instead of returning -EINVAL.',
    since: '7.0',
    commit: '88e721ab978a "dma-buf/dma-fence: Remove return code of signaling-functions"',
    where: 'drivers/dma-buf/dma-fence.c: dma_fence_signal*(); include/linux/dma-fence.h',
    evidence: 'dev-tree',
  },
  {
    id: 'sgt-debug-wrapper',
    rules: ['MAP-06', 'LIFE-05'],
    change:
      'With CONFIG_DMABUF_DEBUG the importer gets a copy of the table with only DMA addresses and lengths and no pages ' +
      '(sg_page() is NULL), instead of the exporter\'s table with page_link XOR-mangled; the copy can make a map fail with -ENOMEM.',
    since: '7.0',
    commit: '51db5336e16d "dma-buf: improve sg_table debugging hack v4"',
    where: 'drivers/dma-buf/dma-buf.c: dma_buf_mangle_sg_table(), dma_buf_demangle_sg_table()',
    evidence: 'dev-tree',
  },
  {
    id: 'dmabuf-debug-default',
    rules: ['MAP-06'],
    change: 'CONFIG_DMABUF_DEBUG no longer defaults to y with CONFIG_DMA_API_DEBUG ("default y if DEBUG", and DEBUG is no Kconfig symbol).',
    since: '7.0',
    commit: '646013f513f3 "dma-buf: enable DMABUF_DEBUG by default on DEBUG kernels"',
    where: 'drivers/dma-buf/Kconfig',
    evidence: 'dev-tree',
    unreachable:
      '`config` lines state the built kernel\'s values and DMABUF_DEBUG is `no` unless a platform says `yes`, on every ' +
      'profile (language.md, Configs); a Kconfig default that follows DMA_API_DEBUG is outside the language.',
  },
  {
    id: 'move-notify-always',
    rules: ['MAP-04', 'ATT-01'],
    change:
      'CONFIG_DMABUF_MOVE_NOTIFY is gone (always on): the core never pins a dynamic importer\'s mapping of a dynamic exporter ' +
      '(dma_buf_pin_on_map() = ops->pin && !dynamic importer); a `config DMABUF_MOVE_NOTIFY` line names a config the kernel lacks.',
    since: '7.1',
    commit: '609fc8766d68 "dma-buf: Always build with DMABUF_MOVE_NOTIFY"',
    where: 'drivers/dma-buf/Kconfig; drivers/dma-buf/dma-buf.c: dma_buf_pin_on_map()',
    evidence: 'dev-tree',
    removesConfig: 'DMABUF_MOVE_NOTIFY',
  },
  {
    id: 'invalidate-rename',
    rules: ['ATT-01', 'MOVE-01', 'MOVE-02'],
    change: 'The importer callback move_notify is renamed invalidate_mappings, and the exporter call dma_buf_move_notify() dma_buf_invalidate_mappings().',
    since: '7.1',
    commit: 'ef246da8e63c "dma-buf: Rename .move_notify() callback to a clearer identifier"; 95308225e5ba "dma-buf: Rename dma_buf_move_notify() to dma_buf_invalidate_mappings()"',
    where: 'include/linux/dma-buf.h; drivers/dma-buf/dma-buf.c',
    evidence: 'dev-tree',
  },
  {
    id: 'invalidate-optional',
    rules: ['ATT-01', 'MOVE-02', 'PIN-01'],
    change:
      'A dynamic importer may leave invalidate_mappings out: dma_buf_dynamic_attach() no longer WARNs and fails with -EINVAL, and ' +
      'dma_buf_invalidate_mappings() skips such attachments.',
    since: '7.1',
    commit: '"dma-buf: Make .invalidate_mapping() truly optional" (merged for 7.1; mainline hash not seen)',
    where: 'drivers/dma-buf/dma-buf.c: dma_buf_dynamic_attach(), dma_buf_invalidate_mappings()',
    evidence: 'dev-tree',
  },
  {
    id: 'iommufd-dmabuf',
    rules: ['IOMMUFD-01', 'IOMMUFD-02'],
    change:
      'IOMMU_IOAS_MAP_FILE takes a dma-buf fd: iommufd attaches dynamically (its misc device, allow_peer2peer, a revoke callback), takes the ' +
      'single physical range of a vfio-pci dma-buf through vfio_pci_dma_buf_iommufd_map() (-EOPNOTSUPP for any other exporter, -ENODEV when ' +
      'revoked) and maps it as MMIO in every domain of the IOAS; a revoke unmaps it from every domain and nothing maps it back.',
    since: '6.19',
    commit: '"iommufd: Add DMABUF to iopt_pages", "iommufd: Allow a DMABUF to be revoked", "iommufd: Accept a DMABUF through IOMMU_IOAS_MAP_FILE" (for-linus-iommufd, 6.19 merge window): server/src/engine/kernel/exporters/vfio-research.md §9',
    where: 'drivers/iommu/iommufd/pages.c: iopt_alloc_dmabuf_pages(), iopt_map_dmabuf(), iopt_revoke_notify(); drivers/vfio/pci/vfio_pci_dmabuf.c: vfio_pci_dma_buf_iommufd_map()',
    evidence: 'dev-tree',
  },
  {
    id: 'vfio-revocable',
    rules: ['ATT-06', 'MOVE-04', 'HANG-01'],
    change:
      'vfio-pci accepts only revocable importers (dma_buf_attach_revocable(): importer_ops with invalidate_mappings, else -EOPNOTSUPP), ' +
      'drops ops->pin again, and a revoke waits: dma_buf_invalidate_mappings(), dma_resv_wait_timeout(BOOKKEEP), then ' +
      'wait_for_completion() until every mapping is unmapped; importers must stop writing at once and unmap.',
    since: '7.1',
    commit: '1a8a5227f229 "vfio: Wait for dma-buf invalidation to complete", "vfio: Permit VFIO to work with pinned importers" and the dma-buf revoke series (drm-misc-next for v7.1); c64a647c84f3 (7.1-rc4) re-arms the completion; read in gregkh/linux @2519003dd5fb: server/src/engine/kernel/exporters/vfio-research.md',
    where: 'drivers/vfio/pci/vfio_pci_dmabuf.c: vfio_pci_dma_buf_attach(), vfio_pci_dma_buf_move(); drivers/dma-buf/dma-buf.c: dma_buf_attach_revocable()',
    evidence: 'dev-tree',
  },
] as const satisfies readonly ProfileRow[];

export type RowId = (typeof PROFILE_ROWS)[number]['id'];

const ROWS: ReadonlyMap<string, ProfileRow> = new Map(PROFILE_ROWS.map((r) => [r.id, r]));

export function profileRow(id: RowId): ProfileRow {
  return ROWS.get(id)!;
}

/** A profile as written: a table entry or `mainline` (the newest); undefined for anything else. */
export function parseVersion(text: string): KernelVersion | undefined {
  if (text === 'mainline') return MAINLINE;
  return (KERNEL_VERSIONS as readonly string[]).includes(text) ? (text as KernelVersion) : undefined;
}

/**
 * The profiles of a range `a..b`, both ends included, in table order; undefined when `b` is
 * older than `a` (a reversed range).
 */
export function profilesInRange(a: KernelVersion, b: KernelVersion): readonly KernelVersion[] | undefined {
  const from = KERNEL_VERSIONS.indexOf(a);
  const to = KERNEL_VERSIONS.indexOf(b);
  return from <= to ? KERNEL_VERSIONS.slice(from, to + 1) : undefined;
}

/** Numeric order of releases: 6.9 < 6.12 < 7.0. */
export function compareReleases(a: Release, b: Release): number {
  const [am, an] = a.split('.').map(Number);
  const [bm, bn] = b.split('.').map(Number);
  return am - bm || an - bn;
}

/**
 * Whether `version` has the row's new behaviour. A row not backed by source is never consulted:
 * asking for one is a programming error, and the profile test keeps such rows out of the engine.
 */
export function since(version: KernelVersion, row: RowId): boolean {
  return rowApplies(version, profileRow(row));
}

/** `since()` on a row object (pure, so the test can hand it a `pr-only` row the table never holds). */
export function rowApplies(version: KernelVersion, row: ProfileRow): boolean {
  if (row.evidence === 'pr-only') throw new Error(`profile row ${row.id} is known only from a pull request: it cannot decide an outcome`);
  return compareReleases(version, row.since) >= 0;
}

/** The oldest profile with the row's behaviour (for docs: a 6.16 change first shows on 6.18). */
export function firstProfileWith(row: ProfileRow): KernelVersion | undefined {
  return KERNEL_VERSIONS.find((v) => compareReleases(v, row.since) >= 0);
}

/** The row that removed `config` from `version`'s Kconfig, if that profile lacks it. */
export function configRemoval(version: KernelVersion, config: ConfigName): ProfileRow | undefined {
  return PROFILE_ROWS.find((r) => (r as ProfileRow).removesConfig === config && since(version, r.id));
}

/** The rows that change something between two profiles (a, b], for hover and docs. */
export function rowsBetween(a: KernelVersion, b: KernelVersion): readonly ProfileRow[] {
  return PROFILE_ROWS.filter((r) => compareReleases(a, r.since) < 0 && compareReleases(b, r.since) >= 0);
}
