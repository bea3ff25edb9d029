// udmabuf's CPU bracket (drivers/dma-buf/udmabuf.c, 6.1:125-159, 6.12:205-239; CPU-07): the
// importers' tables do not take part. The first begin_cpu_access maps the memfd pages for the
// udmabuf misc device (ubuf->device->this_device) with that bracket's direction and
// DMA_ATTR_SKIP_CPU_SYNC, and remembers the direction (ubuf->sg_dir); every begin then calls
// dma_sync_sgtable_for_cpu() and every end dma_sync_sgtable_for_device() on that one table with
// the bracket's own direction. An end before any begin finds no table and returns -EINVAL.
// The misc device has no firmware node, so device_initialize() leaves it at dma_default_coherent:
// false on arm64 and arm32, where the syncs clean/invalidate the CPU cache (the same physical
// lines every importer reads); nothing on x86, which has no arch_sync_dma_*.
import type { CpuDir, Dir, Node } from '../../../language/ast';
import type { ResolvedPlatform } from '../../../language/bound';
import type { StepContext } from '../../seam';
import { chunkRegions } from '../dma-mapping/api';
import { describeEffect } from '../dma-mapping/cache';
import type { BufferObj } from '../state';
import { cpuDirC, dirC, site } from '../dma-buf/use';

const MISC = 'udmabuf misc device';

/** arch_sync_dma_* runs for the misc device: arm's default is non-coherent (dma_default_coherent false). */
function miscMaintains(platform: ResolvedPlatform): boolean {
  return platform.arch === 'arm64' || platform.arch === 'arm32';
}

/**
 * dma-debug's check_sync(): a sync in another direction than the table was mapped with, unless it
 * was mapped DMA_BIDIRECTIONAL (kernel/dma/debug.c).
 */
function checkDirection(ctx: StepContext, at: Node, buffer: BufferObj, dir: Dir, cpuDir: CpuDir): void {
  const table = buffer.miscTable;
  if (!table || table.dir === 'bidirectional' || table.dir === dir || table.reported) return;
  // dma-debug prints its first error only (kernel-rules.md DMAAPI-16); one finding per table.
  table.reported = true;
  const debug = ctx.platform.configs.DMA_API_DEBUG;
  ctx.report(
    'CPU-07',
    at,
    `udmabuf syncs its misc-device table with the bracket's direction (${dirC(dir)}, from ${cpuDirC(cpuDir)}), but the table was mapped ` +
      `${dirC(table.dir)} by the first begin_cpu_access (${ctx.cite('begin_cpu_udmabuf')}): ` +
      (debug
        ? `dma-debug prints "device driver syncs DMA memory with different direction [device address=…] [size=… bytes] [mapped with ${dirC(table.dir)}] [synced with ${dirC(dir)}]" (${ctx.cite('check_sync.direction')}). `
        : `a CONFIG_DMA_API_DEBUG kernel prints "device driver syncs DMA memory with different direction" (${ctx.cite('check_sync.direction')}). `) +
      `The first bracket fixes the mapping's direction for the buffer's lifetime: open the first one with DMA_BUF_SYNC_RW (DMA_BIDIRECTIONAL).`,
    { severity: 'warning', outcome: debug ? 'DMADBG' : 'SILENT', related: [{ at: table.at, message: `misc-device table mapped ${dirC(table.dir)} here` }] },
  );
}

function sync(ctx: StepContext, buffer: BufferObj, dir: Dir, target: 'for_cpu' | 'for_device'): string {
  if (!miscMaintains(ctx.platform)) return 'no cache maintenance';
  const regions = chunkRegions(buffer.chunks);
  if (target === 'for_cpu') {
    if (dir === 'to_device') return 'no cache maintenance';
    ctx.cache({ kind: 'invalidate', regions });
    return describeEffect({ kind: 'invalidate', regions });
  }
  const effect = ctx.platform.arch === 'arm32' && dir === 'from_device' ? ({ kind: 'invalidate', regions } as const) : ({ kind: 'clean', regions } as const);
  ctx.cache(effect);
  return describeEffect(effect);
}

/** begin_cpu_udmabuf(): the outcome for the trace. */
export function beginCpuUdmabuf(ctx: StepContext, stmt: Node, buffer: BufferObj, dir: Dir, cpuDir: CpuDir): string {
  let made = '';
  if (!buffer.miscTable) {
    // get_sg_table(misc, dir) maps with DMA_ATTR_SKIP_CPU_SYNC: no maintenance at the map itself.
    buffer.miscTable = { dir, at: site(ctx, stmt) };
    made = `first bracket: dma_map_sgtable(${MISC}, ${dirC(dir)}, DMA_ATTR_SKIP_CPU_SYNC) (${ctx.cite('get_sg_table.udmabuf-skip-sync')}), sg_dir fixed; `;
  } else {
    checkDirection(ctx, stmt, buffer, dir, cpuDir);
  }
  return `0 (${made}dma_sync_sgtable_for_cpu(${MISC}, ${dirC(dir)}): ${sync(ctx, buffer, dir, 'for_cpu')})`;
}

/** end_cpu_udmabuf(): the outcome for the trace; undefined when it failed (-EINVAL, reported). */
export function endCpuUdmabuf(ctx: StepContext, stmt: Node, buffer: BufferObj, dir: Dir, cpuDir: CpuDir): string | undefined {
  if (!buffer.miscTable) {
    ctx.report(
      'CPU-07',
      stmt,
      `end_cpu_access of udmabuf \`${buffer.symbol.name}\` before any begin_cpu_access: end_cpu_udmabuf() finds no misc-device table ` +
        `(\`if (!ubuf->sg) return -EINVAL\`, ${ctx.cite('end_cpu_udmabuf')}), so DMA_BUF_IOCTL_SYNC fails with -EINVAL and ` +
        `nothing is synced for the devices, whose tables udmabuf maps with DMA_ATTR_SKIP_CPU_SYNC (${ctx.cite('get_sg_table.udmabuf-skip-sync')})${miscMaintains(ctx.platform) ? ': the CPU\'s writes may stay in its cache' : ''}. Open the bracket with SYNC_START first.`,
      { outcome: 'RET' },
    );
    return undefined;
  }
  checkDirection(ctx, stmt, buffer, dir, cpuDir);
  return `0 (dma_sync_sgtable_for_device(${MISC}, ${dirC(dir)}): ${sync(ctx, buffer, dir, 'for_device')})`;
}
