// A block driver mapping a request's pages with the two-step DMA API (6.16+), in the style of
// NVMe's dma_iova_* path: reserve an IOVA range, link the pages, sync the IOTLB once.
#include <linux/dma-mapping.h>
#include <linux/gfp.h>

int blk_submit(struct device *dev, dma_addr_t addr, size_t len);

/* Bug: when the sync fails, the range is freed with the pages still linked into it. */
int blk_map_iova(struct device *dev)
{
	struct dma_iova_state state = {};
	struct page *page;
	int ret;

	page = alloc_pages(GFP_KERNEL, 4);
	if (!page)
		return -ENOMEM;
	if (!dma_iova_try_alloc(dev, &state, 0, 0x10000)) {
		__free_pages(page, 4);
		return -EOPNOTSUPP;
	}
	ret = dma_iova_link(dev, &state, page_to_phys(page), 0, 0x10000, DMA_TO_DEVICE, 0);
	if (ret)
		goto err_free;
	ret = dma_iova_sync(dev, &state, 0, 0x10000);
	if (ret)
		goto err_free;
	ret = blk_submit(dev, state.addr, 0x10000);
	dma_iova_destroy(dev, &state, 0x10000, DMA_TO_DEVICE, 0);
	__free_pages(page, 4);
	return ret;

err_free:
	dma_iova_free(dev, &state);                                   //~ DMAAPI-17
	__free_pages(page, 4);
	return ret;
}

/* Fixed twin: a failed sync unlinks what was linked before freeing the range. */
int blk_map_iova_fixed(struct device *dev)
{
	struct dma_iova_state state = {};
	struct page *page;
	int ret;

	page = alloc_pages(GFP_KERNEL, 4);
	if (!page)
		return -ENOMEM;
	if (!dma_iova_try_alloc(dev, &state, 0, 0x10000)) {
		__free_pages(page, 4);
		return -EOPNOTSUPP;
	}
	ret = dma_iova_link(dev, &state, page_to_phys(page), 0, 0x10000, DMA_TO_DEVICE, 0);
	if (ret)
		goto err_free;
	ret = dma_iova_sync(dev, &state, 0, 0x10000);
	if (ret)
		goto err_destroy;
	ret = blk_submit(dev, state.addr, 0x10000);
err_destroy:
	dma_iova_destroy(dev, &state, 0x10000, DMA_TO_DEVICE, 0);
	__free_pages(page, 4);
	return ret;

err_free:
	dma_iova_free(dev, &state);
	__free_pages(page, 4);
	return ret;
}
