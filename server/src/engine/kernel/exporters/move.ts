// `move BUF MEM`: the exporter migrates the backing store (ttm_bo_validate → amdgpu_bo_move →
// dma_buf_move_notify). The copy is pipelined: the time half queues it on the exporting device and
// adds its fence to the reservation as KERNEL. The exporter must hold the resv lock (MOVE-02).
import type { MoveStmt } from '../../../language/ast';
import type { PhysRegion, StepContext } from '../../seam';
import { exporterOf } from './descriptions';
import type { KernelState } from '../state';
import { migrate, placementName } from './ttm';
import { holdsLock, useBuffer } from '../dma-buf/use';
import { invalidateNames } from '../dma-buf/caching';

export function execMove(
  k: KernelState,
  ctx: StepContext,
  stmt: MoveStmt,
): { readonly device: string; readonly from: readonly PhysRegion[]; readonly to: readonly PhysRegion[] } | undefined {
  const to = stmt.mem.name;
  const names = invalidateNames(ctx);
  const call = `ttm_bo_validate(bo, ${to === 'system' ? 'GTT' : 'VRAM'}) → ${names.call}(${stmt.buf.name})`;
  const buffer = useBuffer(k, ctx, stmt.buf, stmt, 'the exporter\'s move');
  if (!buffer) {
    ctx.call(call, 'use-after-free', false);
    return undefined;
  }
  const exporter = exporterOf(ctx.platform, buffer);
  if (!exporter.dynamic || !buffer.device) {
    ctx.call(`/* ${exporter.ops} never migrates its backing store */`, 'no-op', false);
    return undefined;
  }
  if (!holdsLock(ctx, buffer)) {
    ctx.report(
      'MOVE-02',
      stmt,
      `The exporter moves \`${buffer.symbol.name}\` and calls ${names.call}() without holding dmabuf->resv: ` +
        `dma_resv_assert_held() ${ctx.platform.configs.LOCKDEP ? 'prints a lockdep splat' : 'is silent without CONFIG_LOCKDEP'} ` +
        `(drivers/dma-buf/dma-buf.c${names.call === 'dma_buf_move_notify' ? ':1220-1229' : `: ${names.call}()`}), and importers' ${names.callback} runs unserialised with their map/unmap. ` +
        `Take \`lock\` around the move.`,
      { outcome: 'LOCKDEP' },
    );
  }
  const from = buffer.placement;
  if (from === to) {
    ctx.call(call, `0 (already in ${placementName(to)})`);
    return undefined;
  }
  const r = migrate(k, ctx, buffer, to, stmt, 'exporter eviction/migration');
  if (!r.ok) {
    if (r.error === '-EBUSY') {
      ctx.report(
        'MAP-04',
        stmt,
        `The exporter cannot move \`${buffer.symbol.name}\`: ${r.why}. A pinned BO stays in place ("the underlying backing ` +
          `storage is pinned for as long as a mapping exists", ${ctx.cite('dma_buf_map_attachment.pinned-doc')}).`,
        { severity: 'information', outcome: 'INFO' },
      );
    }
    ctx.call(call, r.error, false);
    return undefined;
  }
  ctx.call(call, `0: copy ${placementName(from)} → ${placementName(to)} queued on ${buffer.device}`);
  return { device: buffer.device, from: r.from, to: r.to };
}
