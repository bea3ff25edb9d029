// A GEM PRIME import in the style of drm_gem_prime_import_dev(): attach, map, wrap the table.
#include <linux/dma-buf.h>

struct foo_bo { struct dma_buf_attachment *attach; struct sg_table *sgt; };

/* Bug: when the map fails, the unwind ladder jumps past dma_buf_detach(). */
int foo_import_leaky(struct foo_bo *bo, struct dma_buf *dmabuf, struct device *dev)
{
	struct dma_buf_attachment *attach;
	struct sg_table *sgt;
	int ret;

	attach = dma_buf_attach(dmabuf, dev);          //~ LEAK-01
	if (IS_ERR(attach))
		return PTR_ERR(attach);

	sgt = dma_buf_map_attachment_unlocked(attach, DMA_BIDIRECTIONAL);
	if (IS_ERR(sgt)) {
		ret = PTR_ERR(sgt);
		goto err_out;
	}
	bo->attach = attach;
	bo->sgt = sgt;
	dma_buf_unmap_attachment_unlocked(attach, sgt, DMA_BIDIRECTIONAL);
	dma_buf_detach(dmabuf, attach);
	return 0;

err_out:
	return ret;
}

/* Fixed twin: the ladder detaches. */
int foo_import_fixed(struct foo_bo *bo, struct dma_buf *dmabuf, struct device *dev)
{
	struct dma_buf_attachment *attach;
	struct sg_table *sgt;
	int ret;

	attach = dma_buf_attach(dmabuf, dev);
	if (IS_ERR(attach))
		return PTR_ERR(attach);

	sgt = dma_buf_map_attachment_unlocked(attach, DMA_BIDIRECTIONAL);
	if (IS_ERR(sgt)) {
		ret = PTR_ERR(sgt);
		goto err_detach;
	}
	bo->attach = attach;
	bo->sgt = sgt;
	dma_buf_unmap_attachment_unlocked(attach, sgt, DMA_BIDIRECTIONAL);
	dma_buf_detach(dmabuf, attach);
	return 0;

err_detach:
	dma_buf_detach(dmabuf, attach);
	return ret;
}

/* Bug: detach while the table is still mapped. */
void foo_release_early(struct dma_buf *dmabuf, struct device *dev)
{
	struct dma_buf_attachment *attach = dma_buf_attach(dmabuf, dev);
	struct sg_table *sgt;

	if (IS_ERR(attach))
		return;
	sgt = dma_buf_map_attachment_unlocked(attach, DMA_TO_DEVICE);   //~ LEAK-01
	if (IS_ERR(sgt))
		goto out;
	dma_buf_detach(dmabuf, attach);                //~ LIFE-04
	dma_buf_unmap_attachment_unlocked(attach, sgt, DMA_TO_DEVICE); //~ LIFE-05
	return;
out:
	dma_buf_detach(dmabuf, attach);
}

/* The object keeps the attachment, the table and a reference to the buffer: nothing leaks here
 * (drm_gem_prime_import_dev() style; the object releases them at destroy). */
int foo_import_keep(struct foo_bo *bo, struct dma_buf *dmabuf, struct device *dev)
{
	struct dma_buf_attachment *attach;
	struct sg_table *sgt;

	attach = dma_buf_attach(dmabuf, dev);
	if (IS_ERR(attach))
		return PTR_ERR(attach);
	get_dma_buf(dmabuf);
	sgt = dma_buf_map_attachment_unlocked(attach, DMA_BIDIRECTIONAL);
	if (IS_ERR(sgt)) {
		dma_buf_detach(dmabuf, attach);
		dma_buf_put(dmabuf);
		return PTR_ERR(sgt);
	}
	bo->attach = attach;
	bo->sgt = sgt;
	return 0;
}

/* Bug: the same, but the error path forgets the reference get_dma_buf() took. */
int foo_import_keep_leaky(struct foo_bo *bo, struct dma_buf *dmabuf, struct device *dev)
{
	struct dma_buf_attachment *attach;
	struct sg_table *sgt;

	attach = dma_buf_attach(dmabuf, dev);
	if (IS_ERR(attach))
		return PTR_ERR(attach);
	get_dma_buf(dmabuf);                          //~ LEAK-01
	sgt = dma_buf_map_attachment_unlocked(attach, DMA_BIDIRECTIONAL);
	if (IS_ERR(sgt)) {
		dma_buf_detach(dmabuf, attach);
		return PTR_ERR(sgt);
	}
	bo->attach = attach;
	bo->sgt = sgt;
	return 0;
}

/* A static teardown helper, followed from its callers with their names for its parameters. */
static void foo_teardown(struct dma_buf *buf, struct dma_buf_attachment *a, struct sg_table *t)
{
	dma_buf_unmap_attachment_unlocked(a, t, DMA_BIDIRECTIONAL);
	dma_buf_detach(buf, a);
}

/* Bug: the helper detaches first, while the table is still mapped. */
static void foo_teardown_early(struct dma_buf *buf, struct dma_buf_attachment *a, struct sg_table *t)
{
	dma_buf_detach(buf, a);                                    //~ LIFE-04
	dma_buf_unmap_attachment_unlocked(a, t, DMA_BIDIRECTIONAL); //~ LIFE-05
}

int foo_use_helper(struct dma_buf *dmabuf, struct device *dev)
{
	struct dma_buf_attachment *attach = dma_buf_attach(dmabuf, dev);
	struct sg_table *sgt;

	if (IS_ERR(attach))
		return PTR_ERR(attach);
	sgt = dma_buf_map_attachment_unlocked(attach, DMA_BIDIRECTIONAL);
	if (IS_ERR(sgt)) {
		dma_buf_detach(dmabuf, attach);
		return PTR_ERR(sgt);
	}
	foo_teardown(dmabuf, attach, sgt);
	return 0;
}

int foo_use_early_helper(struct dma_buf *dmabuf, struct device *dev)
{
	struct dma_buf_attachment *attach = dma_buf_attach(dmabuf, dev);
	struct sg_table *sgt;

	if (IS_ERR(attach))
		return PTR_ERR(attach);
	sgt = dma_buf_map_attachment_unlocked(attach, DMA_BIDIRECTIONAL);   //~ LEAK-01
	if (IS_ERR(sgt)) {
		dma_buf_detach(dmabuf, attach);
		return PTR_ERR(sgt);
	}
	foo_teardown_early(dmabuf, attach, sgt);
	return 0;
}

/* A map helper returning an int, and a caller that tests it: where the helper failed (and cleaned
 * up), the caller returns too, so the unmap below never meets a table that was not mapped. */
static int foo_map_bo(struct foo_bo *bo, struct dma_buf *dmabuf, struct device *dev)
{
	bo->attach = dma_buf_attach(dmabuf, dev);
	if (IS_ERR(bo->attach))
		return PTR_ERR(bo->attach);
	bo->sgt = dma_buf_map_attachment_unlocked(bo->attach, DMA_TO_DEVICE);
	if (IS_ERR(bo->sgt)) {
		dma_buf_detach(dmabuf, bo->attach);
		return PTR_ERR(bo->sgt);
	}
	return 0;
}

int foo_use_ret(struct foo_bo *bo, struct dma_buf *dmabuf, struct device *dev)
{
	int ret = foo_map_bo(bo, dmabuf, dev);

	if (ret)
		return ret;
	dma_buf_unmap_attachment_unlocked(bo->attach, bo->sgt, DMA_TO_DEVICE);
	dma_buf_detach(dmabuf, bo->attach);
	return 0;
}
