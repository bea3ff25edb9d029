// Lifetime races: a device job through a dma-buf table, not ordered before the CPU's unmap of that
// table (or detach of its attachment), runs after it in some interleaving and then uses a table the
// exporter may have freed: LIFE-05. When the unmap or detach only ends its own object (the kernel
// half says so: seam.ts endsOnlyItsObject), the explorer does not try both orders (footprint.ts
// leaves out the `kj:` key such a call would share with the job); this reports the race from the
// happens-before clocks instead, at the job, in whichever order the run took them: the finding is
// the one the job-after order gives (use.ts useSgt()).
import type { Stmt } from '../../language/ast';
import { leq } from './clock';
import { citeIn, report, sym, type Step } from './step';

/**
 * After `unmap T` / `detach A` ran, or the `put B` that released B: every job through T (a table
 * of A, a table of B whose table and attachment were still there) that the agent's clock does not
 * cover. What the job-after order reports first is what is reported: useSgt() checks the unmap,
 * then the detach, then the release.
 */
export function lifetimeRaces<K>(x: Step<K>, s: Stmt & { kind: 'Unmap' | 'Detach' | 'Put' }): void {
  const { w, st, a } = x;
  const object = sym(st, s.kind === 'Unmap' ? s.sgt : s.kind === 'Detach' ? s.att : s.buf);
  const ended = new Set(w.ended ?? []);
  const hit = (r: (typeof w.accesses)[number]): boolean => {
    if (s.kind === 'Unmap') return r.target === object.id;
    if (s.kind === 'Detach') return r.targetAttachment === object.id;
    return r.buffer === object.id && r.targetAttachment !== undefined && !ended.has(r.target ?? -1) && !ended.has(r.targetAttachment);
  };
  const seen = new Set<number>();
  for (const r of w.accesses) {
    if (r.jobKind !== 'job' || !hit(r)) continue;
    if (leq(r.clock, a.clock) || seen.has(r.at.start)) continue;
    seen.add(r.at.start);
    const job = `${r.agent.replace(/^dev:/, '')}'s job`;
    const unordered = `nothing orders the job before the ${s.kind === 'Unmap' ? 'unmap' : s.kind === 'Detach' ? 'detach' : 'put'} (no fence of it is waited for first), so in the order where it runs later`;
    const here = s.kind === 'Unmap' ? 'unmapped here' : s.kind === 'Detach' ? 'detached here' : 'the put that released it';
    const related = [{ at: s, message: `${here}, unordered with the job` }];
    // A detach after the table's unmap: the job-after order reports the unmap (useSgt() checks it first).
    const unmapped = s.kind === 'Unmap' || (s.kind === 'Detach' && r.target !== undefined && ended.has(r.target));
    if (unmapped) {
      const table = s.kind === 'Unmap' ? object.name : st.program.symbols.find((y) => y.id === r.target)?.name;
      report(x, 'LIFE-05', { span: r.at }, `${job} may use \`${table ?? 'its table'}\` after dma_buf_unmap_attachment(): ${unordered} the sg_table belongs to the exporter again ("ownership of the scatter list is transferred to the caller, and returned by unmap_dma_buf", ${citeIn(st, 'struct dma_buf_ops.map_dma_buf-no-cache')}) and may be freed or remapped.`, { outcome: 'SILENT', related });
    } else if (s.kind === 'Detach') {
      report(x, 'LIFE-05', { span: r.at }, `${job} may use a table of \`${object.name}\` after dma_buf_detach(): ${unordered} the exporter has freed the table with the attachment (${citeIn(st, 'dma_buf_detach')}).`, { outcome: 'SILENT', related });
    } else {
      report(x, 'LIFE-01', { span: r.at }, `${job} may use \`${object.name}\` after the last dma_buf_put() released it: ${unordered} dma_buf_release() has freed the dma_buf and the exporter's object, a use-after-free the kernel does not detect (${citeIn(st, ['dma_buf_release.teardown', 'dma_buf_put'])}).`, { outcome: 'SILENT', related });
    }
  }
}
