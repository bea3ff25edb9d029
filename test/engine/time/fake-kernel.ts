// A small kernel half for the time half's tests: buffers at fixed addresses, attachments, maps and
// CPU mappings that only remember their buffer, no rule checks. `dma_sync for_cpu` invalidates and
// `for_device` cleans, so tests can order maintenance explicitly. Leaks: buffers never put.
import type { Stmt } from '../../../server/src/language/ast';
import type { Symbol } from '../../../server/src/language/bound';
import type { AccessPath, KernelModel, PhysRegion, StepContext } from '../../../server/src/engine/seam';

export interface FakeState {
  next: number;
  buffers: Record<number, { addr: number; size: number; symbol: Symbol; refs: number; agent: string }>;
  owner: Record<number, number>;
}

function regions(k: FakeState, buf: number): PhysRegion[] {
  const b = k.buffers[buf];
  return b ? [{ space: 'ram', addr: b.addr, size: b.size }] : [];
}

function bufOf(k: FakeState, ctx: StepContext, id: Parameters<StepContext['sym']>[0]): number | undefined {
  const s = ctx.sym(id);
  return k.buffers[s.id] ? s.id : k.owner[s.id];
}

export const fakeKernel: KernelModel<FakeState> = {
  init: () => ({ next: 0x1000_0000, buffers: {}, owner: {} }),
  waitsBefore: (_k, ctx, stmt) => (stmt.kind === 'BeginCpu' ? [{ buffer: ctx.sym(stmt.buf), usage: stmt.dir.value === 'read' ? 'write' : 'read' }] : []),
  execute(k, ctx, stmt: Stmt) {
    switch (stmt.kind) {
      case 'Heap':
      case 'Export': {
        const s = ctx.sym(stmt.name);
        k.buffers[s.id] = { addr: k.next, size: stmt.size.value, symbol: s, refs: 1, agent: ctx.agent };
        k.next += 0x100_0000;
        ctx.call(`alloc ${stmt.name.name}`, '0');
        return true;
      }
      case 'Put': {
        const b = k.buffers[ctx.sym(stmt.buf).id];
        if (b) b.refs--;
        ctx.call('dma_buf_put', '0');
        return true;
      }
      case 'Attach':
      case 'Vmap':
      case 'Mmap':
      case 'DmaMap':
        k.owner[ctx.sym(stmt.name).id] = ctx.sym(stmt.buf).id;
        ctx.call(stmt.kind, '0');
        return true;
      case 'Map': {
        const b = bufOf(k, ctx, stmt.att);
        if (b !== undefined) k.owner[ctx.sym(stmt.name).id] = b;
        ctx.call('map', '0');
        return true;
      }
      case 'DmaSync': {
        const b = bufOf(k, ctx, stmt.sgt);
        if (b !== undefined) ctx.cache({ kind: stmt.target.value === 'for_cpu' ? 'invalidate' : 'clean', regions: regions(k, b) });
        ctx.call('dma_sync', '0');
        return true;
      }
      default:
        ctx.call(stmt.kind, '0');
        return true;
    }
  },
  deviceAccess(k, ctx, job): AccessPath | undefined {
    if (job.stmt.target.kind !== 'Object') return undefined;
    const b = bufOf(k, ctx, job.stmt.target.name);
    if (b === undefined) return undefined;
    return { regions: regions(k, b), coherent: ctx.platform.devices.get(job.device)?.coherent ?? false };
  },
  cpuAccess(k, ctx, stmt): AccessPath | undefined {
    const b = bufOf(k, ctx, stmt.vmap);
    return b === undefined ? undefined : { regions: regions(k, b), coherent: false, cacheable: true };
  },
  move: () => undefined,
  bufferRegions: (k, s) => regions(k, s.id),
  bufferOf: (k, s) => {
    const id = k.buffers[s.id] ? s.id : k.owner[s.id];
    return id === undefined ? undefined : k.buffers[id]?.symbol;
  },
  outstanding: (k) =>
    Object.values(k.buffers)
      .filter((b) => b.refs > 0)
      .map((b) => ({ symbol: b.symbol, what: `buffer ${b.symbol.name}`, code: 'LEAK-01' as const, agent: b.agent })),
  snapshot: () => undefined,
};
