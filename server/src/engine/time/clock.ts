// Vector clocks: the happens-before relation between the agents' steps. One component per agent
// (`cpu`, `thread:NAME`, `dev:NAME`); a missing component is 0. Plain objects so that a world can
// be structuredClone'd.
import type { AgentId } from '../../common/trace';

export type Clock = Record<AgentId, number>;

export function tick(c: Clock, agent: AgentId): Clock {
  return { ...c, [agent]: (c[agent] ?? 0) + 1 };
}

export function join(a: Clock, b: Clock | undefined): Clock {
  if (!b) return a;
  const out: Clock = { ...a };
  for (const k of Object.keys(b)) if ((out[k] ?? 0) < b[k]) out[k] = b[k];
  return out;
}

/** a ≤ b: everything `a` has seen, `b` has seen too (a happens-before or equals b). */
export function leq(a: Clock, b: Clock): boolean {
  for (const k of Object.keys(a)) if (a[k] > (b[k] ?? 0)) return false;
  return true;
}
