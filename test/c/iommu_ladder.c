// An IOMMU-API driver (a DSP with its own IOVA space, in the style of remoteproc/fastrpc setup):
// allocate a paging domain, attach the device, map a firmware carveout it allocated itself, and
// unwind in reverse on failure. The ladder is where such drivers go wrong.
#include <linux/iommu.h>
#include <linux/gfp.h>

#define DSP_FW_IOVA 0x10000000

struct dsp {
	struct device *dev;
	struct iommu_domain *domain;
	struct page *fw;
};

/* Bug: a failed attach jumps to the label that detaches, and a failed map to the one that unmaps. */
int dsp_iommu_init(struct dsp *dsp)
{
	struct iommu_domain *domain;
	struct page *fw;
	int ret;

	domain = iommu_paging_domain_alloc(dsp->dev);
	if (IS_ERR(domain))
		return PTR_ERR(domain);
	ret = iommu_attach_device(domain, dsp->dev);
	if (ret)
		goto err_detach;
	fw = alloc_pages(GFP_KERNEL, 4);
	if (!fw) {
		ret = -ENOMEM;
		goto err_detach;
	}
	ret = iommu_map(domain, DSP_FW_IOVA, page_to_phys(fw), 0x10000, IOMMU_READ | IOMMU_WRITE, GFP_KERNEL);
	if (ret)
		goto err_unmap;
	dsp->domain = domain;
	dsp->fw = fw;
	return 0;

err_unmap:
	iommu_unmap(domain, DSP_FW_IOVA, 0x10000);              //~ IOMMU-07
	__free_pages(fw, 4);
err_detach:
	iommu_detach_device(domain, dsp->dev);                  //~ IOMMU-03
	iommu_domain_free(domain);
	return ret;
}

/* Fixed twin: each failure unwinds only what succeeded. */
int dsp_iommu_init_fixed(struct dsp *dsp)
{
	struct iommu_domain *domain;
	struct page *fw;
	int ret;

	domain = iommu_paging_domain_alloc(dsp->dev);
	if (IS_ERR(domain))
		return PTR_ERR(domain);
	ret = iommu_attach_device(domain, dsp->dev);
	if (ret)
		goto err_free;
	fw = alloc_pages(GFP_KERNEL, 4);
	if (!fw) {
		ret = -ENOMEM;
		goto err_detach;
	}
	ret = iommu_map(domain, DSP_FW_IOVA, page_to_phys(fw), 0x10000, IOMMU_READ | IOMMU_WRITE, GFP_KERNEL);
	if (ret)
		goto err_pages;
	dsp->domain = domain;
	dsp->fw = fw;
	return 0;

err_pages:
	__free_pages(fw, 4);
err_detach:
	iommu_detach_device(domain, dsp->dev);
err_free:
	iommu_domain_free(domain);
	return ret;
}
