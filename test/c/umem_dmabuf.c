// An RDMA driver importing a dma-buf as a memory region, in the style of ib_umem_dmabuf: a
// dynamic attachment (move_notify in its importer ops), the table mapped under the buffer's
// reservation lock, the pages pinned for a device that cannot fault.
#include <linux/dma-buf.h>
#include <linux/dma-resv.h>

struct umem {
	struct dma_buf_attachment *attach;
	struct sg_table *sgt;
};

extern const struct dma_buf_attach_ops umem_attach_ops;

/* Bug: the dynamic importer maps without holding the reservation lock. */
int umem_map(struct umem *umem, struct dma_buf *dmabuf, struct device *dev)
{
	struct dma_buf_attachment *attach;
	struct sg_table *sgt;

	attach = dma_buf_dynamic_attach(dmabuf, dev, &umem_attach_ops, umem);
	if (IS_ERR(attach))
		return PTR_ERR(attach);
	sgt = dma_buf_map_attachment(attach, DMA_BIDIRECTIONAL);      //~ MAP-01
	if (IS_ERR(sgt)) {
		dma_buf_detach(dmabuf, attach);
		return PTR_ERR(sgt);
	}
	umem->attach = attach;
	umem->sgt = sgt;
	return 0;
}

/* Fixed twin. */
int umem_map_fixed(struct umem *umem, struct dma_buf *dmabuf, struct device *dev)
{
	struct dma_buf_attachment *attach;
	struct sg_table *sgt;

	attach = dma_buf_dynamic_attach(dmabuf, dev, &umem_attach_ops, umem);
	if (IS_ERR(attach))
		return PTR_ERR(attach);
	dma_resv_lock(dmabuf->resv, NULL);
	sgt = dma_buf_map_attachment(attach, DMA_BIDIRECTIONAL);
	dma_resv_unlock(dmabuf->resv);
	if (IS_ERR(sgt)) {
		dma_buf_detach(dmabuf, attach);
		return PTR_ERR(sgt);
	}
	umem->attach = attach;
	umem->sgt = sgt;
	return 0;
}
