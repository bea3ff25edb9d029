// The CPU bracket of an exporter that syncs its own mapping of the buffer (`cpu_access
// sync_own_*`): videobuf2-dma-sg (drivers/media/common/videobuf2/videobuf2-dma-sg.c,
// vb2_dma_sg_dmabuf_ops_begin/end_cpu_access()) calls dma_sync_sgtable_for_cpu() and
// _for_device() on buf->dma_sgt for buf->dev, the exporting device, with buf->dma_dir, the
// queue's direction, whatever direction the bracket asked for; the importers' mappings take no
// part. Where the exporting device does not snoop, that direction decides the maintenance:
// for_cpu of a DMA_TO_DEVICE mapping does nothing (arch_sync_dma_for_cpu()), so a CPU read after
// an importer's device wrote sees stale lines; on arm32 for_device of a DMA_FROM_DEVICE mapping
// invalidates, discarding what the CPU wrote in the bracket (CPU-07, warning at the bracket; the
// data problem itself is COH-01/03 where it shows).
import type { CpuDir, Dir, Node } from '../../../language/ast';
import type { StepContext } from '../../seam';
import { chunkRegions } from '../dma-mapping/api';
import { archMaintains, describeEffect, emit, forCpuEffect, forDeviceEffect } from '../dma-mapping/cache';
import type { BufferObj } from '../state';
import { cpuDirC, dirC } from '../dma-buf/use';
import { describedAt, type ExporterDescription } from './descriptions';

function ownSync(ctx: StepContext, buffer: BufferObj, dir: Dir, target: 'for_cpu' | 'for_device'): string {
  const device = buffer.device ?? '';
  const regions = () => chunkRegions(buffer.chunks);
  const effect = target === 'for_cpu' ? forCpuEffect(ctx.platform, device, dir, regions) : forDeviceEffect(ctx.platform, device, dir, regions);
  emit(ctx, effect);
  return `dma_sync_sgtable_${target}(${device}, buf->dma_sgt, ${dirC(dir)}): ${describeEffect(effect)}`;
}

/** begin_cpu_access: the own mapping for the CPU in its own direction. */
export function beginCpuOwn(ctx: StepContext, stmt: Node, buffer: BufferObj, traits: ExporterDescription, cpuDir: CpuDir): string {
  const dir = traits.ownDir ?? 'bidirectional';
  if (cpuDir !== 'write' && dir === 'to_device' && archMaintains(ctx.platform, buffer.device ?? '')) {
    ctx.report(
      'CPU-07',
      stmt,
      `${traits.ops}.begin_cpu_access syncs the exporter's own mapping for ${buffer.device} with its own direction, ${dirC(dir)}, not the bracket's ` +
        `(${cpuDirC(cpuDir)}) (${ctx.cite('vb2_dma_sg_dmabuf_ops_begin_cpu_access')}), and dma_sync_sgtable_for_cpu() does no cache maintenance for ` +
        `DMA_TO_DEVICE: the CPU's reads may hit stale lines over data an importer's device wrote. Export a queue of the direction the data flows, or ` +
        `read through an importer that maps it DMA_FROM_DEVICE.`,
      { severity: 'warning', outcome: 'SILENT', ...describedAt(traits) },
    );
  }
  return `0 (${ownSync(ctx, buffer, dir, 'for_cpu')})`;
}

/** end_cpu_access: the own mapping back to its device in its own direction. */
export function endCpuOwn(ctx: StepContext, stmt: Node, buffer: BufferObj, traits: ExporterDescription, cpuDir: CpuDir): string {
  const dir = traits.ownDir ?? 'bidirectional';
  if (cpuDir !== 'read' && dir === 'from_device' && ctx.platform.arch === 'arm32' && archMaintains(ctx.platform, buffer.device ?? '')) {
    ctx.report(
      'CPU-07',
      stmt,
      `${traits.ops}.end_cpu_access syncs the exporter's own mapping for ${buffer.device} with its own direction, ${dirC(dir)}, not the bracket's ` +
        `(${cpuDirC(cpuDir)}) (${ctx.cite('vb2_dma_sg_dmabuf_ops_end_cpu_access')}), and on arm32 dma_sync_sgtable_for_device(DMA_FROM_DEVICE) ` +
        `invalidates the CPU cache: what the CPU wrote in the bracket and has not been evicted is discarded.`,
      { severity: 'warning', outcome: 'SILENT', ...describedAt(traits) },
    );
  }
  return `0 (${ownSync(ctx, buffer, dir, 'for_device')})`;
}
