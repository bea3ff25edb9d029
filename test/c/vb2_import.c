// A V4L2 capture driver importing a dma-buf, in the style of vb2_dc_map_dmabuf() /
// vb2_dc_unmap_dmabuf(): the frame is mapped for the device to write into.
#include <linux/dma-buf.h>

struct cap_buf { struct dma_buf_attachment *db_attach; struct sg_table *dma_sgt; };

/* Bug: the unmap passes the wrong direction, so the exporter's unmap cleans instead of invalidating. */
int cap_map_frame(struct cap_buf *buf, struct dma_buf *dbuf, struct device *dev)
{
	struct dma_buf_attachment *db_attach;
	struct sg_table *sgt;

	db_attach = dma_buf_attach(dbuf, dev);
	if (IS_ERR(db_attach))
		return PTR_ERR(db_attach);
	sgt = dma_buf_map_attachment_unlocked(db_attach, DMA_FROM_DEVICE);
	if (IS_ERR(sgt)) {
		dma_buf_detach(dbuf, db_attach);
		return -EINVAL;
	}
	/* ... the device writes the frame ... */
	dma_buf_unmap_attachment_unlocked(db_attach, sgt, DMA_TO_DEVICE);   //~ DMAAPI-04
	dma_buf_detach(dbuf, db_attach);
	return 0;
}

/* Fixed twin. */
int cap_map_frame_fixed(struct cap_buf *buf, struct dma_buf *dbuf, struct device *dev)
{
	struct dma_buf_attachment *db_attach;
	struct sg_table *sgt;

	db_attach = dma_buf_attach(dbuf, dev);
	if (IS_ERR(db_attach))
		return PTR_ERR(db_attach);
	sgt = dma_buf_map_attachment_unlocked(db_attach, DMA_FROM_DEVICE);
	if (IS_ERR(sgt)) {
		dma_buf_detach(dbuf, db_attach);
		return -EINVAL;
	}
	dma_buf_unmap_attachment_unlocked(db_attach, sgt, DMA_FROM_DEVICE);
	dma_buf_detach(dbuf, db_attach);
	return 0;
}
