// A driver that dumps a frame header the GPU has just rendered, through a kernel vmap of the
// dma-buf. dma_buf_begin_cpu_access() is what waits for the GPU's write fence (and does the cache
// maintenance); without it the CPU reads while the GPU may still be writing.
#include <linux/dma-buf.h>
#include <linux/iosys-map.h>

/* Bug: no begin_cpu_access: nothing waits for the GPU's fence before the read. */
int dump_frame_header(struct dma_buf *dmabuf, void *dst)
{
	struct iosys_map map;
	int ret;

	ret = dma_buf_vmap_unlocked(dmabuf, &map);
	if (ret)
		return ret;
	memcpy(dst, map.vaddr, 64);                      //~ RACE-01 CPU-02
	dma_buf_vunmap_unlocked(dmabuf, &map);
	return 0;
}

/* Fixed twin: the bracket waits for the fence first. */
int dump_frame_header_fixed(struct dma_buf *dmabuf, void *dst)
{
	struct iosys_map map;
	int ret;

	ret = dma_buf_vmap_unlocked(dmabuf, &map);
	if (ret)
		return ret;
	ret = dma_buf_begin_cpu_access(dmabuf, DMA_FROM_DEVICE);
	if (ret)
		goto out;
	memcpy(dst, map.vaddr, 64);
	dma_buf_end_cpu_access(dmabuf, DMA_FROM_DEVICE);
out:
	dma_buf_vunmap_unlocked(dmabuf, &map);
	return ret;
}
