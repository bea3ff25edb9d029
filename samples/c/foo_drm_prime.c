// SPDX-License-Identifier: GPL-2.0
// A small DRM driver's PRIME import and CPU upload paths, written for DMA-BUF Lab's C checker in
// the style of drm_gem_prime_import_dev() and a driver's upload helper. Two of its functions have
// the bugs drivers ship most often on error paths; samples/c-driver-foo-check.dmabuf checks it.
#include <linux/dma-buf.h>
#include <drm/drm_prime.h>

struct foo_gem_object {
	struct drm_gem_object base;
	struct dma_buf_attachment *attach;
	struct sg_table *sgt;
};

struct foo_device {
	struct drm_device drm;
	struct device *dev;
};

/* Import: attach, map for the display engine, keep both in the GEM object. */
int foo_gem_prime_import(struct foo_device *foo, struct foo_gem_object *obj, struct dma_buf *dma_buf)
{
	struct dma_buf_attachment *attach;
	struct sg_table *sgt;
	int ret;

	attach = dma_buf_attach(dma_buf, foo->dev);
	if (IS_ERR(attach))
		return PTR_ERR(attach);

	get_dma_buf(dma_buf);

	sgt = dma_buf_map_attachment_unlocked(attach, DMA_BIDIRECTIONAL);
	if (IS_ERR(sgt)) {
		ret = PTR_ERR(sgt);
		goto fail_detach;
	}

	obj->attach = attach;
	obj->sgt = sgt;
	return 0;

fail_detach:
	dma_buf_detach(dma_buf, attach);
	return ret;
}

/* Upload a header with the CPU before the display engine scans the buffer out. */
int foo_upload_header(struct foo_device *foo, struct dma_buf *dma_buf, bool busy)
{
	int ret;

	ret = dma_buf_begin_cpu_access(dma_buf, DMA_TO_DEVICE);
	if (ret)
		return ret;
	if (busy)
		return -EBUSY;
	/* ... memcpy into the vmap ... */
	ret = dma_buf_end_cpu_access(dma_buf, DMA_TO_DEVICE);
	return ret;
}
