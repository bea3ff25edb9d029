// Buffers and references: export from a device's driver, DMA_HEAP_IOCTL_ALLOC, get_dma_buf(),
// dma_buf_put() and the release it may trigger (EXP-01, HEAP-01, LIFE-01..03, P2P-08).
import type { ExportStmt, GetStmt, HeapStmt, Node, PutStmt, Span, UdmabufStmt } from '../../../language/ast';
import type { StepContext } from '../../seam';
import { allocBar, allocCma, allocRam, chunkRegions, freeChunks } from '../dma-mapping/api';
import type { Chunk } from '../dma-mapping/api';
import { chunkCount } from '../dma-mapping/chunk-runs';
import { hex } from '../dma-mapping/text';
import { describe, exporterOf, HEAP_CMA, HEAP_SYSTEM, ramLayout, UDMABUF, VFIO_PCI, type ExporterDescription } from '../exporters/descriptions';
import { boundToVfio, vfioExportRange, vfioInitialState } from '../exporters/vfio';
import { bufferChange } from './snapshot';
import { exportRefusal } from '../exporters/export-checks';
import type { BufferObj, KernelState } from '../state';
import { site, useBuffer } from './use';

function pageAlign(ctx: StepContext, size: number): number {
  const page = ctx.platform.pageSize;
  return Math.ceil(size / page) * page;
}

function fail(k: KernelState, ctx: StepContext, symId: number, call: string, error: string): void {
  k.failed.set(symId, error);
  ctx.call(call, error, false);
}

function newBuffer(
  k: KernelState,
  ctx: StepContext,
  stmt: ExportStmt | HeapStmt | UdmabufStmt,
  exporter: ExporterDescription,
  size: number,
  placement: string,
  chunks: Chunk[],
  device?: string,
): BufferObj {
  const symbol = ctx.sym(stmt.name);
  const created = site(ctx, stmt);
  const buffer: BufferObj = {
    id: symbol.id,
    symbol,
    exporter: exporter.name,
    ops: exporter.ops,
    dynamic: exporter.dynamic,
    device,
    size,
    placement,
    chunks,
    generation: 0,
    refs: 1,
    refSites: [created],
    attachments: [],
    vmapCount: 0,
    pins: 0,
    brackets: [],
    created,
  };
  k.buf.buffers.set(symbol.id, buffer);
  return buffer;
}

export function execExport(k: KernelState, ctx: StepContext, stmt: ExportStmt): void {
  const symbol = ctx.sym(stmt.name);
  const dev = ctx.platform.devices.get(ctx.sym(stmt.dev).name);
  const memName = stmt.mem.name;
  const call = `dma_buf_export(&exp_info /* ${dev?.name ?? stmt.dev.name}, ${memName}, ${stmt.size.value} bytes */)`;
  if (!dev) return fail(k, ctx, symbol.id, call, '-ENODEV');
  if (boundToVfio(k, dev.name)) return exportVfio(k, ctx, stmt, dev.name);
  const exporter = describe(dev.exporter);
  if (!exporter) {
    ctx.report(
      'EXP-01',
      stmt,
      `dma_buf_export() WARNs and returns -EINVAL: ${dev.name}'s driver provides no dma_buf_ops ` +
        `(\`exporter none\`), and the core requires ops with map_dma_buf, unmap_dma_buf and release ` +
        `(${ctx.cite('dma_buf_export')}).`,
      { outcome: 'WARN' },
    );
    return fail(k, ctx, symbol.id, call, '-EINVAL');
  }
  const refused = exportRefusal(ctx, stmt, exporter);
  if (refused) return fail(k, ctx, symbol.id, call, refused);
  const size = pageAlign(ctx, stmt.size.value);
  let chunks: Chunk[];
  if (memName === 'system') {
    const r = allocRam(k.dma, ctx.platform, size, ramLayout(exporter, stmt.contiguous));
    if ('error' in r) return fail(k, ctx, symbol.id, call, r.error);
    chunks = [...r];
  } else {
    const bar = dev.bars.get(memName);
    if (!bar) return fail(k, ctx, symbol.id, call, '-EINVAL');
    if (bar.mmio) {
      ctx.report(
        'P2P-08',
        stmt.mem,
        `BAR ${memName} of ${dev.name} holds registers with side effects (\`mmio\`), not memory: exporting it ` +
          `as a dma-buf lets importers read and write it like RAM. Published P2P memory "must be regular memory ` +
          `with no side effects" (${ctx.cite('p2pdma.rst:provider-drivers')}); the kernel does not check.`,
        { outcome: 'SILENT' },
      );
    }
    const r = allocBar(k.dma, ctx.platform, dev.name, memName, size);
    if ('error' in r) return fail(k, ctx, symbol.id, call, r.error);
    chunks = [r];
  }
  const buffer = newBuffer(k, ctx, stmt, exporter, size, memName, chunks, dev.name);
  ctx.call(call, `dma_buf ${symbol.name} (${exporter.ops})`);
  ctx.change(bufferChange(k, buffer, `exported by ${dev.name} (${exporter.name}), ${size} bytes in ${memName}, refcount 1`));
  // A pipelined clear (`clear kernel_fence|unpublished`): a job on the exporting device.
  if (exporter.clear !== 'sync') ctx.queueCopy({ buffer: symbol, device: dev.name, from: [], to: chunkRegions(chunks), fill: true, ...(exporter.clear === 'unpublished' ? { unpublished: true } : {}) });
}

/** VFIO_DEVICE_FEATURE_DMA_BUF: the device is bound to vfio-pci, whose exporter serves a range of a BAR (exporters/vfio.ts). */
function exportVfio(k: KernelState, ctx: StepContext, stmt: ExportStmt, dev: string): void {
  const symbol = ctx.sym(stmt.name);
  const vfioCall = `ioctl(${dev}_fd, VFIO_DEVICE_FEATURE, { DMA_BUF, region_index = ${stmt.mem.name}, dma_ranges = { ${stmt.offset?.value ?? 0}, ${stmt.size.value} } })`;
  const r = vfioExportRange(k, ctx, stmt, dev);
  if ('error' in r) return fail(k, ctx, symbol.id, vfioCall, r.error);
  const buffer = newBuffer(k, ctx, stmt, VFIO_PCI, r.size, stmt.mem.name, [r], dev);
  buffer.vfio = vfioInitialState(k, ctx, dev, stmt);
  ctx.call(vfioCall, `dma-buf fd of ${symbol.name} (${VFIO_PCI.ops})${buffer.vfio.revoked ? ', revoked: memory decode is off' : ''}`);
  ctx.change(bufferChange(k, buffer, `exported by vfio-pci from ${dev} ${stmt.mem.name} at ${hex(stmt.offset?.value ?? 0)}, ${r.size} bytes (phys ${hex(r.phys)}), page-less, refcount 1${buffer.vfio.revoked ? ', revoked' : ''}`));
}

export function execHeap(k: KernelState, ctx: StepContext, stmt: HeapStmt): void {
  const symbol = ctx.sym(stmt.name);
  const kind = stmt.heap.value;
  const call = `ioctl(heap_fd /* ${kind} */, DMA_HEAP_IOCTL_ALLOC, { .len = ${stmt.size.value} })`;
  if (stmt.size.value <= 0) {
    ctx.report(
      'HEAP-01',
      stmt.size,
      `DMA_HEAP_IOCTL_ALLOC returns -EINVAL: a zero length is rejected after rounding up to PAGE_SIZE ` +
        `(${ctx.cite('dma_heap_ioctl_allocate')}).`,
      { outcome: 'RET' },
    );
    return fail(k, ctx, symbol.id, call, '-EINVAL');
  }
  const model = kind === 'system' ? HEAP_SYSTEM : HEAP_CMA;
  const size = pageAlign(ctx, stmt.size.value);
  // The CMA heap allocates from the default CMA area when the platform places one (`cma`).
  const r = (kind === 'cma' ? allocCma(k.dma, size) : undefined) ?? allocRam(k.dma, ctx.platform, size, ramLayout(model, false));
  if ('error' in r) return fail(k, ctx, symbol.id, call, r.error);
  const buffer = newBuffer(k, ctx, stmt, model, size, 'system', [...r]);
  ctx.call(call, `fd of dma_buf ${symbol.name}`);
  const n = chunkCount(r);
  ctx.change(bufferChange(k, buffer, `${kind} heap: ${size} bytes in ${n} ${n === 1 ? 'chunk' : 'chunks'}, zeroed, refcount 1`));
}

/**
 * UDMABUF_CREATE on a sealed memfd (udmabuf_create()): the memfd's shmem pages, pinned, become a
 * dma-buf with udmabuf_ops. A size that is not a multiple of the page size is refused with -EINVAL.
 */
export function execUdmabuf(k: KernelState, ctx: StepContext, stmt: UdmabufStmt): void {
  const symbol = ctx.sym(stmt.name);
  const call = `ioctl(udmabuf_dev_fd, UDMABUF_CREATE, { .memfd, .offset = 0, .size = ${stmt.size.value} })`;
  const size = stmt.size.value;
  const limit = 64 << 20;
  if (size <= 0 || size % ctx.platform.pageSize !== 0 || size > limit) {
    const why = size > limit ? 'more than the size_limit_mb module parameter allows (64 MiB by default)' : 'not a whole number of pages';
    return fail(k, ctx, symbol.id, call, `-EINVAL (${why}, ${ctx.cite('udmabuf_create.limits')})`);
  }
  const r = allocRam(k.dma, ctx.platform, size, UDMABUF.layout);
  if ('error' in r) return fail(k, ctx, symbol.id, call, r.error);
  const buffer = newBuffer(k, ctx, stmt, UDMABUF, size, 'system', [...r]);
  ctx.call(call, `fd of dma_buf ${symbol.name} (udmabuf_ops)`);
  const n = chunkCount(r);
  ctx.change(bufferChange(k, buffer, `udmabuf over a sealed memfd: ${size} bytes in ${n} ${n === 1 ? 'chunk' : 'chunks'} of shmem pages, refcount 1`));
}

export function execGet(k: KernelState, ctx: StepContext, stmt: GetStmt): void {
  const call = `get_dma_buf(${stmt.buf.name})`;
  const buffer = useBuffer(k, ctx, stmt.buf, stmt, 'get_dma_buf()');
  if (!buffer) return ctx.call(call, 'use-after-free', false);
  buffer.refs += 1;
  buffer.refSites.push(site(ctx, stmt));
  ctx.call(call, 'void');
  ctx.change(bufferChange(k, buffer, `refcount ${buffer.refs - 1} → ${buffer.refs}`));
}

export function execPut(k: KernelState, ctx: StepContext, stmt: PutStmt): void {
  const call = `dma_buf_put(${stmt.buf.name})`;
  const buffer = useBuffer(k, ctx, stmt.buf, stmt, 'dma_buf_put()');
  if (!buffer) return ctx.call(call, 'use-after-free', false);
  dropRef(k, ctx, buffer, stmt, call);
}

/**
 * dma_buf_put() of one reference (the caller's `call` for the trace): the last one releases the
 * buffer. iommufd's IOMMU_IOAS_UNMAP drops the reference its IOMMU_IOAS_MAP_FILE took the same way.
 */
export function dropRef(k: KernelState, ctx: StepContext, buffer: BufferObj, at: Node, call: string, taken?: Span): void {
  if (buffer.refs > 1) {
    buffer.refs -= 1;
    const i = taken ? buffer.refSites.findIndex((r) => r.span === taken) : -1;
    if (i >= 0) buffer.refSites.splice(i, 1);
    else buffer.refSites.pop();
    ctx.call(call, 'void');
    ctx.change(bufferChange(k, buffer, `refcount ${buffer.refs + 1} → ${buffer.refs}`));
    return;
  }
  release(k, ctx, buffer, at, `${call} → dma_buf_release()`);
}

/** The last reference went away: dma_buf_release() (drivers/dma-buf/dma-buf.c:60-96). */
function release(k: KernelState, ctx: StepContext, buffer: BufferObj, stmt: Node, call: string): void {
  if (buffer.vmapCount > 0) {
    const cma = exporterOf(ctx.platform, buffer).releaseWarnsVmapped ? '; the CMA heap would also WARN "buffer still mapped in the kernel"' : '';
    ctx.report(
      'LIFE-03',
      stmt,
      `The last reference is dropped while a kernel vmap is outstanding (vmapping_counter ${buffer.vmapCount}): ` +
        `dma_buf_release() hits BUG_ON(dmabuf->vmapping_counter) and the calling thread is killed ` +
        `(${ctx.cite('dma_buf_release.vmap-bug')})${cma}. dma_buf_vunmap() before the last put.`,
      { outcome: 'BUG' },
    );
    buffer.releaseBugged = true;
    ctx.call(call, `BUG: kernel BUG at ${ctx.cite('dma_buf_release.vmap-bug')}`, false);
    return;
  }
  const live = buffer.attachments.map((id) => k.buf.attachments.get(id)).filter((a) => a && a.live);
  buffer.refs = 0;
  buffer.refSites = [];
  buffer.released = site(ctx, stmt);
  if (live.length > 0) {
    ctx.report(
      'LIFE-02',
      stmt,
      `The last reference is dropped while ${live.length === 1 ? '1 attachment is' : `${live.length} attachments are`} still on the list: dma_buf_release() ` +
        `runs ops->release, then WARN_ON(!list_empty(&dmabuf->attachments)) (${ctx.cite('dma_buf_release.attachments-warn')}); ` +
        `${live.length === 1 ? 'the attachment now points' : 'the attachments now point'} at freed exporter state. dma_buf_detach() every attachment before the last put.`,
      {
        outcome: 'WARN',
        related: live.map((a) => ({ at: a!.symbol, message: `attachment \`${a!.symbol.name}\` still attached` })),
      },
    );
  }
  // vfio-pci's range is the device's BAR, not an allocation: nothing returns to the BAR window.
  if (!buffer.vfio) freeChunks(k.dma, buffer.chunks);
  // A pin nobody can drop any more (PIN-01 at the detach that orphaned it): TTM WARNs at release.
  const pinWarn = exporterOf(ctx.platform, buffer).ttm && buffer.pins > 0 ? `WARN_ON_ONCE(bo->pin_count) in ttm_bo_release(), pin_count ${buffer.pins}` : undefined;
  ctx.call(call, live.length > 0 ? 'WARN: attachments still on the list' : (pinWarn ?? 'released'));
  ctx.change(bufferChange(k, buffer, buffer.vfio ? 'refcount 1 → 0: released (vfio_pci_dma_buf_release(); the BAR range stays the device\'s)' : 'refcount 1 → 0: released, backing store freed'));
}
