// A list of kernel profiles as the CLI's `--kernels`, the editor's `dmabuf.kernels` and the
// fixtures' `//! kernels` header spell it: profiles of the table or `mainline`, separated by commas
// (or spaces), each possibly a range `A..B` (both ends included, every profile of the table
// between them). The result is in table order, each profile once.
import { KERNEL_VERSIONS, MAINLINE, parseVersion, profilesInRange, type KernelVersion } from './profiles';

export { parseVersion } from './profiles';

export type VersionList = { readonly ok: true; readonly versions: readonly KernelVersion[] } | { readonly ok: false; readonly error: string };

const NAMES = `${KERNEL_VERSIONS.join(', ')} or mainline (${MAINLINE})`;

export function parseVersionList(text: string): VersionList {
  const parts = text.split(/[\s,]+/).filter((p) => p !== '');
  if (parts.length === 0) return { ok: false, error: `no kernel profile given (use ${NAMES})` };
  const chosen = new Set<KernelVersion>();
  for (const part of parts) {
    const range = part.split('..');
    if (range.length > 2) return { ok: false, error: `\`${part}\` is not a profile or a range A..B` };
    const ends = range.map(parseVersion);
    const bad = range.find((r, i) => ends[i] === undefined);
    if (bad !== undefined) return { ok: false, error: `unknown kernel profile \`${bad}\` (use ${NAMES})` };
    const [a, b = a] = ends as KernelVersion[]; // every end parsed (checked above)
    const profiles = profilesInRange(a, b);
    if (!profiles) return { ok: false, error: `the range \`${part}\` runs backwards (oldest first: ${range[1]}..${range[0]})` };
    for (const v of profiles) chosen.add(v);
  }
  return { ok: true, versions: KERNEL_VERSIONS.filter((v) => chosen.has(v)) };
}

/**
 * How a finding's profiles read against the matrix it was checked on, the way a kernel engineer
 * says it: runs of consecutive profiles of the matrix joined by an en dash, then the profiles it
 * does not happen on ("6.1–6.12; fine on 6.18, 7.1"). `fine` is the word for the others ("fine"
 * for an error or warning, "not on" for information).
 */
export function describeVersions(on: readonly string[], matrix: readonly string[], fine = 'fine on'): string {
  const runs = (vs: readonly string[]): string => {
    const out: string[] = [];
    let i = 0;
    while (i < matrix.length) {
      if (!vs.includes(matrix[i])) {
        i++;
        continue;
      }
      let j = i;
      while (j + 1 < matrix.length && vs.includes(matrix[j + 1])) j++;
      out.push(i === j ? matrix[i] : `${matrix[i]}–${matrix[j]}`);
      i = j + 1;
    }
    return out.join(', ');
  };
  const off = matrix.filter((v) => !on.includes(v));
  if (matrix.length > 1 && off.length === 0) return `${runs(on)}, every profile`;
  return off.length ? `${runs(on)}; ${fine} ${off.join(', ')}` : runs(on);
}
