// Wording shared by K-DMA's findings: kernel names of directions, hex addresses, and what
// dma-debug would print on this platform's configuration.
import type { ApiDir } from '../../../language/ast';
import type { ResolvedPlatform } from '../../../language/bound';
import { C } from '../../../language/kernel-c-words';

/** The kernel's name of a direction, as the kernel-C view spells it. */
export function dirName(dir: ApiDir): string {
  return C.dir(dir);
}

export function hex(n: number): string {
  return `0x${n.toString(16)}`;
}

/** A 64-bit address as dma-debug prints it (%016llx). */
export function hex16(n: number): string {
  return `0x${n.toString(16).padStart(16, '0')}`;
}

export function size(n: number): string {
  const units: [number, string][] = [
    [1024 ** 4, 'TiB'],
    [1024 ** 3, 'GiB'],
    [1024 ** 2, 'MiB'],
    [1024, 'KiB'],
  ];
  for (const [unit, name] of units) if (n >= unit && n % unit === 0) return `${n / unit} ${name}`;
  return `${n} bytes`;
}

/** What the kernel does with a dma-debug check on this platform: the line, or silence. */
export function dmaDebug(platform: ResolvedPlatform, device: string, lines: readonly string[]): string {
  const quoted = lines.map((l) => `"DMA-API: ${device}: ${l}"`).join(' and ');
  if (platform.configs.DMA_API_DEBUG) {
    return `CONFIG_DMA_API_DEBUG prints ${quoted} as a WARN (by default only the first dma-debug error of the boot is printed; all are counted).`;
  }
  return `With CONFIG_DMA_API_DEBUG the kernel would print ${quoted}; this platform has it off, so the kernel is silent.`;
}

/** dma-debug's scatterlist checks need CONFIG_DMA_API_DEBUG_SG on top of CONFIG_DMA_API_DEBUG. */
export function dmaDebugSg(platform: ResolvedPlatform, device: string, line: string): string {
  const quoted = `"DMA-API: ${device}: ${line}"`;
  if (platform.configs.DMA_API_DEBUG) {
    return `With CONFIG_DMA_API_DEBUG_SG (on top of this platform's CONFIG_DMA_API_DEBUG) dma-debug prints ${quoted}; without it the kernel is silent.`;
  }
  return `A kernel with CONFIG_DMA_API_DEBUG and CONFIG_DMA_API_DEBUG_SG prints ${quoted}; this platform has them off, so the kernel is silent.`;
}
