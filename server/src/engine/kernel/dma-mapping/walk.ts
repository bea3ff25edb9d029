// How a driver walks a mapped table to program its device (`submit … walk W`): the DMA segments
// with for_each_sgtable_dma_sg() (`nents`, right), every CPU entry's DMA fields with
// for_each_sg(sgt->sgl, sg, sgt->orig_nents, i) (`orig_nents`, SGT-02), or `sg++` instead of
// sg_next() (`pointer`, SGT-06). The kernel checks none of it: what the device is given is what
// the walk read (include/linux/scatterlist.h for_each_sg(); drivers/iommu/dma-iommu.c
// __finalise_sg(); lib/scatterlist.c __sg_alloc_table()).
import type { Node, Walk } from '../../../language/ast';
import { assertNever } from '../../../common/assert';
import type { StepContext } from '../../seam';
import type { DmaState, DmaMapping } from './state';
import { sgMaxSingleAlloc, sgChainChunks } from './sgtable';

/** The mapper that filled the DMA fields, for what it left in the entries past nents. */
function tailOf(dma: DmaState, ctx: StepContext, m: DmaMapping): string {
  const domain = m.domain === undefined ? undefined : dma.domains.get(m.domain);
  if (domain?.armMapping) return `the arm32 arch mapping set their sg_dma_len() to 0 and left their sg_dma_address() as it was (${ctx.cite('arm_iommu_map_sg')})`;
  if (domain) return `dma-iommu's __finalise_sg() set them to sg_dma_address() = DMA_MAPPING_ERROR and sg_dma_len() = 0 (${ctx.cite('__finalise_sg')})`;
  return 'their DMA fields were not filled by the mapping';
}

/** SGT-02 or SGT-06 for a job whose descriptors come from walking `m` as `walk` says. */
export function checkWalk(dma: DmaState, ctx: StepContext, m: DmaMapping, walk: Walk, name: string, device: string, at: Node): void {
  switch (walk) {
    case 'nents':
      return;
    case 'orig_nents':
      return origNents(dma, ctx, m, name, device, at);
    case 'pointer':
      return pointer(ctx, m, name, device, at);
    default:
      return assertNever(walk);
  }
}

function origNents(dma: DmaState, ctx: StepContext, m: DmaMapping, name: string, device: string, at: Node): void {
  const how = `for_each_sg(sgt->sgl, sg, sgt->orig_nents, i) with sg_dma_address()/sg_dma_len() (${ctx.cite('for_each_sg')})`;
  const right = `Walk DMA segments with for_each_sgtable_dma_sg(), which stops at nents (${ctx.cite('for_each_sgtable_dma_sg')}).`;
  if (m.via === 'phys_vec') {
    ctx.report(
      'SGT-09',
      at,
      `${device}'s descriptors come from ${how}, but ${name} was built by dma_buf_phys_vec_to_sgt(), which sets orig_nents to 0 ("DMABUF abuses scatterlist to ` +
        `create a scatterlist that does not have any CPU list, only the DMA list", drivers/dma-buf/dma-buf-mapping.c): the loop runs 0 times and the device gets ` +
        `no descriptors for its ${m.nents} DMA ${m.nents === 1 ? 'segment' : 'segments'}. ${right}`,
      { outcome: 'SILENT' },
    );
    return;
  }
  if (m.nents === m.origNents) {
    ctx.report(
      'SGT-02',
      at,
      `${device}'s descriptors come from ${how}. Here ${name} has as many DMA segments as entries (nents = orig_nents = ${m.nents}: nothing was merged), so the device gets the right addresses, by luck: ` +
        `behind an IOMMU dma_map_sgtable() merges IOVA-contiguous entries and the entries past nents carry no DMA address. ${right}`,
      { severity: 'warning', outcome: 'SILENT' },
    );
    return;
  }
  const extra = m.origNents - m.nents;
  ctx.report(
    'SGT-02',
    at,
    `${device}'s descriptors come from ${how}: ${name} has ${m.origNents} CPU entries but only ${m.nents} DMA ${m.nents === 1 ? 'segment' : 'segments'}, so the driver programs ` +
      `${extra} more ${extra === 1 ? 'descriptor' : 'descriptors'} from entries past nents, and ${tailOf(dma, ctx, m)}. The kernel notices nothing; what the device does with a zero length ` +
      `or an error address is its own (a DMA to 0xffff…, a transfer cut short, or a length of 0 read as the maximum). ${right}`,
    { outcome: 'SILENT' },
  );
}

function pointer(ctx: StepContext, m: DmaMapping, name: string, device: string, at: Node): void {
  const { arch, pageSize } = ctx.platform;
  const max = sgMaxSingleAlloc(arch, pageSize);
  const chunks = sgChainChunks(arch, pageSize, m.origNents);
  // __sg_alloc_table(): every chunk but the last holds max - 1 entries and the SG_CHAIN link.
  if (chunks === 1 || m.nents <= max - 1) return;
  ctx.report(
    'SGT-06',
    at,
    `${device}'s descriptors come from walking ${name}'s ${m.nents} DMA segments with sg++ instead of sg_next(): the table's ${m.origNents} entries are ${chunks} chained allocations of at most ` +
      `SG_MAX_SINGLE_ALLOC = ${max} slots (${ctx.cite('SG_MAX_SINGLE_ALLOC')}), each but the last giving its last slot to the SG_CHAIN link to the next (${ctx.cite('__sg_alloc_table')}). ` +
      `Descriptor ${max} is that link (length 0) and the ones after it are read past the end of the first allocation: the device is programmed with garbage, and the kernel notices nothing. ` +
      `Walk with sg_next() (for_each_sgtable_dma_sg(), ${ctx.cite('for_each_sgtable_dma_sg')}).`,
    { outcome: 'SILENT' },
  );
}
