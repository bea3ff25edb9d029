// The explicit IOMMU API (drivers/iommu/iommu.c, Linux 6.1) and the arm32 arch mapping
// (arch/arm/mm/dma-mapping.c): iommu_domain_alloc, iommu_attach/detach_device/_group,
// arm_iommu_detach_device + release_mapping, iommu_map, iommu_unmap. IOMMU-01..03, 07, 10.
import type {
  ArmIommuAttachStmt,
  ArmIommuCreateMappingStmt,
  ArmIommuDetachStmt,
  AttachDomainStmt,
  DetachDomainStmt,
  DomainStmt,
  Ident,
  IommuMapStmt,
  IommuUnmapStmt,
  Node,
} from '../../../language/ast';
import { expandEntries, findEntryIndex, type SgRun } from '../dma-mapping/sgrun';
import type { StepContext } from '../../seam';
import { ARM_MAPPING_BASE, newDomain } from '../dma-mapping/init';
import { physKind } from '../dma-mapping/memory';
import { insert, overlaps, protName, unmapRange } from './pagetable';
import { domainState } from '../dma-mapping/snapshot';
import { hex, size } from '../dma-mapping/text';
import type { DmaState, DomainState, GroupState, IommuProt } from '../dma-mapping/state';

export function groupChange(ctx: StepContext, dma: DmaState, group: GroupState, summary: string): void {
  const active = group.active === undefined ? undefined : dma.domains.get(group.active);
  ctx.change({ object: group.name, kind: 'group', summary, state: { devices: [...group.devices], domain: active?.label ?? 'none (untranslated)' } });
}

function domainOf(dma: DmaState, ctx: StepContext, ident: Ident): DomainState | undefined {
  const sym = ctx.sym(ident);
  const id = dma.symbolDomains.get(sym.id);
  return id === undefined ? undefined : dma.domains.get(id);
}

export function execDomain(dma: DmaState, ctx: StepContext, stmt: DomainStmt): void {
  const sym = ctx.sym(stmt.name);
  const iommu = ctx.sym(stmt.iommu).name;
  const domain = newDomain(dma, 'unmanaged', iommu, sym.name, false, sym.id);
  dma.symbolDomains.set(sym.id, domain.id);
  if (ctx.since('iommu-domain-alloc-removed')) {
    // iommu_domain_alloc(bus) is gone from 6.13 (f6440fcc9c7b "iommu: Remove iommu_domain_alloc()");
    // drivers call iommu_paging_domain_alloc(dev) (drivers/iommu/iommu.c, since 6.11), for a device
    // behind the IOMMU. On 6.11/6.12 both exist; the trace keeps the older call there.
    const dev = [...ctx.platform.devices.values()].find((d) => d.iommu?.iommu === iommu);
    ctx.call(`iommu_paging_domain_alloc(${dev ? `${dev.name}->dev` : `dev /* behind ${iommu} */`})`, `domain ${sym.name} (IOMMU_DOMAIN_UNMANAGED on ${iommu})`);
  } else {
    const bus = ctx.platform.arch === 'x86_64' ? 'pci_bus_type' : 'platform_bus_type';
    ctx.call(`iommu_domain_alloc(&${bus})`, `domain ${sym.name} (IOMMU_DOMAIN_UNMANAGED on ${iommu})`);
  }
  ctx.change({ object: sym.name, kind: 'domain', summary: `allocated an empty UNMANAGED domain on ${iommu}`, state: domainState(domain) });
}

/** __iommu_attach_group(): only a group in its default (or blocking, or no) domain can move. */
export function attachGroup(dma: DmaState, ctx: StepContext, domain: DomainState, group: GroupState, stmt: Node, call: string): boolean {
  const current = group.active === undefined ? undefined : dma.domains.get(group.active);
  const free = current === undefined || current.id === group.defaultDomain || current.kind === 'blocking';
  if (!free) {
    const related = group.activeSince ? [{ at: group.activeSince, message: `attached to ${current.label} here` }] : [];
    if (current.armMapping && current.symbolId === undefined) {
      // One violation, one code: the cause is the arch code's hijack (IOMMU-10); IOMMU-02 is how it shows.
      ctx.report(
        'IOMMU-10',
        stmt,
        `${call} returns -EBUSY (IOMMU-02): on 32-bit ARM with CONFIG_ARM_DMA_USE_IOMMU, arm_setup_iommu_dma_ops() attached ` +
          `group ${group.name} to a private mapping (${current.label}, an UNMANAGED domain) before the driver probed ` +
          `(${ctx.cite(['arm_iommu_create_mapping', 'arch_setup_dma_ops'])}), and a group in neither its default nor its blocking domain is busy ` +
          `(${ctx.cite('__iommu_attach_group')}). Call arm_iommu_detach_device() and arm_iommu_release_mapping() first, as Tegra DRM ` +
          `does (${ctx.cite('host1x_client_iommu_attach.arm-detach')}).`,
        { outcome: 'RET', related },
      );
    } else {
      ctx.report(
        'IOMMU-02',
        stmt,
        `${call} returns -EBUSY: group ${group.name} is attached to ${current.label}, which is neither its default nor its ` +
          `blocking domain (${ctx.cite('__iommu_attach_group')}).` +
          (current.id === domain.id
            ? ` It is already attached to this very domain: check iommu_get_domain_for_dev() first, as Tegra DRM does (${ctx.cite('host1x_client_iommu_attach.already-attached')}).`
            : ` Detach it from ${current.label} first.`),
        { outcome: 'RET', related },
      );
    }
    ctx.call(call, '-EBUSY', false);
    return false;
  }
  group.active = domain.id;
  group.activeSince = { span: stmt.span };
  ctx.call(call, '0');
  groupChange(ctx, dma, group, `now attached to ${domain.label}${current ? ` (was ${current.label})` : ''}`);
  return true;
}

export function execAttachDomain(dma: DmaState, ctx: StepContext, stmt: AttachDomainStmt): void {
  const domain = domainOf(dma, ctx, stmt.domain);
  if (!domain) return;
  if (stmt.group) {
    const group = dma.groups.get(ctx.sym(stmt.group).name);
    const call = `iommu_attach_group(${domain.label}, ${stmt.group.name})`;
    if (!group) return ctx.call(call, '-ENODEV', false);
    if (!sameIommu(ctx, domain, group, stmt, call)) return;
    attachGroup(dma, ctx, domain, group, stmt, call);
    return;
  }
  if (!stmt.dev) return;
  const device = ctx.sym(stmt.dev).name;
  const call = `iommu_attach_device(${domain.label}, ${device})`;
  const group = singletonGroup(dma, ctx, stmt, call, device, `iommu_attach_device() only works on singleton groups; attach the whole group with iommu_attach_group() (${ctx.cite(['iommu_attach_device', 'iommu_attach_group'])})`);
  if (!group || !sameIommu(ctx, domain, group, stmt, call)) return;
  attachGroup(dma, ctx, domain, group, stmt, call);
}

/** iommu_attach_device()'s group: -ENODEV without one, -EINVAL when it holds other devices too (IOMMU-01); undefined after reporting. */
function singletonGroup(dma: DmaState, ctx: StepContext, stmt: Node, call: string, device: string, why: string): GroupState | undefined {
  const dev = ctx.platform.devices.get(device);
  const group = dev?.iommu ? dma.groups.get(dev.iommu.group) : undefined;
  if (!group) {
    ctx.report('IOMMU-01', stmt, `${call} returns -ENODEV: ${device} is not behind an IOMMU, so it has no IOMMU group (${ctx.cite('iommu_attach_device')}).`, { outcome: 'RET' });
    ctx.call(call, '-ENODEV', false);
    return undefined;
  }
  if (group.devices.length === 1) return group;
  ctx.report(
    'IOMMU-01',
    stmt,
    `${call} returns -EINVAL: ${device}'s group ${group.name} holds ${group.devices.length} devices (${group.devices.join(', ')}) and ${why}.`,
    { outcome: 'RET' },
  );
  ctx.call(call, '-EINVAL', false);
  return undefined;
}

function sameIommu(ctx: StepContext, domain: DomainState, group: GroupState, stmt: Node, call: string): boolean {
  if (domain.iommu === group.iommu) return true;
  ctx.report(
    'IOMMU-01',
    stmt,
    `${call} returns -EINVAL: ${domain.label} was allocated on IOMMU ${domain.iommu} but group ${group.name} sits behind ${group.iommu}; ` +
      `the IOMMU driver refuses a domain of another instance in its attach_dev callback.`,
    { outcome: 'RET' },
  );
  ctx.call(call, '-EINVAL', false);
  return false;
}

/** __iommu_group_set_core_domain(): back to the default domain (none on arm32). */
function toCoreDomain(dma: DmaState, group: GroupState): void {
  group.active = group.defaultDomain;
  group.activeSince = undefined;
}

export function execDetachDomain(dma: DmaState, ctx: StepContext, stmt: DetachDomainStmt): void {
  const domain = domainOf(dma, ctx, stmt.domain);
  if (!domain) return;
  if (stmt.group) {
    const group = dma.groups.get(ctx.sym(stmt.group).name);
    const call = `iommu_detach_group(${domain.label}, ${stmt.group.name})`;
    if (!group) return ctx.call(call, 'void');
    const current = group.active === undefined ? undefined : dma.domains.get(group.active);
    if (current && current.id !== domain.id && current.id !== group.defaultDomain) {
      ctx.report(
        'IOMMU-03',
        stmt,
        `${call}: group ${group.name} is attached to ${current.label}, not ${domain.label}. In 6.1 iommu_detach_group() does not check the ` +
          `domain: it silently moves the group back to its ${group.defaultDomain === undefined ? 'untranslated state' : 'default domain'}, ` +
          `taking it away from ${current.label} (${ctx.cite('iommu_detach_group')}).`,
        { outcome: 'SILENT' },
      );
    }
    toCoreDomain(dma, group);
    ctx.call(call, 'void');
    return groupChange(ctx, dma, group, `detached: back to ${group.defaultDomain === undefined ? 'no domain (untranslated)' : 'its default domain'}`);
  }
  if (!stmt.dev) return;
  const device = ctx.sym(stmt.dev).name;
  const call = `iommu_detach_device(${domain.label}, ${device})`;
  const dev = ctx.platform.devices.get(device);
  const group = dev?.iommu ? dma.groups.get(dev.iommu.group) : undefined;
  if (!group) return ctx.call(call, 'void (no IOMMU group)');
  if (group.active !== domain.id || group.devices.length !== 1) {
    const current = group.active === undefined ? undefined : dma.domains.get(group.active);
    ctx.report(
      'IOMMU-03',
      stmt,
      `${call} hits WARN_ON(${group.active !== domain.id ? 'domain != group->domain' : 'iommu_group_device_count(group) != 1'}) and does nothing: ` +
        (group.active !== domain.id ? `${device}'s group is attached to ${current?.label ?? 'no domain'}` : `group ${group.name} is not a singleton`) +
        ` (${ctx.cite('__iommu_group_set_core_domain')}).`,
      { outcome: 'WARN' },
    );
    return ctx.call(call, 'WARN, nothing detached');
  }
  toCoreDomain(dma, group);
  ctx.call(call, 'void');
  groupChange(ctx, dma, group, `detached: back to ${group.defaultDomain === undefined ? 'no domain (untranslated)' : 'its default domain'}`);
}

/** The arm32 arch IOMMU API exists only with CONFIG_ARM_DMA_USE_IOMMU: elsewhere the driver does not build. */
function armIommuApi(ctx: StepContext, stmt: Node, fn: string, call: string): boolean {
  if (ctx.platform.arch === 'arm32' && ctx.platform.configs.ARM_DMA_USE_IOMMU) return true;
  ctx.report(
    'IOMMU-10',
    stmt,
    `${fn}() exists only on 32-bit ARM with CONFIG_ARM_DMA_USE_IOMMU (arch/arm/mm/dma-mapping.c); on ` +
      `${ctx.platform.arch}${ctx.platform.arch === 'arm32' ? ' without that config' : ''} the driver does not build.`,
    { outcome: 'RET' },
  );
  ctx.call(call, 'does not exist on this platform', false);
  return false;
}

/** arm_iommu_create_mapping(): an UNMANAGED domain with the arch code's bitmap IOVA allocator (upwards from its base). */
export function execArmIommuCreateMapping(dma: DmaState, ctx: StepContext, stmt: ArmIommuCreateMappingStmt): void {
  const sym = ctx.sym(stmt.name);
  const iommu = ctx.sym(stmt.iommu).name;
  const call = `arm_iommu_create_mapping(dev, ${hex(ARM_MAPPING_BASE)}, size)`;
  if (!armIommuApi(ctx, stmt, 'arm_iommu_create_mapping', call)) return;
  const domain = newDomain(dma, 'unmanaged', iommu, sym.name, true, sym.id);
  dma.symbolDomains.set(sym.id, domain.id);
  ctx.call(call, `mapping ${sym.name} (an UNMANAGED domain on ${iommu}, IOVAs from ${hex(ARM_MAPPING_BASE)}) (${ctx.cite('arm_iommu_create_mapping')})`);
  ctx.change({ object: sym.name, kind: 'domain', summary: `arm32 IOMMU mapping created on ${iommu}`, state: domainState(domain) });
}

/**
 * arm_iommu_attach_device(): iommu_attach_device() of the mapping's domain (a singleton group that is
 * not busy: a device the arch code attached to its own mapping at probe is -EBUSY, IOMMU-10), then
 * set_dma_ops(dev, &iommu_ops): the device's DMA API allocates IOVAs in this mapping, shared with
 * every other device attached to it.
 */
export function execArmIommuAttach(dma: DmaState, ctx: StepContext, stmt: ArmIommuAttachStmt): void {
  const device = ctx.sym(stmt.dev).name;
  const call = `arm_iommu_attach_device(${device}, ${stmt.mapping.name})`;
  if (!armIommuApi(ctx, stmt, 'arm_iommu_attach_device', call)) return;
  const mapping = domainOf(dma, ctx, stmt.mapping);
  if (!mapping) return ctx.call(call, 'no mapping', false);
  const group = singletonGroup(dma, ctx, stmt, call, device, `arm_iommu_attach_device() goes through iommu_attach_device(), which only works on singleton groups (${ctx.cite('iommu_attach_device')})`);
  if (!group || !sameIommu(ctx, mapping, group, stmt, call)) return;
  if (!attachGroup(dma, ctx, mapping, group, stmt, call)) return;
  const ops = dma.devices.get(device);
  if (ops) {
    ops.ops = 'arm_iommu';
    ops.armMapping = mapping.id;
  }
}

export function execArmIommuDetach(dma: DmaState, ctx: StepContext, stmt: ArmIommuDetachStmt): void {
  const device = ctx.sym(stmt.dev).name;
  const call = `arm_iommu_detach_device(${device}); arm_iommu_release_mapping(mapping)`;
  if (!armIommuApi(ctx, stmt, 'arm_iommu_detach_device', call)) return;
  const ops = dma.devices.get(device);
  const mapping = ops?.armMapping === undefined ? undefined : dma.domains.get(ops.armMapping);
  if (!ops || !mapping) {
    ctx.report(
      'IOMMU-10',
      stmt,
      `${device} has no arch IOMMU mapping (never had one, or it was already detached): arm_iommu_detach_device() prints ` +
        `dev_warn "Not attached" and returns (${ctx.cite('arm_iommu_detach_device')}).`,
      { severity: 'warning', outcome: 'WARN' },
    );
    return ctx.call(call, 'dev_warn "Not attached"');
  }
  const dev = ctx.platform.devices.get(device);
  const group = dev?.iommu ? dma.groups.get(dev.iommu.group) : undefined;
  if (group && group.active === mapping.id) toCoreDomain(dma, group);
  ops.ops = 'direct';
  ops.armMapping = undefined;
  ctx.call(call, 'void: dma_ops = NULL, later DMA-API calls use physical addresses');
  if (group) groupChange(ctx, dma, group, `${mapping.label} detached and released: ${device} now does untranslated DMA`);
}

/** The physically contiguous pieces of an object, in IOVA order (iommu_map_sgtable walks sg_phys). */
export interface MapSource {
  readonly pieces: readonly { readonly phys: number; readonly size: number }[];
  /** Index of an entry without struct page, if any (sg_phys() on it is garbage: SGT-03). */
  readonly pageless?: number;
}

export function sourceFromEntries(entries: readonly SgRun[]): MapSource {
  const pageless = findEntryIndex(entries, (e) => !e.page || e.phys === null);
  const all = expandEntries(entries);
  return { pieces: all.filter((e) => e.phys !== null).map((e) => ({ phys: (e.phys as number) + e.offset, size: e.length })), pageless: pageless >= 0 ? pageless : undefined };
}

export function execIommuMap(dma: DmaState, ctx: StepContext, stmt: IommuMapStmt, source: MapSource | undefined): void {
  const domain = domainOf(dma, ctx, stmt.domain);
  if (!domain || !source) return;
  const prot: IommuProt = stmt.prot?.value === 'read' ? { read: true, write: false } : stmt.prot?.value === 'write' ? { read: false, write: true } : { read: true, write: true };
  const iova = stmt.addr.value;
  const total = source.pieces.reduce((n, p) => n + p.size, 0);
  const call = `iommu_map_sgtable(${domain.label}, ${hex(iova)}, ${stmt.object.name}, ${protName(prot)})`;
  if (source.pageless !== undefined) {
    ctx.report(
      'SGT-03',
      stmt.object,
      `entry ${source.pageless} of ${stmt.object.name} has no struct page: iommu_map_sg() uses sg_phys(), which is computed from ` +
        `sg_page() and is meaningless for a page-less (P2P) entry (${ctx.cite('sg_page')}). Only the DMA fields of such ` +
        `entries may be used.`,
      { outcome: 'BUG' },
    );
    return ctx.call(call, 'oops', false);
  }
  const iommu = ctx.platform.iommus.get(domain.iommu);
  const minPage = iommu?.pageSizes[0] ?? ctx.platform.pageSize;
  const bad = [iova, ...source.pieces.flatMap((p) => [p.phys, p.size])].some((v) => v % minPage !== 0);
  if (bad) {
    const first = source.pieces[0] ?? { phys: 0, size: 0 };
    ctx.report(
      'IOMMU-07',
      stmt,
      `iommu_map() returns -EINVAL: iova, physical address and size must all be aligned to the IOMMU's smallest page (${size(minPage)}); ` +
        `it prints "unaligned: iova ${hex(iova)} pa ${hex(first.phys)} size ${hex(first.size)} min_pagesz ${hex(minPage)}" (${ctx.cite('iommu_map')}).`,
      { outcome: 'RET' },
    );
    return ctx.call(call, '-EINVAL', false);
  }
  const limit = 2 ** (iommu?.iovaBits ?? 48);
  if (iova + total > limit) {
    ctx.report(
      'IOMMU-07',
      stmt,
      `iommu_map() fails with -ERANGE: [${hex(iova)}, ${hex(iova + total)}) goes beyond the ${iommu?.iovaBits ?? 48}-bit input address space of ${domain.iommu}; ` +
        `the io-pgtable code WARNs and refuses (drivers/iommu/io-pgtable-arm.c), and the partial map is rolled back.`,
      { outcome: 'WARN' },
    );
    return ctx.call(call, '-ERANGE', false);
  }
  const clash = overlaps(domain, iova, total);
  if (clash) {
    ctx.report(
      'IOMMU-07',
      stmt,
      `iommu_map() fails with -EEXIST: IOVA ${hex(clash.iova)} is already mapped in ${domain.label} (to ${hex(clash.phys)}); the page-table code ` +
        `WARNs instead of replacing a live entry, and the partial map is rolled back (${ctx.cite('iommu_map')}). Unmap first.`,
      { outcome: 'WARN' },
    );
    return ctx.call(call, '-EEXIST', false);
  }
  let at = iova;
  for (const p of source.pieces) {
    insert(domain, { iova: at, phys: p.phys, size: p.size, prot });
    at += p.size;
  }
  const kinds = new Set(source.pieces.map((p) => physKind(dma, p.phys).space));
  ctx.call(call, `${total} (bytes mapped)`);
  ctx.change({
    object: domain.label,
    kind: 'domain',
    summary: `mapped ${hex(iova)}..${hex(iova + total)} → ${source.pieces.length} physical ${source.pieces.length === 1 ? 'range' : 'ranges'} in ${[...kinds].join('/')}, ${protName(prot)}`,
    state: domainState(domain),
  });
}

export function execIommuUnmap(dma: DmaState, ctx: StepContext, stmt: IommuUnmapStmt): void {
  const domain = domainOf(dma, ctx, stmt.domain);
  if (!domain) return;
  const iova = stmt.addr.value;
  const len = stmt.size.value;
  const call = `iommu_unmap(${domain.label}, ${hex(iova)}, ${hex(len)})`;
  const minPage = ctx.platform.iommus.get(domain.iommu)?.pageSizes[0] ?? ctx.platform.pageSize;
  if (iova % minPage !== 0 || len % minPage !== 0) {
    ctx.report(
      'IOMMU-07',
      stmt,
      `iommu_unmap() returns 0 and unmaps nothing: iova and size must be aligned to ${size(minPage)}; it prints ` +
        `"unaligned: iova ${hex(iova)} size ${hex(len)} min_pagesz ${hex(minPage)}" (${ctx.cite('iommu_unmap')}).`,
      { outcome: 'RET' },
    );
    return ctx.call(call, '0', false);
  }
  const done = unmapRange(domain, iova, len);
  if (done < len) {
    ctx.report(
      'IOMMU-07',
      stmt,
      `iommu_unmap() returns ${done}, not ${len}: it stops at the first hole, at IOVA ${hex(iova + done)}; anything mapped beyond the hole ` +
        `stays mapped (${ctx.cite('iommu_unmap')}).`,
      { outcome: 'RET' },
    );
  }
  ctx.call(call, `${done} (bytes unmapped)`, done === len);
  ctx.change({ object: domain.label, kind: 'domain', summary: `unmapped ${hex(iova)}..${hex(iova + done)}`, state: domainState(domain) });
}
