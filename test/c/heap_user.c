// A driver reading a frame userspace allocated from a dma-buf heap and passed by fd, in the style
// of a codec's firmware-log or header parser: get the buffer, map it into the kernel, bracket the
// CPU read, release.
#include <linux/dma-buf.h>
#include <linux/iosys-map.h>

int parse_header(const void *hdr);

/* Bug: when the vmap fails, the reference dma_buf_get() took is never dropped. */
int codec_read_header(int fd)
{
	struct dma_buf *dmabuf;
	struct iosys_map map;
	int ret;

	dmabuf = dma_buf_get(fd);                                     //~ LEAK-01
	if (IS_ERR(dmabuf))
		return PTR_ERR(dmabuf);
	ret = dma_buf_vmap_unlocked(dmabuf, &map);
	if (ret)
		return ret;
	ret = dma_buf_begin_cpu_access(dmabuf, DMA_FROM_DEVICE);
	if (!ret) {
		ret = parse_header(map.vaddr);
		dma_buf_end_cpu_access(dmabuf, DMA_FROM_DEVICE);
	}
	dma_buf_vunmap_unlocked(dmabuf, &map);
	dma_buf_put(dmabuf);
	return ret;
}

/* Fixed twin. */
int codec_read_header_fixed(int fd)
{
	struct dma_buf *dmabuf;
	struct iosys_map map;
	int ret;

	dmabuf = dma_buf_get(fd);
	if (IS_ERR(dmabuf))
		return PTR_ERR(dmabuf);
	ret = dma_buf_vmap_unlocked(dmabuf, &map);
	if (ret)
		goto out_put;
	ret = dma_buf_begin_cpu_access(dmabuf, DMA_FROM_DEVICE);
	if (!ret) {
		ret = parse_header(map.vaddr);
		dma_buf_end_cpu_access(dmabuf, DMA_FROM_DEVICE);
	}
	dma_buf_vunmap_unlocked(dmabuf, &map);
out_put:
	dma_buf_put(dmabuf);
	return ret;
}

/* A driver's mmap handler forwarding to the exporter: the VMA keeps its own file reference, so
 * the one taken here is dropped at once. Nothing to report. */
int codec_mmap_frame(int fd, struct vm_area_struct *vma)
{
	struct dma_buf *dmabuf;
	int ret;

	dmabuf = dma_buf_get(fd);
	if (IS_ERR(dmabuf))
		return PTR_ERR(dmabuf);
	ret = dma_buf_mmap(dmabuf, vma, 0);
	dma_buf_put(dmabuf);
	return ret;
}
