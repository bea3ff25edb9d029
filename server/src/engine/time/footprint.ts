// Footprints: what a step may touch, for partial-order reduction (explore/dpor.ts asks whether two
// steps are dependent; nothing here changes a run). Keys: `mem:B` (the memory of buffer B, `mem:*`
// any), `k:B` (kernel objects of B), `kj:B` (what of B's kernel state a device job reads: every
// kernel call writes it but an unmap, detach or put that only ends its own object, whose race with a
// job through that object is reported instead, see lifetime-races.ts), `kb:B` (B's own lifetime, for
// jobs not through a dma-buf table: every kernel call on B writes it), `alloc` (placement), `iova` and `domain` (address spaces),
// `resv:B`, `lock:B`, `fence:F`, `fobs:F` (non-blocking looks at F's signal state), `fctx:C` (a
// named fence context). Coarse on purpose: two steps on different buffers commute.
import type { ErrorStmt, Ident, Stmt } from '../../language/ast';
import type { AgentId } from '../../common/trace';
import { objectOf, type KernelKind, type StmtOf } from '../../language/statements';
import { agent, currentStmt } from './agents';
import { containerFences } from './fences';
import { waitBlocks } from './fence-ops';
import { bufferOfName, fenceKey, sym, targetIdent } from './step';
import type { Statics, World } from './world';
// What the keys mean to the explorer (wildcards, conflicts) is explore/dependence.ts.
import type { Footprint } from '../explore/dependence';

export type { Footprint };

// Placement and IOVA space are allocators: allocations depend on every earlier allocation and free,
// but frees commute with each other, so frees only read the allocator keys and allocations write them.
const ALLOCATES = new Set<Stmt['kind']>(['Export', 'Heap', 'Udmabuf', 'DriverMem', 'Attach', 'Pin', 'Map', 'DmaMap', 'DmaMapSingle', 'DmaMapPhys']);

const FREES = new Set<Stmt['kind']>(['Put', 'Detach', 'Unpin', 'Unmap', 'DmaUnmap', 'DmaUnmapPhys']);

// The IOMMU API changes which translation every device of a group uses: device jobs read `domain`.
const DOMAIN_OPS = new Set<Stmt['kind']>(['Domain', 'AttachDomain', 'DetachDomain', 'ArmIommuDetach', 'ArmIommuCreateMapping', 'ArmIommuAttach', 'BindVfio', 'ClaimDmaOwner', 'ReleaseDmaOwner', 'DeviceClaimDmaOwner', 'DeviceReleaseDmaOwner', 'DmaIovaAlloc', 'DmaIovaLink', 'DmaIovaSync', 'DmaIovaUnlink', 'DmaIovaDestroy', 'DmaIovaFree', 'IommuMap', 'IommuUnmap', 'Ioas', 'IoasAttach', 'IoasMap', 'IoasUnmap']);

export function nextFootprint<K>(w: World<K>, st: Statics<K>, id: AgentId): Footprint {
  const a = agent(w, id);
  if (a.kind === 'dev') {
    const job = a.queue[0];
    const waits = job.waits.map((f) => `fence:${f}`);
    // Signalling also changes what reservation readers observe (signalled entries are skipped or
    // replaced without waiting): `fobs:F` orders the signal against those non-blocking looks.
    const signals = [`fence:${job.fence}`, `fobs:${job.fence}`, ...containersOf(w, job.fence)];
    if (job.kind === 'copy') return { reads: waits, writes: [`mem:${job.buffer ?? '*'}`, ...signals], origin: job.submitStep };
    const stmt = st.stmts[job.stmt] as Stmt & { kind: 'Submit' };
    const b = job.buffer ?? '*';
    const mem = `mem:${b}`;
    // A job through a dma-buf table meets the buffer's release as a lifetime race (lifetime-races.ts);
    // any other job (the exporter's own buffer, a raw mapping) reads `kb:`, which every put writes.
    const throughTable = jobTarget(st, stmt).targetAttachment !== undefined;
    return {
      reads: [...waits, `kj:${b}`, ...(throughTable ? [] : [`kb:${b}`]), 'domain', ...(stmt.access.value === 'read' ? [mem] : [])],
      writes: [...signals, ...(stmt.access.value === 'write' ? [mem] : [])],
      origin: job.submitStep,
    };
  }
  const s = currentStmt(w, st, a);
  if (!s) return { reads: [], writes: [] };
  const fp = stmtFootprint(w, st, s);
  return a.forkStep === undefined ? fp : { ...fp, origin: a.forkStep };
}

/** Non-blocking looks at the signal state of every fence in the buffer's reservation. */
function observes<K>(w: World<K>, buffer: number | '*'): string[] {
  if (buffer === '*') return ['fobs:*'];
  return (w.resv[buffer]?.entries ?? []).map((e) => `fobs:${e.fence}`);
}

function stmtFootprint<K>(w: World<K>, st: Statics<K>, s: Stmt): Footprint {
  const buf = (id: Ident | undefined) => (id ? bufferOfName(w, st, id) ?? '*' : '*');
  const fence = (id: Ident) => `fence:${fenceKey(sym(st, id))}`;
  switch (s.kind) {
    case 'BeginSignalling':
    case 'EndSignalling':
    case 'Alloc':
    case 'Thread':
      return { reads: [], writes: [] };
    case 'Fence':
      // Fences of one named context are ordered against each other's signals (FENCE-02).
      return s.context ? { reads: [], writes: [`fctx:${s.context.name}`] } : { reads: [], writes: [] };
    case 'Signal':
      return { reads: [], writes: [fence(s.fence), `fobs:${fenceKey(sym(st, s.fence))}`, ...contextKey(st, s.fence), ...containersOf(w, fenceKey(sym(st, s.fence)))] };
    case 'SetError':
      return { reads: [], writes: [fence(s.fence)] };
    case 'FenceArray':
      return { reads: s.fences.map(fence), writes: [fence(s.name), 'fence:*'] };
    case 'FenceChain':
      return { reads: [fence(s.fence), ...(s.prev ? [fence(s.prev)] : [])], writes: [fence(s.name), 'fence:*'] };
    case 'Wait':
      // A wait that cannot block (timeout 0 tests, a negative one fails at once) only looks at the
      // signal state: it can run before the signal, so it must not read the fence key, which tells
      // the explorer the two can never be reordered (dependence.ts neverCoEnabled).
      return waitBlocks(s) ? { reads: s.fences.map(fence), writes: [] } : { reads: s.fences.map((id) => `fobs:${fenceKey(sym(st, id))}`), writes: [] };
    case 'Lock':
    case 'Unlock':
      return { reads: [], writes: [`lock:${buf(s.buf)}`] };
    case 'ResvAdd':
      return { reads: [`lock:${buf(s.buf)}`, ...observes(w, buf(s.buf))], writes: [`resv:${buf(s.buf)}`] };
    case 'WaitResv':
    case 'Poll': {
      // One that cannot block (timeout 0) only looks at the fences: its answer depends on whether
      // each has signalled yet, so it is ordered against those signals like any other look.
      const b = buf(s.buf);
      return { reads: [`resv:${b}`, ...(waitBlocks(s) ? [] : observes(w, b))], writes: [] };
    }
    case 'ExportSyncFile':
      return { reads: [`resv:${buf(s.buf)}`, ...observes(w, buf(s.buf))], writes: [] };
    case 'ImportSyncFile':
      return { reads: observes(w, buf(s.buf)), writes: [`resv:${buf(s.buf)}`, `lock:${buf(s.buf)}`] };
    case 'Submit': {
      const b = buf(targetIdent(s));
      return s.implicit ? { reads: observes(w, b), writes: [`resv:${b}`, `lock:${b}`] } : { reads: [], writes: [] };
    }
    case 'Get':
    case 'Put':
      if (sym(st, s.buf).kind !== 'fence') return kernelFootprint(w, st, s);
      // A put may release the fence (force-signalling it, dropping its parts' references).
      return { reads: [], writes: [fence(s.buf), `fobs:${fenceKey(sym(st, s.buf))}`, ...(s.kind === 'Put' ? ['fence:*', 'fobs:*'] : [])] };
    case 'CpuAccess': {
      const b = buf(s.vmap);
      return s.access.value === 'write' ? { reads: [`k:${b}`], writes: [`mem:${b}`] } : { reads: [`k:${b}`, `mem:${b}`], writes: [] };
    }
    case 'Move': {
      const b = buf(s.buf);
      return { reads: [`lock:${b}`, ...observes(w, b)], writes: [`k:${b}`, `kj:${b}`, `mem:${b}`, 'alloc', `resv:${b}`] };
    }
    default:
      // Kernel-half statements only (the table's `half`): a time-half one needs a case above.
      return kernelFootprint(w, st, s satisfies StmtOf<KernelKind> | ErrorStmt);
  }
}

function kernelFootprint<K>(w: World<K>, st: Statics<K>, s: Stmt): Footprint {
  const b = kernelStmtBuffer(w, st, s);
  const reads = [`lock:${b}`, `resv:${b}`];
  const writes = [`k:${b}`, `mem:${b}`, `kb:${b}`];
  if (!endsOnlyItsObject(w, st, s)) writes.push(`kj:${b}`);
  if (ALLOCATES.has(s.kind)) writes.push('alloc', 'iova');
  if (FREES.has(s.kind)) reads.push('alloc', 'iova');
  if (DOMAIN_OPS.has(s.kind)) writes.push('domain', 'iova', 'k:*', 'kj:*', 'kb:*');
  return { reads, writes };
}

/** An unmap or detach that, run now, only ends its own object (the kernel half says: seam.ts endsOnlyItsObject). */
export function endsOnlyItsObject<K>(w: World<K>, st: Statics<K>, s: Stmt): boolean {
  if (s.kind !== 'Unmap' && s.kind !== 'Detach' && s.kind !== 'Put') return false;
  const ask = st.kernel.endsOnlyItsObject;
  if (!ask) return false;
  const object = sym(st, s.kind === 'Unmap' ? s.sgt : s.kind === 'Detach' ? s.att : s.buf);
  if (s.kind === 'Put' && object.kind !== 'buffer') return false;
  return ask.call(st.kernel, w.kernel, st.platform, s.kind, object.id);
}

/** The object a job goes through and, for a table dma_buf_map_attachment() made, its attachment (lifetime-races.ts). */
export function jobTarget<K>(st: Statics<K>, s: Stmt & { kind: 'Submit' }): { target?: number; targetAttachment?: number } {
  if (s.target.kind !== 'Object') return {};
  const t = st.program.refs.get(s.target.name);
  if (!t) return {};
  const decl = t.decl as Stmt;
  const att = decl.kind === 'Map' ? st.program.refs.get(decl.att) : undefined;
  return { target: t.id, ...(att ? { targetAttachment: att.id } : {}) };
}

/** Footprint keys of the containers a fence's signal may complete (they signal in the same step). */
function containersOf<K>(w: World<K>, key: string): string[] {
  const out: string[] = [];
  const visit = (k: string) => {
    for (const c of containerFences(w)) {
      if (!c.parts?.includes(k) || out.includes(`fence:${c.key}`)) continue;
      out.push(`fence:${c.key}`, `fobs:${c.key}`);
      visit(c.key);
    }
  };
  visit(key);
  return out;
}

/** The named context of a fence (`fence context C ...`), as a footprint key. */
function contextKey<K>(st: Statics<K>, id: Ident): string[] {
  const decl = sym(st, id).decl as Stmt;
  return decl.kind === 'Fence' && decl.context ? [`fctx:${decl.context.name}`] : [];
}

/** The buffer a kernel statement works on, `*` when it is global or unknown. */
function kernelStmtBuffer<K>(w: World<K>, st: Statics<K>, s: Stmt): number | '*' {
  const id = firstObjectIdent(s);
  if (!id) return '*';
  return bufferOfName(w, st, id) ?? '*';
}

/** The table's object operand (language/statements.ts); none for an `Error` statement. */
function firstObjectIdent(s: Stmt): Ident | undefined {
  return s.kind === 'Error' ? undefined : objectOf(s);
}
