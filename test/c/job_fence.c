// A driver publishing its job's fence in a buffer's reservation, in the style of a GPU or media
// driver's submit: initialise the fence, reserve a slot under the reservation lock, add the fence.
#include <linux/dma-buf.h>
#include <linux/dma-fence.h>
#include <linux/dma-resv.h>

struct job {
	struct dma_fence fence;
	spinlock_t lock;
	u64 ctx, seqno;
};

extern const struct dma_fence_ops job_fence_ops;

/* Bug: the fence is added after the lock is dropped. */
int job_publish(struct job *job, struct dma_buf *dmabuf)
{
	int ret;

	dma_fence_init(&job->fence, &job_fence_ops, &job->lock, job->ctx, job->seqno);
	dma_resv_lock(dmabuf->resv, NULL);
	ret = dma_resv_reserve_fences(dmabuf->resv, 1);
	if (ret) {
		dma_resv_unlock(dmabuf->resv);
		return ret;
	}
	dma_resv_unlock(dmabuf->resv);
	dma_resv_add_fence(dmabuf->resv, &job->fence, DMA_RESV_USAGE_WRITE);   //~ RESV-04
	return 0;
}

/* Fixed twin. */
int job_publish_fixed(struct job *job, struct dma_buf *dmabuf)
{
	int ret;

	dma_fence_init(&job->fence, &job_fence_ops, &job->lock, job->ctx, job->seqno);
	dma_resv_lock(dmabuf->resv, NULL);
	ret = dma_resv_reserve_fences(dmabuf->resv, 1);
	if (!ret)
		dma_resv_add_fence(dmabuf->resv, &job->fence, DMA_RESV_USAGE_WRITE);
	dma_resv_unlock(dmabuf->resv);
	return ret;
}

/* Waiting for the job's own fence with a bounded timeout after signalling it: nothing to report. */
int job_finish(struct job *job)
{
	dma_fence_init(&job->fence, &job_fence_ops, &job->lock, job->ctx, job->seqno);
	dma_fence_signal(&job->fence);
	dma_fence_wait_timeout(&job->fence, false, 100);
	dma_fence_put(&job->fence);
	return 0;
}
