// A TTM-style exporter evicting a buffer object that dynamic importers have mapped, in the style of
// a GPU driver's eviction path: after moving the backing store it tells the importers with
// dma_buf_move_notify(), which must run under the buffer's reservation lock.
#include <linux/dma-buf.h>
#include <linux/dma-resv.h>

struct gpu_bo {
	struct dma_buf *dmabuf;
};

int gpu_bo_move_to_system(struct gpu_bo *bo);

/* Bug: the importers are notified without the reservation lock. */
int gpu_bo_evict(struct gpu_bo *bo)
{
	int ret;

	ret = gpu_bo_move_to_system(bo);
	if (ret)
		return ret;
	dma_buf_move_notify(bo->dmabuf);                              //~ MOVE-02
	return 0;
}

/* Fixed twin: move and notify under the lock, as ttm_bo_validate() callers do. */
int gpu_bo_evict_fixed(struct gpu_bo *bo)
{
	int ret;

	dma_resv_lock(bo->dmabuf->resv, NULL);
	ret = gpu_bo_move_to_system(bo);
	if (!ret)
		dma_buf_move_notify(bo->dmabuf);
	dma_resv_unlock(bo->dmabuf->resv);
	return ret;
}
