// A kernel half that knows nothing: every kernel statement is left unmodelled and no device or CPU
// access reaches memory. It stands in only while engine/kernel/index.ts does not exist yet, so the
// time half (fences, locks, hangs, threads) still runs end to end.
import type { KernelModel } from '../seam';

export const nullKernelModel: KernelModel<null> = {
  init: () => null,
  waitsBefore: () => [],
  execute: () => false,
  deviceAccess: () => undefined,
  cpuAccess: () => undefined,
  move: () => undefined,
  bufferRegions: () => [],
  bufferOf: () => undefined,
  outstanding: () => [],
  snapshot: () => undefined,
};
