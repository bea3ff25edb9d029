// Each statement as the kernel C it stands for, for the trace, hover and "show as kernel C". One
// table for every statement kind (the dma-buf layer's, the DMA API's, the IOMMU API's and the time
// half's), so the rendering stays consistent. Names are the scenario's; the C is illustrative of
// the call sequence a driver would write, not compilable code.
import type { Dir, Stmt, Usage } from '../language/ast';
import type { BoundScenario } from '../language/bound';

function dir(d: Dir): string {
  return d === 'to_device' ? 'DMA_TO_DEVICE' : d === 'from_device' ? 'DMA_FROM_DEVICE' : 'DMA_BIDIRECTIONAL';
}

function syncFlags(d: 'read' | 'write' | 'rw'): string {
  return d === 'read' ? 'DMA_BUF_SYNC_READ' : d === 'write' ? 'DMA_BUF_SYNC_WRITE' : 'DMA_BUF_SYNC_RW';
}

function cpuDir(d: 'read' | 'write' | 'rw'): string {
  return d === 'read' ? 'DMA_FROM_DEVICE' : d === 'write' ? 'DMA_TO_DEVICE' : 'DMA_BIDIRECTIONAL';
}

function usage(u: Usage): string {
  return `DMA_RESV_USAGE_${u.toUpperCase()}`;
}

function prot(p: 'read' | 'write' | 'rw' | undefined): string {
  return p === 'read' ? 'IOMMU_READ' : p === 'write' ? 'IOMMU_WRITE' : 'IOMMU_READ | IOMMU_WRITE';
}

function hex(n: number): string {
  return `0x${n.toString(16)}`;
}

/** One statement as C; `thread` blocks render their body indented. */
export function kernelC(stmt: Stmt, indent = ''): string {
  return lines(stmt)
    .map((l) => indent + l)
    .join('\n');
}

function lines(s: Stmt): string[] {
  switch (s.kind) {
    case 'Export':
      return [
        `/* ${s.dev.name}'s driver allocates ${s.size.value} bytes in ${s.mem.name}${s.contiguous ? ' (contiguous)' : ''} */`,
        `${s.name.name} = dma_buf_export(&exp_info); /* exp_info.ops = &${s.dev.name}_dmabuf_ops, .size = ${s.size.value} */`,
      ];
    case 'Heap':
      return [
        `struct dma_heap_allocation_data ${s.name.name}_req = { .len = ${s.size.value}, .fd_flags = O_RDWR | O_CLOEXEC };`,
        `ioctl(${s.heap.value}_heap_fd, DMA_HEAP_IOCTL_ALLOC, &${s.name.name}_req); ${s.name.name} = dma_buf_get(${s.name.name}_req.fd);`,
      ];
    case 'Get':
      return [`get_dma_buf(${s.buf.name}); /* dma_fence_get(${s.buf.name}) when it names a fence */`];
    case 'Put':
      return [`dma_buf_put(${s.buf.name}); /* dma_fence_put(${s.buf.name}) when it names a fence */`];
    case 'Move':
      return [`ttm_bo_validate(bo_of(${s.buf.name}), &placement_${s.mem.name}, &ctx); /* amdgpu_bo_move() → dma_buf_move_notify(${s.buf.name}) */`];
    case 'Lock':
      return [`dma_resv_lock(${s.buf.name}->resv, NULL);`];
    case 'Unlock':
      return [`dma_resv_unlock(${s.buf.name}->resv);`];
    case 'Attach':
      return s.dynamic
        ? [
            `/* importer_ops = { .allow_peer2peer = ${s.peer2peer}, .move_notify = ${s.dev.name}_move_notify } */`,
            `${s.name.name} = dma_buf_dynamic_attach(${s.buf.name}, ${s.dev.name}_dev, &importer_ops, priv);`,
          ]
        : [`${s.name.name} = dma_buf_attach(${s.buf.name}, ${s.dev.name}_dev);`];
    case 'Detach':
      return [`dma_buf_detach(${s.att.name}->dmabuf, ${s.att.name});`];
    case 'Pin':
      return [`dma_buf_pin(${s.att.name});`];
    case 'Unpin':
      return [`dma_buf_unpin(${s.att.name});`];
    case 'Map':
      return [`${s.name.name} = dma_buf_map_attachment${s.unlocked ? '_unlocked' : ''}(${s.att.name}, ${dir(s.dir.value)});`];
    case 'Unmap':
      return [`dma_buf_unmap_attachment${s.unlocked ? '_unlocked' : ''}(attach, ${s.sgt.name}, dir);`];
    case 'Kmap':
      return [`vaddr = kmap(sg_page(${s.sgt.name}->sgl)); /* importer touches struct page */`];
    case 'DmaMap':
      return [
        `${s.name.name} = sg_table_of_pages(${s.buf.name});`,
        `ret = dma_map_sgtable(${s.dev.name}_dev, ${s.name.name}, ${dir(s.dir.value)}, ${s.skipCpuSync ? 'DMA_ATTR_SKIP_CPU_SYNC' : '0'});`,
      ];
    case 'DmaUnmap':
      return s.nents
        ? [`dma_unmap_sg(dev, ${s.sgt.name}->sgl, ${s.nents.value}, ${s.dir ? dir(s.dir.value) : 'dir'});`]
        : [`dma_unmap_sgtable(dev, ${s.sgt.name}, ${s.dir ? dir(s.dir.value) : 'dir'}, 0);`];
    case 'DmaSync':
      return [`dma_sync_sgtable_${s.target.value}(dev, ${s.sgt.name}, ${s.dir ? dir(s.dir.value) : 'dir'});`];
    case 'Vmap':
      return [`dma_buf_vmap${s.unlocked ? '_unlocked' : ''}(${s.buf.name}, &${s.name.name});`];
    case 'Vunmap':
      return [`dma_buf_vunmap${s.unlocked ? '_unlocked' : ''}(dmabuf, &${s.vmap.name});`];
    case 'Mmap':
      return [`${s.name.name} = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, ${s.buf.name}_fd, 0);`];
    case 'Munmap':
      return [`munmap(${s.vmap.name}, size);`];
    case 'BeginCpu':
      return [
        `dma_buf_begin_cpu_access(${s.buf.name}, ${cpuDir(s.dir.value)}); /* ioctl(fd, DMA_BUF_IOCTL_SYNC, DMA_BUF_SYNC_START | ${syncFlags(s.dir.value)}) */`,
      ];
    case 'EndCpu':
      return [
        `dma_buf_end_cpu_access(${s.buf.name}, ${cpuDir(s.dir.value)}); /* ioctl(fd, DMA_BUF_IOCTL_SYNC, DMA_BUF_SYNC_END | ${syncFlags(s.dir.value)}) */`,
      ];
    case 'CpuAccess': {
      const range = s.range ? ` + ${s.range.offset.value}, ${s.range.size.value}` : ', size';
      return [s.access.value === 'read' ? `memcpy(dst, ${s.vmap.name}${range});` : `memcpy(${s.vmap.name}${range.replace(', ', ', src, ')});`];
    }
    case 'Submit': {
      const target = s.target.kind === 'Iova' ? `iova ${hex(s.target.addr.value)} in ${s.target.domain.name}` : s.target.name.name;
      const out: string[] = [];
      if (s.after.length > 0) out.push(`/* job waits for ${s.after.map((f) => f.name).join(', ')} */`);
      if (s.implicit) out.push(`/* implicit sync: wait dma_resv_usage_rw(${s.access.value === 'write'}) fences, then dma_resv_add_fence(resv, job_fence, ${s.access.value === 'write' ? 'DMA_RESV_USAGE_WRITE' : 'DMA_RESV_USAGE_READ'}) */`);
      out.push(`${s.dev.name}_submit_job(${s.access.value.toUpperCase()}, ${target}${s.range ? `, ${s.range.offset.value}, ${s.range.size.value}` : ''});${s.signal ? ` /* signals ${s.signal.name} */` : ''}`);
      return out;
    }
    case 'Fence': {
      const ctx = s.context ? `${s.context.name}_context` : 'dma_fence_context_alloc(1)';
      const init = `dma_fence_init(${s.name.name}, &${s.userspace ? 'userspace_fence_ops' : 'sw_fence_ops'}, &lock, ${ctx}, ${s.seqno?.value ?? 1});`;
      return s.userspace ? ['/* completes when userspace says so (a future / proxy / user fence) */', init] : [init];
    }
    case 'SetError':
      return [`dma_fence_set_error(${s.fence.name}, ${s.error.value});`];
    case 'FenceArray':
      return [
        `fences = kmalloc_array(${s.fences.length}, sizeof(*fences), GFP_KERNEL); /* ${s.fences.map((f) => `dma_fence_get(${f.name})`).join(', ')} */`,
        `${s.name.name} = &dma_fence_array_create(${s.fences.length}, fences, dma_fence_context_alloc(1), 1, ${s.any})->base;`,
      ];
    case 'FenceChain':
      return [
        `${s.name.name} = dma_fence_chain_alloc();`,
        `dma_fence_chain_init(${s.name.name}, ${s.prev ? `dma_fence_get(${s.prev.name})` : 'NULL'}, dma_fence_get(${s.fence.name}), seqno);`,
      ];
    case 'Signal':
      return [`dma_fence_signal(${s.fence.name});`];
    case 'Wait':
      return s.fences.map((f) => `dma_fence_wait${s.timeout ? `_timeout(${f.name}, false, ${s.timeout.value})` : `(${f.name}, false)`};`);
    case 'ResvAdd':
      return [`dma_resv_reserve_fences(${s.buf.name}->resv, 1);`, `dma_resv_add_fence(${s.buf.name}->resv, ${s.fence.name}, ${usage(s.usage.value)});`];
    case 'WaitResv':
      return s.timeout?.value === 0
        ? [`dma_resv_test_signaled(${s.buf.name}->resv, ${usage(s.usage.value)});`]
        : [`dma_resv_wait_timeout(${s.buf.name}->resv, ${usage(s.usage.value)}, true, ${s.timeout ? s.timeout.value : 'MAX_SCHEDULE_TIMEOUT'});`];
    case 'ExportSyncFile':
      return [`ioctl(${s.buf.name}_fd, DMA_BUF_IOCTL_EXPORT_SYNC_FILE, &(struct dma_buf_export_sync_file){ .flags = ${syncFlags(s.dir.value)} }); /* → ${s.name.name} */`];
    case 'ImportSyncFile':
      return [`ioctl(${s.buf.name}_fd, DMA_BUF_IOCTL_IMPORT_SYNC_FILE, &(struct dma_buf_import_sync_file){ .flags = ${syncFlags(s.dir.value)}, .fd = ${s.fence.name}_fd });`];
    case 'BeginSignalling':
      return ['cookie = dma_fence_begin_signalling();'];
    case 'EndSignalling':
      return ['dma_fence_end_signalling(cookie);'];
    case 'Alloc':
      return [`kmalloc(size, ${s.gfp.value === 'kernel' ? 'GFP_KERNEL' : 'GFP_ATOMIC'});`];
    case 'Domain':
      return [`${s.name.name} = iommu_domain_alloc(&platform_bus_type); /* ${s.iommu.name} */`];
    case 'AttachDomain':
      return s.group ? [`iommu_attach_group(${s.domain.name}, ${s.group.name});`] : [`iommu_attach_device(${s.domain.name}, ${s.dev?.name ?? 'dev'}_dev);`];
    case 'DetachDomain':
      return s.group ? [`iommu_detach_group(${s.domain.name}, ${s.group.name});`] : [`iommu_detach_device(${s.domain.name}, ${s.dev?.name ?? 'dev'}_dev);`];
    case 'ArmIommuDetach':
      return [`mapping = to_dma_iommu_mapping(${s.dev.name}_dev);`, `arm_iommu_detach_device(${s.dev.name}_dev);`, 'arm_iommu_release_mapping(mapping);'];
    case 'IommuMap':
      return [`iommu_map(${s.domain.name}, ${hex(s.addr.value)}, phys_of(${s.object.name}), size_of(${s.object.name}), ${prot(s.prot?.value)});`];
    case 'IommuUnmap':
      return [`iommu_unmap(${s.domain.name}, ${hex(s.addr.value)}, ${s.size.value});`];
    case 'Thread':
      return [`/* thread ${s.name.name} */ kthread_run(${s.name.name}_fn, NULL, "${s.name.name}"); /* ${s.name.name}_fn: */`, ...s.body.flatMap((b) => lines(b).map((l) => `    ${l}`))];
    case 'Error':
      return ['/* (statement with a syntax error) */'];
  }
}

/** The whole scenario as one C listing, for "show as kernel C". */
export function scenarioKernelC(scenario: BoundScenario): string {
  const header = `/* scenario ${scenario.name}${scenario.platform ? ` on ${scenario.platform.name} (Linux ${scenario.platform.kernel}, ${scenario.platform.arch})` : ''} */`;
  return [header, ...scenario.body.map((s) => kernelC(s))].join('\n');
}
