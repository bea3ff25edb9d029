// dma_buf_attach() / dma_buf_dynamic_attach() / dma_buf_detach() (drivers/dma-buf/dma-buf.c:835-979):
// static vs dynamic importers, peer2peer (P2P-01, P2P-03), the pre-map of mixed pairs (ATT-03),
// the resv lock taken inside (ATT-04), and detach with live mappings (LIFE-04).
import type { AttachStmt, DetachStmt } from '../../../language/ast';
import type { StepContext } from '../../seam';
import { dmaUnmap, mappingById, p2pDistance } from '../dma-mapping/api';
import { describedAt, exporterOf, pageTable } from '../exporters/descriptions';
import { exporterMap } from '../exporters/map-ops';
import { pinBuffer, unpinBuffer } from '../exporters/pin-ops';
import { attachmentChange, bufferChange } from './snapshot';
import type { AttachmentObj, BufferObj, KernelState } from '../state';
import { holdsLock, site, useAttachment, useBuffer } from './use';
import { premapsAtAttach } from './caching';
import { vfioAttachRefusal } from '../exporters/vfio';

export function execAttach(k: KernelState, ctx: StepContext, stmt: AttachStmt): void {
  const symbol = ctx.sym(stmt.name);
  const devName = ctx.sym(stmt.dev).name;
  const fn = stmt.dynamic ? 'dma_buf_dynamic_attach' : 'dma_buf_attach';
  const call = stmt.dynamic
    ? `${fn}(${stmt.buf.name}, ${devName}->dev, &importer_ops /* allow_peer2peer = ${stmt.peer2peer} */, priv)`
    : `${fn}(${stmt.buf.name}, ${devName}->dev)`;
  const buffer = useBuffer(k, ctx, stmt.buf, stmt, `${fn}()`);
  if (!buffer) return ctx.call(call, 'use-after-free', false);
  if (stmt.dynamic && stmt.noMoveNotify && !ctx.since('invalidate-optional')) {
    ctx.report(
      'ATT-01',
      stmt,
      `dma_buf_dynamic_attach() WARNs and returns -EINVAL: importer_ops has no move_notify (${ctx.cite('dma_buf_dynamic_attach.move-notify')}). ` +
        `A dynamic importer must be told when the exporter moves the buffer; the callback becomes optional only in 7.1 ` +
        `("dma-buf: Make .invalidate_mapping() truly optional"). Supply it, or attach statically.`,
      { outcome: 'WARN' },
    );
    k.failed.set(symbol.id, '-EINVAL');
    return ctx.call(call, '-EINVAL', false);
  }
  if (holdsLock(ctx, buffer)) {
    ctx.report(
      'ATT-04',
      stmt,
      `${fn}() takes dma_resv_lock(dmabuf->resv) to add the attachment to the list ` +
        `(${ctx.cite('dma_buf_dynamic_attach.resv-lock')}), but ${ctx.agent} already holds it: the ww_mutex deadlocks on itself` +
        `${ctx.platform.configs.LOCKDEP ? ' (lockdep reports recursive locking first)' : ''}. Attach before lock or after unlock.`,
      { outcome: 'HANG' },
    );
    ctx.call(call, 'deadlock on dmabuf->resv', false);
    ctx.hang(`${fn}() waits for the dma_resv lock its own thread holds`);
    return;
  }
  const traits = exporterOf(ctx.platform, buffer);
  const dev = ctx.platform.devices.get(devName);
  if (!dev) return;
  const vfioRefusal = traits.vfio ? vfioAttachRefusal(ctx, stmt, buffer, devName, { dynamic: stmt.dynamic, peer2peer: stmt.dynamic && stmt.peer2peer, revocable: stmt.dynamic && !stmt.noMoveNotify }) : undefined;
  if (vfioRefusal) {
    k.failed.set(symbol.id, vfioRefusal);
    return ctx.call(call, vfioRefusal, false);
  }
  if (stmt.peer2peer && !stmt.dynamic) {
    ctx.report(
      'P2P-01',
      stmt,
      `peer2peer is ignored: only dma_buf_dynamic_attach() copies importer_ops->allow_peer2peer into ` +
        `attach->peer2peer (${ctx.cite('dma_buf_dynamic_attach.peer2peer')}); a static importer always gets struct-page entries.`,
      { severity: 'information', outcome: 'INFO' },
    );
  }
  if (traits.barRefusesAttach && buffer.placement !== 'system') {
    // A gem object in a BAR is a VRAM-helper object: it has no get_sg_table, and drm_gem_map_attach()
    // refuses every importer.
    ctx.report(
      'ATT-02',
      stmt,
      `The exporter refuses the attach with -ENOSYS: a gem object placed in BAR ${buffer.placement} (a VRAM-helper ` +
        `object) has no get_sg_table, and drm_gem_map_attach() fails for it (drivers/gpu/drm/drm_prime.c).`,
      { severity: 'information', outcome: 'RET' },
    );
    k.failed.set(symbol.id, '-ENOSYS');
    return ctx.call(call, '-ENOSYS', false);
  }
  const att: AttachmentObj = {
    id: symbol.id,
    symbol,
    buffer: buffer.id,
    device: dev.name,
    dynamic: stmt.dynamic,
    p2pRequested: stmt.peer2peer,
    peer2peer: stmt.dynamic && stmt.peer2peer,
    live: true,
    importerPins: [],
    ...(stmt.dynamic && stmt.noMoveNotify ? { unnotified: true as const } : {}),
    corePinned: false,
    liveMaps: [],
    created: site(ctx, stmt),
  };
  if (att.peer2peer && traits.peer2peer !== 'trust' && buffer.device) {
    const d = p2pDistance(ctx.platform, buffer.device, dev.name);
    if (d.type === 'NOT_SUPPORTED') {
      att.peer2peer = false;
      ctx.report(
        'P2P-03',
        stmt,
        traits.described
          ? `${traits.ops}.attach drops peer2peer for ${dev.name}: pci_p2pdma_distance(${buffer.device}, ${dev.name}) < 0 ` +
              `(${d.reason}), as exporters must before handing out BAR addresses (amdgpu does the same, ${ctx.cite('amdgpu_dma_buf_attach')}).`
          : `${traits.ops} drops peer2peer for ${dev.name}: pci_p2pdma_distance(${buffer.device}, ${dev.name}) < 0 ` +
              `(${d.reason}), so the exporter will hand out system-memory pages instead of VRAM ` +
              `(${ctx.cite('amdgpu_dma_buf_attach')}).`,
        { severity: 'information', outcome: 'INFO' },
      );
    }
  }
  if (traits.peer2peer === 'require' && !att.peer2peer) {
    ctx.report(
      'ATT-02',
      stmt,
      `${traits.ops}.attach refuses ${dev.name} with -EOPNOTSUPP: the exporter serves only peer2peer importers and ` +
        `${att.p2pRequested && att.dynamic ? `pci_p2pdma_distance(${buffer.device ?? 'the exporter'}, ${dev.name}) < 0 dropped attach->peer2peer` : stmt.dynamic ? 'this importer did not set allow_peer2peer' : 'a static importer never has attach->peer2peer (P2P-01)'}. ` +
        `The core returns the exporter's error from dma_buf_attach() (${ctx.cite('dma_buf_dynamic_attach.exporter-attach')}); xe refuses the same way for VRAM-only BOs.`,
      { severity: 'information', outcome: 'RET', ...describedAt(traits) },
    );
    k.failed.set(symbol.id, '-EOPNOTSUPP');
    return ctx.call(call, '-EOPNOTSUPP', false);
  }
  if (traits.perAttachmentTable) att.table = pageTable(ctx.platform, buffer);
  // ATT-03: a static importer of a dynamic exporter, or a dynamic importer of a static exporter, is
  // pinned (if the exporter is dynamic) and mapped once, DMA_BIDIRECTIONAL, at attach; not from 6.16
  // (attach-premap-dropped), where the map pins instead (caching.ts pinOnMap).
  if (premapsAtAttach(ctx, att.dynamic, buffer)) {
    const ok = preMap(k, ctx, stmt, att);
    if (!ok) return;
  }
  k.buf.attachments.set(att.id, att);
  buffer.attachments.push(att.id);
  ctx.call(call, `attachment ${symbol.name}${att.cached ? ' (pre-mapped DMA_BIDIRECTIONAL)' : ''}`);
  ctx.change(attachmentChange(k, att, `attached ${dev.name} (${att.dynamic ? 'dynamic' : 'static'}${att.peer2peer ? ', peer2peer' : ''})`));
  ctx.change(bufferChange(k, buffer, `${buffer.attachments.length} ${buffer.attachments.length === 1 ? 'attachment' : 'attachments'}`));
}

/** The core's pin + map at attach for mixed pairs (drivers/dma-buf/dma-buf.c:873-900). */
function preMap(k: KernelState, ctx: StepContext, stmt: AttachStmt, att: AttachmentObj): boolean {
  const buffer = k.buf.buffers.get(att.buffer)!;
  const traits = exporterOf(ctx.platform, buffer);
  const symbol = att.symbol;
  const fn = att.dynamic ? 'dma_buf_dynamic_attach' : 'dma_buf_attach';
  if (traits.dynamic) {
    const pinned = pinBuffer(k, ctx, buffer, stmt, `the core pins the buffer for static importer ${att.device}`, false);
    if (!pinned.ok) {
      ctx.report(
        'P2P-04',
        stmt,
        `${fn}() fails with ${pinned.error}: the core pins the buffer for a static importer (ATT-03) and ` +
          `${traits.ops} pins into system memory (GTT), which is impossible because ${pinned.why} ` +
          `(${ctx.cite('amdgpu_dma_buf_pin')}).`,
        { outcome: 'RET' },
      );
      k.failed.set(symbol.id, pinned.error);
      ctx.call(`${fn}(${stmt.buf.name}, ${att.device})`, pinned.error, false);
      return false;
    }
    att.corePinned = true;
  }
  const mapped = exporterMap(k, ctx, buffer, att, 'bidirectional', stmt);
  if (!mapped.ok) {
    if (att.corePinned) unpinBuffer(k, ctx, buffer);
    att.corePinned = false;
    k.failed.set(symbol.id, mapped.error);
    ctx.call(`${fn}(${stmt.buf.name}, ${att.device})`, `${mapped.error} (pre-map at attach failed)`, false);
    return false;
  }
  ctx.report(
    'ATT-03',
    stmt,
    `${att.dynamic ? 'A dynamic importer of a static exporter' : 'A static importer of a dynamic exporter'}: the core ` +
      `${traits.dynamic ? 'pinned the buffer and ' : ''}mapped it once with DMA_BIDIRECTIONAL at attach and caches the table ` +
      `in attach->sgt (${ctx.cite('dma_buf_dynamic_attach.premap')}). Every later map returns this table; the real unmap` +
      `${traits.dynamic ? ' and unpin happen' : ' happens'} at detach.`,
    { severity: 'information', outcome: 'INFO' },
  );
  att.cached = {
    mappingId: mapped.mappingId,
    dir: 'bidirectional',
    entries: mapped.entries,
    pageless: mapped.pageless,
    generation: buffer.generation,
    atAttach: true,
    at: site(ctx, stmt),
  };
  return true;
}

/**
 * PIN-01: dma_buf_detach() undoes only the core's own attach-time pin (the cached attach->sgt of
 * a static importer up to 6.15); the importer's dma_buf_pin() calls stay on the buffer, and with
 * the attachment gone nothing can dma_buf_unpin() them. For TTM the buffer can never move again,
 * and its release WARNs (buffers.ts).
 */
function reportPinsLeftAtDetach(ctx: StepContext, att: AttachmentObj, buffer: BufferObj, stmt: DetachStmt): void {
  const n = att.importerPins.length;
  const effect = exporterOf(ctx.platform, buffer).dynamic
    ? `the exporter keeps \`${buffer.symbol.name}\` pinned (pin_count stays ${buffer.pins}), so it can never move again, and when the buffer object is released TTM's ttm_bo_release() hits WARN_ON_ONCE(bo->pin_count) (${ctx.cite('ttm_bo_release.pin-warn')})`
    : `this exporter has no ops->pin, so the pin did nothing, but the code is unbalanced and pins for real on a dynamic exporter`;
  ctx.report(
    'PIN-01',
    stmt,
    `dma_buf_detach() while ${n === 1 ? 'a dma_buf_pin() on' : `${n} dma_buf_pin() calls on`} \`${att.symbol.name}\` ${n === 1 ? 'is' : 'are'} not undone: detach unpins only what the core pinned itself ` +
      `(${ctx.cite('dma_buf_detach')}), and with the attachment freed nothing can call dma_buf_unpin() any more: ${effect}. dma_buf_unpin() under the resv lock before detach.`,
    { outcome: 'SILENT', related: att.importerPins.map((p) => ({ at: { span: p.span }, message: 'pinned here' })) },
  );
}

export function execDetach(k: KernelState, ctx: StepContext, stmt: DetachStmt): void {
  const call = `dma_buf_detach(dmabuf, ${stmt.att.name})`;
  const used = useAttachment(k, ctx, stmt.att, stmt, 'dma_buf_detach()');
  if (!used) return ctx.call(call, 'use-after-free', false);
  const { att, buffer } = used;
  const exporter = exporterOf(ctx.platform, buffer);
  if (holdsLock(ctx, buffer)) {
    ctx.report(
      'ATT-04',
      stmt,
      `dma_buf_detach() takes dma_resv_lock(dmabuf->resv) (${ctx.cite(['dma_buf_detach.resv-lock-sgt', 'dma_buf_detach.resv-lock-list'])}), but ` +
        `${ctx.agent} already holds it: self-deadlock${ctx.platform.configs.LOCKDEP ? ' (lockdep reports recursive locking)' : ''}. ` +
        `Detach after unlock.`,
      { outcome: 'HANG' },
    );
    ctx.call(call, 'deadlock on dmabuf->resv', false);
    ctx.hang('dma_buf_detach() waits for the dma_resv lock its own thread holds');
    return;
  }
  const liveMaps = att.liveMaps.map((id) => k.buf.sgts.get(id)!).filter((s) => s && s.live);
  if (liveMaps.length > 0) {
    const names = liveMaps.map((s) => `\`${s.symbol.name}\``).join(', ');
    const stays = liveMaps.length > 1 ? 'these mappings stay' : 'this mapping stays';
    const dmaDebug = ctx.platform.configs.DMA_API_DEBUG ? ' and dma-debug reports "device driver has pending DMA allocations while released from device" at unbind' : '';
    const related = liveMaps.map((s) => ({ at: s.symbol, message: 'mapped here, never unmapped' }));
    if (!ctx.since('sgt-cache-dropped')) {
      ctx.report(
        'LIFE-04',
        stmt,
        `dma_buf_detach() while ${names} ${liveMaps.length > 1 ? 'are' : 'is'} still mapped: the core only ` +
          `unmaps the cached attach->sgt (${ctx.cite('dma_buf_detach')}); ${stays} ` +
          `DMA-mapped and the exporter frees the table with the attachment${exporter.perAttachmentTable ? ' (system_heap_detach frees a->table)' : ''}: ` +
          `the IOVAs leak${dmaDebug}. ` +
          `Unmap before detach.`,
        { outcome: 'SILENT', related },
      );
    } else {
      // 6.16+: dma_buf_detach() only takes the attachment off the list and calls ops->detach
      // (b72f66f22c0e removed the attach->sgt unmap); nothing unmaps, nothing unpins.
      const pinned = liveMaps.some((s) => s.pinnedOnMap);
      const freed = exporter.perAttachmentTable
        ? ' and the exporter frees the table with the attachment (system_heap_detach frees a->table)'
        : exporter.name === 'gem'
          ? ' (drm_gem_map_detach() only unpins the GEM object; the table drm_gem_map_dma_buf() allocated is never freed)'
          : '';
      ctx.report(
        'LIFE-04',
        stmt,
        `dma_buf_detach() while ${names} ${liveMaps.length > 1 ? 'are' : 'is'} still mapped: since 6.16 the core keeps no ` +
          `cached attach->sgt and dma_buf_detach() unmaps nothing (drivers/dma-buf/dma-buf.c: dma_buf_detach(), commit ` +
          `b72f66f22c0e "dma-buf: drop caching of sg_tables"); ${stays} DMA-mapped${freed}: the IOVAs leak` +
          `${pinned ? ', and the pin the map took is never dropped, so the buffer can never move again' : ''}${dmaDebug}. ` +
          `Unmap before detach.`,
        { outcome: 'SILENT', related },
      );
    }
  }
  if (att.cached) {
    dmaUnmap(k.dma, ctx, att.cached.mappingId, stmt, mappingById(k.dma, att.cached.mappingId)?.skipCpuSync ?? false, att.cached.dir);
    for (const s of k.buf.sgts.values()) {
      if (s.attachment === att.id && s.cached) s.live = false;
    }
  }
  if (att.corePinned) unpinBuffer(k, ctx, buffer);
  att.corePinned = false;
  if (att.importerPins.length > 0) reportPinsLeftAtDetach(ctx, att, buffer, stmt);
  att.live = false;
  att.detached = site(ctx, stmt);
  buffer.attachments = buffer.attachments.filter((id) => id !== att.id);
  ctx.call(call, att.cached ? `void (unmapped the cached table${att.cached.atAttach && exporter.dynamic ? ' and unpinned' : ''})` : 'void');
  ctx.change(attachmentChange(k, att, 'detached and freed'));
  ctx.change(bufferChange(k, buffer, `${buffer.attachments.length} ${buffer.attachments.length === 1 ? 'attachment' : 'attachments'}`));
}
