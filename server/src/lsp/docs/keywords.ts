// Hover documentation for every keyword of the scenario language: the kernel call(s) it stands
// for, what happens in the kernel, and the rule IDs it can trigger. Our own words; the rule IDs
// link to the catalogue's docs (engine/rule-docs/registry.ts). Several words mean different things in
// different places (`read` is a CPU access, a DMA job, a sync direction, a resv usage or an IOMMU
// permission), so a doc is looked up by word and by the syntax node the word sits in.

import { SPECS, doc, operandDoc, type KeywordDoc } from '../../language/statements';
import { DEVICE_KEYWORDS, EXPORTER_KEYWORDS, PLATFORM_KEYWORDS } from '../../language/parser';
import { DMA_BUF_CALLBACKS, PIN_CALLBACKS } from '../../language/ast';
import { DEFAULT_KERNEL, KERNEL_VERSIONS, MAINLINE } from '../../language/profiles';

export type { KeywordDoc };

// ---- top level -------------------------------------------------------------------------------

const TOP: Record<string, KeywordDoc> = {
  import: doc('(language) import "file.dmabuf"', 'Makes the platforms of another .dmabuf file visible here. The path is relative to this file and must stay inside the workspace folder.', ['IMPORT']),
  platform: doc('(hardware + kernel configuration)', 'Declares a platform: architecture, kernel profile, configs, RAM, IOMMUs, PCI topology and devices. Built-ins: x86_64_pc, arm64_soc, arm32_soc.', ['NAME']),
  extends: doc('(language) platform P extends BASE', 'Copies the base platform; items in this block add to it or replace the base item of the same name.', ['NAME']),
  pending_write: doc('(an assumption of a `check`)', '`pending_write DEVICE`: the dma-bufs the checked functions receive were just written by DEVICE, whose write fence is still pending in their reservation (implicit sync), so a CPU access that does not wait for it races.', ['RACE-01', 'CPU-02']),
  check: doc('(the driver\'s own C)', '`check "driver.c" on PLATFORM [kernel V] { NAME = DEVICE }`: every function of the C file that calls the buffer-sharing API is checked path by path on the platform; `NAME = DEVICE` says which device a C expression ending in NAME (`dev`, `priv->dev`) is. Findings land on the C lines, with the path that leads to them.', ['NAME']),
  scenario: doc('(a driver\'s call sequence)', 'A sequence of buffer-sharing operations run on one platform. Statements run in order on the driver\'s CPU thread; device jobs run asynchronously, ordered only by fences.', ['NAME']),
  on: doc('(language) scenario S on PLATFORM', 'Names the platform the scenario runs on.', ['NAME']),
};

// ---- platform and device items -----------------------------------------------------------------

const PLATFORM: Record<string, KeywordDoc> = {
  arch: doc('CONFIG_X86_64 / CONFIG_ARM64 / CONFIG_ARM / CONFIG_RISCV', 'The CPU architecture: decides the DMA ops (dma-direct, dma-iommu, arm32\'s arch IOMMU code) and which cache maintenance arch_sync_dma_for_device/for_cpu performs on non-coherent devices.', ['COH-01', 'COH-03', 'IOMMU-10']),
  x86_64: doc('CONFIG_X86_64', 'x86-64: devices are cache-coherent by default (DMA snoops the CPU caches).'),
  arm64: doc('CONFIG_ARM64', 'arm64: devices are non-coherent unless declared `coherent yes`; arch_sync_dma_for_device cleans, for_cpu invalidates.', ['COH-01', 'COH-02']),
  arm32: doc('CONFIG_ARM', '32-bit ARM: non-coherent by default; with CONFIG_ARM_DMA_USE_IOMMU the arch code attaches each device to its own IOMMU mapping at probe.', ['IOMMU-10', 'CPU-04']),
  riscv64: doc('CONFIG_RISCV', 'RISC-V 64-bit: non-coherent unless declared `coherent yes` (Zicbom cache maintenance).'),
  kernel: doc(
    `(rule profile) Linux ${KERNEL_VERSIONS.join(' / ')} or mainline`,
    `Which kernel's rules apply: a profile, \`mainline\` (the newest modelled profile, ${MAINLINE}), or a range \`A..B\` that checks ` +
      `every profile from A to B (a version matrix). A platform's \`kernel\` line sets its scenarios' profile; a scenario's own ` +
      `clause (\`scenario s on arm64_soc kernel 6.12 {\`) sets that scenario's over it. What each profile changes is a row of the ` +
      `profile table, with its release, commit and evidence (hover a version). Default ${DEFAULT_KERNEL}.`,
    ['VER-01', 'VER-02', 'VER-03', 'VER-04', 'SYNTAX', 'NAME'],
  ),
  config: doc('CONFIG_<NAME>=y/n', 'A kernel config option. Configs change what the kernel does about a violation (a lockdep splat, a dma-debug line, silence), never whether it is reported.', []),
  page_size: doc('PAGE_SIZE', 'The CPU page size (default 4 KiB). Exporters build sg tables in pages; importers expect PAGE_SIZE-aligned entries.', ['MAP-07', 'SGT-06']),
  cma_area: doc('the default CMA area (cma= / the linux,cma reserved-memory node)', 'Size and physical base of the contiguous-memory area reserved at boot: `heap cma` buffers and dma_alloc_coherent() allocations of devices without an IOMMU come from it. Placed below 4 GiB it serves 32-bit devices without bouncing (as arm64 places the default area below its DMA32 limit). Without it (the built-in platforms declare none), `heap cma` takes contiguous RAM from the top, and a dma_alloc_coherent() of more than the page allocator\'s largest block (4 MiB) fails.', ['HEAP-03', 'DMAAPI-13']),
  ram: doc('memblock / System RAM with struct page', 'Size and physical base of system memory (default 4 GiB at 0 on x86_64, at 0x8000_0000 on ARM). The swiotlb pool sits at its bottom; buffers are allocated from its top downwards.', ['DMAAPI-13']),
  at: doc('(language) at OFFSET', 'A physical base address (`ram SIZE at BASE`) or the byte offset of an access (`at OFFSET size LEN`).'),
  size: doc('(language) size LEN', 'The number of bytes an access touches (`at OFFSET size LEN`). Without a range an access covers the whole buffer or table.'),
  page_sizes: doc('iommu_domain->pgsize_bitmap', 'Page sizes the IOMMU\'s page tables support (default 4 KiB, 2 MiB, 1 GiB). iommu_map needs IOVA, address and size aligned to the smallest.', ['IOMMU-07']),
  iova_bits: doc('domain->geometry.aperture_end', 'Width of the IOVA space (default 48 bits, 32 on arm32).', ['IOMMU-07']),
  host_bridge: doc('struct pci_host_bridge', 'A PCI host bridge (root complex). `p2p yes` means it is on the P2PDMA whitelist (pci_p2pdma_whitelist / cpu_supports_p2pdma), so peers on different root ports can reach each other through it.', ['P2P-05']),
  p2p: doc('pci_p2pdma_whitelist[] / cpu_supports_p2pdma()', 'Whether peer-to-peer transactions may cross this host bridge between root ports. No: pci_p2pdma_distance() says PCI_P2PDMA_MAP_NOT_SUPPORTED.', ['P2P-05', 'P2P-06']),
  switch: doc('PCIe switch (upstream + downstream ports)', 'A PCIe switch below a host bridge or another switch. Devices below one switch reach each other by bus address (PCI_P2PDMA_MAP_BUS_ADDR) unless ACS redirects their traffic upstream.', ['P2P-05']),
  under: doc('(language) switch S under UPSTREAM', 'The switch or host bridge above this switch.'),
  acs: doc('PCI_ACS_RR / PCI_ACS_CR (ACS redirect)', 'ACS redirect on the switch\'s downstream ports sends peer traffic up to the root complex: P2P between its devices then goes through the host bridge (and the IOMMU).', ['P2P-05']),
  device: doc('struct device', 'A DMA-capable device: its bus, coherency, DMA mask, segment limits, IOMMU group, BARs and how its driver exports buffers.'),
  bus: doc('dev->bus (pci_bus_type / platform_bus_type)', 'Where the device sits: `bus pci UPSTREAM` (a switch or host bridge) or `bus platform` (an SoC device).', ['P2P-05']),
  pci: doc('struct pci_dev', 'A PCI(e) function below the named switch or host bridge (on a root port of its own when it names a host bridge).', ['P2P-05']),
  untrusted: doc('pci_dev->untrusted (an external-facing port: Thunderbolt, USB4)', 'The device may be hostile. Its group gets a strict DMA domain (IOMMU_DOMAIN_DMA, never the flush queue: iommu_get_def_domain_type()), and dma-iommu bounces any mapping whose start or length is not a multiple of the IOMMU page through swiotlb, zeroing the padding, so the device never sees the rest of the page (dev_use_swiotlb(), iommu_dma_map_page()). Default no; PCI devices only.', ['DMAAPI-13', 'DMAAPI-17', 'IOMMU-09']),
  coherent: doc('dev_is_dma_coherent(dev)', 'Whether the device\'s DMA snoops the CPU caches. Non-coherent devices rely on dma_sync_* / map/unmap cache maintenance; getting it wrong is a stale read or a lost write.', ['COH-01', 'COH-02', 'COH-03', 'DMAAPI-07']),
  dma_mask: doc('dma_set_mask_and_coherent(dev, DMA_BIT_MASK(n))', 'How many address bits the device can drive (default 64). Without an IOMMU, memory above the mask is bounced through swiotlb (or the map fails).', ['DMAAPI-02', 'DMAAPI-13', 'DMAAPI-15']),
  max_segment: doc('dma_set_max_seg_size(dev, size)', 'The longest DMA segment the device accepts (default 64 KiB; 4 GiB or more means UINT_MAX). Mapping merges entries only up to it.', ['SGT-05', 'SGT-07']),
  segment_boundary: doc('dma_set_seg_boundary(dev, mask)', 'A DMA segment must not cross a multiple of this size (default 4 GiB on PCI, none on platform devices).', ['SGT-05']),
  group: doc('struct iommu_group', 'The IOMMU group: the unit of isolation. Devices naming the same group share one domain; iommu_attach_device needs a group of one device.', ['IOMMU-01', 'IOMMU-02', 'IOMMU-06']),
  bar: doc('pci_resource_start(pdev, BAR) / pci_p2pdma_add_resource()', 'Device memory behind a PCI BAR (VRAM, a CMB). Without `mmio` it is memory a ttm exporter may place buffers in and peers may reach by P2P; it has no struct page unless registered as P2PDMA memory.', ['P2P-02', 'P2P-08', 'P2P-09']),
  mmio: doc('ioremap() register space', 'The BAR is registers with side effects (a doorbell), not memory: it must not be handed out as buffer memory.', ['P2P-08']),
  exporter: doc('struct dma_buf_ops of the device\'s driver', 'How this device\'s driver exports buffers: `gem` (static, system memory, cached mapping), `ttm` (dynamic, VRAM or system memory, pin/move_notify), `none` (cannot export), or the name of an `exporter NAME { … }` the platform describes (the driver\'s own dma_buf_ops).', ['EXP-01', 'EXP-02', 'MAP-02', 'ATT-03']),
  gem: doc('drm_gem_prime_export() / drm_gem_map_dma_buf()', 'A static GEM exporter of system memory: up to 6.15 it has the core cache one mapping per attachment (cache_sgt_mapping; 6.16 dropped it, so from then on every map reaches the exporter), maps with DMA_ATTR_SKIP_CPU_SYNC and has no begin/end_cpu_access.', ['MAP-02', 'CPU-05', 'EXP-02']),
  ttm: doc('amdgpu_dma_buf_ops / xe dma-buf ops (TTM)', 'A dynamic exporter: places buffers in VRAM (a BAR) or system memory, supports pin/unpin and move_notify, hands page-less P2P tables to importers that accept them.', ['P2P-02', 'P2P-03', 'P2P-04', 'MOVE-01', 'MAP-04']),
  none: doc('(no dma_buf_ops)', 'The driver cannot export buffers: `export` from this device is an error.', ['EXP-01']),
  yes: doc('(language) boolean', 'Yes / true.'),
  no: doc('(language) boolean', 'No / false.'),
};

/**
 * Words of an `exporter NAME { … }` description: its lines, and the values they take. Several are
 * also statement words (`attach`, `pin`, `mmap` name dma_buf_ops members here).
 */
const EXPORTER: Record<string, KeywordDoc> = {
  exporter: doc('struct dma_buf_ops (the driver\'s own exporter)', 'Describes the dma_buf_ops a driver writes: which callbacks exist and how they behave. A device uses it with `exporter NAME`; `export` from that device runs dma_buf_export() with these ops.', ['EXP-01', 'EXP-02', 'EXP-03', 'ATT-02', 'P2P-02', 'P2P-09', 'MAP-07']),
  ops: doc('struct dma_buf_ops { .attach, .map_dma_buf, … }', 'The members the driver fills in. map_dma_buf, unmap_dma_buf and release are mandatory (dma_buf_export() WARNs and returns -EINVAL without them); pin and unpin come as a pair and make the exporter dynamic; without mmap, vmap or begin/end_cpu_access those calls fail or do nothing.', ['EXP-01', 'EXP-02', 'EXP-03', 'EXP-04', 'CPU-05']),
  cache_sgt_mapping: doc('dma_buf_ops.cache_sgt_mapping', 'The core keeps the first mapping per attachment and hands it out again (up to 6.15; the member is gone from 6.16). Not allowed together with pin/unpin: dma_buf_export() WARNs and returns -EINVAL.', ['EXP-02', 'MAP-02']),
  map_attrs: doc('dma_map_sgtable(attach->dev, sgt, dir, attrs) in map_dma_buf', '`skip_cpu_sync`: DMA_ATTR_SKIP_CPU_SYNC, no cache maintenance at map or unmap (GEM, amdgpu, udmabuf); `none`: attrs 0, map syncs for the device and unmap for the CPU (the heaps). Default none.', ['COH-01', 'DMAAPI-11']),
  table: doc('the sg_table map_dma_buf returns', '`per_call`: a new table at every map (GEM, amdgpu); `per_attachment`: one table per attachment made at attach and mapped at every map, so a second map without unmap maps it twice (the heaps). Default per_call.', ['MAP-03']),
  bar_entries: doc('sg_set_page(sg, NULL, len, 0) + dma_map_resource(), or P2PDMA pages', 'For a buffer in a BAR: `pageless` hands page-less entries (dma_map_resource) only to importers with attach->peer2peer and fails the map for others with -EPERM (habanalabs); `pageless_for_all` hands them to every importer, which dma-buf forbids; `pages` maps the BAR\'s P2PDMA struct pages (pci_p2pdma_add_resource) with dma_map_sgtable, which checks reachability itself. Default pageless.', ['P2P-02', 'P2P-06', 'P2P-09', 'MAP-06']),
  peer2peer: doc('ops->attach and attach->peer2peer', '`trust`: keeps the importer\'s peer2peer as asked (no reachability check before dma_map_resource); `check_distance`: drops it when pci_p2pdma_distance() < 0 (amdgpu); `require`: drops it, then refuses importers without it with -EOPNOTSUPP (xe VRAM-only BOs, vfio-pci). Default trust.', ['P2P-03', 'P2P-09', 'ATT-02']),
  cpu_access: doc('ops->begin_cpu_access / end_cpu_access', '`sync_mapped`: sync every mapped attachment in the bracket\'s direction (the heaps); `nothing`: return 0 without cache maintenance (vb2-dma-contig); `sync_own_to_device|from_device|bidirectional`: sync the exporter\'s own mapping for its device in that fixed direction, whatever the bracket\'s (vb2-dma-sg, the queue\'s direction). Default sync_mapped.', ['CPU-05', 'CPU-08', 'COH-02']),
  cpu_mapping: doc('pgprot of ops->mmap / ops->vmap', '`cached` (PAGE_KERNEL / the VMA\'s default) or `write_combined` (pgprot_writecombine) for buffers in system memory; a BAR is always write-combined. Default cached.', ['COH-03', 'CPU-02']),
  attachment_walk: doc('list_for_each_entry(a, &dmabuf->attachments, node) in the driver\'s ops', 'Where the ops walk the core\'s attachment list, which the reservation lock protects: `at_map` in map_dma_buf (safe from 6.2, where every map holds the lock; on 6.1 a static importer of a static exporter maps without it), `at_cpu_access` in begin/end_cpu_access (never holding it), `none` (a list of the exporter\'s own, as the heaps). Default none.', ['ATT-05']),
  clear: doc('the exporter\'s clear of newly allocated memory', 'How the allocation behind the export clears old data: `sync` before dma_buf_export() returns (default); `kernel_fence`: a clear job on the exporting device whose fence goes into the reservation as DMA_RESV_USAGE_KERNEL (amdgpu\'s and xe\'s VRAM clears): static importers wait for it at map, dynamic importers must (MAP-05); `unpublished`: a clear job whose fence the driver keeps to itself, so pin and map_dma_buf return with memory not yet cleared (PIN-02).', ['PIN-02', 'MAP-05']),
  entry_offset: doc('sg->offset / sg_dma_address of the first entry', 'The table map_dma_buf returns starts this many bytes into its first page: not PAGE_SIZE aligned, which dma-buf requires of exporters and only reports with pr_debug under CONFIG_DMA_API_DEBUG.', ['MAP-07']),
  skip_cpu_sync: doc('DMA_ATTR_SKIP_CPU_SYNC', 'No cache maintenance at map or unmap.', ['DMAAPI-11']),
  none: doc('attrs 0', 'The DMA API syncs for the device at map and for the CPU at unmap.'),
  per_call: doc('a new sg_table per map_dma_buf', 'Every map builds and DMA-maps a new table.'),
  per_attachment: doc('one sg_table per attachment (system_heap_attach())', 'Made at attach, DMA-mapped at every map_dma_buf.', ['MAP-03']),
  pageless: doc('sg_set_page(sg, NULL, …) + dma_map_resource() if attach->peer2peer, else -EPERM', 'As habanalabs: importers without peer2peer cannot map the buffer.', ['P2P-02', 'P2P-09']),
  pageless_for_all: doc('sg_set_page(sg, NULL, …) + dma_map_resource() for every importer', 'Importers without peer2peer get entries without struct page too (P2P-02).', ['P2P-02']),
  pages: doc('pci_p2pdma_add_resource() pages + dma_map_sgtable()', 'The BAR is P2PDMA memory with struct pages; dma_map_sgtable() refuses an unreachable importer with -EREMOTEIO.', ['P2P-06', 'P2P-07']),
  trust: doc('no pci_p2pdma_distance() in ops->attach', 'attach->peer2peer stays as the importer asked.', ['P2P-09']),
  check_distance: doc('pci_p2pdma_distance(exporter, attach->dev, false) < 0 → attach->peer2peer = false', 'As amdgpu_dma_buf_attach().', ['P2P-03']),
  require: doc('return -EOPNOTSUPP if !attach->peer2peer', 'As xe_dma_buf_attach() for VRAM-only BOs and vfio-pci.', ['ATT-02']),
  sync_mapped: doc('dma_sync_sgtable_for_cpu/for_device(a->dev, a->table, dir) per mapped attachment', 'As the system and CMA heaps.', ['CPU-08']),
  nothing: doc('return 0', 'The callbacks exist but do no cache maintenance (vb2-dma-contig).', ['COH-02']),
  sync_own_to_device: doc('dma_sync_sgtable_for_cpu/for_device(buf->dev, buf->dma_sgt, DMA_TO_DEVICE)', 'vb2-dma-sg of an output queue: the exporter\'s own mapping, synced in its own direction; for_cpu of DMA_TO_DEVICE does nothing, so a read bracket does not invalidate (CPU-07).', ['CPU-07']),
  sync_own_from_device: doc('dma_sync_sgtable_for_cpu/for_device(buf->dev, buf->dma_sgt, DMA_FROM_DEVICE)', 'vb2-dma-sg of a capture queue: the exporter\'s own mapping, synced in its own direction; on arm32 the end of a write bracket invalidates (CPU-07).', ['CPU-07']),
  sync_own_bidirectional: doc('dma_sync_sgtable_for_cpu/for_device(buf->dev, buf->dma_sgt, DMA_BIDIRECTIONAL)', 'The exporter\'s own mapping, synced both ways: invalidate at begin, clean at end.', []),
  cached: doc('PAGE_KERNEL / vma->vm_page_prot', 'CPU mappings go through the caches.', ['COH-03']),
  write_combined: doc('pgprot_writecombine()', 'CPU mappings bypass the caches (writes are buffered and combined).'),
  yes: doc('(language) boolean', 'Yes / true.'),
  no: doc('(language) boolean', 'No / false.'),
};
const EXPORTER_KINDS = new Set(['ExporterDecl', 'ExpOps', 'ExpCacheSgt', 'ExpMapAttrs', 'ExpTable', 'ExpBarEntries', 'ExpPeer2peer', 'ExpCpuAccess', 'ExpCpuMapping', 'ExpAttachmentWalk', 'ExpClear', 'ExpEntryOffset']);

/** The values of `attachment_walk`, whose words are also line or statement words elsewhere. */
const ATTACHMENT_WALK: Record<string, KeywordDoc> = {
  at_map: doc('the walk in ops->map_dma_buf', 'Relies on the caller holding dmabuf->resv: every map from 6.2; on 6.1 only dynamic importers or exporters.', ['ATT-05']),
  at_cpu_access: doc('the walk in ops->begin_cpu_access / end_cpu_access', 'The core calls them without dmabuf->resv: the walk races with attach and detach unless the ops take the lock.', ['ATT-05']),
  none: doc('no walk of dmabuf->attachments', 'The ops keep a list of their own under their own lock (the heaps), or need none.'),
};
/** The values of `clear`, whose first word is also a statement word elsewhere. */
const CLEAR: Record<string, KeywordDoc> = {
  sync: doc('the clear completes before dma_buf_export() returns', 'The memory is cleared by the time anyone can attach.'),
  kernel_fence: doc('clear job + dma_resv_add_fence(resv, fence, DMA_RESV_USAGE_KERNEL)', 'The core waits for it before a static importer\'s map returns (__map_dma_buf()); a dynamic importer must wait for KERNEL fences itself.', ['MAP-05']),
  unpublished: doc('clear job whose fence stays in the driver', '"the driver must guarantee that the memory is available for use and cleared of any old data by the time this function returns" (pin, map_dma_buf): nobody can wait for this clear.', ['PIN-02']),
};
const CALLBACK_DOC = (word: string): KeywordDoc | undefined =>
  (DMA_BUF_CALLBACKS as readonly string[]).includes(word)
    ? doc(`struct dma_buf_ops.${word}`, 'A member of the driver\'s dma_buf_ops (include/linux/dma-buf.h).', (PIN_CALLBACKS as readonly string[]).includes(word) ? ['EXP-02', 'EXP-03'] : [])
    : undefined;

/** The item-level `iommu` keyword differs in a platform (a declaration) and a device (its group). */
const PLATFORM_IOMMU = doc('struct iommu_device', 'An IOMMU instance: its page sizes and IOVA width. Devices name it with `iommu NAME group GROUP`.', ['IOMMU-07', 'IOMMU-08']);
const DEVICE_IOMMU = doc('dev->iommu_group / iommu_group_get(dev)', 'The device sits behind this IOMMU, in the named IOMMU group. Its DMA goes through the domain its group is attached to (the default DMA domain unless a driver attached another).', ['IOMMU-01', 'IOMMU-05', 'IOMMU-08']);

const CONFIGS: Record<string, KeywordDoc> = {
  DMA_API_DEBUG: doc('CONFIG_DMA_API_DEBUG', 'dma-debug checks map/unmap/sync bookkeeping and prints a warning for each violation it sees; off, those violations are silent.', ['DMAAPI-04', 'DMAAPI-05', 'DMAAPI-10', 'DMAAPI-16']),
  DMABUF_DEBUG: doc('CONFIG_DMABUF_DEBUG', 'dma-buf mangles the page pointers of sg tables handed to importers, so an importer that touches struct page crashes loudly instead of silently.', ['MAP-06', 'VER-05']),
  DMABUF_MOVE_NOTIFY: doc('CONFIG_DMABUF_MOVE_NOTIFY', 'Enables dynamic importers with move_notify; off, dynamic exporters pin buffers for every importer. Gone in 7.1, where it is always on (609fc8766d68).', ['ATT-01', 'ATT-03', 'P2P-01']),
  LOCKDEP: doc('CONFIG_LOCKDEP (CONFIG_PROVE_LOCKING)', 'Lock assertions (dma_resv_assert_held) and lock-order checks report a splat; off, locking mistakes are silent until they bite.', ['MAP-01', 'RESV-04', 'FENCE-05']),
  ARM_DMA_USE_IOMMU: doc('CONFIG_ARM_DMA_USE_IOMMU', '32-bit ARM: the arch DMA code creates an IOMMU mapping per device at probe and attaches the device to it (default yes on arm32).', ['IOMMU-10']),
  IOMMU_DEFAULT_DMA_LAZY: doc('CONFIG_IOMMU_DEFAULT_DMA_LAZY', 'Default DMA domains are IOMMU_DOMAIN_DMA_FQ: dma_unmap_*() queues the IOTLB invalidation (a flush queue) instead of waiting for it, so a device may still reach unmapped pages for a while (IOMMU-09). The Kconfig default on x86 (yes here); elsewhere the default is strict (no): unmapping invalidates at once and a later access faults (IOMMU-08). `iommu.strict=` overrides it at boot.', ['IOMMU-09', 'IOMMU-08']),
  SWIOTLB: doc('CONFIG_SWIOTLB', 'A 64 MiB bounce pool at the bottom of RAM, used when a device cannot reach an address (default yes; never forced).', ['DMAAPI-13', 'DMAAPI-14', 'DMAAPI-15', 'P2P-07']),
};

// ---- statements ----------------------------------------------------------------------------------

// Statement docs live in the statement table (language/statements.ts); `add` is resv's operand word.
const STATEMENTS: Record<string, KeywordDoc> = {
  ...Object.fromEntries(SPECS.flatMap((s) => s.keywords.map((k) => [k.word, k.doc]))),
  add: doc('dma_resv_add_fence(resv, fence, usage)', 'Adds the fence to the reservation object with the given usage.', ['RESV-04', 'RESV-06']),
};

// ---- words inside statements -------------------------------------------------------------------

const DIRECTIONS: Record<string, KeywordDoc> = {
  to_device: doc('DMA_TO_DEVICE', 'The device only reads: caches are cleaned at map; dma-iommu maps the IOVA read-only, so a device write faults.', ['DMAAPI-01', 'DMAAPI-08', 'MAP-02']),
  from_device: doc('DMA_FROM_DEVICE', 'The device only writes: caches are invalidated at unmap / sync_for_cpu; the IOVA is write-only for the device.', ['DMAAPI-01', 'DMAAPI-08', 'MAP-02']),
  bidirectional: doc('DMA_BIDIRECTIONAL', 'The device reads and writes: clean at map, invalidate at unmap / sync_for_cpu.', ['DMAAPI-01', 'MAP-02']),
};

const FLAGS: Record<string, KeywordDoc> = {
  contiguous: doc('one physically contiguous allocation', 'The exporter allocates the buffer as a single physical range.', ['SGT-07']),
  system: doc('system memory (struct-page RAM)', 'Backing store in system RAM.', ['P2P-04']),
  cma: doc('the CMA heap (cma_alloc)', 'One physically contiguous range from the CMA area.', ['HEAP-03']),
  dynamic: doc('dma_buf_dynamic_attach(dmabuf, dev, importer_ops, priv)', 'A dynamic importer: supplies move_notify, must hold the resv lock for map/unmap and must wait for the exporter\'s KERNEL fences itself.', ['ATT-01', 'MAP-01', 'MAP-05', 'MOVE-01', 'P2P-01']),
  no_move_notify: doc('importer_ops without .move_notify (.invalidate_mappings from 7.1)', 'A dynamic importer that cannot be told of moves. Up to 7.0 dma_buf_dynamic_attach() WARNs and returns -EINVAL; from 7.1 the callback is optional and the exporter\'s invalidation skips the attachment, so the importer must pin or never keep a mapping across a move.', ['ATT-01', 'MOVE-01']),
  peer2peer: doc('importer_ops->allow_peer2peer = true', 'The importer accepts sg tables whose entries have no struct page (P2P BAR addresses). Only dynamic importers may set it.', ['P2P-01', 'P2P-02', 'P2P-03', 'MAP-06']),
  skip_cpu_sync: doc('DMA_ATTR_SKIP_CPU_SYNC', 'Skips the CPU cache maintenance at map/unmap; the caller takes responsibility for it.', ['DMAAPI-11', 'COH-02']),
  on: doc('PCI_COMMAND_MEMORY set', '`memory_decode DEV on`: the device decodes its memory BARs again; vfio-pci gives its revoked dma-bufs back (not those of a closed fd).', ['MAP-09']),
  off: doc('PCI_COMMAND_MEMORY cleared', '`memory_decode DEV off`: the BARs stop decoding; vfio-pci revokes every dma-buf it exported from them.', ['MAP-09', 'MOVE-04', 'HANG-01']),
  mmio: doc('DMA_ATTR_MMIO (6.18+)', 'The address is MMIO (a BAR), not memory: no CPU cache maintenance, no swiotlb bounce, IOMMU_MMIO in the IOMMU. RAM must not have it, and dma_unmap_phys() must repeat it.', ['DMAAPI-18']),
  offset: doc('the offset argument of dma_iova_link()', 'Where in the IOVA range the memory is linked (default 0). Every link but the one at offset 0 must start on an IOMMU page.', ['DMAAPI-17']),
  nents: doc('dma_unmap_sg(dev, sgl, nents, dir)', 'The entry count passed to unmap: it must be the count passed to map (orig_nents), not the count map returned.', ['DMAAPI-04', 'SGT-02']),
  for_cpu: doc('dma_sync_sgtable_for_cpu(dev, sgt, dir)', 'Gives ownership to the CPU: invalidate caches (FROM_DEVICE/BIDIRECTIONAL) or copy back from the bounce buffer.', ['DMAAPI-07', 'DMAAPI-14']),
  for_device: doc('dma_sync_sgtable_for_device(dev, sgt, dir)', 'Gives ownership to the device: clean caches or copy to the bounce buffer.', ['DMAAPI-07', 'DMAAPI-14']),
  context: doc('dma_fence_context_alloc(1) (a named timeline)', '`fence context C seqno N`: the fence belongs to timeline C (the first mention allocates it); fences of one context must signal in seqno order.', ['FENCE-02', 'RESV-06']),
  seqno: doc('dma_fence_init(..., context, seqno)', 'The fence\'s sequence number on its context: a later seqno must not signal before an earlier one.', ['FENCE-02', 'RESV-06']),
  userspace: doc('a future / proxy / userspace fence imported as a dma_fence', 'The fence completes when userspace says so: it must never become a kernel dependency (Documentation/driver-api/dma-buf.rst).', ['FENCE-09']),
  timeout: doc('dma_fence_wait_timeout() / dma_resv_wait_timeout() timeout (jiffies)', 'A bounded wait: returns 0 when the time runs out instead of hanging; negative WARNs and returns -EINVAL; 0 only tests (dma_fence_is_signaled / dma_resv_test_signaled).', ['FENCE-06', 'RESV-08']),
  any: doc('dma_fence_array_create(..., signal_on_any = true)', 'The array signals as soon as one of its fences does.', ['FENCE-08']),
  prev: doc('dma_fence_chain_init(chain, prev, ...)', 'The previous link of the timeline: this node signals only after it (and every earlier link) has.', ['FENCE-08']),
  iova: doc('(language) iova DOMAIN ADDR', 'The job accesses one page at this IOVA, translated through the domain the device\'s group is attached to at that moment.', ['IOMMU-08', 'IOMMU-05']),
  after: doc('drm_sched_job_add_dependency() / explicit in-fences', 'The job starts only after these fences signal.', ['RACE-01', 'HANG-01']),
  implicit: doc('dma_resv_usage_rw() + dma_resv_add_fence() at submission', 'Implicit sync: the job waits the buffer\'s reservation fences per dma_resv_usage_rw (readers wait for writers, writers wait for everyone) and adds its own fence as READ or WRITE.', ['RESV-02', 'RESV-03', 'RACE-01']),
  atomic: doc('GFP_ATOMIC', 'An allocation that never sleeps or reclaims: allowed inside a signalling section.', ['FENCE-05']),
  bookkeep: doc('DMA_RESV_USAGE_BOOKKEEP', 'Fences nobody implicitly waits for (e.g. page-table updates, preemption fences).', ['RESV-01']),
};

/** `dma_map … none`: the direction every streaming DMA API entry point BUGs on. */
const DMA_NONE = doc('DMA_NONE', 'Not a direction: every streaming map, unmap and sync call hits BUG_ON(!valid_dma_direction(dir)) with it. Only for debugging.', ['DMAAPI-01']);

/** `begin_cpu BUF none`: DMA_BUF_IOCTL_SYNC flags without READ or WRITE. */
const SYNC_FILE_NONE = doc('.flags = 0', 'Neither DMA_BUF_SYNC_READ nor DMA_BUF_SYNC_WRITE: DMA_BUF_IOCTL_EXPORT_SYNC_FILE / _IMPORT_SYNC_FILE return -EINVAL.', ['SYNCF-01']);
const SYNC_NONE = doc('DMA_BUF_SYNC_START / DMA_BUF_SYNC_END alone', 'Neither DMA_BUF_SYNC_READ nor DMA_BUF_SYNC_WRITE: the ioctl returns -EINVAL and the bracket does not open or close.', ['CPU-01']);

/** `submit … walk W`: how the driver walks the mapped table to fill the job's descriptors. */
const WALKS: Record<string, KeywordDoc> = {
  walk: doc('the descriptor loop over the mapped sg_table', 'How the driver fills the job\'s descriptors from the table: `nents` (for_each_sgtable_dma_sg, right), `orig_nents` (every CPU entry\'s DMA fields) or `pointer` (sg++ instead of sg_next()). Without `walk`, the job is given the DMA segments.', ['SGT-02', 'SGT-06']),
  nents: doc('for_each_sgtable_dma_sg(sgt, sg, i)', 'Walks the nents DMA segments with sg_next(), reading sg_dma_address()/sg_dma_len(): what a driver must do.', ['SGT-02']),
  orig_nents: doc('for_each_sg(sgt->sgl, sg, sgt->orig_nents, i)', 'Reads the DMA fields of every CPU entry: past nents they are DMA_MAPPING_ERROR and 0 when the IOMMU merged the table.', ['SGT-02']),
  pointer: doc('for (i = 0; i < sgt->nents; i++, sg++)', 'Steps through the DMA segments with pointer arithmetic: right only inside one allocation; a chained table\'s link and the memory after it become descriptors.', ['SGT-06']),
};

const USAGES: Record<string, KeywordDoc> = {
  kernel: doc('DMA_RESV_USAGE_KERNEL', 'Kernel memory-management work (moves, clears): everyone must wait for it.', ['RESV-01', 'MAP-05']),
  write: doc('DMA_RESV_USAGE_WRITE', 'Implicit-sync writers: readers wait for these.', ['RESV-01', 'RESV-02', 'RESV-03']),
  read: doc('DMA_RESV_USAGE_READ', 'Implicit-sync readers: writers wait for these as well.', ['RESV-01', 'RESV-02', 'RESV-03']),
  bookkeep: FLAGS.bookkeep,
};

const POLL_EVENTS: Record<string, KeywordDoc> = {
  in: doc('POLLIN (EPOLLIN)', 'Ready when the KERNEL and WRITE fences have signalled (dma_resv_usage_rw(false)): the last writer is done, readers may still run.', ['POLL-01', 'RESV-02']),
  out: doc('POLLOUT (EPOLLOUT)', 'Ready when every fence but BOOKKEEP has signalled (dma_resv_usage_rw(true)): readers and writers are done.', ['POLL-01', 'RESV-02']),
};

const CPU_DIRS: Record<string, KeywordDoc> = {
  read: doc('DMA_BUF_SYNC_READ (DMA_FROM_DEVICE)', 'The CPU will only read in this bracket.', ['CPU-01', 'CPU-04']),
  write: doc('DMA_BUF_SYNC_WRITE (DMA_TO_DEVICE)', 'The CPU will only write in this bracket.', ['CPU-01', 'CPU-04']),
  rw: doc('DMA_BUF_SYNC_RW (DMA_BIDIRECTIONAL)', 'The CPU reads and writes in this bracket.', ['CPU-01', 'CPU-04']),
};

const CPU_ACCESS: Record<string, KeywordDoc> = {
  read: doc('CPU load', 'The CPU reads through the mapping (possibly from a stale cache line).', ['COH-01', 'CPU-02', 'RACE-01']),
  write: doc('CPU store', 'The CPU writes through the mapping (dirtying cache lines on cacheable mappings).', ['COH-03', 'CPU-02', 'RACE-01']),
};

const DEVICE_ACCESS: Record<string, KeywordDoc> = {
  read: doc('device DMA read', 'The device reads memory through its mapping (without snooping caches if non-coherent).', ['COH-02', 'IOMMU-08', 'DMAAPI-08', 'RACE-01']),
  write: doc('device DMA write', 'The device writes memory through its mapping.', ['COH-03', 'IOMMU-08', 'DMAAPI-08', 'RACE-01']),
};

const PROTS: Record<string, KeywordDoc> = {
  read: doc('IOMMU_READ', 'The device may read through this IOVA.', ['IOMMU-08']),
  write: doc('IOMMU_WRITE', 'The device may write through this IOVA.', ['IOMMU-08']),
  rw: doc('IOMMU_READ | IOMMU_WRITE', 'The device may read and write through this IOVA.', ['IOMMU-08']),
};

const GFP: Record<string, KeywordDoc> = {
  kernel: doc('GFP_KERNEL', 'An allocation that may sleep and enter reclaim (which can wait on fences): forbidden inside a signalling section.', ['FENCE-05']),
  atomic: FLAGS.atomic,
};

/** Where the cursor is: the kind of the innermost item or statement, and whether it is on its leading keyword. */
export interface KeywordContext {
  readonly kind?: string;
  readonly leading: boolean;
}

/** Docs for `word` in `ctx`; undefined when the word is not a keyword there. */
export function keywordDoc(word: string, ctx: KeywordContext): KeywordDoc | undefined {
  if (word in CONFIGS) return CONFIGS[word];
  const kind = ctx.kind;
  if (kind === 'ExpAttachmentWalk' && !ctx.leading && word in ATTACHMENT_WALK) return ATTACHMENT_WALK[word];
  if (kind === 'ExpClear' && !ctx.leading && word in CLEAR) return CLEAR[word];
  if (kind !== undefined && EXPORTER_KINDS.has(kind)) return EXPORTER[word] ?? (kind === 'ExpOps' ? CALLBACK_DOC(word) : undefined);
  if (word === 'iommu') return kind === 'DeviceIommu' ? DEVICE_IOMMU : PLATFORM_IOMMU;
  if (word === 'platform' && kind === 'BusPlatform') return doc('platform_bus_type', 'An SoC device on the platform bus: no PCI topology, no P2P.');
  if (word === 'kernel' && kind === 'Alloc') return GFP.kernel;
  if (word === 'atomic') return GFP.atomic;
  const operand = kind !== undefined && !ctx.leading ? operandDoc(kind, word) : undefined;
  if (operand) return operand;
  if (word === 'group' && (kind === 'AttachDomain' || kind === 'DetachDomain')) return doc('iommu_attach_group / iommu_detach_group', 'Acts on the whole IOMMU group rather than one device.', ['IOMMU-01', 'IOMMU-06']);
  if (kind === 'ResvAdd' || kind === 'WaitResv') {
    if (ctx.leading) return STATEMENTS[word];
    return USAGES[word] ?? STATEMENTS[word];
  }
  if (kind === 'BeginCpu' || kind === 'EndCpu' || kind === 'ExportSyncFile' || kind === 'ImportSyncFile') {
    if (!ctx.leading && word in CPU_DIRS) return CPU_DIRS[word];
  }
  if (kind === 'CpuAccess' && word in CPU_ACCESS) return CPU_ACCESS[word];
  if (kind === 'Poll' && !ctx.leading && word in POLL_EVENTS) return POLL_EVENTS[word];
  if (word === 'none' && (kind === 'DmaMap' || kind === 'DmaUnmap' || kind === 'DmaSync')) return DMA_NONE;
  if (word === 'none' && (kind === 'BeginCpu' || kind === 'EndCpu')) return SYNC_NONE;
  if (word === 'none' && (kind === 'ExportSyncFile' || kind === 'ImportSyncFile')) return SYNC_FILE_NONE;
  if (kind === 'Submit' && word in DEVICE_ACCESS) return DEVICE_ACCESS[word];
  if (kind === 'Submit' && !ctx.leading && word in WALKS) return WALKS[word];
  if (kind === 'IommuMap' && !ctx.leading && word in PROTS) return PROTS[word];
  if (kind === 'Kernel' && word === 'kernel') return PLATFORM.kernel;
  if (word === 'cma' && kind === 'Cma') return PLATFORM.cma_area;
  if (ctx.leading && word in STATEMENTS && kind !== undefined && !isPlatformKind(kind)) return STATEMENTS[word];
  return STATEMENTS[word] ?? DIRECTIONS[word] ?? FLAGS[word] ?? PLATFORM[word] ?? TOP[word] ?? USAGES[word] ?? CPU_DIRS[word] ?? WALKS[word] ?? POLL_EVENTS[word];
}

const PLATFORM_KINDS = new Set([
  'Platform', 'Arch', 'Kernel', 'Config', 'PageSize', 'Ram', 'Cma', 'Iommu', 'HostBridge', 'Switch', 'Device',
  'BusPci', 'BusPlatform', 'Coherent', 'DmaMask', 'MaxSegment', 'SegmentBoundary', 'DeviceIommu', 'Bar', 'Exporter',
  ...EXPORTER_KINDS,
]);

export function isPlatformKind(kind: string): boolean {
  return PLATFORM_KINDS.has(kind);
}

/** Every word that is a keyword somewhere (semantic tokens, completion, the docs' own test). */
export const ALL_KEYWORDS: ReadonlySet<string> = new Set([
  ...Object.keys(TOP), ...Object.keys(PLATFORM), ...Object.keys(CONFIGS), ...Object.keys(STATEMENTS),
  ...Object.keys(DIRECTIONS), ...Object.keys(FLAGS), ...Object.keys(USAGES), ...Object.keys(CPU_DIRS), ...Object.keys(EXPORTER),
  'iommu', 'atomic', 'kernel', 'rw',
]);

export const CONFIG_WORDS: readonly string[] = Object.keys(CONFIGS);
/** The parser's item keywords (one list for parsing, completion and docs). */
export const PLATFORM_ITEM_WORDS: readonly string[] = PLATFORM_KEYWORDS;
export const DEVICE_ITEM_WORDS: readonly string[] = DEVICE_KEYWORDS;
export const EXPORTER_ITEM_WORDS: readonly string[] = EXPORTER_KEYWORDS;
