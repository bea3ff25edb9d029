// Resolving the names a statement uses to live dma-buf objects, reporting the use of a dead or
// failed one exactly once per use (language.md "Failures": MAP-08 for a failed map, LIFE-05 for
// any other failed name or an object used after unmap/detach; LIFE-01 for a released buffer).
import type { CpuDir, Dir, Ident, Node } from '../../../language/ast';
import type { Symbol } from '../../../language/bound';
import type { Severity } from '../../../common/findings';
import type { StepContext } from '../../seam';
import { C } from '../../../language/kernel-c-words';
import type { AttachmentObj, BufferObj, CpuMapObj, KernelState, SgtObj, Site } from '../state';

export function site(ctx: StepContext, node: Node): Site {
  return { span: node.span, agent: ctx.agent };
}

/** The current agent holds the buffer's dma_resv lock. */
export function holdsLock(ctx: StepContext, buffer: BufferObj): boolean {
  return ctx.resvHolder(buffer.symbol) === ctx.agent;
}

export function dirC(dir: Dir): string {
  return C.dir(dir);
}

/** DMA_BUF_SYNC_* flags → the DMA direction the core passes to the exporter (dma-buf.c:449-477). */
export function cpuDirToDma(dir: CpuDir): Dir {
  return dir === 'read' ? 'from_device' : dir === 'write' ? 'to_device' : 'bidirectional';
}

export function cpuDirC(dir: CpuDir): string {
  return dir === 'read' ? 'DMA_BUF_SYNC_READ' : dir === 'write' ? 'DMA_BUF_SYNC_WRITE' : 'DMA_BUF_SYNC_RW';
}

/** The name holds the error of the call that bound it: report its use and return true. */
export function reportFailedUse(k: KernelState, ctx: StepContext, sym: Symbol, at: Node): boolean {
  const error = k.failed.get(sym.id);
  if (error === undefined) return false;
  const declKind = sym.decl && 'kind' in sym.decl ? (sym.decl as { kind: string }).kind : undefined;
  if (declKind === 'DmaMap' || declKind === 'DmaMapSingle' || declKind === 'DmaMapPhys') {
    // The DMA API's own rule for an unchecked mapping failure is more precise than LIFE-05.
    ctx.report(
      'DMAAPI-03',
      at,
      `\`${sym.name}\` holds ${error}: ${declKind === 'DmaMap' ? 'dma_map_sgtable() failed' : declKind === 'DmaMapSingle' ? 'dma_map_single() returned it' : 'dma_map_phys() returned it'} and mapped nothing; a driver must check the ` +
        `result${declKind === 'DmaMap' ? '' : ' with dma_mapping_error()'} before programming the device (${ctx.cite('dma-api.rst:map-sg-can-fail')}, ${ctx.cite('dma_map_sgtable')}).`,
      { outcome: 'SILENT', related: [{ at: sym, message: `the dma_map that returned ${error}` }] },
    );
    return true;
  }
  if (declKind === 'Map') {
    ctx.report(
      'MAP-08',
      at,
      `\`${sym.name}\` holds ${error}: dma_buf_map_attachment() failed and returned ERR_PTR(${error}); ` +
        `using it without IS_ERR() dereferences an error pointer (${ctx.cite('dma_buf_map_attachment.err-ptr')}).`,
      { outcome: 'SILENT', related: [{ at: sym, message: `the map that returned ${error}` }] },
    );
  } else {
    ctx.report(
      'LIFE-05',
      at,
      `\`${sym.name}\` holds ${error}: the call that bound it failed, so there is no object behind the name; ` +
        `the kernel would dereference an error pointer.`,
      { outcome: 'SILENT', related: [{ at: sym, message: `the call that returned ${error}` }] },
    );
  }
  return true;
}

function reportReleased(ctx: StepContext, buffer: BufferObj, at: Node, what: string): void {
  ctx.report(
    'LIFE-01',
    at,
    `${what} after the last dma_buf_put() released \`${buffer.symbol.name}\`: dma_buf_release() freed the ` +
      `dma_buf and the exporter's object, so this is a use-after-free the kernel does not detect ` +
      `(${ctx.cite(['dma_buf_release.teardown', 'dma_buf_put'])}).`,
    { outcome: 'SILENT', related: buffer.released ? [{ at: buffer.released, message: 'the put that released it' }] : [] },
  );
}

export function useBuffer(k: KernelState, ctx: StepContext, id: Ident, at: Node, what: string): BufferObj | undefined {
  const sym = ctx.sym(id);
  if (reportFailedUse(k, ctx, sym, at)) return undefined;
  const buffer = k.buf.buffers.get(sym.id);
  if (!buffer) return undefined;
  if (buffer.released) {
    reportReleased(ctx, buffer, at, what);
    return undefined;
  }
  return buffer;
}

export function useAttachment(
  k: KernelState,
  ctx: StepContext,
  id: Ident,
  at: Node,
  what: string,
): { att: AttachmentObj; buffer: BufferObj } | undefined {
  const sym = ctx.sym(id);
  if (reportFailedUse(k, ctx, sym, at)) return undefined;
  const att = k.buf.attachments.get(sym.id);
  if (!att) return undefined;
  if (!att.live) {
    ctx.report(
      'LIFE-05',
      at,
      `${what} on \`${sym.name}\` after dma_buf_detach(): the attachment was kfree()d ` +
        `(${ctx.cite('dma_buf_detach.kfree')}), so this is a use-after-free.`,
      { outcome: 'SILENT', related: att.detached ? [{ at: att.detached, message: 'detached here' }] : [] },
    );
    return undefined;
  }
  const buffer = k.buf.buffers.get(att.buffer);
  if (!buffer) return undefined;
  if (buffer.released) {
    reportReleased(ctx, buffer, at, `${what} on \`${sym.name}\``);
    return undefined;
  }
  return { att, buffer };
}

export function useSgt(
  k: KernelState,
  ctx: StepContext,
  id: Ident,
  at: Node,
  what: string,
): { sgt: SgtObj; att: AttachmentObj; buffer: BufferObj } | undefined {
  const sym = ctx.sym(id);
  if (reportFailedUse(k, ctx, sym, at)) return undefined;
  const sgt = k.buf.sgts.get(sym.id);
  if (!sgt) return undefined;
  if (!sgt.live) {
    ctx.report(
      'LIFE-05',
      at,
      `${what} uses \`${sym.name}\` after dma_buf_unmap_attachment(): the sg_table belongs to the exporter ` +
        `again ("ownership of the scatter list is transferred to the caller, and returned by unmap_dma_buf", ` +
        `${ctx.cite('struct dma_buf_ops.map_dma_buf-no-cache')}) and may be freed or remapped.`,
      { outcome: 'SILENT', related: sgt.unmapped ? [{ at: sgt.unmapped, message: 'unmapped here' }] : [] },
    );
    return undefined;
  }
  const att = k.buf.attachments.get(sgt.attachment);
  const buffer = k.buf.buffers.get(sgt.buffer);
  if (!att || !buffer) return undefined;
  if (!att.live) {
    ctx.report(
      'LIFE-05',
      at,
      `${what} uses \`${sym.name}\` after its attachment was detached: the exporter freed the table with the ` +
        `attachment (${ctx.cite('dma_buf_detach')}).`,
      { outcome: 'SILENT', related: att.detached ? [{ at: att.detached, message: 'detached here' }] : [] },
    );
    return undefined;
  }
  if (buffer.released) {
    reportReleased(ctx, buffer, at, `${what} through \`${sym.name}\``);
    return undefined;
  }
  return { sgt, att, buffer };
}

export function useCpuMap(
  k: KernelState,
  ctx: StepContext,
  id: Ident,
  at: Node,
  what: string,
): { map: CpuMapObj; buffer: BufferObj } | undefined {
  const sym = ctx.sym(id);
  if (reportFailedUse(k, ctx, sym, at)) return undefined;
  const map = k.buf.cpuMaps.get(sym.id);
  if (!map) return undefined;
  if (!map.live) {
    const how = map.kind === 'vmap' ? 'dma_buf_vunmap()' : 'munmap()';
    ctx.report('LIFE-05', at, `${what} through \`${sym.name}\` after ${how}: the address no longer maps the buffer.`, {
      outcome: 'SILENT',
      related: map.unmapped ? [{ at: map.unmapped, message: 'unmapped here' }] : [],
    });
    return undefined;
  }
  const buffer = k.buf.buffers.get(map.buffer);
  if (!buffer) return undefined;
  if (buffer.released) {
    reportReleased(ctx, buffer, at, `${what} through \`${sym.name}\``);
    return undefined;
  }
  return { map, buffer };
}

/** Devices that currently have a live DMA mapping of the buffer through the dma-buf layer. */
export function mappedDevices(k: KernelState, buffer: BufferObj): string[] {
  const devices: string[] = [];
  for (const attId of buffer.attachments) {
    const att = k.buf.attachments.get(attId);
    if (!att || !att.live) continue;
    if (att.cached || att.liveMaps.length > 0) devices.push(att.device);
  }
  return devices;
}

/** Platform-dependent severity: error when a non-coherent device is involved, else warning. */
export function coherencySeverity(ctx: StepContext, devices: readonly string[]): Severity {
  for (const name of devices) {
    const dev = ctx.platform.devices.get(name);
    if (dev && !dev.coherent) return 'error';
  }
  return 'warning';
}
