// DMA ownership of IOMMU groups (IOMMU-04): a kernel driver bound to a device uses the group's
// default domain (really_probe() → iommu_device_use_default_domain(), owner_cnt++) unless it sets
// driver_managed_dma, as vfio-pci does. iommu_group_claim_dma_owner() (VFIO, iommufd) refuses a
// group with such users (-EPERM) or away from its default domain (-EBUSY), and on success moves
// it to the blocking domain; iommu_group_release_dma_owner() gives it back
// (drivers/iommu/iommu.c; read in 6.1 and 6.12). Every device of the platform is taken to be
// bound to a DMA-API driver until `bind_vfio` binds vfio-pci.
import type { BindVfioStmt, ClaimDmaOwnerStmt, ReleaseDmaOwnerStmt } from '../../../language/ast';
import type { StepContext } from '../../seam';
import { newDomain } from '../dma-mapping/init';
import { groupChange } from './iommu-api';
import type { DmaState, GroupState } from '../dma-mapping/state';

/** The group's devices whose kernel driver uses the DMA API (they count in owner_cnt). */
function dmaApiUsers(dma: DmaState, group: GroupState): string[] {
  return group.devices.filter((d) => !dma.devices.get(d)?.vfio);
}

export function execBindVfio(dma: DmaState, ctx: StepContext, stmt: BindVfioStmt): void {
  const name = ctx.sym(stmt.dev).name;
  const call = `driver_override(${name}, "vfio-pci") + device_release_driver() + device_attach()`;
  const dev = dma.devices.get(name);
  const group = [...dma.groups.values()].find((g) => g.devices.includes(name));
  if (!dev) return ctx.call(call, 'no such device', false);
  dev.vfio = { span: stmt.span };
  ctx.call(call, `bound to vfio-pci (driver_managed_dma${group ? `: ${name} no longer counts in ${group.name}'s owner_cnt` : ''})`);
  if (group) groupChange(ctx, dma, group, `${name} bound to vfio-pci`);
}

export function execClaimDmaOwner(dma: DmaState, ctx: StepContext, stmt: ClaimDmaOwnerStmt): void {
  const name = ctx.sym(stmt.group).name;
  const call = `iommu_group_claim_dma_owner(${name}, owner)`;
  const group = dma.groups.get(name);
  if (!group) return ctx.call(call, 'no such group', false);
  const users = dmaApiUsers(dma, group);
  if (users.length > 0 || group.owner) {
    const why = group.owner
      ? `${name} is already claimed (owner_cnt is not 0)`
      : `${users.join(', ')} ${users.length === 1 ? 'is' : 'are'} bound to a kernel driver that uses the DMA API: really_probe() called iommu_device_use_default_domain(), so owner_cnt is ${users.length}`;
    ctx.report(
      'IOMMU-04',
      stmt,
      `${call} returns -EPERM: ${why} (${ctx.cite('iommu_group_claim_dma_owner')}). A group is handed to user space whole: ` +
        `unbind every kernel driver in it first (bind vfio-pci, whose driver_managed_dma does not use the default domain).`,
      { outcome: 'RET', related: group.owner ? [{ at: group.owner, message: 'claimed here' }] : [] },
    );
    return ctx.call(call, '-EPERM', false);
  }
  const current = group.active === undefined ? undefined : dma.domains.get(group.active);
  if (current && current.id !== group.defaultDomain && current.kind !== 'blocking') {
    ctx.report(
      'IOMMU-04',
      stmt,
      `${call} returns -EBUSY: ${name} is attached to ${current.label}, not to its default domain (${ctx.cite('iommu_group_claim_dma_owner')}). Detach it first.`,
      { outcome: 'RET', related: group.activeSince ? [{ at: group.activeSince, message: `attached to ${current.label} here` }] : [] },
    );
    return ctx.call(call, '-EBUSY', false);
  }
  const blocking = newDomain(dma, 'blocking', group.iommu, `${name} (blocking domain)`, false);
  group.active = blocking.id;
  group.activeSince = { span: stmt.span };
  group.owner = { span: stmt.span };
  ctx.call(call, `0 (${name} moved to its blocking domain: no DMA-API translation for its devices)`);
  groupChange(ctx, dma, group, 'claimed for user-space DMA: blocking domain');
}

export function execReleaseDmaOwner(dma: DmaState, ctx: StepContext, stmt: ReleaseDmaOwnerStmt): void {
  const name = ctx.sym(stmt.group).name;
  const call = `iommu_group_release_dma_owner(${name})`;
  const group = dma.groups.get(name);
  if (!group) return ctx.call(call, 'no such group', false);
  if (!group.owner) {
    ctx.report(
      'IOMMU-04',
      stmt,
      `${call} on a group nobody claimed: WARN_ON(!group->owner_cnt || !group->owner) (${ctx.cite('iommu_group_release_dma_owner')}), and nothing is released.`,
      { severity: 'warning', outcome: 'WARN' },
    );
    return ctx.call(call, 'WARN: not claimed', false);
  }
  group.owner = undefined;
  group.active = group.defaultDomain;
  group.activeSince = { span: stmt.span };
  ctx.call(call, `void (${name} back in its default domain)`);
  groupChange(ctx, dma, group, 'released: default domain');
}
