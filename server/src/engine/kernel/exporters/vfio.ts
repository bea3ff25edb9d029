// The vfio-pci dma-buf exporter (drivers/vfio/pci/vfio_pci_dmabuf.c, 6.19+, rows vfio-dmabuf and
// vfio-revocable; what was read and where: vfio-research.md beside this file). The description is
// VFIO_PCI in descriptions.ts; what only vfio-pci's code does is here:
//  - export (VFIO_DEVICE_FEATURE_DMA_BUF, vfio_pci_core_feature_dma_buf()): one page-aligned range
//    inside a BAR, exactly its size, revoked from the start when memory decode is off (VFIO-01);
//  - attach (vfio_pci_dma_buf_attach()): peer2peer, then not revoked, then (7.1) revocable (ATT-06);
//  - pin: 6.19 (rc8) and 7.0 have a pin returning -EOPNOTSUPP, which dma_buf_pin_on_map() calls at
//    every map while CONFIG_DMABUF_MOVE_NOTIFY is off (ATT-06); 7.1 has none;
//  - map (vfio_pci_dma_buf_map() → dma_buf_phys_vec_to_sgt()): -ENODEV while revoked (MAP-09), then
//    routing by pci_p2pdma_map_type(): bus addresses, one IOVA run linked with DMA_ATTR_MMIO, or
//    dma_map_phys(…, DMA_ATTR_MMIO) without dma-iommu; anything else -EINVAL (P2P-10); the table has
//    no CPU view (orig_nents 0, SGT-09), entries split at UINT_MAX as 6.19/7.0's fill_sg_entry();
//  - revoke (vfio_pci_dma_buf_move(), vfio_pci_dma_buf_cleanup()): memory decode off, a reset,
//    the last close. 6.19/7.0 call dma_buf_move_notify() under the resv lock and go on; 7.1 also
//    waits for the fences and for every mapping to be unmapped (HANG-01 when one never is), and
//    importers must stop writing at once (MOVE-04).
import { revokeIoasAreas } from '../iommu/iommufd-areas';
import type { Dir, ExportStmt, MemoryDecodeStmt, Node, VfioCloseStmt, VfioResetStmt } from '../../../language/ast';
import type { StepContext } from '../../seam';
import { assertNever } from '../../../common/assert';
import type { DeviceDmaState, Chunk, IommuPte } from '../dma-mapping/state';
import type { SgRun } from '../dma-mapping/sgrun';
import { entryCount, RunBuilder } from '../dma-mapping/sgrun';
import { dmaMapResource, MAP_PHYS_MMIO } from '../dma-mapping/map-resource';
import { commit } from '../dma-mapping/mapping';
import type { Plan } from '../dma-mapping/plan';
import { dmaApiDomain, iommuDmaAllocIova, iommuOf } from '../iommu/dma-iommu';
import { protOf } from '../iommu/pagetable';
import { alignUp } from '../dma-mapping/init';
import { hex, size as sizeText } from '../dma-mapping/text';
import { p2pDistance } from '../p2pdma/topology';
import type { AttachmentObj, BufferObj, KernelState, SgtObj, VfioBufferState } from '../state';
import { site } from '../dma-buf/use';
import { bufferChange } from '../dma-buf/snapshot';
import { invalidateNames } from '../dma-buf/caching';

/** What map_dma_buf returns to the core (map-ops.ts ExporterMapResult, written out so the two modules do not import each other). */
type ExporterMapResult =
  | { readonly ok: true; readonly mappingId: number; readonly entries: readonly SgRun[]; readonly pageless: boolean }
  | { readonly ok: false; readonly error: string };

/** 6.19/7.0's fill_sg_entry() splits a range into UINT_MAX-byte entries (not page-aligned); the later fix is unconfirmed. */
const PHYS_VEC_MAX_ENTRY = 0xffff_ffff;

/** The vfio-pci state of a device, or undefined after reporting that it is not bound to vfio-pci. */
function vfioDevice(k: KernelState, ctx: StepContext, dev: string, at: Node, what: string): DeviceDmaState['vfio'] | undefined {
  const state = k.dma.devices.get(dev)?.vfio;
  if (state) return state;
  ctx.report('NAME', at, `${what} is vfio-pci's: ${dev} is bound to its kernel driver. Bind it to vfio-pci first (\`bind_vfio ${dev}\`).`);
  return undefined;
}

/** The device is bound to vfio-pci: its exports are VFIO_DEVICE_FEATURE_DMA_BUF, whatever its `exporter` line says. */
export function boundToVfio(k: KernelState, dev: string): boolean {
  return k.dma.devices.get(dev)?.vfio !== undefined;
}

/**
 * VFIO_DEVICE_FEATURE_DMA_BUF over one range of a BAR: the chunk it covers, or the error after
 * reporting it (VFIO-01, in vfio_pci_core_feature_dma_buf()'s order).
 */
export function vfioExportRange(k: KernelState, ctx: StepContext, stmt: ExportStmt, dev: string): Chunk | { readonly error: string } {
  if (!ctx.since('vfio-dmabuf')) {
    ctx.report(
      'NAME',
      stmt,
      `VFIO_DEVICE_FEATURE_DMA_BUF does not exist before 6.19 (drivers/vfio/pci/vfio_pci_dmabuf.c; Linux ${ctx.platform.kernel}'s vfio-pci exports no dma-bufs), so ` +
        'this export cannot be made on this kernel. The rest of the scenario is checked as 6.19 defines it.',
    );
  }
  const state = k.dma.devices.get(dev)?.vfio;
  if (state?.closed) return { error: '-EBADF' };
  const bar = ctx.platform.devices.get(dev)?.bars.get(stmt.mem.name);
  if (stmt.mem.name === 'system' || !bar) {
    ctx.report(
      'VFIO-01',
      stmt.mem,
      `VFIO_DEVICE_FEATURE_DMA_BUF returns -ENODEV: region_index must name one of ${dev}'s BARs (below VFIO_PCI_ROM_REGION_INDEX); vfio-pci exports nothing else, and no system memory.`,
      { outcome: 'RET' },
    );
    return { error: '-ENODEV' };
  }
  const offset = stmt.offset?.value ?? 0;
  const length = stmt.size.value;
  const page = ctx.platform.pageSize;
  if (length === 0 || offset % page !== 0 || length % page !== 0) {
    ctx.report(
      'VFIO-01',
      stmt.offset ?? stmt.size,
      `VFIO_DEVICE_FEATURE_DMA_BUF returns -EINVAL: validate_dmabuf_input() requires every range to have a non-zero length and a ` +
        `PAGE_ALIGNED() offset and length (here offset ${offset}, length ${length}, page size ${page}); vfio-pci does not round.`,
      { outcome: 'RET' },
    );
    return { error: '-EINVAL' };
  }
  if (offset + length > bar.size) {
    ctx.report(
      'VFIO-01',
      stmt.offset ?? stmt.size,
      `VFIO_DEVICE_FEATURE_DMA_BUF returns -EINVAL: the range [${hex(offset)}, ${hex(offset + length)}) ends past BAR ${stmt.mem.name} ` +
        `(${sizeText(bar.size)}); vfio_pci_core_fill_phys_vec() checks each range against pci_resource_len().`,
      { outcome: 'RET' },
    );
    return { error: '-EINVAL' };
  }
  const owner = `${dev}.${stmt.mem.name}`;
  const window = k.dma.bars.get(owner);
  if (!window) return { error: '-EINVAL' };
  return { space: 'bar', owner, phys: window.base + offset, size: length };
}

/** The new buffer's vfio state: revoked from the start when memory decode is off (priv->revoked = !__vfio_pci_memory_enabled()). */
export function vfioInitialState(k: KernelState, ctx: StepContext, dev: string, at: Node): VfioBufferState {
  const off = k.dma.devices.get(dev)?.vfio?.memoryOff;
  return off ? { epoch: 0, revoked: site(ctx, at), cause: 'decode' } : { epoch: 0 };
}

/** vfio_pci_dma_buf_attach(): -EOPNOTSUPP without peer2peer, -ENODEV while revoked, -EOPNOTSUPP (7.1) for an importer it cannot revoke. */
export function vfioAttachRefusal(ctx: StepContext, at: Node, buffer: BufferObj, dev: string, p: { readonly dynamic: boolean; readonly peer2peer: boolean; readonly revocable: boolean }): string | undefined {
  if (!p.peer2peer) {
    ctx.report(
      'ATT-06',
      at,
      `vfio_pci_dma_buf_attach() refuses ${dev} with -EOPNOTSUPP: attach->peer2peer is false (${p.dynamic ? 'the importer did not set allow_peer2peer' : 'a static importer never has it: dma_buf_dynamic_attach() copies allow_peer2peer only from importer_ops'}). ` +
        'A vfio-pci dma-buf is a BAR without struct pages; only an importer that handles page-less entries may attach.',
      { outcome: 'RET' },
    );
    return '-EOPNOTSUPP';
  }
  if (buffer.vfio?.revoked) {
    ctx.report(
      'ATT-06',
      at,
      `vfio_pci_dma_buf_attach() refuses ${dev} with -ENODEV: \`${buffer.symbol.name}\` is revoked (${buffer.vfio.permanent ? 'the vfio device was closed' : 'memory decode is off or a reset is in progress'}).`,
      { severity: 'information', outcome: 'RET', related: [{ at: buffer.vfio.revoked, message: 'revoked here' }] },
    );
    return '-ENODEV';
  }
  if (ctx.since('vfio-revocable') && !p.revocable) {
    ctx.report(
      'ATT-06',
      at,
      `vfio_pci_dma_buf_attach() refuses ${dev} with -EOPNOTSUPP: from 7.1 it requires dma_buf_attach_revocable(), importer_ops with ` +
        'invalidate_mappings, and this importer has none (`no_move_notify`): vfio-pci must be able to take the BAR back on reset.',
      { outcome: 'RET' },
    );
    return '-EOPNOTSUPP';
  }
  return undefined;
}

/** vfio_pci_dma_buf_pin() (6.19 from rc8, 7.0): -EOPNOTSUPP; undefined where there is no pin op (7.1) and the core's pin is 0. */
export function vfioPinRefusal(ctx: StepContext, at: Node, why: string): '-EOPNOTSUPP' | undefined {
  if (ctx.since('vfio-revocable')) return undefined;
  ctx.report(
    'ATT-06',
    at,
    `${why}: vfio_pci_dma_buf_pin() returns -EOPNOTSUPP on 6.19 and 7.0 (61ceaf236115 "vfio: Prevent from pinned DMABUF importers to attach to VFIO DMABUF"): ` +
      'a BAR that userspace can take back by a reset cannot be pinned. 7.1 drops the pin op.',
    { outcome: 'RET' },
  );
  return '-EOPNOTSUPP';
}

/**
 * vfio_pci_dma_buf_map(): the pin the core calls first on 6.19/7.0 with CONFIG_DMABUF_MOVE_NOTIFY
 * off (every vfio attachment is dynamic), -ENODEV while revoked, then dma_buf_phys_vec_to_sgt().
 */
export function vfioMap(k: KernelState, ctx: StepContext, buffer: BufferObj, att: AttachmentObj, dir: Dir, at: Node): ExporterMapResult {
  if (!ctx.since('vfio-revocable') && !ctx.platform.configs.DMABUF_MOVE_NOTIFY) {
    const refused = vfioPinRefusal(ctx, at, 'dma_buf_map_attachment() pins first, because CONFIG_DMABUF_MOVE_NOTIFY is off and the exporter has ops->pin (dma_buf_pin_on_map()), and fails');
    if (refused) return { ok: false, error: refused };
  }
  if (buffer.vfio?.revoked) {
    ctx.report(
      'MAP-09',
      at,
      `vfio_pci_dma_buf_map() returns ERR_PTR(-ENODEV): \`${buffer.symbol.name}\` is revoked (${buffer.vfio.permanent ? 'for good: the vfio device was closed' : 'memory decode is off or a reset is in progress; a map after it is back succeeds'}).`,
      { outcome: 'RET', related: [{ at: buffer.vfio.revoked, message: 'revoked here' }] },
    );
    return { ok: false, error: '-ENODEV' };
  }
  const provider = buffer.device ?? '';
  const d = p2pDistance(ctx.platform, provider, att.device);
  if (d.type === 'NOT_SUPPORTED') {
    ctx.report(
      'P2P-10',
      at,
      `dma_buf_phys_vec_to_sgt() returns -EINVAL: pci_p2pdma_map_type(${provider}'s provider, ${att.device}) is not BUS_ADDR or THRU_HOST_BRIDGE ` +
        `(${d.reason}). vfio_pci_dma_buf_attach() checks no reachability, so the importer learns it at map.`,
      { outcome: 'RET' },
    );
    return { ok: false, error: '-EINVAL' };
  }
  const entries = physVecEntries(buffer.chunks);
  const origin = { at, bufferId: buffer.id };
  if (d.type === 'BUS_ADDR') return committed(k, ctx, att.device, dir, busAddresses(entries), 'PCI bus addresses (BUS_ADDR), no IOMMU mapping', origin);
  const domain = dmaApiDomain(k.dma, ctx.platform, att.device);
  const dev = ctx.platform.devices.get(att.device);
  const usesIova = domain && dev && domain.kind === 'dma' && !domain.armMapping;
  const { granule } = domain ? iommuOf(ctx.platform, domain) : { granule: ctx.platform.pageSize };
  const iova = usesIova ? iommuDmaAllocIova(ctx, dev, domain, alignUp(buffer.size, granule)) : undefined;
  if (!domain || iova === undefined) {
    // No dma-iommu, or dma_iova_try_alloc() failed: dma_map_phys(…, DMA_ATTR_MMIO) per range.
    const r = dmaMapResource(k.dma, ctx, att.device, entries, dir, origin, MAP_PHYS_MMIO);
    return r.ok ? { ok: true, mappingId: r.mapping.id, entries, pageless: true } : { ok: false, error: r.error };
  }
  const out = new RunBuilder();
  let pos = 0;
  for (const e of entries) {
    out.push({ ...e, dmaAddress: iova + pos, dmaLength: e.length });
    pos += e.length;
  }
  const plan: Plan = {
    entries: out.runs,
    nents: entryCount(out.runs),
    domain,
    ptes: linkedPtes(buffer.chunks, iova, granule, dir),
    slots: [],
    how: `dma_buf_phys_vec_to_sgt: one IOVA run in ${domain.label} (dma_iova_link with DMA_ATTR_MMIO, one dma_iova_sync)`,
  };
  const mapping = commit(k.dma, ctx, att.device, dir, true, plan, 0, 'phys_vec', origin);
  return { ok: true, mappingId: mapping.id, entries: out.runs, pageless: true };
}

/** dma_iova_link() of each range back to back from the start of the IOVA run. */
function linkedPtes(chunks: readonly Chunk[], iova: number, granule: number, dir: Dir): IommuPte[] {
  let at = iova;
  return chunks.map((c) => {
    const pte = { iova: at, phys: c.phys, size: alignUp(c.size, granule), prot: protOf(dir) };
    at += pte.size;
    return pte;
  });
}

/** fill_sg_entry() of 6.19/7.0: each range cut into UINT_MAX-byte entries (the last one the rest), no page, offset 0. */
function physVecEntries(chunks: readonly Chunk[]): SgRun[] {
  const out: SgRun[] = [];
  for (const c of chunks) {
    for (let pos = 0; pos < c.size; pos += PHYS_VEC_MAX_ENTRY) out.push({ phys: c.phys + pos, page: false, offset: 0, length: Math.min(PHYS_VEC_MAX_ENTRY, c.size - pos) });
  }
  return out;
}

function busAddresses(entries: readonly SgRun[]): SgRun[] {
  return entries.map((e) => ({ ...e, dmaAddress: e.phys as number, dmaLength: e.length, busAddress: true }));
}

function committed(k: KernelState, ctx: StepContext, device: string, dir: Dir, entries: SgRun[], how: string, origin: { readonly at: Node; readonly bufferId: number }): ExporterMapResult {
  const plan: Plan = { entries, nents: entryCount(entries), ptes: [], slots: [], how: `dma_buf_phys_vec_to_sgt: ${how}` };
  const mapping = commit(k.dma, ctx, device, dir, true, plan, 0, 'phys_vec', origin);
  return { ok: true, mappingId: mapping.id, entries, pageless: true };
}

// --- revocation ----------------------------------------------------------------------------------

/** The live buffers vfio-pci exported from the device (vdev->dmabufs). */
function exportsOf(k: KernelState, dev: string): BufferObj[] {
  return [...k.buf.buffers.values()].filter((b) => b.vfio && b.device === dev && !b.released && !b.vfio.permanent);
}

/** Live tables of the buffer: what a 7.1 revoke waits for. */
function liveTables(k: KernelState, buffer: BufferObj): SgtObj[] {
  return [...k.buf.sgts.values()].filter((s) => s.buffer === buffer.id && s.live);
}

/** vfio_pci_dma_buf_move(vdev, true) for one buffer: notify the importers; on 7.1 wait for their unmaps. */
function revoke(k: KernelState, ctx: StepContext, buffer: BufferObj, at: Node, cause: NonNullable<VfioBufferState['cause']>): string {
  const state = buffer.vfio;
  if (!state || state.revoked) return `${buffer.symbol.name} already revoked`;
  const restoreAfter = cause === 'reset';
  state.revoked = site(ctx, at);
  state.cause = cause;
  state.epoch += 1;
  // iommufd's callback runs like every importer's: it empties its IOAS areas (no unmap to wait for).
  const emptied = revokeIoasAreas(k.dma, ctx, buffer.id, at);
  const names = invalidateNames(ctx);
  const importers = buffer.attachments.length;
  if (!ctx.since('vfio-revocable')) {
    ctx.change(bufferChange(k, buffer, `revoked (priv->revoked = true), ${names.call}() to ${importers} importer${importers === 1 ? '' : 's'}; no wait`));
    return `${buffer.symbol.name}: revoked, ${names.call}()${emptied.length ? `; ${emptied.join('; ')}` : ''}`;
  }
  const waiting = liveTables(k, buffer);
  if (waiting.length > 0) state.wait = { at: site(ctx, at), sgts: waiting.map((s) => s.id), restore: restoreAfter };
  ctx.change(
    bufferChange(
      k,
      buffer,
      `revoked: ${names.call}(), dma_resv_wait_timeout(BOOKKEEP), then wait_for_completion() until ${waiting.length === 0 ? 'no mapping is left (none)' : `${waiting.map((s) => s.symbol.name).join(', ')} ${waiting.length === 1 ? 'is' : 'are'} unmapped`}`,
    ),
  );
  return `${buffer.symbol.name}: revoked${emptied.length ? `; ${emptied.join('; ')}` : ''}${waiting.length ? `, waiting for ${waiting.map((s) => s.symbol.name).join(', ')} to be unmapped` : ''}`;
}

/** vfio_pci_dma_buf_move(vdev, false): the buffer is usable again; importers are told again. */
function restore(k: KernelState, ctx: StepContext, buffer: BufferObj): string {
  const state = buffer.vfio;
  if (!state?.revoked || state.permanent) return `${buffer.symbol.name} stays revoked`;
  state.revoked = undefined;
  ctx.change(bufferChange(k, buffer, `restored (priv->revoked = false), ${invalidateNames(ctx).call}() again: importers may map again`));
  return `${buffer.symbol.name}: restored`;
}

/**
 * 7.1: an unmap the revoke waits for. When the last one comes, vfio_pci_dma_buf_move() returns and
 * a reset goes on to give the buffer back (while memory decode is on).
 */
export function vfioUnmapped(k: KernelState, ctx: StepContext, buffer: BufferObj, sgt: SgtObj): void {
  const wait = buffer.vfio?.wait;
  if (!wait) return;
  wait.sgts = wait.sgts.filter((id) => id !== sgt.id);
  if (wait.sgts.length > 0) return;
  buffer.vfio!.wait = undefined;
  const memoryOn = !(buffer.device && k.dma.devices.get(buffer.device)?.vfio?.memoryOff);
  if (wait.restore && memoryOn) restore(k, ctx, buffer);
}

export function execMemoryDecode(k: KernelState, ctx: StepContext, stmt: MemoryDecodeStmt): void {
  const dev = ctx.sym(stmt.dev).name;
  const on = stmt.state.value === 'on';
  const call = `vfio_basic_config_write(${dev}, PCI_COMMAND, ${on ? '|' : '&~'}PCI_COMMAND_MEMORY)`;
  const state = vfioDevice(k, ctx, dev, stmt, '`memory_decode`');
  if (!state) return ctx.call(call, 'not a vfio-pci device', false);
  if (state.closed) return ctx.call(call, '-EBADF: the device fd is closed', false);
  if (on === !state.memoryOff) return ctx.call(call, `no change: memory decode already ${on ? 'on' : 'off'}`);
  state.memoryOff = on ? undefined : stmt.span;
  const done = exportsOf(k, dev).map((b) => (on ? (b.vfio?.wait ? `${b.symbol.name} waits for its unmaps` : restore(k, ctx, b)) : revoke(k, ctx, b, stmt, 'decode')));
  ctx.call(call, `0: memory decode ${on ? 'on' : 'off'}${done.length ? `; ${done.join('; ')}` : ''}`);
}

export function execVfioReset(k: KernelState, ctx: StepContext, stmt: VfioResetStmt): void {
  const dev = ctx.sym(stmt.dev).name;
  const call = `ioctl(${dev}_fd, VFIO_DEVICE_RESET)`;
  const state = vfioDevice(k, ctx, dev, stmt, '`vfio_reset`');
  if (!state) return ctx.call(call, 'not a vfio-pci device', false);
  if (state.closed) return ctx.call(call, '-EBADF: the device fd is closed', false);
  const done = exportsOf(k, dev).map((b) => {
    const already = b.vfio?.revoked !== undefined;
    const r = revoke(k, ctx, b, stmt, 'reset');
    if (already || b.vfio?.wait || state.memoryOff) return r;
    return `${r}, reset, ${restore(k, ctx, b)}`;
  });
  ctx.call(call, `0: function reset${done.length ? `; ${done.join('; ')}` : ''}`);
}

export function execVfioClose(k: KernelState, ctx: StepContext, stmt: VfioCloseStmt): void {
  const dev = ctx.sym(stmt.dev).name;
  const call = `close(${dev}_fd) → vfio_pci_core_close_device() → vfio_pci_dma_buf_cleanup()`;
  const state = vfioDevice(k, ctx, dev, stmt, '`vfio_close`');
  if (!state) return ctx.call(call, 'not a vfio-pci device', false);
  if (state.closed) return ctx.call(call, '-EBADF: the device fd is already closed', false);
  const done = exportsOf(k, dev).map((b) => {
    const r = revoke(k, ctx, b, stmt, 'close');
    if (b.vfio) {
      b.vfio.permanent = true;
      b.vfio.revoked ??= site(ctx, stmt);
    }
    return `${r} for good`;
  });
  state.closed = stmt.span;
  ctx.call(call, `0${done.length ? `; ${done.join('; ')}` : ''}`);
}

/**
 * A device job through a table made before a revoke of its buffer: on 7.1 a write is MOVE-04 (reads
 * may go on until the unmap, their results discarded); on 6.19/7.0 any use is MOVE-01 (vfio does not
 * wait: the importer's move_notify must stop the device and drop the table). Returns true when reported.
 */
export function reportRevokedUse(ctx: StepContext, buffer: BufferObj, sgt: SgtObj, device: string, access: 'read' | 'write', at: Node): boolean {
  const state = buffer.vfio;
  if (!state || sgt.vfioEpoch === undefined || sgt.vfioEpoch === state.epoch) return false;
  const now = revokedNow(state, access);
  const related = state.revoked ? [{ at: state.revoked, message: 'revoked here' }, { at: sgt.symbol, message: 'mapped here, before the revoke' }] : [{ at: sgt.symbol, message: 'mapped here, before the revoke' }];
  if (ctx.since('vfio-revocable')) {
    if (access === 'read') return true;
    ctx.report(
      'MOVE-04',
      at,
      `${device} writes \`${buffer.symbol.name}\` through \`${sgt.symbol.name}\` after vfio-pci revoked it: from 7.1 an importer must stop device ` +
        `writes as soon as invalidate_mappings is called, may only finish reads whose results it discards, and must unmap (dma_buf_invalidate_mappings() kdoc). ${now}.`,
      { outcome: 'SILENT', related },
    );
    return true;
  }
  ctx.report(
    'MOVE-01',
    at,
    `${device} ${access === 'write' ? 'writes' : 'reads'} \`${buffer.symbol.name}\` through \`${sgt.symbol.name}\`, mapped before vfio-pci revoked the buffer: ` +
      `vfio_pci_dma_buf_move() called ${invalidateNames(ctx).call}() and did not wait, so the importer's ${invalidateNames(ctx).callback} must stop the device and ` +
      `drop the table, and map again when it can. ${now}.`,
    { outcome: 'SILENT', related },
  );
  return true;
}

/** What the access meets now, in a sentence. */
function revokedNow(state: VfioBufferState, access: 'read' | 'write'): string {
  if (!state.revoked) return 'The buffer is back, but the importer was told to drop this table and map again; a new map is the one to use';
  switch (state.cause) {
    case 'decode':
      return `PCI_COMMAND_MEMORY is off, so the BAR does not decode: ${access === 'write' ? 'the write is dropped (an Unsupported Request)' : 'the read returns no data of the buffer'}`;
    case 'reset':
      return 'The reset waits only for the unmap and then resets the function: the access races with the BAR being taken back';
    case 'close':
    case undefined:
      return 'The vfio device is closed: the BAR is no longer the buffer\'s';
    default:
      return assertNever(state.cause);
  }
}

/** 7.1: revokes still waiting at the end for tables nobody unmapped (HANG-01 at the revoking statement). */
export function vfioWaits(k: KernelState): { readonly buffer: BufferObj; readonly wait: NonNullable<VfioBufferState['wait']> }[] {
  const out: { readonly buffer: BufferObj; readonly wait: NonNullable<VfioBufferState['wait']> }[] = [];
  for (const b of k.buf.buffers.values()) if (b.vfio?.wait) out.push({ buffer: b, wait: b.vfio.wait });
  return out;
}
