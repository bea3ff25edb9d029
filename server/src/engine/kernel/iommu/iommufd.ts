// iommufd (drivers/iommu/iommufd/, 6.2+, row iommufd) as far as a dma-buf import needs it, and the
// import itself (6.19+, row iommufd-dmabuf; research: ../exporters/vfio-research.md §9):
//  - `A = ioas IOMMU`: IOMMU_IOAS_ALLOC. The model keeps one paging domain per IOAS, built for the
//    named IOMMU's devices (iommufd creates a hwpt per compatible IOMMU as devices attach; with one
//    IOMMU that is one domain, whose mappings are the IOAS's).
//  - `ioas_attach DEV A`: VFIO_DEVICE_ATTACH_IOMMUFD_PT for a device bound to iommufd (its DMA
//    ownership claimed: `device_claim_dma_owner`, what VFIO_DEVICE_BIND_IOMMUFD does); the group
//    leaves its blocking domain for the IOAS's.
//  - `ioas_map A BUF iova ADDR [at OFFSET size LENGTH]`: IOMMU_IOAS_MAP_FILE with a dma-buf fd
//    (iopt_map_file_pages(), iopt_alloc_dmabuf_pages(), iopt_map_dmabuf()): -EINVAL for a zero
//    length or a range past the buffer, then iommufd's own dynamic attach (its misc device,
//    allow_peer2peer, iopt_revoke_notify as the callback; vfio-pci refuses a revoked buffer with
//    -ENODEV), then vfio_pci_dma_buf_iommufd_map(), -EOPNOTSUPP for any other exporter. The range
//    is mapped as MMIO in the IOAS; iommufd keeps a reference to the dma-buf until the unmap.
//  - `ioas_unmap A ADDR SIZE`: IOMMU_IOAS_UNMAP of the areas in the range; iommufd detaches and drops
//    its reference.
//  - a revoke empties the area (iommufd-areas.ts); a device using it then faults (IOMMUFD-02).
import type { IoasAttachStmt, IoasMapStmt, IoasStmt, IoasUnmapStmt, Node } from '../../../language/ast';
import type { StepContext } from '../../seam';
import { newDomain } from '../dma-mapping/init';
import { domainState } from '../dma-mapping/snapshot';
import { hex, size as sizeText } from '../dma-mapping/text';
import type { DmaState, IoasArea } from '../dma-mapping/state';
import { insert, overlaps, unmapRange } from './pagetable';
import { attachGroup } from './iommu-api';
import { groupOf } from './ownership';
import type { KernelState } from '../state';
import { exporterOf } from '../exporters/descriptions';
import { site, useBuffer } from '../dma-buf/use';
import { dropRef } from '../dma-buf/buffers';
import { bufferChange } from '../dma-buf/snapshot';

/** iommufd does not exist before 6.2: NAME, and the call runs as later kernels define it. */
function checkIommufd(ctx: StepContext, at: Node, what: string): void {
  if (ctx.since('iommufd')) return;
  ctx.report('NAME', at, `${what} is iommufd's (/dev/iommu, drivers/iommu/iommufd/), which Linux ${ctx.platform.kernel} does not have (6.2+): only the VFIO type1 container. The rest of the scenario is checked as later kernels define it.`);
}

export function execIoas(dma: DmaState, ctx: StepContext, stmt: IoasStmt): void {
  const sym = ctx.sym(stmt.name);
  const iommu = ctx.sym(stmt.iommu).name;
  checkIommufd(ctx, stmt, 'IOMMU_IOAS_ALLOC');
  const domain = newDomain(dma, 'unmanaged', iommu, `ioas ${sym.name}`, false, sym.id);
  dma.symbolDomains.set(sym.id, domain.id);
  ctx.call(`ioctl(iommufd, IOMMU_IOAS_ALLOC)`, `ioas ${sym.name}: an empty I/O address space (page tables for ${iommu})`);
  ctx.change({ object: domain.label, kind: 'domain', summary: 'allocated, nothing mapped, no device attached', state: domainState(domain) });
}

function ioasDomain(dma: DmaState, ctx: StepContext, stmt: { readonly ioas: IoasStmt['name'] }) {
  return dma.domains.get(dma.symbolDomains.get(ctx.sym(stmt.ioas).id) ?? -1);
}

export function execIoasAttach(dma: DmaState, ctx: StepContext, stmt: IoasAttachStmt): void {
  const dev = ctx.sym(stmt.dev).name;
  const call = `ioctl(${dev}_fd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, { .pt_id = ${stmt.ioas.name} })`;
  checkIommufd(ctx, stmt, 'VFIO_DEVICE_ATTACH_IOMMUFD_PT');
  const domain = ioasDomain(dma, ctx, stmt);
  const group = groupOf(dma, dev);
  if (!domain || !group) return ctx.call(call, `-ENODEV (${dev} is behind no IOMMU)`, false);
  if (group.iommu !== domain.iommu) return ctx.call(call, `-EINVAL: ${dev} is behind ${group.iommu}, the model builds ioas ${stmt.ioas.name} for ${domain.iommu}`, false);
  if (group.owner?.by !== 'device') {
    ctx.report(
      'IOMMU-04',
      stmt,
      `${call} fails: ${dev} is not bound to iommufd. VFIO_DEVICE_BIND_IOMMUFD (here \`device_claim_dma_owner ${dev}\`, which it calls) claims the device's DMA ` +
        `ownership first; only then may the device attach to an IOAS (drivers/vfio/device_cdev.c, drivers/iommu/iommufd/device.c).`,
      { outcome: 'RET', ...(group.owner ? { related: [{ at: group.owner, message: 'the group is claimed through the group API here' }] } : {}) },
    );
    return ctx.call(call, '-EINVAL', false);
  }
  attachGroup(dma, ctx, domain, group, stmt, call);
}

export function execIoasMap(k: KernelState, ctx: StepContext, stmt: IoasMapStmt): void {
  const dma = k.dma;
  const offset = stmt.range?.offset.value ?? 0;
  const call = `ioctl(iommufd, IOMMU_IOAS_MAP_FILE, { .ioas_id = ${stmt.ioas.name}, .fd = ${stmt.buf.name}_fd, .start = ${offset}, .iova = ${hex(stmt.iova.value)} })`;
  if (!ctx.since('iommufd-dmabuf')) {
    ctx.report('NAME', stmt, `IOMMU_IOAS_MAP_FILE takes a dma-buf fd only from 6.19 (iopt_map_dmabuf(), drivers/iommu/iommufd/pages.c); Linux ${ctx.platform.kernel} maps memfds only. The rest of the scenario is checked as 6.19 defines it.`);
  }
  const domain = ioasDomain(dma, ctx, stmt);
  const buffer = useBuffer(k, ctx, stmt.buf, stmt, 'IOMMU_IOAS_MAP_FILE');
  if (!buffer || !domain) return ctx.call(call, buffer ? 'no IOAS' : 'use-after-free', false);
  const length = stmt.range?.size.value ?? buffer.size - offset;
  const refuse = (error: string, message: string, related?: { readonly at: { readonly span: Node['span'] }; readonly message: string }[]): void => {
    ctx.report('IOMMUFD-01', stmt, `${call} returns ${error}: ${message}`, { outcome: 'RET', ...(related ? { related } : {}) });
    ctx.call(call, error, false);
  };
  if (length <= 0) return refuse('-EINVAL', 'the length is 0 (iopt_map_file_pages()).');
  if (offset + length > buffer.size) return refuse('-EINVAL', `[${offset}, ${offset + length}) runs past the ${sizeText(buffer.size)} dma-buf (iopt_alloc_dmabuf_pages()).`);
  const exporter = exporterOf(ctx.platform, buffer);
  if (exporter.vfio && buffer.vfio?.revoked) {
    return refuse('-ENODEV', `iommufd's dma_buf_dynamic_attach() reaches vfio_pci_dma_buf_attach(), which refuses a revoked buffer (ATT-06).`, [{ at: buffer.vfio.revoked, message: 'revoked here' }]);
  }
  if (!exporter.vfio) {
    return refuse(
      '-EOPNOTSUPP',
      `iommufd takes the physical range from the exporter through vfio_pci_dma_buf_iommufd_map(), which only vfio-pci's dma-bufs have; \`${buffer.symbol.name}\` is ${exporter.ops}'s. ` +
        'iommufd does not map through dma_buf_map_attachment(), so no other exporter can be imported this way.',
    );
  }
  const phys = (buffer.chunks[0]?.phys ?? 0) + offset;
  if (overlaps(domain, stmt.iova.value, length)) return ctx.call(call, '-EEXIST: the IOVA range is already used in the IOAS', false);
  insert(domain, { iova: stmt.iova.value, phys, size: length, prot: { read: true, write: true } });
  const area: IoasArea = { domain: domain.id, ioas: stmt.ioas.name, iova: stmt.iova.value, size: length, bufferId: buffer.id, phys, at: { span: stmt.span, agent: ctx.agent }, live: true };
  dma.ioasAreas.push(area);
  buffer.refs += 1;
  buffer.refSites.push(site(ctx, stmt));
  ctx.call(call, `0: ${sizeText(length)} of ${stmt.buf.name} (BAR ${hex(phys)}) at IOVA ${hex(stmt.iova.value)}, IOMMU_MMIO; iommufd holds a reference`);
  ctx.change({ object: domain.label, kind: 'domain', summary: `dma-buf ${stmt.buf.name} mapped at ${hex(stmt.iova.value)}`, state: domainState(domain) });
  ctx.change(bufferChange(k, buffer, `imported by iommufd (attachment on its misc device, refcount ${buffer.refs})`));
}

export function execIoasUnmap(k: KernelState, ctx: StepContext, stmt: IoasUnmapStmt): void {
  const dma = k.dma;
  const start = stmt.addr.value;
  const end = start + stmt.size.value;
  const call = `ioctl(iommufd, IOMMU_IOAS_UNMAP, { .ioas_id = ${stmt.ioas.name}, .iova = ${hex(start)}, .length = ${stmt.size.value} })`;
  const domain = ioasDomain(dma, ctx, stmt);
  if (!domain) return ctx.call(call, 'no IOAS', false);
  const inRange = dma.ioasAreas.filter((a) => a.live && a.domain === domain.id && a.iova < end && start < a.iova + a.size);
  if (inRange.length === 0) return ctx.call(call, '-ENOENT: nothing mapped there', false);
  if (inRange.some((a) => a.iova < start || a.iova + a.size > end)) return ctx.call(call, 'fails: the range must cover whole areas', false);
  for (const a of inRange) {
    a.live = false;
    if (!a.revoked) unmapRange(domain, a.iova, a.size);
  }
  ctx.change({ object: domain.label, kind: 'domain', summary: `[${hex(start)}, ${hex(end)}) unmapped`, state: domainState(domain) });
  for (const a of inRange) {
    const buffer = k.buf.buffers.get(a.bufferId);
    if (buffer && !buffer.released) dropRef(k, ctx, buffer, stmt, `${call}: dma_buf_detach() + dma_buf_put(${buffer.symbol.name})`, a.at.span);
  }
}

/**
 * IOMMUFD-02: a device job at an IOVA of an area a revoke emptied. True when reported (the access
 * reaches nothing: the IOMMU faults).
 */
export function reportRevokedIoasAccess(dma: DmaState, ctx: StepContext, device: string, domainSymbol: number, addr: number, at: Node): boolean {
  const domainId = dma.symbolDomains.get(domainSymbol);
  const area = dma.ioasAreas.find((a) => a.live && a.revoked && a.domain === domainId && a.iova <= addr && addr < a.iova + a.size);
  if (!area) return false;
  ctx.report(
    'IOMMUFD-02',
    at,
    `${device} uses IOVA ${hex(addr)} of ioas ${area.ioas}, whose dma-buf area a revoke emptied: iopt_revoke_notify() unmapped it from every domain, and ` +
      'nothing maps it back when the buffer is live again ("There is no automatic remap"). The IOMMU faults on the access. Unmap the area (`ioas_unmap`) ' +
      'and map the dma-buf again once it is live.',
    { outcome: 'HWFAULT', related: [{ at: { span: area.revoked! }, message: 'revoked here' }, { at: { span: area.at.span }, message: 'mapped here' }] },
  );
  return true;
}

/** Areas never unmapped: iommufd still holds the dma-buf (LEAK-01 at the IOMMU_IOAS_MAP_FILE). */
export function liveIoasAreas(dma: DmaState): readonly IoasArea[] {
  return dma.ioasAreas.filter((a) => a.live);
}
