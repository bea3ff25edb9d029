// A 32-bit capture engine's descriptor setup, on a SoC without IOMMU for it and with swiotlb built
// out: kmalloc memory above 4 GiB cannot be mapped for it. The driver checks dma_mapping_error(),
// so the path where the map succeeds never runs on this platform: the checker reports the failing
// map and nothing that path would have done after it.
#include <linux/dma-mapping.h>
#include <linux/slab.h>

int cap_setup_desc(struct device *dev)
{
	void *desc = kmalloc(4096, GFP_KERNEL);
	dma_addr_t addr;

	if (!desc)
		return -ENOMEM;
	addr = dma_map_single(dev, desc, 4096, DMA_TO_DEVICE);   //~ DMAAPI-13
	if (dma_mapping_error(dev, addr)) {
		kfree(desc);
		return -EIO;
	}
	kfree(desc);
	return 0;
}

/* The success branch forgets to free the descriptor, but on this platform it never runs: only the
 * failing map is reported, not the leak that path would have. */
int cap_setup_desc_keep(struct device *dev)
{
	void *desc = kmalloc(4096, GFP_KERNEL);
	dma_addr_t addr;

	if (!desc)
		return -ENOMEM;
	addr = dma_map_single(dev, desc, 4096, DMA_TO_DEVICE);   //~ DMAAPI-13
	if (dma_mapping_error(dev, addr)) {
		kfree(desc);
		return -EIO;
	}
	return 0;
}
