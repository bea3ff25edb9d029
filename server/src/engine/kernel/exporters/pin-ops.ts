// Exporter-level pinning: ops->pin/unpin. Only the ttm exporter has them (the heaps and gem are
// static: dma_buf_pin() calls nothing). amdgpu_dma_buf_pin() (drivers/gpu/drm/amd/amdgpu/
// amdgpu_dma_buf.c) pins into GTT, i.e. system memory, migrating a VRAM buffer first (6.1:
// amdgpu_dma_buf.c:126-133; 6.12.118 the same). From 6.15 (row ttm-amdgpu-pin-domain) it pins
// with the BO's allowed domains, VRAM included when every attachment is peer2peer and move
// notifiers are on (CONFIG_DMABUF_MOVE_NOTIFY, always from 7.1): the BO then stays in VRAM. A
// pinned buffer cannot move, and amdgpu_bo_pin() (amdgpu_object.c) refuses with -EINVAL to pin
// a pinned BO into a domain it is not in.
import type { Node } from '../../../language/ast';
import type { PhysRegion, StepContext } from '../../seam';
import { exporterOf } from './descriptions';
import { bufferChange } from '../dma-buf/snapshot';
import type { BufferObj, KernelState } from '../state';
import { migrate, pinHolders, placementName } from './ttm';

export type PinResult = { readonly ok: true; readonly migrated: boolean } | { readonly ok: false; readonly error: string; readonly why: string };

/**
 * Why amdgpu_dma_buf_pin() leaves VRAM out of the domains it pins with; undefined when it may pin
 * in VRAM. The engine does not record a BO's preferred domain: a buffer in VRAM prefers VRAM, one
 * in system memory is pinned where it is.
 */
export function vramPinBlocker(k: KernelState, ctx: StepContext, buffer: BufferObj): string | undefined {
  if (!ctx.since('ttm-amdgpu-pin-domain')) return `amdgpu_dma_buf_pin() pins into GTT only (${ctx.cite('amdgpu_dma_buf_pin')})`;
  if (!ctx.since('move-notify-always') && !ctx.platform.configs.DMABUF_MOVE_NOTIFY) {
    return (
      'amdgpu_dma_buf_pin() leaves VRAM out of the pin domains while CONFIG_DMABUF_MOVE_NOTIFY is off ' +
      '(5e56935b519b "drm/amdgpu: Don\'t pin VRAM without DMABUF_MOVE_NOTIFY", 6.15)'
    );
  }
  const blocking = buffer.attachments
    .map((id) => k.buf.attachments.get(id))
    .filter((a) => a !== undefined && a.live && !a.peer2peer)
    .map((a) => `\`${a!.symbol.name}\` (${a!.device})`);
  if (blocking.length === 0) return undefined;
  return (
    `amdgpu_dma_buf_pin() pins into VRAM only when every attachment is peer2peer, and ${blocking.join(', ')} ` +
    `${blocking.length === 1 ? 'is' : 'are'} not (f5e7fabd1f5c "drm/amdgpu: allow pinning DMA-bufs into VRAM if all importers can do P2P", 6.15)`
  );
}

/**
 * `pipelined`: nobody waits for a migration's copy before the buffer is used, the importer being
 * dynamic (its own dma_buf_pin(), or the core's pin at map with DMABUF_MOVE_NOTIFY off); for a
 * static importer the core waits for the KERNEL fences in __map_dma_buf() after the pin.
 */
export function pinBuffer(k: KernelState, ctx: StepContext, buffer: BufferObj, at: Node, why: string, pipelined: boolean): PinResult {
  const exporter = exporterOf(ctx.platform, buffer);
  if (!exporter.dynamic) return { ok: true, migrated: false };
  let migrated = false;
  // Only amdgpu's pin migrates (a driver's own dynamic exporter pins its memory where it is).
  const blocker = buffer.placement === 'system' || !exporter.ttm ? undefined : vramPinBlocker(k, ctx, buffer);
  if (blocker && buffer.pins > 0) {
    // Only from 6.15: before, every pin went to GTT, so a pinned BO was never in VRAM.
    return {
      ok: false,
      error: '-EINVAL',
      why:
        `it is pinned in ${placementName(buffer.placement)} by ${pinHolders(k, buffer).join(', ') || 'a pin'}; ${blocker}, and ` +
        `amdgpu_bo_pin() refuses to pin a pinned BO into a domain it is not in (drivers/gpu/drm/amd/amdgpu/amdgpu_object.c)`,
    };
  }
  if (blocker) {
    const from = buffer.placement;
    const r = migrate(k, ctx, buffer, 'system', at, `${why}: amdgpu_dma_buf_pin() pins into GTT`);
    if (!r.ok) return { ok: false, error: r.error, why: r.why };
    migrated = true;
    queueOrCopy(ctx, buffer, r.from, r.to, pipelined);
    ctx.report(
      'P2P-04',
      at,
      `The exporter migrated \`${buffer.symbol.name}\` from ${placementName(from)} to system memory: ${why}, and ` +
        `${blocker}. ` +
        (pipelined ? pipelinedCopy(ctx) : `The copy completes before the call returns.`),
      { severity: 'information', outcome: 'INFO' },
    );
  }
  buffer.pins += 1;
  ctx.change(bufferChange(k, buffer, `pin_count ${buffer.pins - 1} → ${buffer.pins}`));
  return { ok: true, migrated };
}

export function unpinBuffer(k: KernelState, ctx: StepContext, buffer: BufferObj): void {
  if (!exporterOf(ctx.platform, buffer).dynamic || buffer.pins === 0) return;
  buffer.pins -= 1;
  ctx.change(bufferChange(k, buffer, `pin_count ${buffer.pins + 1} → ${buffer.pins}`));
}

/**
 * A migration's copy: queued on the exporting device when nobody waits for it (the time half adds
 * its fence to the reservation as KERNEL), or applied at once when the core waits before it returns.
 */
export function queueOrCopy(ctx: StepContext, buffer: BufferObj, from: readonly PhysRegion[], to: readonly PhysRegion[], pipelined: boolean): void {
  if (pipelined && buffer.device) ctx.queueCopy({ buffer: buffer.symbol, device: buffer.device, from, to });
  else ctx.cache({ kind: 'copy', from, to });
}

/** What a dynamic importer is told about a copy nobody waits for. */
export function pipelinedCopy(ctx: StepContext): string {
  return (
    `The copy is pipelined: ttm_bo_move_accel_cleanup() adds its fence to the reservation as KERNEL and the call returns ` +
    `without waiting (${ctx.cite('ttm_bo_move_accel_cleanup')}); a dynamic importer must wait for the KERNEL fences before its ` +
    `device uses the buffer (MAP-05), or it races with the copy.`
  );
}
