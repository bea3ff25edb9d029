// The kernel half of the engine, as the time half calls it (seam.ts KernelModel), one state object
// (state.ts) for its two parts, grouped as the kernel is:
//  - K-BUF, the dma-buf layer: dma-buf/ (drivers/dma-buf/dma-buf.c: buffers, attachments, maps,
//    pins, CPU access) and exporters/ (gem, ttm, heaps: their ops and ttm's placement);
//  - K-DMA, the DMA hardware model K-BUF calls through dma-mapping/api.ts: dma-mapping/
//    (kernel/dma: mapping.c, dma-direct, swiotlb, dma-debug; physical memory, sg tables),
//    iommu/ (drivers/iommu: the IOMMU API, dma-iommu, page tables, translation of device
//    accesses), p2pdma/ (drivers/pci/p2pdma.c: PCI topology, distance, map types).
import type { ErrorStmt, Ident, Node, Stmt, Usage } from '../../language/ast';
import type { KernelStmt } from '../../language/statements';
import type { BoundScenario, ResolvedPlatform, Symbol } from '../../language/bound';
import type { KernelModel, StepContext } from '../seam';
import { chunkRegions, execDma } from './dma-mapping/api';
import type { BufView } from './dma-mapping/api';
import { execAttach, execDetach } from './dma-buf/attach';
import { execExport, execGet, execHeap, execPut, execUdmabuf } from './dma-buf/buffers';
import { cpuAccess, execBeginCpu, execEndCpu, execMmap, execMunmap, execVmap, execVunmap } from './dma-buf/cpu';
import { deviceAccess } from './dma-buf/device';
import { premapsAtAttach } from './dma-buf/caching';
import { exporterOf, inBar } from './exporters/descriptions';
import { execKmap, execMap, execUnmap, reportPageUse } from './dma-buf/map-attachment';
import { execMove } from './exporters/move';
import { outstanding } from './dma-buf/outstanding';
import { execMemoryDecode, execVfioClose, execVfioReset } from './exporters/vfio';
import { execIoas, execIoasAttach, execIoasMap, execIoasUnmap } from './iommu/iommufd';
import { execPin, execUnpin } from './dma-buf/pin-attachment';
import { snapshotOf } from './dma-buf/snapshot';
import { initKernelState } from './state';
import type { KernelState } from './state';
import { reportFailedUse, useBuffer, useSgt } from './dma-buf/use';
import { memoryAccess } from './dma-mapping/driver-mem';

export type { KernelState } from './state';

/** What K-DMA may see of K-BUF's objects (dma_map of a buffer, iommu_map of a buffer or table). */
function bufView(k: KernelState): BufView {
  return {
    bufferChunks(ctx: StepContext, use: Ident) {
      const sym = ctx.sym(use);
      if (sym.kind === 'memory') return k.failed.has(sym.id) ? undefined : k.dma.memory.get(sym.id)?.chunks;
      const buffer = useBuffer(k, ctx, use, use, 'use');
      return buffer ? buffer.chunks : undefined;
    },
    hasPages(ctx: StepContext, use: Ident) {
      const buffer = k.buf.buffers.get(ctx.sym(use).id);
      if (!buffer || !inBar(buffer)) return true;
      const exporter = exporterOf(ctx.platform, buffer);
      // A driver's own description says whether its BAR is P2PDMA memory; the built-ins' BARs are taken as such.
      return !exporter.described || exporter.barEntries === 'pages';
    },
    sgtEntries(ctx: StepContext, use: Ident, at: Node) {
      const sym = ctx.sym(use);
      if (!k.buf.sgts.has(sym.id) && !k.failed.has(sym.id)) return undefined;
      const used = useSgt(k, ctx, use, use, 'use');
      if (!used) return undefined;
      reportPageUse(ctx, used.sgt, used.buffer, at, 'iommu_map');
      const att = used.att;
      return att.cached?.entries ?? att.table ?? undefined;
    },
  };
}

function execute(k: KernelState, ctx: StepContext, stmt: KernelStmt | ErrorStmt): boolean {
  switch (stmt.kind) {
    case 'Export':
      execExport(k, ctx, stmt);
      return true;
    case 'Heap':
      execHeap(k, ctx, stmt);
      return true;
    case 'Udmabuf':
      execUdmabuf(k, ctx, stmt);
      return true;
    case 'Get':
      execGet(k, ctx, stmt);
      return true;
    case 'Put':
      execPut(k, ctx, stmt);
      return true;
    case 'Attach':
      execAttach(k, ctx, stmt);
      return true;
    case 'Detach':
      execDetach(k, ctx, stmt);
      return true;
    case 'Pin':
      execPin(k, ctx, stmt);
      return true;
    case 'Unpin':
      execUnpin(k, ctx, stmt);
      return true;
    case 'Map':
      execMap(k, ctx, stmt);
      return true;
    case 'Unmap':
      execUnmap(k, ctx, stmt);
      return true;
    case 'Kmap':
      execKmap(k, ctx, stmt);
      return true;
    case 'Vmap':
      execVmap(k, ctx, stmt);
      return true;
    case 'Vunmap':
      execVunmap(k, ctx, stmt);
      return true;
    case 'Mmap':
      execMmap(k, ctx, stmt);
      return true;
    case 'Munmap':
      execMunmap(k, ctx, stmt);
      return true;
    case 'BeginCpu':
      execBeginCpu(k, ctx, stmt);
      return true;
    case 'EndCpu':
      execEndCpu(k, ctx, stmt);
      return true;
    case 'Ioas':
      execIoas(k.dma, ctx, stmt);
      return true;
    case 'IoasAttach':
      execIoasAttach(k.dma, ctx, stmt);
      return true;
    case 'IoasMap':
      execIoasMap(k, ctx, stmt);
      return true;
    case 'IoasUnmap':
      execIoasUnmap(k, ctx, stmt);
      return true;
    case 'MemoryDecode':
      execMemoryDecode(k, ctx, stmt);
      return true;
    case 'VfioReset':
      execVfioReset(k, ctx, stmt);
      return true;
    case 'VfioClose':
      execVfioClose(k, ctx, stmt);
      return true;
    case 'Error':
      return false;
    default:
      // What is left must be K-DMA's (a kernel statement without a case above does not compile).
      execDma(k, ctx, stmt, bufView(k));
      return true;
  }
}

/** The implicit waits a call performs before its effect (CPU-03, MAP-05). */
function waitsBefore(k: KernelState, ctx: StepContext, stmt: Stmt): { buffer: Symbol; usage: Usage }[] {
  switch (stmt.kind) {
    case 'BeginCpu': {
      const buffer = k.buf.buffers.get(ctx.sym(stmt.buf).id);
      // -EINVAL before any wait (CPU-01).
      if (!buffer || buffer.released || stmt.dir.value === 'none') return [];
      // dma_resv_usage_rw(write): a CPU write waits for readers too (dma-buf.c:1317-1332).
      return [{ buffer: buffer.symbol, usage: stmt.dir.value === 'read' ? 'write' : 'read' }];
    }
    case 'Map': {
      // __map_dma_buf waits for KERNEL fences for static importers only, and only when it maps: up to
      // 6.15 not when the map returns the cached attach->sgt; from 6.16 (no cache, attach-premap-dropped)
      // dma_buf_map_attachment() waits at every map of an attachment without importer_ops.
      const att = k.buf.attachments.get(ctx.sym(stmt.att).id);
      const buffer = att ? k.buf.buffers.get(att.buffer) : undefined;
      if (!att || !att.live || att.dynamic || att.cached || !buffer || buffer.released) return [];
      return [{ buffer: buffer.symbol, usage: 'kernel' }];
    }
    case 'Attach': {
      // ATT-03's pre-map of a static importer of a dynamic exporter goes through __map_dma_buf (up to 6.15).
      const buffer = k.buf.buffers.get(ctx.sym(stmt.buf).id);
      if (!buffer || buffer.released || stmt.dynamic || !exporterOf(ctx.platform, buffer).dynamic) return [];
      if (!premapsAtAttach(ctx, stmt.dynamic, buffer)) return [];
      return [{ buffer: buffer.symbol, usage: 'kernel' }];
    }
    default:
      return [];
  }
}

export const kernelModel: KernelModel<KernelState> = {
  init(platform: ResolvedPlatform, _scenario: BoundScenario): KernelState {
    return initKernelState(platform);
  },
  waitsBefore,
  execute,
  deviceAccess,
  cpuAccess(k, ctx, stmt) {
    const sym = ctx.sym(stmt.vmap);
    if (sym.kind !== 'memory') return cpuAccess(k, ctx, stmt);
    if (reportFailedUse(k, ctx, sym, stmt)) return undefined;
    const mem = k.dma.memory.get(sym.id);
    return mem ? memoryAccess(k, ctx, stmt, mem) : undefined;
  },
  move: execMove,
  bufferRegions(k, buffer) {
    const b = k.buf.buffers.get(buffer.id);
    return b && !b.released ? chunkRegions(b.chunks) : [];
  },
  bufferOf(k, object) {
    const id =
      k.buf.attachments.get(object.id)?.buffer ??
      k.buf.sgts.get(object.id)?.buffer ??
      k.buf.cpuMaps.get(object.id)?.buffer ??
      (k.buf.buffers.has(object.id) ? object.id : undefined) ??
      k.dma.mappings.get(k.dma.sgtMappings.get(object.id) ?? -1)?.bufferId;
    return id === undefined ? undefined : k.buf.buffers.get(id)?.symbol;
  },
  generation(k, object) {
    const b = kernelModel.bufferOf(k, object);
    return b ? k.buf.buffers.get(b.id)?.generation : undefined;
  },
  outstanding,
  snapshot: snapshotOf,
  endsOnlyItsObject(k, platform, kind, object) {
    // A put drops a reference; the last one releases the buffer, which only ends it (LIFE-01 for what comes later).
    if (kind === 'Put') return k.buf.buffers.has(object);
    // The DMA mappings the call unmaps: the table's own (none when it is the cached attach->sgt,
    // whose unmap is a no-op), or at detach every table of the attachment still mapped.
    const sgts = kind === 'Unmap' ? [k.buf.sgts.get(object)].filter((t) => t !== undefined && !t.cached) : [...k.buf.sgts.values()].filter((t) => t.attachment === object);
    return sgts.every((t) => {
      const m = t ? k.dma.mappings.get(t.mappingId) : undefined;
      // Unmapped already, or a coherent device's table with no swiotlb slot: nothing to sync or copy back.
      return !m || !m.live || (platform.devices.get(m.device)?.coherent === true && !m.bounced);
    });
  },
};
