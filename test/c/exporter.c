// A driver exporting its own buffer object to userspace, in the style of a DRM driver's or an
// accelerator's export ioctl: dma_buf_export() with the driver's dma_buf_ops, then a file
// descriptor for it. The ops are the ones the .dmabuf file describes for the exporting device.
#include <linux/dma-buf.h>

struct foo_bo {
	size_t size;
};

extern const struct dma_buf_ops foo_dmabuf_ops;

/* Bug: when no file descriptor can be allocated, the exported buffer is never released. */
int foo_export_fd(struct foo_bo *bo, int flags)
{
	DEFINE_DMA_BUF_EXPORT_INFO(exp_info);
	struct dma_buf *dmabuf;
	int fd;

	exp_info.ops = &foo_dmabuf_ops;
	exp_info.size = bo->size;
	exp_info.priv = bo;
	dmabuf = dma_buf_export(&exp_info);                  //~ LEAK-01
	if (IS_ERR(dmabuf))
		return PTR_ERR(dmabuf);
	fd = dma_buf_fd(dmabuf, flags);
	if (fd < 0)
		return fd;
	return fd;
}

/* Fixed twin: the fd owns the buffer; without one, the export is dropped. */
int foo_export_fd_fixed(struct foo_bo *bo, int flags)
{
	DEFINE_DMA_BUF_EXPORT_INFO(exp_info);
	struct dma_buf *dmabuf;
	int fd;

	exp_info.ops = &foo_dmabuf_ops;
	exp_info.size = bo->size;
	exp_info.priv = bo;
	dmabuf = dma_buf_export(&exp_info);
	if (IS_ERR(dmabuf))
		return PTR_ERR(dmabuf);
	fd = dma_buf_fd(dmabuf, flags);
	if (fd < 0)
		dma_buf_put(dmabuf);
	return fd;
}

/* A capture buffer in cacheable memory the driver syncs itself (dma_alloc_noncoherent): synced for
 * the CPU before the frame is parsed, through the DMA handle the allocation returned. */
int foo_capture_once(struct device *dev)
{
	dma_addr_t handle;
	void *frame;
	int ret;

	frame = dma_alloc_noncoherent(dev, 0x10000, &handle, DMA_FROM_DEVICE, GFP_KERNEL);
	if (!frame)
		return -ENOMEM;
	ret = foo_start_capture(dev, handle);
	if (!ret)
		dma_sync_single_for_cpu(dev, handle, 0x10000, DMA_FROM_DEVICE);
	dma_free_noncoherent(dev, 0x10000, frame, handle, DMA_FROM_DEVICE);
	return ret;
}

/* The same with dma_alloc_pages: the allocation as its struct page. */
int foo_capture_pages(struct device *dev)
{
	dma_addr_t handle;
	struct page *page;
	int ret;

	page = dma_alloc_pages(dev, 0x10000, &handle, DMA_FROM_DEVICE, GFP_KERNEL);
	if (!page)
		return -ENOMEM;
	ret = foo_start_capture(dev, handle);
	if (!ret)
		dma_sync_single_for_cpu(dev, handle, 0x10000, DMA_FROM_DEVICE);
	dma_free_pages(dev, 0x10000, page, handle, DMA_FROM_DEVICE);
	return ret;
}
