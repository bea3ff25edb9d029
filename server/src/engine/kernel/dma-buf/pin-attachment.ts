// dma_buf_pin() / dma_buf_unpin() (drivers/dma-buf/dma-buf.c:984-1030): only dynamic importers,
// with the resv lock held, balanced (PIN-01). The pin itself is the exporter's (exporters/pin-ops.ts).
import type { PinStmt, UnpinStmt } from '../../../language/ast';
import type { StepContext } from '../../seam';
import { exporterOf } from '../exporters/descriptions';
import { pinBuffer, unpinBuffer } from '../exporters/pin-ops';
import { placementName } from '../exporters/ttm';
import { attachmentChange } from './snapshot';
import type { AttachmentObj, BufferObj } from '../state';
import type { KernelState } from '../state';
import { holdsLock, site, useAttachment } from './use';
import { vfioPinRefusal } from '../exporters/vfio';

/** PIN-01's two preconditions; one finding naming every broken one. */
function checkPinContract(ctx: StepContext, stmt: PinStmt | UnpinStmt, fn: string, att: AttachmentObj, buffer: BufferObj): void {
  const problems: string[] = [];
  if (!att.dynamic) {
    problems.push(
      `\`${att.symbol.name}\` is a static attachment, for which the core already pins ` +
        `${ctx.since('attach-premap-dropped') ? '(at map since 6.16, MAP-04): WARN_ON(!attach->importer_ops) fires' : '(ATT-03): WARN_ON(!dma_buf_attachment_is_dynamic(attach)) fires'}`,
    );
  }
  if (!holdsLock(ctx, buffer)) {
    problems.push(
      `dmabuf->resv is not held, and the exporter pins without the lock it relies on; dma_resv_assert_held() ` +
        `${ctx.platform.configs.LOCKDEP ? 'prints a lockdep splat' : 'is silent without CONFIG_LOCKDEP'}`,
    );
  }
  if (problems.length === 0) return;
  ctx.report('PIN-01', stmt, `${fn}(): ${problems.join('; ')} (${ctx.cite(['dma_buf_pin', 'dma_buf_unpin'])}).`, {
    outcome: att.dynamic ? 'LOCKDEP' : 'WARN',
    related: [{ at: att.symbol, message: att.dynamic ? 'attached here' : 'attached statically here' }],
  });
}

export function execPin(k: KernelState, ctx: StepContext, stmt: PinStmt): void {
  const call = `dma_buf_pin(${stmt.att.name})`;
  const used = useAttachment(k, ctx, stmt.att, stmt, 'dma_buf_pin()');
  if (!used) return ctx.call(call, 'use-after-free', false);
  const { att, buffer } = used;
  checkPinContract(ctx, stmt, 'dma_buf_pin', att, buffer);
  const refused = exporterOf(ctx.platform, buffer).vfio ? vfioPinRefusal(ctx, stmt, `dma_buf_pin(${att.symbol.name}) fails`) : undefined;
  if (refused) return ctx.call(call, refused, false);
  const pinned = pinBuffer(k, ctx, buffer, stmt, `dma_buf_pin() on ${att.symbol.name}`, true);
  if (!pinned.ok) return ctx.call(call, pinned.error, false);
  att.importerPins.push(site(ctx, stmt));
  const where = buffer.placement === 'system' ? 'system memory' : placementName(buffer.placement);
  const exporter = exporterOf(ctx.platform, buffer);
  ctx.call(call, exporter.ttm ? `0 (pinned in ${where})` : exporter.dynamic ? `0 (${exporter.ops}.pin)` : '0 (static exporter: no ops->pin, nothing to do)');
  ctx.change(attachmentChange(k, att, `importer pins ${att.importerPins.length}`));
}

export function execUnpin(k: KernelState, ctx: StepContext, stmt: UnpinStmt): void {
  const call = `dma_buf_unpin(${stmt.att.name})`;
  const used = useAttachment(k, ctx, stmt.att, stmt, 'dma_buf_unpin()');
  if (!used) return ctx.call(call, 'use-after-free', false);
  const { att, buffer } = used;
  checkPinContract(ctx, stmt, 'dma_buf_unpin', att, buffer);
  if (att.importerPins.length === 0) {
    const ttm = exporterOf(ctx.platform, buffer).ttm;
    ctx.report(
      'PIN-01',
      stmt,
      `dma_buf_unpin() without a matching dma_buf_pin() on \`${att.symbol.name}\`: unpins must balance pins ` +
        `(${ctx.cite('dma_buf_unpin.doc')})` +
        (ttm
          ? `; ${buffer.pins > 0 ? 'this drops a pin someone else holds, so the buffer may move under them' : 'amdgpu_bo_unpin() WARNs on a pin count of 0'}.`
          : '; the static exporter has no unpin, so nothing breaks here, but the driver\'s bookkeeping is wrong.'),
      { outcome: ttm ? 'WARN' : 'SILENT' },
    );
    if (ttm && buffer.pins > 0) unpinBuffer(k, ctx, buffer);
    return ctx.call(call, 'void (unbalanced)', false);
  }
  att.importerPins.pop();
  unpinBuffer(k, ctx, buffer);
  ctx.call(call, 'void');
  ctx.change(attachmentChange(k, att, `importer pins ${att.importerPins.length}`));
}
