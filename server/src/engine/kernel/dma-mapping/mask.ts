// Setting a device's DMA mask: dma_set_mask_and_coherent() (include/linux/dma-mapping.h:448-454)
// calls dma_set_mask(), then dma_set_coherent_mask() if it succeeded; both return -EIO unless
// dma_supported() (kernel/dma/mapping.c:714-727, 753-784). DMA ops without ->dma_supported accept
// every mask: dma-iommu's iommu_dma_ops and the arm32 arch IOMMU ops have none (the IOVA allocator
// then stays below the mask). dma-direct (no ops) asks dma_direct_supported() (kernel/dma/direct.c:
// 576-597): 32 bits or more always; a narrower mask only if it reaches the last page of RAM or, where
// the architecture has ZONE_DMA, the top of that zone: zone_dma_bits is 24 on x86_64 (direct.c:23)
// and at most 32 on arm64 (arch/arm64/mm/init.c:216-224: 32 when firmware restricts no DMA range,
// which a platform here cannot express); arm32 and riscv64 build without ZONE_DMA by default.
import type { DmaSetMaskStmt } from '../../../language/ast';
import type { ResolvedDevice, ResolvedPlatform } from '../../../language/bound';
import type { StepContext } from '../../seam';
import type { MapOrigin } from './plan';
import type { DmaState } from './state';
import { hex } from './text';

/** 2^bits - 1 as a JS number (exact up to 53 bits; wider masks reach every address modelled). */
function bitMask(bits: number): number {
  return bits >= 53 ? Number.MAX_SAFE_INTEGER : 2 ** bits - 1;
}

/** ZONE_DMA's width where the architecture builds it by default, else undefined. */
function zoneDmaBits(platform: ResolvedPlatform): number | undefined {
  switch (platform.arch) {
    case 'x86_64':
      return 24;
    case 'arm64':
      return 32;
    case 'arm32':
    case 'riscv64':
      return undefined;
  }
}

/** dma_direct_supported(): the smallest mask dma-direct accepts (min_mask), for the message too. */
function directMinMask(platform: ResolvedPlatform): number {
  const lastPage = platform.ram.base + platform.ram.size - platform.pageSize;
  const zone = zoneDmaBits(platform);
  return zone === undefined ? lastPage : Math.min(lastPage, bitMask(zone));
}

/** The device as the DMA API sees it now: its platform declaration with the mask a driver set. */
export function dmaDevice(dma: DmaState, platform: ResolvedPlatform, device: string): ResolvedDevice | undefined {
  const dev = platform.devices.get(device);
  const bits = dma.devices.get(device)?.mask;
  return dev && bits !== undefined ? { ...dev, dmaMask: bits } : dev;
}

export function execDmaSetMask(dma: DmaState, ctx: StepContext, stmt: DmaSetMaskStmt): void {
  const device = ctx.sym(stmt.dev).name;
  const bits = stmt.bits.value;
  const call = `dma_set_mask_and_coherent(${device}, DMA_BIT_MASK(${bits}))`;
  const ops = dma.devices.get(device);
  const dev = dmaDevice(dma, ctx.platform, device);
  if (!ops || !dev) return ctx.call(call, 'no such device', false);
  const minMask = directMinMask(ctx.platform);
  if (ops.ops === 'direct' && bits < 32 && bitMask(bits) < minMask) {
    ops.maskFailedAt = stmt;
    ctx.report(
      'DMAAPI-02',
      stmt,
      `dma_set_mask_and_coherent() returns -EIO: ${device} uses dma-direct, and dma_direct_supported() refuses a ${bits}-bit mask ` +
        `(${hex(bitMask(bits))}) below ${hex(minMask)}, the ${zoneDmaBits(ctx.platform) === undefined ? 'last page of RAM' : 'top of the lowest memory zone'} ` +
        `(${ctx.cite('dma_direct_supported')}; ${ctx.cite('dma_set_mask')}). The device keeps its ${dev.dmaMask}-bit mask, and the driver must not ` +
        `use DMA on it: "You must not use DMA on this device unless the dma_set_mask family of functions has returned success" ` +
        `(${ctx.cite('dma-api-howto.rst:set-mask-first')}).`,
      { severity: 'warning', outcome: 'RET' },
    );
    return ctx.call(call, '-EIO', false);
  }
  const before = dev.dmaMask;
  ops.mask = bits;
  ops.maskFailedAt = undefined;
  ctx.change({ object: device, kind: 'device', summary: `DMA mask ${before} → ${bits} bits (streaming and coherent)`, state: { dmaMask: bits } });
  ctx.call(call, ops.ops === 'direct' ? '0' : `0 (${ops.ops === 'iommu' ? 'dma-iommu' : 'the arm32 arch IOMMU ops'} accept every mask; IOVAs stay below it)`);
}

/** A map for a device whose last dma_set_mask_and_coherent() failed: DMA the driver must not do. */
export function reportDmaAfterFailedMask(dma: DmaState, ctx: StepContext, device: string, origin: MapOrigin): void {
  const failedAt = dma.devices.get(device)?.maskFailedAt;
  if (!failedAt) return;
  const bits = dmaDevice(dma, ctx.platform, device)?.dmaMask;
  ctx.report(
    'DMAAPI-02',
    origin.at,
    `${device} is mapped for DMA although its dma_set_mask_and_coherent() failed with -EIO. The kernel maps with the ` +
      `${bits}-bit mask the device still has, but "your device cannot perform DMA properly on this platform, and attempting to ` +
      `do so will result in undefined behavior" (${ctx.cite('dma-api-howto.rst:set-mask-first')}): the driver must fail its ` +
      `probe or use a path without DMA.`,
    { outcome: 'SILENT', related: [{ at: failedAt, message: 'dma_set_mask_and_coherent() returned -EIO here' }] },
  );
}
