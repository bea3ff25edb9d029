// What the DMA API asks of a device before it maps for it: its DMA mask as a limit and
// dma_capable() (include/linux/dma-direct.h), dma_get_max_seg_size() (include/linux/dma-mapping.h)
// and whether it snoops the CPU caches (dev_is_dma_coherent(), include/linux/dma-map-ops.h).
import type { ResolvedDevice, ResolvedPlatform } from '../../../language/bound';
import { hex } from './text';

export function isCoherent(platform: ResolvedPlatform, device: string): boolean {
  return platform.devices.get(device)?.coherent ?? true;
}

/** The highest address the device can reach plus one (dma_mask as a limit). */
export function maskLimit(dev: ResolvedDevice): number {
  return dev.dmaMask >= 64 ? Number.MAX_SAFE_INTEGER : 2 ** dev.dmaMask;
}

export function capable(dev: ResolvedDevice, addr: number, len: number): boolean {
  return addr + len <= maskLimit(dev);
}

export function maskHex(dev: ResolvedDevice): string {
  return dev.dmaMask >= 64 ? '0xffffffffffffffff' : hex(2 ** dev.dmaMask - 1);
}

/** dma_get_max_seg_size(). */
export function maxSeg(dev: ResolvedDevice): number {
  return Math.min(dev.maxSegment, 0xffff_ffff);
}

/** Whether the platform file declares `max_segment` for the device (else it is the 64 KiB default). */
export function declaresMaxSegment(dev: ResolvedDevice): boolean {
  const decl = dev.symbol.decl as { items?: readonly { kind: string }[] };
  return decl.items?.some((i) => i.kind === 'MaxSegment') ?? false;
}
