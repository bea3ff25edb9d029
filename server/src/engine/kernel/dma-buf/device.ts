// What a device job touches: through a dma-buf mapping (LIFE-05 after unmap/detach, MAP-08 for a
// failed map, MOVE-01 through a mapping made before a move, COH-04 while the CPU owns the buffer),
// through a raw dma_map or an IOVA (K-DMA's translation, iommu/translate.ts), or the exporting device's own buffer.
import type { Node } from '../../../language/ast';
import type { AccessPath, DeviceJob, StepContext } from '../../seam';
import { checkWalk, chunkRegions, mappingById, mappingOfSymbol, translate, type DmaMapping } from '../dma-mapping/api';
import { sliceRegions } from '../../regions';
import type { BufferObj, KernelState } from '../state';
import { reportFailedUse, useBuffer, useSgt } from './use';
import { invalidateNames } from './caching';
import { reportRevokedUse } from '../exporters/vfio';
import { reportRevokedIoasAccess } from '../iommu/iommufd';

function jobRange(job: DeviceJob): { offset: number; size: number } | undefined {
  const r = job.stmt.range;
  return r ? { offset: r.offset.value, size: r.size.value } : undefined;
}

/** COH-04 for exporters whose begin_cpu_access does not sync (gem, ttm): the bracket itself is the ownership. */
function checkCpuOwnsBuffer(ctx: StepContext, buffer: BufferObj, device: string, at: Node, mappingOwner?: 'cpu' | 'device', bounced = false): void {
  if (buffer.brackets.length === 0) return;
  if (mappingOwner === 'cpu') return; // K-DMA's translate reports the mapping's own ownership
  const bracket = buffer.brackets[0];
  const dev = ctx.platform.devices.get(device);
  ctx.report(
    'COH-04',
    at,
    `${device} accesses \`${buffer.symbol.name}\` while the CPU owns it: a begin_cpu_access (DMA_BUF_IOCTL_SYNC START) ` +
      `bracket is open and its END has not run, so CPU caches may hold data the device does not see ` +
      `(${ctx.cite('dma_map_sgtable.ownership-doc')}; ${ctx.cite('struct dma_buf_sync.start-end')}).`,
    {
      severity: dev && dev.coherent && !bounced ? 'warning' : 'error',
      outcome: 'SILENT',
      related: [{ at: bracket.at, message: 'CPU access begun here' }],
    },
  );
}

/** The descriptors of a job that says how it walks its table (`walk`), from a live mapping. */
function walked(k: KernelState, ctx: StepContext, job: DeviceJob, mapping: DmaMapping | undefined, name: string): void {
  const walk = job.stmt.walk;
  if (!walk || !mapping?.live) return;
  checkWalk(k.dma, ctx, mapping, walk.value, `\`${name}\``, job.device, job.stmt);
}

/** `walk` reads an sg table: a job on a buffer or an IOVA has none to walk. */
function walkWithoutTable(ctx: StepContext, job: DeviceJob, what: string): void {
  const walk = job.stmt.walk;
  if (!walk) return;
  ctx.report('NAME', walk, `\`walk ${walk.value}\` says how the driver walks an sg table to program ${job.device}, but this job's target is ${what}: give it the mapped table`);
}

export function deviceAccess(k: KernelState, ctx: StepContext, job: DeviceJob): AccessPath | undefined {
  const target = job.stmt.target;
  const at = job.stmt;
  if (target.kind === 'Iova') {
    walkWithoutTable(ctx, job, 'an IOVA');
    const domain = ctx.sym(target.domain);
    if (reportFailedUse(k, ctx, domain, at)) return undefined;
    if (reportRevokedIoasAccess(k.dma, ctx, job.device, domain.id, target.addr.value, at)) return undefined;
    return translate(k.dma, ctx, job.device, { iova: { domainSymbol: domain.id, addr: target.addr.value } }, jobRange(job), job.access, at);
  }
  const sym = ctx.sym(target.name);
  if (k.buf.sgts.has(sym.id) || isMapDecl(sym.decl)) return throughDmaBuf(k, ctx, job, at);
  if (k.buf.buffers.has(sym.id) || sym.kind === 'buffer') {
    walkWithoutTable(ctx, job, 'a buffer');
    return ownBuffer(k, ctx, job);
  }
  if (reportFailedUse(k, ctx, sym, at)) return undefined;
  const mapping = mappingOfSymbol(k.dma, sym.id);
  if (!mapping) return undefined;
  walked(k, ctx, job, mapping, sym.name);
  return translate(k.dma, ctx, job.device, { mapping: mapping.id }, jobRange(job), job.access, at);
}

function isMapDecl(decl: Node): boolean {
  return (decl as { kind?: string }).kind === 'Map';
}

function throughDmaBuf(k: KernelState, ctx: StepContext, job: DeviceJob, at: Node): AccessPath | undefined {
  if (job.stmt.target.kind !== 'Object') return undefined;
  const used = useSgt(k, ctx, job.stmt.target.name, at, `${job.device}'s job`);
  if (!used) return undefined;
  const { sgt, buffer } = used;
  const mapping = mappingById(k.dma, sgt.mappingId);
  // A job queued while its mapping was current reads the old place validly until the move's copy
  // (ordered after the job when its fence is in the reservation) has landed.
  const queuedBeforeMove = job.generationAtSubmit === sgt.generation && job.moveLanded === false;
  if (reportRevokedUse(ctx, buffer, sgt, job.device, job.access, at)) {
    // vfio-pci's revoke, not a move: reported in its own terms.
  } else if (sgt.generation !== buffer.generation && !queuedBeforeMove) {
    ctx.report(
      'MOVE-01',
      at,
      `${job.device} accesses \`${buffer.symbol.name}\` through \`${sgt.symbol.name}\`, mapped before the exporter moved ` +
        `the buffer: "Mappings stay valid and are not directly affected by this callback. But the DMA-buf can now be in ` +
        `a different physical location" (${ctx.cite('struct dma_buf_attach_ops.move_notify')}). The job ${job.access === 'write' ? 'writes' : 'reads'} the old location; ` +
        `${invalidateNames(ctx).callback} must unmap, and the importer map again (and wait for the move's KERNEL fence) before the next job.`,
      {
        outcome: 'SILENT',
        related: [
          ...(buffer.lastMove ? [{ at: buffer.lastMove, message: 'the buffer moved here' }] : []),
          { at: sgt.symbol, message: 'mapped here, before the move' },
        ],
      },
    );
  }
  checkCpuOwnsBuffer(ctx, buffer, job.device, at, mapping?.owner, mapping?.bounced);
  walked(k, ctx, job, mapping, sgt.symbol.name);
  return translate(k.dma, ctx, job.device, { mapping: sgt.mappingId }, jobRange(job), job.access, at);
}

/** `submit DEV read|write BUF`: the exporting device working on its own buffer. */
function ownBuffer(k: KernelState, ctx: StepContext, job: DeviceJob): AccessPath | undefined {
  if (job.stmt.target.kind !== 'Object') return undefined;
  const at = job.stmt;
  const buffer = useBuffer(k, ctx, job.stmt.target.name, at, `${job.device}'s job`);
  if (!buffer) return undefined;
  if (buffer.device !== job.device) {
    ctx.report(
      'NAME',
      job.stmt.target,
      `A buffer can be the target of a job only on its exporting device${buffer.device ? ` (${buffer.device})` : ' (a heap buffer has none)'}: ` +
        `${job.device} needs DMA addresses, so attach and map \`${buffer.symbol.name}\` for it (or dma_map it) and submit through the table.`,
      { outcome: 'INFO' },
    );
    return undefined;
  }
  checkCpuOwnsBuffer(ctx, buffer, job.device, at);
  const dev = ctx.platform.devices.get(job.device);
  const r = jobRange(job);
  const regions = sliceRegions(chunkRegions(buffer.chunks), r?.offset ?? 0, r?.size ?? buffer.size);
  return { regions, coherent: dev?.coherent ?? false };
}
