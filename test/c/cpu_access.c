// An importer that takes a dma-buf from a file descriptor, in the style of a V4L2 or RDMA driver's
// "get by fd" path, with the CPU-access bracket around a header read.
#include <linux/dma-buf.h>

/* Bug: the attach error path drops the reference, then falls into the ladder that drops it again. */
int imp_get(int fd, struct device *dev)
{
	struct dma_buf *buf;
	struct dma_buf_attachment *att;
	int ret;

	buf = dma_buf_get(fd);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	att = dma_buf_attach(buf, dev);
	if (IS_ERR(att)) {
		dma_buf_put(buf);
		ret = PTR_ERR(att);
		goto err_put;
	}
	ret = dma_buf_begin_cpu_access(buf, DMA_FROM_DEVICE);
	if (ret)
		goto err_detach;
	dma_buf_end_cpu_access(buf, DMA_FROM_DEVICE);
	dma_buf_detach(buf, att);
	dma_buf_put(buf);
	return 0;

err_detach:
	dma_buf_detach(buf, att);
err_put:
	dma_buf_put(buf);                          //~ LIFE-01
	return ret;
}

/* Fixed twin: one put per reference. */
int imp_get_fixed(int fd, struct device *dev)
{
	struct dma_buf *buf;
	struct dma_buf_attachment *att;
	int ret;

	buf = dma_buf_get(fd);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	att = dma_buf_attach(buf, dev);
	if (IS_ERR(att)) {
		ret = PTR_ERR(att);
		goto err_put;
	}
	ret = dma_buf_begin_cpu_access(buf, DMA_FROM_DEVICE);
	if (ret)
		goto err_detach;
	dma_buf_end_cpu_access(buf, DMA_FROM_DEVICE);
	dma_buf_detach(buf, att);
	dma_buf_put(buf);
	return 0;

err_detach:
	dma_buf_detach(buf, att);
err_put:
	dma_buf_put(buf);
	return ret;
}

/* Bug: the early return on a full ring leaves the CPU write bracket open: end_cpu_access() never
 * cleans the header for the device. */
int cap_fill_header(struct dma_buf *dmabuf, int full)
{
	int ret = dma_buf_begin_cpu_access(dmabuf, DMA_TO_DEVICE);   //~ CPU-02
	if (ret)
		return ret;
	if (full)
		return -EBUSY;
	dma_buf_end_cpu_access(dmabuf, DMA_TO_DEVICE);
	return 0;
}

/* Fixed twin. */
int cap_fill_header_fixed(struct dma_buf *dmabuf, int full)
{
	int ret = dma_buf_begin_cpu_access(dmabuf, DMA_TO_DEVICE);
	if (ret)
		return ret;
	if (full)
		ret = -EBUSY;
	dma_buf_end_cpu_access(dmabuf, DMA_TO_DEVICE);
	return ret;
}
