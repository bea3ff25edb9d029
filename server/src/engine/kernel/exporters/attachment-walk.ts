// ATT-05: dmabuf->attachments is "protected by &dma_resv lock @resv" (include/linux/dma-buf.h,
// struct dma_buf); dma_buf_attach() and dma_buf_detach() edit it under that lock. A driver's ops
// that walk the list (to collect the attached devices' constraints, or to sync every attachment)
// are safe only where the caller holds the resv: in map_dma_buf from 6.2 (every map asserts it),
// on 6.1 only for dynamic importers or exporters; never in begin/end_cpu_access, which the core
// calls without it. The exporter's description says where its ops walk (`attachment_walk`).
import type { Node } from '../../../language/ast';
import type { StepContext } from '../../seam';
import type { BufferObj } from '../state';
import { describedAt, type ExporterDescription } from './descriptions';

function reportUnlockedWalk(ctx: StepContext, at: Node, exporter: ExporterDescription, buffer: BufferObj, where: string, why: string): void {
  ctx.report(
    'ATT-05',
    at,
    `${exporter.ops} walks dmabuf->attachments in ${where} without dmabuf->resv: ${why}. The list is "protected by &dma_resv lock @resv" ` +
      `(${ctx.cite('struct dma_buf.attachments')}) and attach and detach edit it under that lock (${ctx.cite(['dma_buf_dynamic_attach.resv-lock', 'dma_buf_detach.resv-lock-list'])}), ` +
      `so a concurrent attach or detach of \`${buffer.symbol.name}\` corrupts the walk (a use-after-free on the detached entry). ` +
      `Take dma_resv_lock(dmabuf->resv) around the walk, or keep a list of the exporter's own under its own lock, as the heaps do.`,
    { severity: 'warning', outcome: 'SILENT', ...describedAt(exporter) },
  );
}

/** At the exporter's map_dma_buf: `held` is whether the caller holds the resv there. */
export function checkWalkAtMap(ctx: StepContext, at: Node, exporter: ExporterDescription, buffer: BufferObj, held: boolean): void {
  if (exporter.attachmentWalk !== 'at_map' || held) return;
  reportUnlockedWalk(
    ctx,
    at,
    exporter,
    buffer,
    'map_dma_buf',
    `on ${ctx.platform.kernel} a static importer of a static exporter maps without it (the core asserts the lock only for dynamic attachments, ${ctx.cite('dma_buf_map_attachment.assert-dynamic-importer')}; from 6.2 every map holds it)`,
  );
}

/** At begin/end_cpu_access, which the core calls without the resv. */
export function checkWalkAtCpuAccess(
  ctx: StepContext,
  at: Node,
  exporter: ExporterDescription,
  buffer: BufferObj,
  held: boolean,
  fn: 'dma_buf_begin_cpu_access' | 'dma_buf_end_cpu_access',
): void {
  if (exporter.attachmentWalk !== 'at_cpu_access' || held) return;
  const site = fn === 'dma_buf_begin_cpu_access' ? 'dma_buf_begin_cpu_access.ops' : 'dma_buf_end_cpu_access.ops';
  reportUnlockedWalk(ctx, at, exporter, buffer, fn.replace('dma_buf_', ''), `${fn}() calls the exporter without taking it (${ctx.cite(site)})`);
}
