// CPU access to a dma-buf: dma_buf_vmap/vunmap (VMAP-01), mmap of the fd, DMA_BUF_IOCTL_SYNC /
// dma_buf_begin/end_cpu_access brackets (CPU-02/04/06/08) and the loads/stores themselves.
import type { BeginCpuStmt, CpuAccessStmt, CpuDir, Dir, EndCpuStmt, MmapStmt, MunmapStmt, Node, Span, VmapStmt, VunmapStmt, Stmt } from '../../../language/ast';
import type { Severity } from '../../../common/findings';
import type { AccessPath, ReportOptions, StepContext } from '../../seam';
import { sliceRegions } from '../../regions';
import type { RuleId } from '../../rule-docs/registry';
import { chunkRegions, dmaSync, liveMappingsOverlapping, mappingById } from '../dma-mapping/api';
import { cpuCacheable, describedAt, exporterOf, hasCallback, type ExporterDescription } from '../exporters/descriptions';
import { beginCpuUdmabuf, endCpuUdmabuf } from '../exporters/udmabuf';
import { beginCpuOwn, endCpuOwn } from '../exporters/own-mapping';
import { checkWalkAtCpuAccess } from '../exporters/attachment-walk';
import { assertNever } from '../../../common/assert';
import { bufferChange, cpuMapChange } from './snapshot';
import type { BufferObj, CpuMapObj, KernelState } from '../state';
import { migrate } from '../exporters/ttm';
import { coherencySeverity, cpuDirC, cpuDirToDma, dirC, holdsLock, mappedDevices, reportFailedUse, site, useBuffer, useCpuMap } from './use';

// --- vmap / mmap ---------------------------------------------------------------------------------

/** 6.2 locking for vmap/vunmap (VER-01); false when the call deadlocks. */
function checkVmapLocking(ctx: StepContext, stmt: Node, fn: string, unlocked: boolean, buffer: BufferObj): boolean {
  const holding = holdsLock(ctx, buffer);
  if (unlocked && holding) {
    ctx.report(
      'VMAP-01',
      stmt,
      `${fn}() takes dma_resv_lock(dmabuf->resv) itself, but ${ctx.agent} already holds it: self-deadlock. ` +
        `Use the locked variant while holding the lock.`,
      { outcome: 'HANG' },
    );
    ctx.call(`${fn}(${buffer.symbol.name})`, 'deadlock on dmabuf->resv', false);
    ctx.hang(`${fn}() waits for the dma_resv lock its own thread holds`);
    return false;
  }
  if (!unlocked && !holding && ctx.since('locking-convention')) {
    ctx.report(
      'VMAP-01',
      stmt,
      `${fn}() without holding dmabuf->resv: since 6.2 the caller must hold it (dma-buf locking convention, VER-01; ` +
        `6.1 serialised vmap with dmabuf->lock instead). dma_resv_assert_held() ` +
        `${ctx.platform.configs.LOCKDEP ? 'prints a lockdep splat' : 'is silent without CONFIG_LOCKDEP'}. ` +
        `Use \`vmap_unlocked\` or take the lock.`,
      { outcome: 'LOCKDEP' },
    );
  }
  return true;
}

/**
 * dma_buf_vmap_unlocked() / dma_buf_vunmap_unlocked() were added in 6.2 (row vmap-unlocked-added,
 * "dma-buf: Add unlocked variant of vmapping functions"); linux-source-6.1 (6.1.192) has neither,
 * not even in its stable updates (its drivers/dma-buf/dma-buf.c has dma_buf_vmap() and
 * dma_buf_vunmap() only). A 6.1 driver calling them does not build: NAME. The engine then runs the
 * call as 6.2 defines it (take the reservation lock around dma_buf_vmap()/vunmap()) so that the rest
 * of the scenario is still checked.
 */
function checkUnlockedVmapExists(ctx: StepContext, stmt: VmapStmt | VunmapStmt, fn: string, locked: 'vmap' | 'vunmap'): void {
  if (ctx.since('vmap-unlocked-added')) return;
  ctx.report(
    'NAME',
    stmt,
    `${fn}() does not exist before 6.2 (added by "dma-buf: Add unlocked variant of vmapping functions"; Linux ` +
      `${ctx.platform.kernel} has only dma_buf_${locked}(), drivers/dma-buf/dma-buf.c), so this driver does not build for ` +
      `this kernel. On 6.1 call dma_buf_${locked}(), which serialises on the internal dmabuf->lock itself. The rest of the ` +
      `scenario is checked as if it were 6.2's ${fn}().`,
  );
}

export function execVmap(k: KernelState, ctx: StepContext, stmt: VmapStmt): void {
  const symbol = ctx.sym(stmt.name);
  const fn = stmt.unlocked ? 'dma_buf_vmap_unlocked' : 'dma_buf_vmap';
  const call = `${fn}(${stmt.buf.name}, &map)`;
  const buffer = useBuffer(k, ctx, stmt.buf, stmt, `${fn}()`);
  if (!buffer) return ctx.call(call, 'use-after-free', false);
  if (stmt.unlocked) checkUnlockedVmapExists(ctx, stmt, fn, 'vmap');
  if (!checkVmapLocking(ctx, stmt, fn, stmt.unlocked, buffer)) return;
  const exporter = exporterOf(ctx.platform, buffer);
  if (!hasCallback(ctx, exporter, 'vmap')) {
    ctx.report(
      exporter.vfio ? 'VFIO-02' : 'VMAP-01',
      stmt,
      `${fn}() returns -EINVAL: ${exporter.ops} has no vmap (${ctx.cite('dma_buf_vmap.no-vmap')}), so the kernel cannot map ` +
        `\`${buffer.symbol.name}\`${exporter.described ? '. Add vmap/vunmap to the exporter\'s `ops`, or map the pages yourself in the exporting driver' : ''}.`,
      { outcome: 'RET', ...describedAt(exporter) },
    );
    k.failed.set(symbol.id, '-EINVAL');
    return ctx.call(call, '-EINVAL', false);
  }
  buffer.vmapCount += 1;
  const map: CpuMapObj = { id: symbol.id, symbol, buffer: buffer.id, kind: 'vmap', live: true, created: site(ctx, stmt) };
  k.buf.cpuMaps.set(map.id, map);
  const how = cpuCacheable(ctx.platform, buffer) ? 'cacheable (PAGE_KERNEL)' : 'write-combined (BAR aperture)';
  ctx.call(call, `0, ${how} kernel mapping`);
  ctx.change(cpuMapChange(k, map, `vmap ${how}`));
  ctx.change(bufferChange(k, buffer, `vmapping_counter ${buffer.vmapCount - 1} → ${buffer.vmapCount}`));
}

export function execVunmap(k: KernelState, ctx: StepContext, stmt: VunmapStmt): void {
  const fn = stmt.unlocked ? 'dma_buf_vunmap_unlocked' : 'dma_buf_vunmap';
  const call = `${fn}(dmabuf, &${stmt.vmap.name})`;
  if (stmt.unlocked) checkUnlockedVmapExists(ctx, stmt, fn, 'vunmap');
  const sym = ctx.sym(stmt.vmap);
  if (reportFailedUse(k, ctx, sym, stmt)) return ctx.call(call, 'error pointer', false);
  const map = k.buf.cpuMaps.get(sym.id);
  if (!map) return ctx.call(call, 'unknown mapping', false);
  const buffer = k.buf.buffers.get(map.buffer);
  if (!buffer) return;
  if (map.kind !== 'vmap') {
    ctx.report('VMAP-01', stmt, `\`${sym.name}\` is a userspace mmap, not a kernel vmap: dma_buf_vunmap() on it hits BUG_ON(!iosys_map_is_equal(&dmabuf->vmap_ptr, map)) (${ctx.cite('dma_buf_vunmap.bug-ons')}). Use munmap.`, { outcome: 'BUG' });
    return ctx.call(call, 'BUG', false);
  }
  if (buffer.released) {
    ctx.report('LIFE-01', stmt, `${fn}() after the last dma_buf_put() released \`${buffer.symbol.name}\`: use-after-free.`, {
      outcome: 'SILENT',
      related: [{ at: buffer.released, message: 'released here' }],
    });
    return ctx.call(call, 'use-after-free', false);
  }
  if (!checkVmapLocking(ctx, stmt, fn, stmt.unlocked, buffer)) return;
  if (!map.live) {
    if (buffer.vmapCount === 0) {
      ctx.report(
        'VMAP-01',
        stmt,
        `${fn}() with vmapping_counter 0: \`${sym.name}\` was already vunmapped, and the core hits ` +
          `BUG_ON(dmabuf->vmapping_counter == 0) (${ctx.cite('dma_buf_vunmap.bug-ons')}): the thread is killed.`,
        { outcome: 'BUG', related: map.unmapped ? [{ at: map.unmapped, message: 'vunmapped here' }] : [] },
      );
      return ctx.call(call, `BUG: kernel BUG at ${ctx.cite('dma_buf_vunmap.counter-bug')}`, false);
    }
    ctx.report(
      'VMAP-01',
      stmt,
      `\`${sym.name}\` was already vunmapped: this second ${fn}() drops a vmap reference another user holds ` +
        `(vmapping_counter ${buffer.vmapCount} → ${buffer.vmapCount - 1}); when it reaches 0 the exporter unmaps ` +
        `the address under that user (${ctx.cite('dma_buf_vunmap')}).`,
      { outcome: 'SILENT', related: map.unmapped ? [{ at: map.unmapped, message: 'vunmapped here' }] : [] },
    );
    buffer.vmapCount -= 1;
    return ctx.call(call, 'void (unbalanced)', false);
  }
  map.live = false;
  map.unmapped = site(ctx, stmt);
  buffer.vmapCount -= 1;
  ctx.call(call, 'void');
  ctx.change(cpuMapChange(k, map, 'vunmapped'));
  ctx.change(bufferChange(k, buffer, `vmapping_counter ${buffer.vmapCount + 1} → ${buffer.vmapCount}`));
}

/**
 * mmap with the buffer's reservation held by the caller (row mmap-unlocked). 6.1: nothing takes
 * the resv there and there is no convention yet. 6.2-6.5: dma_buf_mmap_internal() and dma_buf_mmap()
 * wrap ops->mmap in dma_resv_lock() ("dma-buf: Move dma_buf_mmap_internal() to dynamic locking
 * specification"). From 6.6 ("dma-buf: Change locking policy for mmap()") the core does not, and
 * the exporter may take it itself. The convention (VER-01) lists dma_buf_mmap() among the calls an
 * importer makes without the lock. False when the call deadlocks.
 */
function checkMmapLocking(ctx: StepContext, stmt: MmapStmt, buffer: BufferObj, call: string): boolean {
  if (!holdsLock(ctx, buffer) || !ctx.since('locking-convention')) return true;
  const traits = exporterOf(ctx.platform, buffer);
  const coreLocks = !ctx.since('mmap-unlocked');
  const recursive = ctx.platform.configs.LOCKDEP ? ' (CONFIG_LOCKDEP: "possible recursive locking detected")' : '';
  const convention = 'The locking convention (VER-01) lists dma_buf_mmap() among the calls importers make without the lock.';
  if (!coreLocks && !traits.mmapTakesResv) {
    ctx.report(
      'RESV-07',
      stmt,
      `mmap of \`${buffer.symbol.name}\` with its reservation held by ${ctx.agent}: since 6.6 ("dma-buf: Change locking policy ` +
        `for mmap()") dma_buf_mmap_internal() no longer takes dmabuf->resv and ${traits.mmapFn} does not take it either, so the ` +
        `mapping is made. ${convention} An exporter that locks in its mmap (drm_gem_shmem_mmap()) self-deadlocks here, ` +
        `and so does every exporter on 6.2-6.5, where the core takes the lock.`,
      { severity: 'information', outcome: 'INFO' },
    );
    return true;
  }
  const who = coreLocks
    ? `from 6.2 to 6.5 dma_buf_mmap_internal() (and dma_buf_mmap()) call ${traits.mmapFn.replace('()', '')} under ` +
      `dma_resv_lock(dmabuf->resv, NULL) (drivers/dma-buf/dma-buf.c; the core stops taking it in 6.6, "dma-buf: Change locking ` +
      `policy for mmap()")`
    : `since 6.6 the core leaves the lock to the exporter ("dma-buf: Change locking policy for mmap()"), and ` +
      `${traits.ops}'s mmap reaches ${traits.mmapFn}, which takes dma_resv_lock(shmem->base.resv, NULL) around ` +
      `drm_gem_shmem_get_pages() (drivers/gpu/drm/drm_gem_shmem_helper.c)`;
  ctx.report(
    'RESV-07',
    stmt,
    `mmap of \`${buffer.symbol.name}\` with its reservation held by ${ctx.agent}: ${who}, a ww_mutex with a NULL acquire ` +
      `context that this thread already holds: self-deadlock${recursive}. ${convention} Unlock before mapping.`,
    { outcome: 'HANG' },
  );
  ctx.call(call, 'deadlock on dmabuf->resv', false);
  ctx.hang(`mmap waits for the dma_resv lock its own thread holds`);
  return false;
}

export function execMmap(k: KernelState, ctx: StepContext, stmt: MmapStmt): void {
  const symbol = ctx.sym(stmt.name);
  const call = `mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, ${stmt.buf.name}_fd, 0)`;
  const buffer = useBuffer(k, ctx, stmt.buf, stmt, 'mmap()');
  if (!buffer) return ctx.call(call, 'use-after-free', false);
  const exporter = exporterOf(ctx.platform, buffer);
  if (!exporter.callbacks.has('mmap')) {
    ctx.report(
      exporter.vfio ? 'VFIO-02' : 'EXP-04',
      stmt,
      `mmap() of \`${buffer.symbol.name}\`'s fd returns -EINVAL: ${exporter.ops} has no mmap, and dma_buf_mmap_internal() checks ` +
        `for it first (${ctx.cite('dma_buf_mmap_internal.no-mmap')}). Userspace cannot map this buffer; add mmap to the exporter's ` +
        `\`ops\` or give userspace another way in.`,
      { outcome: 'RET', ...describedAt(exporter) },
    );
    k.failed.set(symbol.id, '-EINVAL');
    return ctx.call(call, '-EINVAL', false);
  }
  if (!checkMmapLocking(ctx, stmt, buffer, call)) return;
  const map: CpuMapObj = { id: symbol.id, symbol, buffer: buffer.id, kind: 'mmap', live: true, created: site(ctx, stmt) };
  k.buf.cpuMaps.set(map.id, map);
  const how = cpuCacheable(ctx.platform, buffer) ? 'cacheable' : 'write-combined';
  ctx.call(call, `user address, ${how} (${exporter.ops}.mmap)`);
  ctx.change(cpuMapChange(k, map, `mmap ${how}`));
}

export function execMunmap(k: KernelState, ctx: StepContext, stmt: MunmapStmt): void {
  const call = `munmap(${stmt.vmap.name}, size)`;
  const used = useCpuMap(k, ctx, stmt.vmap, stmt, 'munmap()');
  if (!used) return ctx.call(call, 'error', false);
  const { map } = used;
  if (map.kind !== 'mmap') {
    ctx.report('VMAP-01', stmt, `\`${map.symbol.name}\` is a kernel vmap, not a user mapping: release it with dma_buf_vunmap().`, { outcome: 'SILENT' });
    return ctx.call(call, '-EINVAL', false);
  }
  map.live = false;
  map.unmapped = site(ctx, stmt);
  ctx.call(call, '0');
  ctx.change(cpuMapChange(k, map, 'unmapped'));
}

// --- begin/end_cpu_access ------------------------------------------------------------------------

/**
 * Runs `fn` with a context whose dma-debug direction complaints (DMAAPI-07) are explained as the
 * heap's doing: the heaps sync with the CPU's direction, whatever the attachment was mapped with.
 */
function asHeapSync(ctx: StepContext, ops: string): StepContext {
  const report = (code: RuleId, at: Node | Span, message: string, options?: ReportOptions): void => {
    if (code !== 'DMAAPI-07') return ctx.report(code, at, message, options);
    ctx.report(code, at, `${ops} syncs every mapped attachment with the direction of the CPU access, not the direction it was mapped with: ${message}`, {
      ...options,
      severity: 'warning',
    });
  };
  return {
    platform: ctx.platform,
    scenario: ctx.scenario,
    agent: ctx.agent,
    since: (row) => ctx.since(row),
    cite: (sites, shown) => ctx.cite(sites, shown),
    sym: (id) => ctx.sym(id),
    report,
    change: (c) => ctx.change(c),
    call: (c, o, ok) => ctx.call(c, o, ok),
    cache: (e) => ctx.cache(e),
    resvHolder: (b) => ctx.resvHolder(b),
    queueCopy: (c) => ctx.queueCopy(c),
    hang: (r) => ctx.hang(r),
    inSignallingSection: () => ctx.inSignallingSection(),
  };
}

function checkCpuAccessLock(ctx: StepContext, stmt: Node, fn: string, buffer: BufferObj, mayLock: boolean): boolean {
  if (!holdsLock(ctx, buffer)) return true;
  const deadlock = mayLock;
  ctx.report(
    'CPU-06',
    stmt,
    `${fn}() with dmabuf->resv held: the core annotates might_lock(&dmabuf->resv->lock.base) ` +
      `(${ctx.cite(['dma_buf_begin_cpu_access.ops', 'dma_buf_end_cpu_access.ops'])})` +
      (deadlock
        ? ` and ${exporterOf(ctx.platform, buffer).ops} reserves the BO inside (${ctx.cite('amdgpu_dma_buf_begin_cpu_access', 'amdgpu_dma_buf.c')}): self-deadlock.`
        : `${ctx.platform.configs.LOCKDEP ? ', so lockdep reports it' : ' (silent without CONFIG_LOCKDEP)'}; exporters may take the lock inside.`),
    { outcome: deadlock ? 'HANG' : 'LOCKDEP' },
  );
  if (deadlock) {
    ctx.call(`${fn}(${buffer.symbol.name}, ...)`, 'deadlock on dmabuf->resv', false);
    ctx.hang(`${fn}() waits for the dma_resv lock its own thread holds`);
    return false;
  }
  return true;
}

/** Mapping ids of every attachment currently mapped (what the heaps' begin/end walk). */
function mappedAttachmentMappings(k: KernelState, buffer: BufferObj): number[] {
  const ids: number[] = [];
  for (const attId of buffer.attachments) {
    const att = k.buf.attachments.get(attId);
    if (!att || !att.live) continue;
    if (att.cached) ids.push(att.cached.mappingId);
    for (const sid of att.liveMaps) {
      const s = k.buf.sgts.get(sid);
      if (s && !ids.includes(s.mappingId)) ids.push(s.mappingId);
    }
  }
  return ids.filter((id) => mappingById(k.dma, id)?.live);
}

function reportNoMappedAttachment(ctx: StepContext, stmt: Node, fn: string, buffer: BufferObj): void {
  ctx.report(
    'CPU-08',
    stmt,
    `${fn}() does no cache maintenance: ${exporterOf(ctx.platform, buffer).ops} syncs only attachments that are currently mapped ` +
      `(\`if (!a->mapped) continue\`, ${ctx.cite(['system_heap_dma_buf_begin_cpu_access', 'system_heap_dma_buf_end_cpu_access'])}) and \`${buffer.symbol.name}\` has none; ` +
      `the next dma_map_sgtable(..., 0) cleans the CPU cache for the device itself (${ctx.cite('dma_direct_map_page.sync-for-device')}).`,
    { severity: 'information', outcome: 'INFO' },
  );
}

function reportNoCpuAccessOps(ctx: StepContext, stmt: Node, buffer: BufferObj, traits: ExporterDescription): void {
  if (traits.described) {
    ctx.report(
      'CPU-05',
      stmt,
      `${traits.ops} has no begin_cpu_access/end_cpu_access (its \`ops\` line): dma_buf_begin_cpu_access() only waits for the ` +
        `implicit fences (${ctx.cite('dma_buf_begin_cpu_access.ops')}), so nothing cleans or invalidates the CPU caches for ` +
        `\`${buffer.symbol.name}\`; coherency rests on the CPU mapping (${cpuCacheable(ctx.platform, buffer) ? 'cacheable here' : 'write-combined here'}) and on the importers' own maintenance.`,
      { severity: 'information', outcome: 'INFO', ...describedAt(traits) },
    );
    return;
  }
  ctx.report(
    'CPU-05',
    stmt,
    `${traits.ops} has no begin_cpu_access/end_cpu_access (${ctx.cite('drm_gem_prime_dmabuf_ops')}): the SYNC ` +
      `only waits for the implicit fences; coherency relies on the CPU mapping (cacheable shmem pages here) and on ` +
      `the importers' own maintenance.`,
    { severity: 'information', outcome: 'INFO' },
  );
}

/**
 * CPU-01: DMA_BUF_IOCTL_SYNC with neither DMA_BUF_SYNC_READ nor _WRITE returns -EINVAL before it
 * waits or calls the exporter (dma_buf_ioctl()): the bracket does not open, or does not close.
 */
function invalidSyncFlags(ctx: StepContext, stmt: BeginCpuStmt | EndCpuStmt, end: boolean): void {
  ctx.report(
    'CPU-01',
    stmt.dir,
    `DMA_BUF_IOCTL_SYNC with DMA_BUF_SYNC_${end ? 'END' : 'START'} and neither DMA_BUF_SYNC_READ nor DMA_BUF_SYNC_WRITE: dma_buf_ioctl() maps ` +
      `\`flags & DMA_BUF_SYNC_RW\` to a direction and returns -EINVAL for 0 (${ctx.cite('dma_buf_ioctl.sync-flags')}), before any wait or exporter call, so the ` +
      `${end ? 'bracket is not closed: the CPU\'s writes are not flushed for the devices' : 'bracket does not open: the CPU gets no ownership and no cache maintenance'}. Pass READ, WRITE or RW, the same at START and END.`,
    { outcome: 'RET' },
  );
  ctx.call(`ioctl(${stmt.buf.name}_fd, DMA_BUF_IOCTL_SYNC, DMA_BUF_SYNC_${end ? 'END' : 'START'})`, '-EINVAL', false);
}

export function execBeginCpu(k: KernelState, ctx: StepContext, stmt: BeginCpuStmt): void {
  if (stmt.dir.value === 'none') return invalidSyncFlags(ctx, stmt, false);
  const dir = stmt.dir.value;
  const dmaDir = cpuDirToDma(dir);
  const call = `dma_buf_begin_cpu_access(${stmt.buf.name}, ${dirC(dmaDir)}) /* DMA_BUF_IOCTL_SYNC START|${cpuDirC(dir).replace('DMA_BUF_SYNC_', '')} */`;
  const buffer = useBuffer(k, ctx, stmt.buf, stmt, 'dma_buf_begin_cpu_access()');
  if (!buffer) return ctx.call(call, 'use-after-free', false);
  const reads = dir !== 'write';
  const traits = exporterOf(ctx.platform, buffer);
  if (!checkCpuAccessLock(ctx, stmt, 'dma_buf_begin_cpu_access', buffer, traits.cpuAccess === 'ttm_migrate_for_read' && reads)) return;
  checkWalkAtCpuAccess(ctx, stmt, traits, buffer, holdsLock(ctx, buffer), 'dma_buf_begin_cpu_access');
  const outcome = beginCpuAccess(k, ctx, stmt, buffer, traits, dir, reads);
  buffer.brackets.push({ dir, at: site(ctx, stmt) });
  ctx.call(call, outcome);
  ctx.change(bufferChange(k, buffer, `CPU access ${dir} begins`));
}

/** What the exporter's begin_cpu_access does; returns the call's outcome for the trace. */
function beginCpuAccess(k: KernelState, ctx: StepContext, stmt: BeginCpuStmt, buffer: BufferObj, traits: ExporterDescription, dir: CpuDir, reads: boolean): string {
  const dmaDir = cpuDirToDma(dir);
  switch (traits.cpuAccess) {
    case 'sync_mapped':
      return syncMappedAttachments(k, ctx, stmt, buffer, traits, 'for_cpu', dmaDir);
    case 'none':
      reportNoCpuAccessOps(ctx, stmt, buffer, traits);
      return `0 (${traits.ops} has no begin_cpu_access: only the implicit fences were waited for, CPU-05)`;
    case 'nothing':
      return `0 (${traits.ops}.begin_cpu_access does no cache maintenance)`;
    case 'sync_own':
      return beginCpuOwn(ctx, stmt, buffer, traits, dir);
    case 'udmabuf_misc_device':
      return beginCpuUdmabuf(ctx, stmt, buffer, dmaDir, dir);
    case 'ttm_migrate_for_read':
      break;
    default:
      return assertNever(traits.cpuAccess);
  }
  let outcome = '0';
  if (reads && buffer.placement !== 'system' && buffer.pins === 0) {
    // amdgpu moves an unpinned BO to GTT before CPU reads (amdgpu_dma_buf.c:259-287).
    const r = migrate(k, ctx, buffer, 'system', stmt, 'begin_cpu_access for reads moves the BO to GTT');
    if (r.ok) {
      ctx.cache({ kind: 'copy', from: r.from, to: r.to });
      ctx.report(
        'P2P-04',
        stmt,
        `The exporter migrated \`${buffer.symbol.name}\` to system memory: amdgpu_dma_buf_begin_cpu_access() moves an ` +
          `unpinned BO to GTT before CPU reads (${ctx.cite('amdgpu_dma_buf_begin_cpu_access')}).`,
        { severity: 'information', outcome: 'INFO' },
      );
      outcome = '0 (moved to GTT)';
    }
  }
  return outcome;
}

export function execEndCpu(k: KernelState, ctx: StepContext, stmt: EndCpuStmt): void {
  if (stmt.dir.value === 'none') return invalidSyncFlags(ctx, stmt, true);
  const dir = stmt.dir.value;
  const dmaDir = cpuDirToDma(dir);
  const call = `dma_buf_end_cpu_access(${stmt.buf.name}, ${dirC(dmaDir)}) /* DMA_BUF_IOCTL_SYNC END|${cpuDirC(dir).replace('DMA_BUF_SYNC_', '')} */`;
  const buffer = useBuffer(k, ctx, stmt.buf, stmt, 'dma_buf_end_cpu_access()');
  if (!buffer) return ctx.call(call, 'use-after-free', false);
  if (!checkCpuAccessLock(ctx, stmt, 'dma_buf_end_cpu_access', buffer, false)) return;
  const open = buffer.brackets.findIndex((b) => b.at.agent === ctx.agent);
  const bracket = open >= 0 ? buffer.brackets[open] : buffer.brackets[0];
  if (bracket && bracket.dir !== dir) {
    const devices = mappedDevices(k, buffer);
    ctx.report(
      'CPU-04',
      stmt,
      `The bracket began with ${cpuDirC(bracket.dir)} and ends with ${cpuDirC(dir)}: the uapi asks for "the same ` +
        `read/write flags" (${ctx.cite('struct dma_buf_sync.start')}), and the exporter flushes by direction ` +
        `("access with a different direction ... might return stale or even bogus data", ${ctx.cite('struct dma_buf_ops.begin_cpu_access')})` +
        `${ctx.platform.arch === 'arm32' && dir === 'read' ? '; on arm32 sync_for_device(DMA_FROM_DEVICE) invalidates the CPU cache, discarding the CPU\'s writes' : ''}.`,
      { severity: coherencySeverity(ctx, devices), outcome: 'SILENT', related: [{ at: bracket.at, message: 'bracket begun here' }] },
    );
  }
  const traits = exporterOf(ctx.platform, buffer);
  checkWalkAtCpuAccess(ctx, stmt, traits, buffer, holdsLock(ctx, buffer), 'dma_buf_end_cpu_access');
  let outcome = '0';
  if (traits.cpuAccess === 'sync_mapped') {
    outcome = syncMappedAttachments(k, ctx, stmt, buffer, traits, 'for_device', dmaDir);
  } else if (traits.cpuAccess === 'sync_own') {
    outcome = endCpuOwn(ctx, stmt, buffer, traits, dir);
  } else if (traits.cpuAccess === 'udmabuf_misc_device') {
    const done = endCpuUdmabuf(ctx, stmt, buffer, dmaDir, dir);
    if (done === undefined) return ctx.call(call, '-EINVAL', false);
    outcome = done;
  }
  if (bracket) buffer.brackets.splice(buffer.brackets.indexOf(bracket), 1);
  ctx.call(call, outcome);
  ctx.change(bufferChange(k, buffer, bracket ? `CPU access ${bracket.dir} ends` : 'end without begin'));
}

// --- loads and stores ----------------------------------------------------------------------------

function bracketCovers(open: readonly CpuDir[], access: 'read' | 'write'): boolean {
  return open.some((d) => d === 'rw' || d === access);
}

export function cpuAccess(k: KernelState, ctx: StepContext, stmt: CpuAccessStmt): AccessPath | undefined {
  const access = stmt.access.value;
  const used = useCpuMap(k, ctx, stmt.vmap, stmt, `CPU ${access}`);
  if (!used) return undefined;
  const { map, buffer } = used;
  const offset = stmt.range?.offset.value ?? 0;
  const size = stmt.range?.size.value ?? buffer.size;
  const regions = sliceRegions(chunkRegions(buffer.chunks), offset, size);
  const cacheable = cpuCacheable(ctx.platform, buffer);
  const devices = mappedDevices(k, buffer);
  const raw = liveMappingsOverlapping(k.dma, regions).filter((m) => m.symbol && m.owner === 'device');
  const how = map.kind === 'vmap' ? 'the kernel vmap' : 'the mmap';
  if (buffer.brackets.length === 0) {
    const severity: Severity = cacheable ? coherencySeverity(ctx, [...devices, ...raw.map((m) => m.device)]) : 'warning';
    const rawNote = raw.length > 0 ? ` The device also owns raw dma_map ${raw.length === 1 ? 'mapping' : 'mappings'} ${raw.map((m) => `\`${m.symbol!.name}\``).join(', ')} of these pages (DMAAPI-06).` : '';
    ctx.report(
      'CPU-02',
      stmt,
      `CPU ${access} through ${how} of \`${buffer.symbol.name}\` outside begin_cpu/end_cpu: "Prior to accessing the map, ` +
        `the client must call DMA_BUF_IOCTL_SYNC with DMA_BUF_SYNC_START" (${ctx.cite('struct dma_buf_sync.start')}; ` +
        `${ctx.cite('DOC: cpu access')}). ${cacheable ? 'The mapping is cacheable' : 'The mapping is write-combined'}` +
        `${devices.length > 0 ? ` and ${devices.join(', ')} ${devices.length > 1 ? 'have' : 'has'} it mapped` : ''}: ` +
        `${severity === 'error' ? 'a non-coherent device and the CPU cache disagree without the sync, silently' : 'harmless on this coherent platform, but a contract violation'}.${rawNote}`,
      { severity, outcome: 'SILENT', related: [{ at: map.symbol, message: `${map.kind} created here` }] },
    );
  } else {
    const open = buffer.brackets.map((b) => b.dir);
    if (!bracketCovers(open, access)) {
      const bracket = buffer.brackets[buffer.brackets.length - 1];
      ctx.report(
        'CPU-04',
        stmt,
        `CPU ${access} inside a bracket begun with ${cpuDirC(bracket.dir)}: the exporter syncs by direction ` +
          `("access with a different direction (read instead of write) might return stale or even bogus data", ` +
          `${ctx.cite('struct dma_buf_ops.begin_cpu_access')})` +
          (access === 'write'
            ? `; the END with the same flags does not write the CPU's data back for the device${ctx.platform.arch === 'arm32' ? ' (on arm32 it invalidates the lines, discarding the writes)' : ''}.`
            : `; for a write bracket sync_for_cpu(DMA_TO_DEVICE) does not invalidate the CPU cache, so the read may see stale lines.`),
        {
          severity: cacheable ? coherencySeverity(ctx, devices) : 'warning',
          outcome: 'SILENT',
          related: [{ at: bracket.at, message: 'bracket begun here' }],
        },
      );
    }
    if (raw.length > 0) {
      const m = raw[0];
      const dev = ctx.platform.devices.get(m.device);
      ctx.report(
        'DMAAPI-06',
        stmt,
        `CPU ${access} while ${m.device} owns the streaming mapping \`${m.symbol!.name}\` of these pages: after ` +
          `dma_map_sgtable() "the ownership for the buffer is transferred to the DMA domain"; call ` +
          `dma_sync_sgtable_for_cpu() or unmap first (${ctx.cite('dma_map_sgtable.ownership-doc')}). begin_cpu_access syncs only the ` +
          `exporter's attachments, not a driver's own dma_map.`,
        { severity: dev?.coherent && !m.bounced ? 'warning' : 'error', outcome: 'SILENT', related: [{ at: m.symbol!, message: 'mapped here' }] },
      );
    }
  }
  return { regions, coherent: false, cacheable };
}

/**
 * What a heap's begin/end_cpu_access does: dma_sync_sgtable_for_cpu/_for_device on every
 * currently mapped attachment (heaps/system_heap.c:154-194); with none mapped, nothing (CPU-08).
 * Returns the step's outcome text.
 */
function syncMappedAttachments(
  k: KernelState,
  ctx: StepContext,
  stmt: Stmt,
  buffer: BufferObj,
  traits: ExporterDescription,
  target: 'for_cpu' | 'for_device',
  dmaDir: Dir,
): string {
  const ids = mappedAttachmentMappings(k, buffer);
  const heapCtx = asHeapSync(ctx, traits.ops);
  for (const id of ids) dmaSync(k.dma, heapCtx, id, target, stmt, dmaDir);
  if (ids.length === 0) {
    reportNoMappedAttachment(ctx, stmt, target === 'for_cpu' ? 'dma_buf_begin_cpu_access' : 'dma_buf_end_cpu_access', buffer);
    return '0 (no mapped attachment: no cache maintenance, CPU-08)';
  }
  return `0 (dma_sync_sgtable_${target} on ${ids.length} mapped ${ids.length === 1 ? 'attachment' : 'attachments'})`;
}
