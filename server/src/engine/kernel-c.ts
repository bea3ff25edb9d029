// Each statement as the kernel C it stands for, for the trace, hover and "show as kernel C". One
// table for every statement kind (the dma-buf layer's, the DMA API's, the IOMMU API's and the time
// half's), so the rendering stays consistent. Names are the scenario's; the C is illustrative of
// the call sequence a driver would write, not compilable code.
import type { Stmt } from '../language/ast';
import type { BoundScenario } from '../language/bound';
import { kernelCOf, type CEnv } from '../language/statements';
import type { KernelVersion } from '../language/profiles';

/**
 * One statement as C; `thread` blocks render their body indented. `kernel`, the scenario's profile
 * when known, picks the call where it changed between releases (e.g. `domain` from 6.13).
 */
export function kernelC(stmt: Stmt, indent = '', kernel?: KernelVersion, env?: CEnv): string {
  return lines(stmt, kernel, env)
    .map((l) => indent + l)
    .join('\n');
}

/** The C of each statement kind is its entry's `c` in the statement table (language/statements.ts). */
function lines(s: Stmt, kernel?: KernelVersion, env?: CEnv): string[] {
  if (s.kind === 'Error') return ['/* (statement with a syntax error) */'];
  return kernelCOf(s, (x) => lines(x, kernel, env), kernel, env);
}

/** The whole scenario as one C listing, for "show as kernel C"; `kindOf` from the program's bindings. */
export function scenarioKernelC(scenario: BoundScenario, kindOf: CEnv['kindOf'] = () => undefined): string {
  const header = `/* scenario ${scenario.name}${scenario.platform ? ` on ${scenario.platform.name} (Linux ${scenario.platform.kernel}, ${scenario.platform.arch})` : ''} */`;
  // A device bound to vfio-pci earlier in the scenario exports through VFIO_DEVICE_FEATURE_DMA_BUF.
  const bound = new Set<string>();
  const env: CEnv = { kindOf, vfio: (dev) => bound.has(dev) };
  const body = scenario.body.map((s) => {
    if (s.kind === 'BindVfio') bound.add(s.dev.name);
    return kernelC(s, '', scenario.platform?.kernel, env);
  });
  return [header, ...body].join('\n');
}
