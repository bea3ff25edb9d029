// Every kernel site the engine's messages cite, written once, and how a citation renders on each
// kernel profile. Messages used to hard-code Linux 6.1 `file:lines`; a kernel engineer on another
// profile would read line numbers that are wrong for their tree. So a message names a site
// (`ctx.cite('dma_buf_dynamic_attach.resv-lock')`) and the profile picks what is true for it:
//  - 6.1 and 6.2: the 6.1 lines, exactly as the messages always printed them. 6.2 differs from 6.1,
//    but the fixtures and the documented output of the default profile (6.2) cite 6.1 lines, and no
//    6.2 tree is at hand to do better.
//  - 6.12: the 6.12 lines (Debian's 6.12.118 tree), found by matching the 6.1 text
//    (scripts/citations-propose.mjs) and, where the text changed, by reading the code (`match:
//    'hand'`, with a `note` saying what changed). scripts/citations-check.mjs re-verifies both
//    columns against the trees.
//  - 6.6 and newer than 6.12 (no tree): file and symbol (`drivers/dma-buf/dma-buf.c,
//    dma_buf_detach()`), and only where the symbol is known to exist there: on 6.6 when 6.1 and
//    6.12 both have it; after 6.12 when a newer tree was read (`seenAfter612`) and no rename or
//    removal (`renamed`, `until`) says otherwise. Anything else renders the file alone.
import { assertNever } from '../../common/assert';
import { compareReleases, type KernelVersion, type Release } from '../../language/profiles';

/** First and last line, both included. */
export type Lines = readonly [number, number];

export interface CitedSite {
  /** Path in the kernel tree. */
  readonly file: string;
  /** What holds the lines on 6.1: `fn()`, a function-like macro `M()`, `struct s`, `enum e`, `DOC: title`, or an rst `section "title"`. */
  readonly symbol: string;
  /** The 6.1.192 lines: what the messages cite on 6.1 and 6.2. */
  readonly v61: Lines;
  /** The 6.12.118 lines; null when 6.12 no longer has the code (see `until`). */
  readonly v612: Lines | null;
  /** How v612 was found: the same text (`text`), the same whole symbol (`symbol`), or reading the code (`hand`). */
  readonly match: 'text' | 'symbol' | 'hand';
  /** The symbol holding the lines on 6.12 when it is not `symbol` (code moved into another function). */
  readonly symbol612?: string;
  /** The symbol was read, under this name, in a tree newer than 6.12 (see SEEN_AFTER_612). */
  readonly seenAfter612?: true;
  /** The first release without the cited code (a profile row's release). */
  readonly until?: Release;
  /** Later names of the symbol, oldest first. */
  readonly renamed?: readonly { readonly since: Release; readonly symbol: string }[];
  /** What changed between 6.1 and 6.12, or why the site ends. */
  readonly note?: string;
}

/**
 * Where `seenAfter612` comes from: drivers/dma-buf/dma-buf.c of a development tree of January 2026
 * (leon/linux-rdma, search store id 68375119021; it already has the 7.1 invalidate_mappings
 * callback), read whole. No newer tree of the other files was read.
 */
export const SEEN_AFTER_612 = 'drivers/dma-buf/dma-buf.c, development tree of January 2026 (store 68375119021)';

export const CITED_SITES = {

  // arch/arm/mm/dma-mapping.c
  'arm_iommu_create_mapping': { file: 'arch/arm/mm/dma-mapping.c', symbol: 'arm_iommu_create_mapping()', v61: [1559, 1620], v612: [1546, 1609], match: 'hand', note: 'arm_iommu_create_mapping() through the head of release_iommu_mapping(), as in 6.1; the first argument is a struct device since 6.12' },
  'arm_iommu_map_sg': { file: 'arch/arm/mm/dma-mapping.c', symbol: 'arm_iommu_map_sg()', v61: [1254, 1299], v612: [1240, 1285], match: 'symbol' },
  'arm_iommu_detach_device': { file: 'arch/arm/mm/dma-mapping.c', symbol: 'arm_iommu_detach_device()', v61: [1706, 1723], v612: [1695, 1712], match: 'text' },
  'arch_setup_dma_ops': { file: 'arch/arm/mm/dma-mapping.c', symbol: 'arch_setup_dma_ops()', v61: [1769, 1795], v612: [1761, 1786], match: 'hand', note: 'arch_setup_dma_ops() lost its dma_base, size and iommu arguments' },

  // Documentation/core-api/dma-api-howto.rst
  'dma-api-howto.rst:set-mask-first': { file: 'Documentation/core-api/dma-api-howto.rst', symbol: 'section "DMA addressing capabilities"', v61: [191, 194], v612: [191, 194], match: 'text' },
  'dma-api-howto.rst:direction': { file: 'Documentation/core-api/dma-api-howto.rst', symbol: 'section "DMA Direction"', v61: [473, 478], v612: [493, 498], match: 'text' },
  'dma-api-howto.rst:streaming-sync': { file: 'Documentation/core-api/dma-api-howto.rst', symbol: 'section "Using Streaming DMA mappings"', v61: [607, 636], v612: [627, 656], match: 'text' },

  // Documentation/core-api/dma-api.rst
  'dma-api.rst:unmap-same-args': { file: 'Documentation/core-api/dma-api.rst', symbol: 'section "Part Id - Streaming DMA mappings"', v61: [327, 329], v612: [327, 329], match: 'text' },
  'dma-api.rst:first-error-only': { file: 'Documentation/core-api/dma-api.rst', symbol: 'section "Part III - Debug drivers use of the DMA-API"', v61: [760, 764], v612: [760, 764], match: 'text' },
  'iommu_subsys_init.fq': { file: 'drivers/iommu/iommu.c', symbol: 'iommu_subsys_init()', v61: [165, 166], v612: [207, 208], match: 'text' },
  'dma-api.rst:noncoherent-sync': { file: 'Documentation/core-api/dma-api.rst', symbol: 'section "Part II - Non-coherent DMA allocations"', v61: [566, 569], v612: [566, 569], match: 'text' },
  'dma-api.rst:cacheline': { file: 'Documentation/core-api/dma-api.rst', symbol: 'section "Part Id - Streaming DMA mappings"', v61: [287, 298], v612: [287, 298], match: 'text' },
  'dma-api.rst:sg-map-once': { file: 'Documentation/core-api/dma-api.rst', symbol: 'section "Part Id - Streaming DMA mappings"', v61: [384, 384], v612: [384, 384], match: 'text' },
  'dma-api.rst:map-sg-can-fail': { file: 'Documentation/core-api/dma-api.rst', symbol: 'section "Part Id - Streaming DMA mappings"', v61: [387, 392], v612: [387, 392], match: 'text' },
  'dma-api.rst:unmap-sg-same-args': { file: 'Documentation/core-api/dma-api.rst', symbol: 'section "Part Id - Streaming DMA mappings"', v61: [420, 425], v612: [420, 425], match: 'text' },
  'dma-api.rst:sync': { file: 'Documentation/core-api/dma-api.rst', symbol: 'section "Part Id - Streaming DMA mappings"', v61: [449, 465], v612: [449, 465], match: 'hand', note: 'one word changed: "sg mapping API"' },

  // Documentation/core-api/dma-attributes.rst
  'dma-attributes.rst:skip-cpu-sync': { file: 'Documentation/core-api/dma-attributes.rst', symbol: 'section "DMA_ATTR_SKIP_CPU_SYNC"', v61: [63, 68], v612: [63, 68], match: 'text' },
  'dma-attributes.rst:no-kernel-mapping': { file: 'Documentation/core-api/dma-attributes.rst', symbol: 'section "DMA_ATTR_NO_KERNEL_MAPPING"', v61: [46, 68], v612: [46, 68], match: 'text' },

  // Documentation/driver-api/dma-buf.rst
  'dma-buf.rst:indefinite-fences': { file: 'Documentation/driver-api/dma-buf.rst', symbol: 'section "Indefinite DMA Fences"', v61: [203, 272], v612: [237, 306], match: 'hand', note: 'the section moved down' },

  // Documentation/driver-api/pci/p2pdma.rst
  'p2pdma.rst:provider-drivers': { file: 'Documentation/driver-api/pci/p2pdma.rst', symbol: 'section "Provider Drivers"', v61: [73, 76], v612: [73, 76], match: 'text' },

  // drivers/dma-buf/dma-buf.c
  'dma_buf_ioctl.sync-flags': { file: 'drivers/dma-buf/dma-buf.c', symbol: 'dma_buf_ioctl()', v61: [458, 470], v612: [474, 486], match: 'text' },
  'dma_buf_release.vmap-bug': { file: 'drivers/dma-buf/dma-buf.c', symbol: 'dma_buf_release()', v61: [69, 69], v612: [92, 92], match: 'text', seenAfter612: true },
  'dma_buf_release.teardown': { file: 'drivers/dma-buf/dma-buf.c', symbol: 'dma_buf_release()', v61: [69, 84], v612: [92, 107], match: 'text', seenAfter612: true },
  'dma_buf_release.attachments-warn': { file: 'drivers/dma-buf/dma-buf.c', symbol: 'dma_buf_release()', v61: [78, 84], v612: [101, 107], match: 'text', seenAfter612: true },
  'dma_buf_export.cache-sgt-pin': { file: 'drivers/dma-buf/dma-buf.c', symbol: 'dma_buf_export()', v61: [622, 624], v612: [638, 640], match: 'text', until: '6.16', note: 'sgt-cache-dropped: b72f66f22c0e removed cache_sgt_mapping and this check' },
  'dma_buf_export.pin-pair': { file: 'drivers/dma-buf/dma-buf.c', symbol: 'dma_buf_export()', v61: [626, 627], v612: [642, 643], match: 'text', seenAfter612: true },
  'dma_buf_mmap_internal.no-mmap': { file: 'drivers/dma-buf/dma-buf.c', symbol: 'dma_buf_mmap_internal()', v61: [140, 142], v612: [156, 158], match: 'text', seenAfter612: true },
  'dma_buf_vmap.no-vmap': { file: 'drivers/dma-buf/dma-buf.c', symbol: 'dma_buf_vmap()', v61: [1473, 1474], v612: [1527, 1528], match: 'text' },
  'dma_buf_map_attachment.debug-align': { file: 'drivers/dma-buf/dma-buf.c', symbol: 'dma_buf_map_attachment()', v61: [1102, 1118], v612: [1158, 1174], match: 'text' },
  'dma_buf_export': { file: 'drivers/dma-buf/dma-buf.c', symbol: 'dma_buf_export()', v61: [616, 620], v612: [632, 636], match: 'text', seenAfter612: true },
  'dma_buf_put': { file: 'drivers/dma-buf/dma-buf.c', symbol: 'dma_buf_put()', v61: [769, 776], v612: [767, 774], match: 'text', seenAfter612: true },
  'mangle_sg_table': { file: 'drivers/dma-buf/dma-buf.c', symbol: 'mangle_sg_table()', v61: [778, 791], v612: [776, 789], match: 'text', seenAfter612: true, renamed: [{ since: '7.0', symbol: 'dma_buf_mangle_sg_table()' }] },
  '__map_dma_buf': { file: 'drivers/dma-buf/dma-buf.c', symbol: '__map_dma_buf()', v61: [793, 815], v612: [791, 813], match: 'text' },
  'dma_buf_dynamic_attach.peer2peer': { file: 'drivers/dma-buf/dma-buf.c', symbol: 'dma_buf_dynamic_attach()', v61: [860, 861], v612: [922, 923], match: 'text', seenAfter612: true },
  'dma_buf_dynamic_attach.move-notify': { file: 'drivers/dma-buf/dma-buf.c', symbol: 'dma_buf_dynamic_attach()', v61: [851, 852], v612: [913, 914], match: 'text', until: '7.1', note: 'invalidate-optional: 7.1 makes the callback optional' },
  'dma_buf_dynamic_attach.exporter-attach': { file: 'drivers/dma-buf/dma-buf.c', symbol: 'dma_buf_dynamic_attach()', v61: [865, 869], v612: [927, 931], match: 'text' },
  'dma_buf_dynamic_attach.resv-lock': { file: 'drivers/dma-buf/dma-buf.c', symbol: 'dma_buf_dynamic_attach()', v61: [870, 872], v612: [932, 934], match: 'text', seenAfter612: true },
  'dma_buf_dynamic_attach.premap': { file: 'drivers/dma-buf/dma-buf.c', symbol: 'dma_buf_dynamic_attach()', v61: [873, 900], v612: [935, 961], match: 'hand', seenAfter612: true, until: '6.16', note: 'the pre-map of mixed pairs now takes the resv lock for both kinds of exporter; attach-premap-dropped: attach never pins or maps' },
  'dma_buf_detach': { file: 'drivers/dma-buf/dma-buf.c', symbol: 'dma_buf_detach()', v61: [955, 979], v612: [1015, 1037], match: 'symbol', seenAfter612: true },
  'dma_buf_detach.resv-lock-sgt': { file: 'drivers/dma-buf/dma-buf.c', symbol: 'dma_buf_detach()', v61: [961, 962], v612: [1020, 1020], match: 'hand', seenAfter612: true, until: '6.16', note: 'dma_buf_detach() takes the lock once, unconditionally; sgt-cache-dropped: detach has no cached table to unmap' },
  'dma_buf_detach.resv-lock-list': { file: 'drivers/dma-buf/dma-buf.c', symbol: 'dma_buf_detach()', v61: [971, 973], v612: [1029, 1031], match: 'hand', seenAfter612: true, note: 'list_del() inside the single locked section' },
  'dma_buf_detach.kfree': { file: 'drivers/dma-buf/dma-buf.c', symbol: 'dma_buf_detach()', v61: [978, 978], v612: [1036, 1036], match: 'text', seenAfter612: true },
  'dma_buf_pin': { file: 'drivers/dma-buf/dma-buf.c', symbol: 'dma_buf_pin()', v61: [996, 1009], v612: [1054, 1067], match: 'text', seenAfter612: true },
  'dma_buf_unpin.doc': { file: 'drivers/dma-buf/dma-buf.c', symbol: 'dma_buf_unpin()', v61: [1011, 1030], v612: [1069, 1088], match: 'text', seenAfter612: true },
  'dma_buf_unpin': { file: 'drivers/dma-buf/dma-buf.c', symbol: 'dma_buf_unpin()', v61: [1020, 1030], v612: [1078, 1088], match: 'text', seenAfter612: true },
  'dma_buf_map_attachment.pinned-doc': { file: 'drivers/dma-buf/dma-buf.c', symbol: 'dma_buf_map_attachment()', v61: [1046, 1049], v612: [1104, 1107], match: 'text', seenAfter612: true },
  'dma_buf_map_attachment.dynamic-wait-doc': { file: 'drivers/dma-buf/dma-buf.c', symbol: 'dma_buf_map_attachment()', v61: [1051, 1052], v612: [1109, 1110], match: 'text', seenAfter612: true },
  'dma_buf_map_attachment.assert-dynamic-importer': { file: 'drivers/dma-buf/dma-buf.c', symbol: 'dma_buf_map_attachment()', v61: [1065, 1066], v612: null, match: 'hand', seenAfter612: true, until: '6.2', note: '6.1 only: from 6.2 dma_buf_map_attachment() asserts the lock for every importer; locking-convention: from 6.2 the lock is asserted for every importer' },
  'dma_buf_map_attachment.cached-direction': { file: 'drivers/dma-buf/dma-buf.c', symbol: 'dma_buf_map_attachment()', v61: [1068, 1078], v612: [1125, 1135], match: 'text', seenAfter612: true, until: '6.16', note: 'sgt-cache-dropped: no cached table, no -EBUSY for a second direction' },
  'dma_buf_map_attachment.assert-dynamic-exporter': { file: 'drivers/dma-buf/dma-buf.c', symbol: 'dma_buf_map_attachment()', v61: [1080, 1081], v612: null, match: 'hand', seenAfter612: true, until: '6.2', note: '6.1 only: from 6.2 dma_buf_map_attachment() asserts the lock for every importer; locking-convention: from 6.2 the lock is asserted for every importer' },
  'dma_buf_map_attachment.pin': { file: 'drivers/dma-buf/dma-buf.c', symbol: 'dma_buf_map_attachment()', v61: [1080, 1094], v612: [1137, 1150], match: 'hand', seenAfter612: true, note: 'the dma_resv_assert_held() line moved up' },
  'dma_buf_map_attachment.err-ptr': { file: 'drivers/dma-buf/dma-buf.c', symbol: 'dma_buf_map_attachment()', v61: [1089, 1090], v612: [1145, 1146], match: 'text', seenAfter612: true },
  'dma_buf_map_attachment_unlocked': { file: 'drivers/dma-buf/dma-buf.c', symbol: 'dma_buf_map_attachment_unlocked()', v61: [1133, 1148], v612: [1189, 1204], match: 'text', seenAfter612: true },
  'dma_buf_unmap_attachment': { file: 'drivers/dma-buf/dma-buf.c', symbol: 'dma_buf_unmap_attachment()', v61: [1180, 1182], v612: [1232, 1234], match: 'text', seenAfter612: true },
  'dma_buf_unmap_attachment_unlocked': { file: 'drivers/dma-buf/dma-buf.c', symbol: 'dma_buf_unmap_attachment_unlocked()', v61: [1197, 1209], v612: [1249, 1261], match: 'text', seenAfter612: true },
  'dma_buf_poll.usage': { file: 'drivers/dma-buf/dma-buf.c', symbol: 'dma_buf_poll()', v61: [272, 295], v612: [288, 311], match: 'text' },
  'dma_buf_export_sync_file.flags': { file: 'drivers/dma-buf/dma-buf.c', symbol: 'dma_buf_export_sync_file()', v61: [348, 352], v612: [364, 368], match: 'text' },
  'dma_buf_import_sync_file.flags': { file: 'drivers/dma-buf/dma-buf.c', symbol: 'dma_buf_import_sync_file()', v61: [405, 409], v612: [421, 425], match: 'text' },
  'struct dma_buf.attachments': { file: 'include/linux/dma-buf.h', symbol: 'struct dma_buf', v61: [318, 324], v612: [318, 324], match: 'text' },
  'DOC: implicit fence polling.cpu-access': { file: 'drivers/dma-buf/dma-buf.c', symbol: 'DOC: implicit fence polling', v61: [195, 197], v612: [211, 213], match: 'text' },
  'DOC: cpu access': { file: 'drivers/dma-buf/dma-buf.c', symbol: 'DOC: cpu access', v61: [1286, 1288], v612: [1338, 1340], match: 'text', seenAfter612: true },
  'dma_buf_begin_cpu_access.wait': { file: 'drivers/dma-buf/dma-buf.c', symbol: '__dma_buf_begin_cpu_access()', v61: [1317, 1348], v612: [1369, 1400], match: 'hand', seenAfter612: true },
  'dma_buf_begin_cpu_access.ops': { file: 'drivers/dma-buf/dma-buf.c', symbol: 'dma_buf_begin_cpu_access()', v61: [1361, 1361], v612: [1413, 1413], match: 'text', seenAfter612: true },
  'dma_buf_end_cpu_access.ops': { file: 'drivers/dma-buf/dma-buf.c', symbol: 'dma_buf_end_cpu_access()', v61: [1396, 1396], v612: [1448, 1448], match: 'text', seenAfter612: true },
  'dma_buf_vunmap': { file: 'drivers/dma-buf/dma-buf.c', symbol: 'dma_buf_vunmap()', v61: [1505, 1522], v612: [1583, 1600], match: 'symbol', seenAfter612: true },
  'dma_buf_vunmap.bug-ons': { file: 'drivers/dma-buf/dma-buf.c', symbol: 'dma_buf_vunmap()', v61: [1511, 1513], v612: [1591, 1593], match: 'text', seenAfter612: true },
  'dma_buf_vunmap.counter-bug': { file: 'drivers/dma-buf/dma-buf.c', symbol: 'dma_buf_vunmap()', v61: [1512, 1512], v612: [1592, 1592], match: 'text', seenAfter612: true },

  // drivers/dma-buf/dma-fence-array.c
  'dma_fence_array_create.nested-warn': { file: 'drivers/dma-buf/dma-fence-array.c', symbol: 'dma_fence_array_create()', v61: [207, 219], v612: [217, 229], match: 'hand', symbol612: 'dma_fence_array_init()', note: 'the member checks moved into dma_fence_array_init()' },

  // drivers/dma-buf/dma-fence-chain.c
  'dma_fence_chain_init.nested-warn': { file: 'drivers/dma-buf/dma-fence-chain.c', symbol: 'dma_fence_chain_init()', v61: [256, 263], v612: [268, 275], match: 'text' },

  // drivers/dma-buf/dma-fence.c
  'dma-fence.doc-overview.ordered': { file: 'drivers/dma-buf/dma-fence.c', symbol: 'DOC: DMA fences overview', v61: [46, 48], v612: [46, 48], match: 'text' },
  'dma-fence.doc-contract.bounded': { file: 'drivers/dma-buf/dma-fence.c', symbol: 'DOC: fence cross-driver contract', v61: [69, 83], v612: [69, 83], match: 'text' },
  'dma-fence.doc-contract.signalling-path': { file: 'drivers/dma-buf/dma-fence.c', symbol: 'DOC: fence cross-driver contract', v61: [90, 104], v612: [90, 104], match: 'text' },
  'dma-fence.doc-signalling-annotation': { file: 'drivers/dma-buf/dma-fence.c', symbol: 'DOC: fence signalling annotation', v61: [195, 346], v612: [195, 346], match: 'text' },
  'dma_fence_signal_timestamp_locked': { file: 'drivers/dma-buf/dma-fence.c', symbol: 'dma_fence_signal_timestamp_locked()', v61: [367, 393], v612: [367, 393], match: 'text' },
  'dma_fence_wait_timeout': { file: 'drivers/dma-buf/dma-fence.c', symbol: 'dma_fence_wait_timeout()', v61: [482, 522], v612: [482, 522], match: 'text' },
  'dma_fence_release': { file: 'drivers/dma-buf/dma-fence.c', symbol: 'dma_fence_release()', v61: [531, 564], v612: [531, 564], match: 'text' },

  // drivers/dma-buf/dma-heap.c
  'dma_heap_ioctl_allocate': { file: 'drivers/dma-buf/dma-heap.c', symbol: 'dma_heap_ioctl_allocate()', v61: [69, 100], v612: [68, 99], match: 'text' },

  // drivers/dma-buf/dma-resv.c
  'dma_resv_add_fence': { file: 'drivers/dma-buf/dma-resv.c', symbol: 'dma_resv_add_fence()', v61: [275, 315], v612: [287, 327], match: 'text' },
  'dma_resv_add_fence.container-warn': { file: 'drivers/dma-buf/dma-resv.c', symbol: 'dma_resv_add_fence()', v61: [286, 289], v612: [298, 301], match: 'text' },
  'dma_resv_add_fence.replace': { file: 'drivers/dma-buf/dma-resv.c', symbol: 'dma_resv_add_fence()', v61: [291, 313], v612: [303, 325], match: 'text' },
  'dma_resv_wait_timeout': { file: 'drivers/dma-buf/dma-resv.c', symbol: 'dma_resv_wait_timeout()', v61: [655, 688], v612: [667, 700], match: 'hand', note: 'the kernel-doc typo "zer" is fixed' },
  'dma_resv_test_signaled': { file: 'drivers/dma-buf/dma-resv.c', symbol: 'dma_resv_test_signaled()', v61: [704, 717], v612: [738, 751], match: 'text' },

  // drivers/dma-buf/heaps/system_heap.c
  'system_heap_map_dma_buf': { file: 'drivers/dma-buf/heaps/system_heap.c', symbol: 'system_heap_map_dma_buf()', v61: [129, 142], v612: [128, 141], match: 'text' },
  'system_heap_dma_buf_begin_cpu_access': { file: 'drivers/dma-buf/heaps/system_heap.c', symbol: 'system_heap_dma_buf_begin_cpu_access()', v61: [165, 169], v612: [164, 168], match: 'text' },
  'system_heap_dma_buf_end_cpu_access': { file: 'drivers/dma-buf/heaps/system_heap.c', symbol: 'system_heap_dma_buf_end_cpu_access()', v61: [186, 190], v612: [185, 189], match: 'text' },

  // drivers/dma-buf/udmabuf.c
  'udmabuf_ops': { file: 'drivers/dma-buf/udmabuf.c', symbol: 'udmabuf_ops', v61: [161, 169], v612: [241, 251], match: 'hand', note: 'vmap_udmabuf/vunmap_udmabuf added (6.3, "udmabuf: add vmap and vunmap methods to udmabuf_ops")' },
  'get_sg_table.udmabuf-skip-sync': { file: 'drivers/dma-buf/udmabuf.c', symbol: 'get_sg_table()', v61: [77, 77], v612: [130, 130], match: 'text' },
  'udmabuf_create.limits': { file: 'drivers/dma-buf/udmabuf.c', symbol: 'udmabuf_create()', v61: [194, 202], v612: [357, 366], match: 'hand', note: 'IS_ALIGNED(…, PAGE_SIZE) became PAGE_ALIGNED(); the page count is a local' },
  'begin_cpu_udmabuf': { file: 'drivers/dma-buf/udmabuf.c', symbol: 'begin_cpu_udmabuf()', v61: [125, 146], v612: [205, 226], match: 'text' },
  'end_cpu_udmabuf': { file: 'drivers/dma-buf/udmabuf.c', symbol: 'end_cpu_udmabuf()', v61: [148, 159], v612: [228, 239], match: 'text' },

  // drivers/gpu/drm/amd/amdgpu/amdgpu_dma_buf.c
  'amdgpu_dma_buf_attach': { file: 'drivers/gpu/drm/amd/amdgpu/amdgpu_dma_buf.c', symbol: 'amdgpu_dma_buf_attach()', v61: [85, 87], v612: [97, 99], match: 'text' },
  'amdgpu_dma_buf_pin': { file: 'drivers/gpu/drm/amd/amdgpu/amdgpu_dma_buf.c', symbol: 'amdgpu_dma_buf_pin()', v61: [126, 133], v612: [145, 152], match: 'text' },
  'amdgpu_dma_buf_map.placement': { file: 'drivers/gpu/drm/amd/amdgpu/amdgpu_dma_buf.c', symbol: 'amdgpu_dma_buf_map()', v61: [173, 191], v612: [192, 209], match: 'hand', note: 'the pinned-placement check compares mem_type with TTM_PL_TT' },
  'amdgpu_dma_buf_map.validate': { file: 'drivers/gpu/drm/amd/amdgpu/amdgpu_dma_buf.c', symbol: 'amdgpu_dma_buf_map()', v61: [173, 186], v612: [192, 205], match: 'text' },
  'amdgpu_dma_buf_begin_cpu_access': { file: 'drivers/gpu/drm/amd/amdgpu/amdgpu_dma_buf.c', symbol: 'amdgpu_dma_buf_begin_cpu_access()', v61: [259, 287], v612: [277, 305], match: 'text' },

  // drivers/gpu/drm/amd/amdgpu/amdgpu_vram_mgr.c
  'amdgpu_vram_mgr_alloc_sgt': { file: 'drivers/gpu/drm/amd/amdgpu/amdgpu_vram_mgr.c', symbol: 'amdgpu_vram_mgr_alloc_sgt()', v61: [631, 690], v612: [678, 737], match: 'hand', note: 'same function, grown; the range ends at the error_unmap loop as in 6.1' },

  // drivers/gpu/drm/drm_prime.c
  'drm_gem_prime_dmabuf_ops': { file: 'drivers/gpu/drm/drm_prime.c', symbol: 'drm_gem_prime_dmabuf_ops', v61: [791, 801], v612: [812, 822], match: 'text' },

  // drivers/gpu/drm/tegra/drm.c
  'host1x_client_iommu_attach.arm-detach': { file: 'drivers/gpu/drm/tegra/drm.c', symbol: 'host1x_client_iommu_attach()', v61: [953, 961], v612: [948, 956], match: 'text' },
  'host1x_client_iommu_attach.already-attached': { file: 'drivers/gpu/drm/tegra/drm.c', symbol: 'host1x_client_iommu_attach()', v61: [963, 970], v612: [958, 966], match: 'hand', note: 'the test also lets an IDENTITY domain through' },

  // drivers/iommu/dma-iommu.c
  '__finalise_sg': { file: 'drivers/iommu/dma-iommu.c', symbol: '__finalise_sg()', v61: [1060, 1122], v612: [1248, 1310], match: 'hand', note: 'bus-address (P2P) segments are copied through since 6.2; the trailing entries still get DMA_MAPPING_ERROR and length 0' },
  'iommu_group_claim_dma_owner': { file: 'drivers/iommu/iommu.c', symbol: 'iommu_group_claim_dma_owner()', v61: [3206, 3235], v612: [3214, 3232], match: 'hand', note: 'the -EBUSY test and the blocking-domain switch moved into __iommu_take_dma_ownership()' },
  'iommu_group_release_dma_owner': { file: 'drivers/iommu/iommu.c', symbol: 'iommu_group_release_dma_owner()', v61: [3244, 3259], v612: [3273, 3295], match: 'hand', symbol612: '__iommu_release_dma_ownership()', note: 'the WARN_ON moved into __iommu_release_dma_ownership(), which also checks the PASID array' },
  'dma_info_to_prot': { file: 'drivers/iommu/dma-iommu.c', symbol: 'dma_info_to_prot()', v61: [606, 624], v612: [742, 760], match: 'text' },

  // drivers/iommu/iommu.c
  '__iommu_group_set_core_domain': { file: 'drivers/iommu/iommu.c', symbol: '__iommu_group_set_core_domain()', v61: [1951, 1963], v612: [2066, 2076], match: 'symbol' },
  'iommu_attach_device': { file: 'drivers/iommu/iommu.c', symbol: 'iommu_attach_device()', v61: [1979, 2004], v612: [2106, 2129], match: 'symbol' },
  'iommu_get_dma_domain': { file: 'drivers/iommu/iommu.c', symbol: 'iommu_get_dma_domain()', v61: [2066, 2069], v612: [2175, 2178], match: 'text' },
  '__iommu_attach_group': { file: 'drivers/iommu/iommu.c', symbol: '__iommu_attach_group()', v61: [2088, 2117], v612: [2180, 2194], match: 'symbol' },
  'iommu_attach_group': { file: 'drivers/iommu/iommu.c', symbol: 'iommu_attach_group()', v61: [2119, 2130], v612: [2208, 2219], match: 'text' },
  'iommu_detach_group': { file: 'drivers/iommu/iommu.c', symbol: 'iommu_detach_group()', v61: [2179, 2184], v612: [2371, 2376], match: 'text' },
  'iommu_map': { file: 'drivers/iommu/iommu.c', symbol: '__iommu_map()', v61: [2279, 2357], v612: [2447, 2537], match: 'hand', note: '__iommu_map() to iommu_map(), as in 6.1 (_iommu_map() is folded into iommu_map())' },
  'iommu_unmap': { file: 'drivers/iommu/iommu.c', symbol: '__iommu_unmap()', v61: [2380, 2446], v612: [2540, 2606], match: 'hand', note: '__iommu_unmap() to iommu_unmap()' },

  // drivers/pci/p2pdma.c
  'calc_map_type_and_dist': { file: 'drivers/pci/p2pdma.c', symbol: 'calc_map_type_and_dist()', v61: [449, 538], v612: [575, 664], match: 'text' },
  'calc_map_type_and_dist.acs-warning': { file: 'drivers/pci/p2pdma.c', symbol: 'calc_map_type_and_dist()', v61: [517, 523], v612: [643, 649], match: 'text' },

  // include/linux/dma-buf.h
  'struct dma_buf_ops.map_dma_buf-no-cache': { file: 'include/linux/dma-buf.h', symbol: 'struct dma_buf_ops', v61: [173, 178], v612: [173, 178], match: 'text' },
  'struct dma_buf_ops.map_dma_buf-aligned': { file: 'include/linux/dma-buf.h', symbol: 'struct dma_buf_ops', v61: [164, 167], v612: [164, 167], match: 'text' },
  'struct dma_buf_attach_ops.allow_peer2peer': { file: 'include/linux/dma-buf.h', symbol: 'struct dma_buf_attach_ops', v61: [467, 472], v612: [463, 468], match: 'text' },
  'vb2_dma_sg_dmabuf_ops_begin_cpu_access': { file: 'drivers/media/common/videobuf2/videobuf2-dma-sg.c', symbol: 'vb2_dma_sg_dmabuf_ops_begin_cpu_access()', v61: [474, 482], v612: [467, 475], match: 'text' },
  'vb2_dma_sg_dmabuf_ops_end_cpu_access': { file: 'drivers/media/common/videobuf2/videobuf2-dma-sg.c', symbol: 'vb2_dma_sg_dmabuf_ops_end_cpu_access()', v61: [485, 493], v612: [478, 486], match: 'text' },
  'struct dma_buf_ops.pin-ready': { file: 'include/linux/dma-buf.h', symbol: 'struct dma_buf_ops', v61: [99, 103], v612: [99, 103], match: 'text' },
  'struct dma_buf_ops.map_dma_buf-ready': { file: 'include/linux/dma-buf.h', symbol: 'struct dma_buf_ops', v61: [153, 160], v612: [153, 160], match: 'text' },
  'struct dma_buf_ops.begin_cpu_access': { file: 'include/linux/dma-buf.h', symbol: 'struct dma_buf_ops', v61: [206, 222], v612: [206, 222], match: 'text' },
  'struct dma_buf.resv-implicit-rules': { file: 'include/linux/dma-buf.h', symbol: 'struct dma_buf', v61: [390, 412], v612: [386, 408], match: 'hand', note: 'the resv member\'s IMPLICIT SYNCHRONIZATION RULES; "unecessarily" is fixed' },
  'struct dma_buf.resv-dynamic-importer-rules': { file: 'include/linux/dma-buf.h', symbol: 'struct dma_buf', v61: [414, 425], v612: [410, 421], match: 'text' },
  'struct dma_buf_attach_ops.move_notify': { file: 'include/linux/dma-buf.h', symbol: 'struct dma_buf_attach_ops', v61: [475, 492], v612: [471, 488], match: 'text' },

  // include/linux/dma-fence.h
  'dma_fence_set_error': { file: 'include/linux/dma-fence.h', symbol: 'dma_fence_set_error()', v61: [557, 564], v612: [578, 585], match: 'text' },

  // kernel/dma/direct.h, kernel/dma/swiotlb.c: unmap with DMA_ATTR_SKIP_CPU_SYNC
  'dma_direct_unmap_page': { file: 'kernel/dma/direct.h', symbol: 'dma_direct_unmap_page()', v61: [114, 125], v612: [114, 124], match: 'symbol' },
  'swiotlb_tbl_unmap_single': { file: 'kernel/dma/swiotlb.c', symbol: 'swiotlb_tbl_unmap_single()', v61: [895, 907], v612: [1558, 1573], match: 'hand', symbol612: '__swiotlb_tbl_unmap_single()', note: 'renamed __swiotlb_tbl_unmap_single() with a pool argument by 6.12; the copy-back test on DMA_ATTR_SKIP_CPU_SYNC is unchanged' },

  // drivers/gpu/drm/ttm/ttm_bo.c
  'ttm_bo_move_accel_cleanup': { file: 'drivers/gpu/drm/ttm/ttm_bo_util.c', symbol: 'ttm_bo_move_accel_cleanup()', v61: [567, 592], v612: [659, 684], match: 'symbol' },
  'ttm_bo_release.pin-warn': { file: 'drivers/gpu/drm/ttm/ttm_bo.c', symbol: 'ttm_bo_release()', v61: [356, 356], v612: [252, 252], match: 'text' },

  // include/linux/dma-mapping.h
  'dma_map_single_attrs.vmalloc': { file: 'include/linux/dma-mapping.h', symbol: 'dma_map_single_attrs()', v61: [328, 338], v612: [377, 387], match: 'text' },
  'dma_get_max_seg_size': { file: 'include/linux/dma-mapping.h', symbol: 'dma_get_max_seg_size()', v61: [480, 501], v612: [517, 536], match: 'hand', note: 'dma_get_max_seg_size() to dma_get_seg_boundary(); dma_set_max_seg_size() returns void' },

  // include/linux/dma-resv.h
  'enum dma_resv_usage': { file: 'include/linux/dma-resv.h', symbol: 'enum dma_resv_usage', v61: [52, 117], v612: [52, 117], match: 'text' },
  'enum dma_resv_usage.bookkeep': { file: 'include/linux/dma-resv.h', symbol: 'enum dma_resv_usage', v61: [105, 116], v612: [105, 116], match: 'text' },
  'dma_resv_usage_rw': { file: 'include/linux/dma-resv.h', symbol: 'dma_resv_usage_rw()', v61: [126, 136], v612: [126, 136], match: 'text' },

  // lib/scatterlist.c
  '__dma_direct_alloc_pages': { file: 'kernel/dma/direct.c', symbol: '__dma_direct_alloc_pages()', v61: [118, 160], v612: [118, 160], match: 'hand', note: 'the retry frees with __free_pages() instead of dma_free_contiguous()' },
  '__alloc_pages.max-order': { file: 'mm/page_alloc.c', symbol: '__alloc_pages()', v61: [5634, 5634], v612: [4835, 4835], match: 'hand', symbol612: '__alloc_pages_noprof()', note: 'order >= MAX_ORDER became order > MAX_PAGE_ORDER (the same largest block)' },
  'dma_direct_get_sgtable': { file: 'kernel/dma/direct.c', symbol: 'dma_direct_get_sgtable()', v61: [533, 544], v612: [523, 534], match: 'text' },
  'sg_set_page': { file: 'include/linux/scatterlist.h', symbol: 'sg_set_page()', v61: [136, 142], v612: [136, 142], match: 'text' },
  'sg_alloc_append_table_from_pages.max-segment': { file: 'lib/scatterlist.c', symbol: 'sg_alloc_append_table_from_pages()', v61: [455, 457], v612: [469, 471], match: 'text' },
  '__sg_alloc_table': { file: 'lib/scatterlist.c', symbol: '__sg_alloc_table()', v61: [282, 357], v612: [286, 361], match: 'symbol' },

  // include/linux/scatterlist.h
  'for_each_sg': { file: 'include/linux/scatterlist.h', symbol: 'for_each_sg()', v61: [171, 172], v612: [195, 196], match: 'text' },
  'SG_MAX_SINGLE_ALLOC': { file: 'include/linux/scatterlist.h', symbol: 'SG_MAX_SINGLE_ALLOC', v61: [451, 451], v612: [511, 511], match: 'text' },
  'valid_dma_direction': { file: 'include/linux/dma-direction.h', symbol: 'valid_dma_direction()', v61: [12, 16], v612: [12, 16], match: 'text' },
  'sg_page': { file: 'include/linux/scatterlist.h', symbol: 'sg_page()', v61: [144, 150], v612: [168, 174], match: 'text' },
  'for_each_sgtable_dma_sg': { file: 'include/linux/scatterlist.h', symbol: 'for_each_sgtable_dma_sg()', v61: [185, 187], v612: [209, 211], match: 'text' },

  // include/uapi/linux/dma-buf.h
  'struct dma_buf_sync.start': { file: 'include/uapi/linux/dma-buf.h', symbol: 'struct dma_buf_sync', v61: [35, 38], v612: [35, 38], match: 'text' },
  'struct dma_buf_sync.start-end': { file: 'include/uapi/linux/dma-buf.h', symbol: 'struct dma_buf_sync', v61: [35, 47], v612: [35, 47], match: 'text' },

  // kernel/dma/debug.c
  'add_dma_entry.cacheline-overlap': { file: 'kernel/dma/debug.c', symbol: 'add_dma_entry()', v61: [454, 575], v612: [418, 605], match: 'hand', note: 'the active-cacheline helpers through add_dma_entry(); 6.12 adds lines between them' },
  'check_unmap': { file: 'kernel/dma/debug.c', symbol: 'check_unmap()', v61: [956, 1048], v612: [959, 1052], match: 'hand', note: 'check_unmap() up to the hash bucket release' },
  'check_sync.direction': { file: 'kernel/dma/debug.c', symbol: 'check_sync()', v61: [1121, 1132], v612: [1125, 1136], match: 'text' },
  'check_sync': { file: 'kernel/dma/debug.c', symbol: 'check_sync()', v61: [1091, 1164], v612: [1095, 1168], match: 'text' },
  'check_sg_segment': { file: 'kernel/dma/debug.c', symbol: 'check_sg_segment()', v61: [1166, 1190], v612: [1170, 1194], match: 'text' },

  // kernel/dma/direct.c
  'dma_direct_map_sg': { file: 'kernel/dma/direct.c', symbol: 'dma_direct_map_sg()', v61: [488, 497], v612: [478, 487], match: 'text' },
  'dma_direct_map_resource': { file: 'kernel/dma/direct.c', symbol: 'dma_direct_map_resource()', v61: [517, 531], v612: [507, 521], match: 'text' },
  'dma_direct_supported': { file: 'kernel/dma/direct.c', symbol: 'dma_direct_supported()', v61: [576, 597], v612: [566, 587], match: 'symbol' },

  // kernel/dma/direct.h
  'dma_direct_map_page': { file: 'kernel/dma/direct.h', symbol: 'dma_direct_map_page()', v61: [84, 112], v612: [83, 112], match: 'symbol' },
  'dma_direct_map_page.p2p-no-bounce': { file: 'kernel/dma/direct.h', symbol: 'dma_direct_map_page()', v61: [91, 100], v612: [90, 100], match: 'hand', note: 'the bounce test also calls dma_kmalloc_needs_bounce()' },
  'dma_direct_map_page.sync-for-device': { file: 'kernel/dma/direct.h', symbol: 'dma_direct_map_page()', v61: [108, 110], v612: [108, 110], match: 'text' },

  // kernel/dma/mapping.c
  'dma_map_resource': { file: 'kernel/dma/mapping.c', symbol: 'dma_map_resource()', v61: [295, 313], v612: [321, 343], match: 'hand', note: '6.12 routes dma-iommu devices through iommu_dma_map_resource() directly and traces the call; still no P2P check' },
  '__dma_map_sg_attrs.dir-bug': { file: 'kernel/dma/mapping.c', symbol: '__dma_map_sg_attrs()', v61: [188, 188], v612: [207, 207], match: 'text' },
  'dma_unmap_sg_attrs.dir-bug': { file: 'kernel/dma/mapping.c', symbol: 'dma_unmap_sg_attrs()', v61: [285, 285], v612: [308, 308], match: 'text' },
  'dma_map_page_attrs.dir-bug': { file: 'kernel/dma/mapping.c', symbol: 'dma_map_page_attrs()', v61: [150, 150], v612: [162, 162], match: 'text' },
  'dma_sync_sg_for_cpu.dir-bug': { file: 'kernel/dma/mapping.c', symbol: 'dma_sync_sg_for_cpu()', v61: [361, 361], v612: [402, 402], match: 'hand', symbol612: '__dma_sync_sg_for_cpu()', note: 'the out-of-line function is __dma_sync_sg_for_cpu() by 6.12 (dma_sync_sg_for_cpu() an inline wrapper); the BUG_ON is unchanged' },
  'dma_sync_sg_for_device.dir-bug': { file: 'kernel/dma/mapping.c', symbol: 'dma_sync_sg_for_device()', v61: [375, 375], v612: [419, 419], match: 'hand', symbol612: '__dma_sync_sg_for_device()', note: 'the out-of-line function is __dma_sync_sg_for_device() by 6.12 (dma_sync_sg_for_device() an inline wrapper); the BUG_ON is unchanged' },
  '__dma_map_sg_attrs.mask-warn': { file: 'kernel/dma/mapping.c', symbol: '__dma_map_sg_attrs()', v61: [190, 191], v612: [209, 210], match: 'text' },
  'dma_map_sgtable.ownership-doc': { file: 'kernel/dma/mapping.c', symbol: 'dma_map_sgtable()', v61: [246, 250], v612: [269, 273], match: 'text' },
  'dma_map_sgtable': { file: 'kernel/dma/mapping.c', symbol: 'dma_map_sgtable()', v61: [248, 277], v612: [271, 300], match: 'text' },
  'dma_map_sgtable.eremoteio-doc': { file: 'kernel/dma/mapping.c', symbol: 'dma_map_sgtable()', v61: [263, 264], v612: [286, 287], match: 'text' },
  'dma_set_mask': { file: 'kernel/dma/mapping.c', symbol: 'dma_set_mask()', v61: [753, 767], v612: [878, 894], match: 'symbol' },

  // kernel/dma/swiotlb.c
  'swiotlb_tbl_map_single.full': { file: 'kernel/dma/swiotlb.c', symbol: 'swiotlb_tbl_map_single()', v61: [815, 823], v612: [1426, 1432], match: 'hand', note: 'swiotlb_find_slots() and "swiotlb buffer is full"; the size is aligned first' },
  'swiotlb_max_mapping_size': { file: 'kernel/dma/swiotlb.c', symbol: 'swiotlb_max_mapping_size()', v61: [960, 975], v612: [1628, 1643], match: 'text' },
} as const satisfies Record<string, CitedSite>;

export type SiteId = keyof typeof CITED_SITES;

/** The site's entry (typed as the interface, so optional fields read as optional). */
export function site(id: SiteId): CitedSite {
  return CITED_SITES[id];
}

/** How a profile cites: the lines of a tree we have, or the symbol of one we do not. */
type Style = { readonly kind: 'lines'; readonly tree: '6.1' | '6.12' } | { readonly kind: 'symbol' };

function styleOf(version: KernelVersion): Style {
  switch (version) {
    case '6.1':
    case '6.2':
      return { kind: 'lines', tree: '6.1' };
    case '6.12':
      return { kind: 'lines', tree: '6.12' };
    case '6.6':
    case '6.18':
    case '6.19':
    case '7.0':
    case '7.1':
      return { kind: 'symbol' };
    default:
      return assertNever(version);
  }
}

const lines = ([a, b]: Lines): string => (a === b ? `${a}` : `${a}-${b}`);

/** The symbol that holds the site on `version`, or undefined when that is not known to be true there. */
export function symbolOn(version: KernelVersion, s: CitedSite): string | undefined {
  if (s.until && compareReleases(version, s.until) >= 0) return undefined;
  if (compareReleases(version, '6.12') < 0) return s.v612 && !s.symbol612 ? s.symbol : undefined;
  if (version === '6.12') return s.symbol612 ?? s.symbol;
  if (!s.seenAfter612) return undefined;
  let name = s.symbol612 ?? s.symbol;
  for (const r of s.renamed ?? []) if (compareReleases(version, r.since) >= 0) name = r.symbol;
  return name;
}

/**
 * The citation of one or more sites of one file, as a message prints it: `file:69-84, 769-776` on
 * a profile with lines; `file, dma_buf_release() and dma_buf_put()` on one without, or `file` when
 * a symbol is not known there. `shown` is the file as the message spells it (`dma-buf.c`).
 */
export function cite(version: KernelVersion, ids: readonly SiteId[], shown?: string): string {
  const sites = ids.map(site);
  const file = sites[0].file;
  if (sites.some((s) => s.file !== file)) throw new Error(`one citation, one file: ${ids.join(', ')}`);
  const name = shown ?? file;
  const style = styleOf(version);
  switch (style.kind) {
    case 'lines': {
      const ranges = sites.map((s) => (style.tree === '6.1' ? s.v61 : s.v612));
      if (ranges.every((r): r is Lines => r !== null)) return `${name}:${ranges.map(lines).join(', ')}`;
      break;
    }
    case 'symbol':
      break;
    default:
      assertNever(style);
  }
  const symbols = sites.map((s) => symbolOn(version, s));
  if (symbols.some((s) => s === undefined)) return name;
  const unique = [...new Set(symbols)];
  const listed = unique.length === 1 ? unique[0] : `${unique.slice(0, -1).join(', ')} and ${unique[unique.length - 1]}`;
  return `${name}, ${listed}`;
}
