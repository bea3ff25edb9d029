// Exporter-level pinning: ops->pin/unpin. Only the ttm exporter has them (the heaps and gem are
// static: dma_buf_pin() calls nothing). amdgpu_dma_buf_pin() pins into GTT, i.e. system memory,
// migrating a VRAM buffer first (drivers/gpu/drm/amd/amdgpu/amdgpu_dma_buf.c:126-133, Linux 6.1;
// pinning P2P buffers in VRAM came later). A pinned buffer cannot move.
import type { Node } from '../../../language/ast';
import type { StepContext } from '../../seam';
import { TRAITS } from './traits';
import { bufferChange } from '../dma-buf/snapshot';
import type { BufferObj, KernelState } from '../state';
import { migrate, placementName } from './ttm';

export type PinResult = { readonly ok: true; readonly migrated: boolean } | { readonly ok: false; readonly error: string; readonly why: string };

export function pinBuffer(k: KernelState, ctx: StepContext, buffer: BufferObj, at: Node, why: string): PinResult {
  if (!TRAITS[buffer.exporter].dynamic) return { ok: true, migrated: false };
  let migrated = false;
  if (buffer.placement !== 'system') {
    const from = buffer.placement;
    const r = migrate(k, ctx, buffer, 'system', at, `${why}: amdgpu_dma_buf_pin() pins into GTT`);
    if (!r.ok) return { ok: false, error: r.error, why: r.why };
    ctx.cache({ kind: 'copy', from: r.from, to: r.to });
    migrated = true;
    ctx.report(
      'P2P-04',
      at,
      `The exporter migrated \`${buffer.symbol.name}\` from ${placementName(from)} to system memory: ${why}, and ` +
        `amdgpu_dma_buf_pin() pins into GTT only (${ctx.cite('amdgpu_dma_buf_pin')}). ` +
        `The copy completes before the call returns.`,
      { severity: 'information', outcome: 'INFO' },
    );
  }
  buffer.pins += 1;
  ctx.change(bufferChange(k, buffer, `pin_count ${buffer.pins - 1} → ${buffer.pins}`));
  return { ok: true, migrated };
}

export function unpinBuffer(k: KernelState, ctx: StepContext, buffer: BufferObj): void {
  if (!TRAITS[buffer.exporter].dynamic || buffer.pins === 0) return;
  buffer.pins -= 1;
  ctx.change(bufferChange(k, buffer, `pin_count ${buffer.pins + 1} → ${buffer.pins}`));
}
