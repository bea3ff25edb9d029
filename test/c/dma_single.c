// A NIC driver's transmit path with the streaming DMA API, in the style of a driver's xmit: map a
// kmalloc'ed bounce of the frame for the device, hand it to the ring, unmap on completion.
#include <linux/dma-mapping.h>
#include <linux/slab.h>

int nic_post(struct nic *nic, dma_addr_t addr, int len);

/* Bug: when posting fails, the error path frees the buffer without unmapping it. */
int nic_send(struct nic *nic, struct device *dev, int len)
{
	void *buf = kmalloc(2048, GFP_KERNEL);
	dma_addr_t addr;
	int ret;

	if (!buf)
		return -ENOMEM;
	addr = dma_map_single(dev, buf, 2048, DMA_TO_DEVICE);   //~ DMAAPI-05
	if (dma_mapping_error(dev, addr)) {
		kfree(buf);
		return -ENOMEM;
	}
	ret = nic_post(nic, addr, len);
	if (ret) {
		kfree(buf);
		return ret;
	}
	dma_unmap_single(dev, addr, 2048, DMA_TO_DEVICE);
	kfree(buf);
	return 0;
}

/* Fixed twin. */
int nic_send_fixed(struct nic *nic, struct device *dev, int len)
{
	void *buf = kmalloc(2048, GFP_KERNEL);
	dma_addr_t addr;
	int ret;

	if (!buf)
		return -ENOMEM;
	addr = dma_map_single(dev, buf, 2048, DMA_TO_DEVICE);
	if (dma_mapping_error(dev, addr)) {
		kfree(buf);
		return -ENOMEM;
	}
	ret = nic_post(nic, addr, len);
	dma_unmap_single(dev, addr, 2048, DMA_TO_DEVICE);
	kfree(buf);
	return ret;
}
