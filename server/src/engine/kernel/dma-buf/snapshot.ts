// JSON views of dma-buf objects for hover, the trace inspector and ctx.change() records.
import type { Symbol } from '../../../language/bound';
import type { StateChange } from '../../../common/trace';
import { dmaSnapshot, mappingById, mappingSnapshot } from '../dma-mapping/api';
import { chunkCount, expandChunks } from '../dma-mapping/chunk-runs';
import { pagedView } from '../dma-mapping/snapshot';
import { pagedKey, type PagedRun } from '../../../common/paged';
import type { AttachmentObj, BufferObj, CpuMapObj, KernelState, SgtObj } from '../state';

function hex(n: number): string {
  return `0x${n.toString(16)}`;
}

// A buffer's chunk list is replaced, never edited, when its backing store changes; between two
// changes every snapshot of the buffer shows the same list. Sharing one view per list keeps a
// trace compact: a GEM buffer has hundreds of page chunks, snapshotted at every step that touches
// the buffer, and structured clone (worker → server) and the heap keep a shared array once.
const MAX_CHUNKS = 64;
const chunkViews = new WeakMap<BufferObj['chunks'], readonly Record<string, unknown>[]>();

function chunksView(chunks: BufferObj['chunks']): readonly Record<string, unknown>[] {
  let view = chunkViews.get(chunks);
  if (!view) {
    // The first 64, like a mapping's entries (dma-mapping/snapshot.ts): the rest is counted (moreChunks).
    view = expandChunks(chunks, MAX_CHUNKS).map((c) => ({ space: c.space, phys: hex(c.phys), size: c.size, ...(c.owner ? { owner: c.owner } : {}) }));
    chunkViews.set(chunks, view);
  }
  return view;
}

/** Past the first page, the chunk runs for the trace view's pages (phys a number: it formats it). */
function pagedChunks(chunks: BufferObj['chunks']): Record<string, unknown> {
  const run = (c: BufferObj['chunks'][number]): PagedRun => ({
    first: { space: c.space, phys: c.phys, size: c.size, ...(c.owner ? { owner: c.owner } : {}) },
    count: c.count ?? 1,
    ...(c.stride ? { step: { phys: c.stride } } : {}),
  });
  const view = pagedView(chunks, chunkCount(chunks), run);
  return view ? { [pagedKey('chunks')]: view } : {};
}

export function bufferSnapshot(k: KernelState, b: BufferObj): Record<string, unknown> {
  const attachments = b.attachments.map((id) => k.buf.attachments.get(id)?.symbol.name ?? `#${id}`);
  return {
    kind: 'dma_buf',
    name: b.symbol.name,
    exporter: b.exporter,
    ops: b.ops,
    dynamic: b.dynamic,
    ...(b.device ? { device: b.device } : {}),
    size: b.size,
    placement: b.placement,
    chunks: chunksView(b.chunks),
    ...(chunkCount(b.chunks) > MAX_CHUNKS ? { moreChunks: chunkCount(b.chunks) - MAX_CHUNKS } : {}),
    ...pagedChunks(b.chunks),
    refcount: b.refs,
    released: Boolean(b.released),
    attachments,
    vmapping_counter: b.vmapCount,
    pin_count: b.pins,
    cpu_access: b.brackets.map((br) => br.dir),
    ...(b.vfio ? vfioSnapshot(k, b.vfio) : {}),
  };
}

/** vfio-pci's priv->revoked, and what a 7.1 revoke still waits for. */
function vfioSnapshot(k: KernelState, v: NonNullable<BufferObj['vfio']>): Record<string, unknown> {
  return {
    revoked: v.revoked ? (v.permanent ? 'for good (device closed)' : `yes (${v.cause === 'decode' ? 'memory decode off' : v.cause === 'reset' ? 'reset' : 'device closed'})`) : 'no',
    ...(v.wait ? { revoke_waits_for_unmap: v.wait.sgts.map((id) => k.buf.sgts.get(id)?.symbol.name ?? `#${id}`) } : {}),
  };
}

export function attachmentSnapshot(k: KernelState, a: AttachmentObj): Record<string, unknown> {
  const buffer = k.buf.buffers.get(a.buffer);
  const cached = a.cached ? mappingById(k.dma, a.cached.mappingId) : undefined;
  return {
    kind: 'dma_buf_attachment',
    name: a.symbol.name,
    dmabuf: buffer?.symbol.name,
    dev: a.device,
    dynamic: a.dynamic,
    peer2peer: a.peer2peer,
    live: a.live,
    importer_pins: a.importerPins.length,
    core_pinned: a.corePinned,
    ...(a.cached ? { sgt: cached ? mappingSnapshot(k.dma, cached) : a.cached.mappingId, dir: a.cached.dir } : {}),
    mapped: a.liveMaps.length > 0 || Boolean(a.cached),
  };
}

export function sgtSnapshot(k: KernelState, s: SgtObj): Record<string, unknown> {
  const mapping = mappingById(k.dma, s.mappingId);
  const att = k.buf.attachments.get(s.attachment);
  return {
    kind: 'sg_table',
    name: s.symbol.name,
    attachment: att?.symbol.name,
    dir: s.dir,
    cached: s.cached,
    pageless: s.pageless,
    live: s.live,
    ...(mapping ? { mapping: mappingSnapshot(k.dma, mapping) } : {}),
  };
}

export function cpuMapSnapshot(k: KernelState, m: CpuMapObj): Record<string, unknown> {
  const buffer = k.buf.buffers.get(m.buffer);
  return { kind: m.kind, name: m.symbol.name, dmabuf: buffer?.symbol.name, live: m.live };
}

export function snapshotOf(k: KernelState, object: Symbol): Record<string, unknown> | undefined {
  const b = k.buf.buffers.get(object.id);
  if (b) return bufferSnapshot(k, b);
  const a = k.buf.attachments.get(object.id);
  if (a) return attachmentSnapshot(k, a);
  const s = k.buf.sgts.get(object.id);
  if (s) return sgtSnapshot(k, s);
  const m = k.buf.cpuMaps.get(object.id);
  if (m) return cpuMapSnapshot(k, m);
  const failed = k.failed.get(object.id);
  if (failed !== undefined) return { kind: object.kind, name: object.name, error: failed };
  return dmaSnapshot(k.dma, object);
}

export function bufferChange(k: KernelState, b: BufferObj, summary: string): StateChange {
  return { object: b.symbol.name, kind: 'buffer', summary, state: bufferSnapshot(k, b) };
}

export function attachmentChange(k: KernelState, a: AttachmentObj, summary: string): StateChange {
  return { object: a.symbol.name, kind: 'attachment', summary, state: attachmentSnapshot(k, a) };
}

export function sgtChange(k: KernelState, s: SgtObj, summary: string): StateChange {
  return { object: s.symbol.name, kind: 'sgt', summary, state: sgtSnapshot(k, s) };
}

export function cpuMapChange(k: KernelState, m: CpuMapObj, summary: string): StateChange {
  return { object: m.symbol.name, kind: 'vmap', summary, state: cpuMapSnapshot(k, m) };
}
