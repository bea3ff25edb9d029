// A SPI controller's receive path with the streaming DMA API over scatterlists, in the style of a
// controller driver: a kmalloc'ed bounce buffer described by one scatterlist entry, mapped for the
// device to write, unmapped when the transfer ends.
#include <linux/dma-mapping.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>

int ctlr_start_rx(struct ctlr *c, struct scatterlist *sg, int nents);

/* Bug: when the transfer cannot start, the table is unmapped in the wrong direction. */
int ctlr_rx(struct ctlr *c, struct device *dev, size_t len)
{
	struct scatterlist sg;
	void *buf;
	int nents, ret;

	buf = kmalloc(4096, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	sg_init_one(&sg, buf, 4096);
	nents = dma_map_sg(dev, &sg, 1, DMA_FROM_DEVICE);
	if (!nents) {
		kfree(buf);
		return -EIO;
	}
	ret = ctlr_start_rx(c, &sg, nents);
	if (ret) {
		dma_unmap_sg(dev, &sg, 1, DMA_TO_DEVICE);        //~ DMAAPI-04
		kfree(buf);
		return ret;
	}
	dma_unmap_sg(dev, &sg, 1, DMA_FROM_DEVICE);
	kfree(buf);
	return 0;
}

/* Fixed twin. */
int ctlr_rx_fixed(struct ctlr *c, struct device *dev, size_t len)
{
	struct scatterlist sg;
	void *buf;
	int nents, ret;

	buf = kmalloc(4096, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	sg_init_one(&sg, buf, 4096);
	nents = dma_map_sg(dev, &sg, 1, DMA_FROM_DEVICE);
	if (!nents) {
		kfree(buf);
		return -EIO;
	}
	ret = ctlr_start_rx(c, &sg, nents);
	dma_unmap_sg(dev, &sg, 1, DMA_FROM_DEVICE);
	kfree(buf);
	return ret;
}

/* Bug: a page mapped through an sg_table; the error path frees the page still mapped. */
int ctlr_tx_page(struct ctlr *c, struct device *dev)
{
	struct sg_table sgt;
	struct page *page;
	int ret;

	page = alloc_page(GFP_KERNEL);
	if (!page)
		return -ENOMEM;
	ret = sg_alloc_table_from_pages(&sgt, &page, 1, 0, 4096, GFP_KERNEL);
	if (ret)
		goto err_page;
	ret = dma_map_sgtable(dev, &sgt, DMA_TO_DEVICE, 0);       //~ DMAAPI-05
	if (ret)
		goto err_table;
	ret = ctlr_start_rx(c, sgt.sgl, sgt.nents);
	if (ret)
		goto err_table;
	dma_unmap_sgtable(dev, &sgt, DMA_TO_DEVICE, 0);
err_table:
	sg_free_table(&sgt);
err_page:
	__free_page(page);
	return ret;
}

/* Fixed twin: the unmap is on the error path too. */
int ctlr_tx_page_fixed(struct ctlr *c, struct device *dev)
{
	struct sg_table sgt;
	struct page *page;
	int ret;

	page = alloc_page(GFP_KERNEL);
	if (!page)
		return -ENOMEM;
	ret = sg_alloc_table_from_pages(&sgt, &page, 1, 0, 4096, GFP_KERNEL);
	if (ret)
		goto err_page;
	ret = dma_map_sgtable(dev, &sgt, DMA_TO_DEVICE, 0);
	if (ret)
		goto err_table;
	ret = ctlr_start_rx(c, sgt.sgl, sgt.nents);
	dma_unmap_sgtable(dev, &sgt, DMA_TO_DEVICE, 0);
err_table:
	sg_free_table(&sgt);
err_page:
	__free_page(page);
	return ret;
}

/* Bug: a doorbell write that maps the driver's own status page with dma_map_resource(), an API for
 * MMIO only: the page is RAM, so nothing cleans the CPU's write for the device. */
int ctlr_ring_status(struct ctlr *c, struct device *dev)
{
	struct page *status;
	dma_addr_t addr;

	status = alloc_page(GFP_KERNEL);
	if (!status)
		return -ENOMEM;
	addr = dma_map_resource(dev, page_to_phys(status), 4096, DMA_TO_DEVICE, 0);   //~ DMAAPI-18
	if (dma_mapping_error(dev, addr)) {
		__free_page(status);
		return -EIO;
	}
	dma_unmap_resource(dev, addr, 4096, DMA_TO_DEVICE, 0);
	__free_page(status);
	return 0;
}

/* Fixed twin: RAM is mapped with dma_map_page(). */
int ctlr_ring_status_fixed(struct ctlr *c, struct device *dev)
{
	struct page *status;
	dma_addr_t addr;

	status = alloc_page(GFP_KERNEL);
	if (!status)
		return -ENOMEM;
	addr = dma_map_page(dev, status, 0, 4096, DMA_TO_DEVICE);
	if (dma_mapping_error(dev, addr)) {
		__free_page(status);
		return -EIO;
	}
	dma_unmap_page(dev, addr, 4096, DMA_TO_DEVICE);
	__free_page(status);
	return 0;
}
