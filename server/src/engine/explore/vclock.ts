// The explorer's dependency clocks: one component per agent, counting its steps; a missing
// component is 0. Never mutated once made, so a step's clock can be shared by later steps and a
// join copies only when it changes something.
export type Clock = Readonly<Record<string, number>>;

export const EMPTY: Clock = {};

/** a ⊔ b: `a` itself when `b` adds nothing. */
export function join(a: Clock, b: Clock): Clock {
  let out: Record<string, number> | undefined;
  for (const k of Object.keys(b)) {
    if ((a[k] ?? 0) >= b[k]) continue;
    out ??= { ...a };
    out[k] = b[k];
  }
  return out ?? a;
}

export function tick(c: Clock, agent: string): Clock {
  return { ...c, [agent]: (c[agent] ?? 0) + 1 };
}
