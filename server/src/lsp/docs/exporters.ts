// Hover text for a platform's `exporter NAME { … }`: what the described dma_buf_ops do, dimension
// by dimension, in the words of include/linux/dma-buf.h.
import type { DescribedExporter } from '../../language/bound';
import { PIN_CALLBACKS } from '../../language/ast';

export function describedExporterLines(e: DescribedExporter): string[] {
  const ops = [...e.callbacks];
  const has = (c: Parameters<typeof e.callbacks.has>[0]): boolean => e.callbacks.has(c);
  const lines = [
    `- struct dma_buf_ops ${e.name}_dmabuf_ops: ${ops.length ? ops.map((c) => `\`.${c}\``).join(', ') : 'no members'}`,
    `- ${PIN_CALLBACKS.some(has) ? 'dynamic exporter (ops->pin): importers map under the resv lock, the core pins for static importers' : 'static exporter (no ops->pin): the backing store never moves'}`,
    `- map_dma_buf: dma_map_sgtable(attach->dev, …, ${e.skipCpuSync ? 'DMA_ATTR_SKIP_CPU_SYNC' : '0'}) on ${e.perAttachmentTable ? 'one table per attachment, mapped at every call' : 'a new table per call'}` +
      `${e.cacheSgt ? '; cache_sgt_mapping: the core keeps the first mapping per attachment (until 6.16)' : ''}` +
      `${e.entryOffset ? `; entries start ${e.entryOffset} bytes into their page` : ''}`,
    `- BAR buffers: ${e.barEntries === 'pages' ? 'P2PDMA pages mapped with dma_map_sgtable()' : `page-less entries (dma_map_resource) for ${e.barEntries === 'pageless_for_all' ? 'every importer' : 'peer2peer importers only (-EPERM for others)'}`}`,
    `- attach: ${e.peer2peer === 'trust' ? 'keeps attach->peer2peer as the importer asked' : e.peer2peer === 'check_distance' ? 'drops peer2peer when pci_p2pdma_distance() < 0' : 'drops peer2peer when pci_p2pdma_distance() < 0, then refuses importers without it (-EOPNOTSUPP)'}`,
    `- begin/end_cpu_access: ${has('begin_cpu_access') || has('end_cpu_access') ? (e.cpuAccess === 'sync_mapped' ? 'sync every mapped attachment in the bracket\'s direction' : e.cpuAccess === 'nothing' ? 'return 0 without cache maintenance' : `sync the exporter's own mapping for its device, ${e.cpuAccess.replace('sync_own_', '')}, whatever the bracket's direction (vb2-dma-sg)`) : 'none (the SYNC ioctl only waits for fences)'}`,
    `- dmabuf->attachments: ${e.attachmentWalk === 'at_map' ? 'walked in map_dma_buf (needs the caller\'s resv: every map from 6.2)' : e.attachmentWalk === 'at_cpu_access' ? 'walked in begin/end_cpu_access without the resv (ATT-05)' : 'not walked'}`,
    `- clear: ${e.clear === 'sync' ? 'before export returns' : e.clear === 'kernel_fence' ? 'a job on the exporting device, fence in the reservation as KERNEL' : 'a job whose fence the driver keeps (pin/map return before it: PIN-02)'}`,
    `- mmap/vmap of system pages: ${e.cpuMapping === 'cached' ? 'cacheable' : 'write-combined'}${has('mmap') ? '' : ' (no ops->mmap: mmap of the fd fails)'}`,
  ];
  return lines;
}
