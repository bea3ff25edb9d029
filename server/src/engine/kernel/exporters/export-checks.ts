// What dma_buf_export() checks of a driver's dma_buf_ops before it creates the buffer
// (drivers/dma-buf/dma-buf.c dma_buf_export(), 6.1:616-628, 6.12:632-644): the mandatory callbacks
// (EXP-01), cache_sgt_mapping together with pin/unpin (EXP-02, until 6.16, which deleted the member)
// and pin without unpin or the reverse (EXP-03). Each is WARN_ON() + ERR_PTR(-EINVAL). Only a
// platform's own `exporter` can get these wrong; the built-in descriptions are the drivers'.
import type { ExportStmt } from '../../../language/ast';
import type { StepContext } from '../../seam';
import { describedAt, type ExporterDescription } from './descriptions';

const MANDATORY = ['map_dma_buf', 'unmap_dma_buf', 'release'] as const;

/** Undefined when dma_buf_export() accepts the ops, else the error it returns. */
export function exportRefusal(ctx: StepContext, stmt: ExportStmt, exporter: ExporterDescription): '-EINVAL' | undefined {
  const d = exporter.described;
  if (!d) return undefined;
  const { related } = describedAt(exporter);
  const missing = MANDATORY.filter((c) => !d.callbacks.has(c));
  if (missing.length > 0) {
    ctx.report(
      'EXP-01',
      stmt,
      `dma_buf_export() WARNs and returns -EINVAL: ${exporter.ops} has no ${missing.map((c) => `.${c}`).join(', ')}, and the core ` +
        `requires map_dma_buf, unmap_dma_buf and release (${ctx.cite('dma_buf_export')}). Add ${missing.join(', ')} to the exporter's \`ops\`.`,
      { outcome: 'WARN', related },
    );
    return '-EINVAL';
  }
  const pin = d.callbacks.has('pin');
  const unpin = d.callbacks.has('unpin');
  if (d.cacheSgt && ctx.since('sgt-cache-dropped')) {
    ctx.report(
      'NAME',
      stmt,
      `${exporter.ops} sets .cache_sgt_mapping, a member struct dma_buf_ops no longer has: b72f66f22c0e ("dma-buf: drop caching of ` +
        `sg_tables", 6.16) deleted it, so this driver does not build for Linux ${ctx.platform.kernel}. Every map now reaches ` +
        `map_dma_buf; drop the line and cache in the exporter if it must. The rest is checked without it.`,
      { related },
    );
  } else if (d.cacheSgt && (pin || unpin)) {
    ctx.report(
      'EXP-02',
      stmt,
      `dma_buf_export() WARNs and returns -EINVAL: ${exporter.ops} sets cache_sgt_mapping and has ${pin && unpin ? 'pin and unpin' : pin ? 'pin' : 'unpin'} ` +
        `(${ctx.cite('dma_buf_export.cache-sgt-pin')}): a dynamic exporter may move the buffer, so the core must not keep a ` +
        `mapping for it. Drop cache_sgt_mapping, or pin/unpin.`,
      { outcome: 'WARN', related },
    );
    return '-EINVAL';
  }
  if (pin !== unpin) {
    ctx.report(
      'EXP-03',
      stmt,
      `dma_buf_export() WARNs and returns -EINVAL: ${exporter.ops} has ${pin ? 'pin but no unpin' : 'unpin but no pin'}, and the ` +
        `two come as a pair (${ctx.cite('dma_buf_export.pin-pair')}). Add ${pin ? 'unpin' : 'pin'} to the exporter's \`ops\`.`,
      { outcome: 'WARN', related },
    );
    return '-EINVAL';
  }
  return undefined;
}
