// DMA ownership of IOMMU groups (IOMMU-04): a kernel driver bound to a device uses the group's
// default domain (really_probe() → iommu_device_use_default_domain(), owner_cnt++) unless it sets
// driver_managed_dma, as vfio-pci does. iommu_group_claim_dma_owner() (VFIO, iommufd) refuses a
// group with such users (-EPERM) or away from its default domain (-EBUSY), and on success moves
// it to the blocking domain; iommu_group_release_dma_owner() gives it back
// (drivers/iommu/iommu.c; read in 6.1 and 6.12). Every device of the platform is taken to be
// bound to a DMA-API driver until `bind_vfio` binds vfio-pci.
import type { BindVfioStmt, ClaimDmaOwnerStmt, DeviceClaimDmaOwnerStmt, DeviceReleaseDmaOwnerStmt, Node, ReleaseDmaOwnerStmt } from '../../../language/ast';
import type { StepContext } from '../../seam';
import { newDomain } from '../dma-mapping/init';
import { groupChange } from './iommu-api';
import type { DmaState, GroupState } from '../dma-mapping/state';

/** The group's devices whose kernel driver uses the DMA API (they count in owner_cnt). */
function dmaApiUsers(dma: DmaState, group: GroupState): string[] {
  return group.devices.filter((d) => !dma.devices.get(d)?.vfio);
}

export function groupOf(dma: DmaState, device: string): GroupState | undefined {
  return [...dma.groups.values()].find((g) => g.devices.includes(device));
}

/**
 * __iommu_take_dma_ownership(): -EBUSY away from the default domain (IOMMU-04, citing `where`),
 * else the group goes to its blocking domain with one claim. False after reporting.
 */
function takeOwnership(dma: DmaState, ctx: StepContext, stmt: Node, group: GroupState, call: string, by: 'group' | 'device', where: string): boolean {
  const current = group.active === undefined ? undefined : dma.domains.get(group.active);
  if (current && current.id !== group.defaultDomain && current.kind !== 'blocking') {
    ctx.report(
      'IOMMU-04',
      stmt,
      `${call} returns -EBUSY: ${group.name} is attached to ${current.label}, not to its default domain (${where}). Detach it first.`,
      { outcome: 'RET', related: group.activeSince ? [{ at: group.activeSince, message: `attached to ${current.label} here` }] : [] },
    );
    ctx.call(call, '-EBUSY', false);
    return false;
  }
  const blocking = newDomain(dma, 'blocking', group.iommu, `${group.name} (blocking domain)`, false);
  group.active = blocking.id;
  group.activeSince = { span: stmt.span };
  group.owner = { span: stmt.span, by, claims: 1 };
  return true;
}

/** __iommu_release_dma_ownership(): no owner, back in the default domain. */
function giveBack(group: GroupState, stmt: Node): void {
  group.owner = undefined;
  group.active = group.defaultDomain;
  group.activeSince = { span: stmt.span };
}

export function execBindVfio(dma: DmaState, ctx: StepContext, stmt: BindVfioStmt): void {
  const name = ctx.sym(stmt.dev).name;
  const call = `driver_override(${name}, "vfio-pci") + device_release_driver() + device_attach()`;
  const dev = dma.devices.get(name);
  const group = groupOf(dma, name);
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
  if (!takeOwnership(dma, ctx, stmt, group, call, 'group', ctx.cite('iommu_group_claim_dma_owner'))) return;
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
  giveBack(group, stmt);
  ctx.call(call, `void (${name} back in its default domain)`);
  groupChange(ctx, dma, group, 'released: default domain');
}

// --- per-device ownership (6.2+) ---------------------------------------------------------------------

/**
 * iommu_device_claim_dma_owner() and iommu_device_release_dma_owner() were added in 6.2 (row
 * device-dma-owner); a 6.1 driver calling them does not build: NAME, then the call runs as 6.2+
 * defines it so the rest of the scenario is checked.
 */
function checkDeviceOwnershipExists(ctx: StepContext, at: Node, fn: string): void {
  if (ctx.since('device-dma-owner')) return;
  ctx.report(
    'NAME',
    at,
    `${fn}() does not exist before 6.2 (89395ccedbc1 "iommu: Add device-centric DMA ownership interfaces"; Linux ${ctx.platform.kernel} has only ` +
      `iommu_group_claim_dma_owner() / iommu_group_release_dma_owner()), so this driver does not build for this kernel. The rest of the scenario is checked as 6.2 defines it.`,
  );
}

/**
 * iommu_device_claim_dma_owner(dev, owner) (drivers/iommu/iommu.c): the caller is the device's own
 * driver_managed_dma driver. While group->owner_cnt is not 0 only the same owner may claim again
 * (owner_cnt++); kernel drivers count in owner_cnt with no owner, so a group with a device bound to a
 * DMA-API driver is -EPERM, as is a group claimed by another owner (VFIO's group path). The first
 * claim takes the group to its blocking domain (-EBUSY away from its default domain).
 */
export function execDeviceClaimDmaOwner(dma: DmaState, ctx: StepContext, stmt: DeviceClaimDmaOwnerStmt): void {
  const name = ctx.sym(stmt.dev).name;
  const call = `iommu_device_claim_dma_owner(${name}, ictx)`;
  checkDeviceOwnershipExists(ctx, stmt, 'iommu_device_claim_dma_owner');
  const group = groupOf(dma, name);
  if (!group) return ctx.call(call, `-ENODEV (${name} has no IOMMU group)`, false);
  if (group.owner?.by === 'device') {
    group.owner.claims += 1;
    ctx.call(call, `0 (${group.name} already claimed by this owner: owner_cnt ${group.owner.claims})`);
    return groupChange(ctx, dma, group, `claimed by ${name} too (owner_cnt ${group.owner.claims})`);
  }
  const users = dmaApiUsers(dma, group);
  if (group.owner || users.length > 0) {
    const why = group.owner
      ? `${group.name} is claimed by another owner (iommu_group_claim_dma_owner(), VFIO's group path): group->owner differs`
      : `${users.join(', ')} ${users.length === 1 ? 'is' : 'are'} bound to a kernel driver that uses the DMA API, so owner_cnt is ${users.length} with no owner` +
        (users.includes(name) ? ` (the caller must be ${name}'s own driver_managed_dma driver: bind vfio-pci first)` : '');
    ctx.report(
      'IOMMU-04',
      stmt,
      `${call} returns -EPERM: ${why} (drivers/iommu/iommu.c, iommu_device_claim_dma_owner()). A group's devices are either all under kernel DMA-API drivers or all owned by one user-space owner.`,
      { outcome: 'RET', related: group.owner ? [{ at: group.owner, message: 'claimed here' }] : [] },
    );
    return ctx.call(call, '-EPERM', false);
  }
  if (!takeOwnership(dma, ctx, stmt, group, call, 'device', '__iommu_take_dma_ownership(), drivers/iommu/iommu.c')) return;
  ctx.call(call, `0 (${group.name} moved to its blocking domain for ${name}'s user-space owner)`);
  groupChange(ctx, dma, group, `claimed through ${name}: blocking domain`);
}

/** iommu_device_release_dma_owner(): owner_cnt--, the last release returns the group to its default domain; unclaimed: WARN. */
export function execDeviceReleaseDmaOwner(dma: DmaState, ctx: StepContext, stmt: DeviceReleaseDmaOwnerStmt): void {
  const name = ctx.sym(stmt.dev).name;
  const call = `iommu_device_release_dma_owner(${name})`;
  checkDeviceOwnershipExists(ctx, stmt, 'iommu_device_release_dma_owner');
  const group = groupOf(dma, name);
  if (!group) return ctx.call(call, `void (${name} has no IOMMU group)`, false);
  if (group.owner?.by !== 'device') {
    ctx.report(
      'IOMMU-04',
      stmt,
      `${call} for a group no device claimed: WARN_ON(!group->owner_cnt || !group->owner) in __iommu_release_dma_ownership() (drivers/iommu/iommu.c)` +
        `${group.owner ? ', and the group\'s claim (made through the group API) is not this owner\'s' : ''}.`,
      { severity: 'warning', outcome: 'WARN', related: group.owner ? [{ at: group.owner, message: 'claimed here' }] : [] },
    );
    return ctx.call(call, 'WARN: not claimed', false);
  }
  if (group.owner.claims > 1) {
    group.owner.claims -= 1;
    ctx.call(call, `void (owner_cnt ${group.owner.claims}: ${group.name} stays claimed)`);
    return groupChange(ctx, dma, group, `released by ${name} (owner_cnt ${group.owner.claims})`);
  }
  giveBack(group, stmt);
  ctx.call(call, `void (${group.name} back in its default domain)`);
  groupChange(ctx, dma, group, 'released: default domain');
}
