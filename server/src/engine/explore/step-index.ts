// The executed steps of the current run, indexed per agent and per footprint key, so that the
// dependence analysis asks "which steps of agent q conflict with this footprint" by looking up
// the footprint's own keys: a step costs what it touches, not the run's length.
//
// Every list is in step order. One agent's steps carry increasing counts in their own clock
// component, so "ordered before a clock" is a prefix of each list and "not ordered before" a
// suffix: walks start at the end and stop at the first ordered step. Lists only grow at the end,
// and a backtrack truncates the run, so each step remembers the lists it joined to leave them.
import { assertNever } from '../../common/assert';
import { keyMatches, kindOf, type Footprint } from './dependence';

interface AgentSteps {
  /** Every step of the agent. */
  readonly all: number[];
  /** Per exact key, the steps that read / write it. */
  readonly reads: Map<string, number[]>;
  readonly writes: Map<string, number[]>;
  /** Per kind (`mem`, `fence`...), the steps that read / write any key of it (for a later `kind:*`). */
  readonly readsOfKind: Map<string, number[]>;
  readonly writesOfKind: Map<string, number[]>;
}

export class StepIndex {
  private readonly agents = new Map<string, AgentSteps>();
  /** Per step, the lists it was appended to (to undo on truncation). */
  private readonly joined: number[][][] = [];

  get length(): number {
    return this.joined.length;
  }

  /** Agents with at least one step indexed (possibly none left after a truncation). */
  agentNames(): IterableIterator<string> {
    return this.agents.keys();
  }

  add(step: number, agent: string, fp: Footprint): void {
    if (step !== this.joined.length) throw new Error(`step ${step} indexed out of order (${this.joined.length} indexed)`);
    let a = this.agents.get(agent);
    if (!a) {
      a = { all: [], reads: new Map(), writes: new Map(), readsOfKind: new Map(), writesOfKind: new Map() };
      this.agents.set(agent, a);
    }
    const lists: number[][] = [];
    const push = (list: number[]): void => {
      // A footprint may name a key twice (or two keys of one kind): one entry per step.
      if (list[list.length - 1] === step) return;
      list.push(step);
      lists.push(list);
    };
    const at = (m: Map<string, number[]>, k: string): number[] => {
      let l = m.get(k);
      if (!l) m.set(k, (l = []));
      return l;
    };
    push(a.all);
    for (const k of fp.reads) {
      push(at(a.reads, k));
      const kind = kindOf(k);
      if (kind !== undefined) push(at(a.readsOfKind, kind));
    }
    for (const k of fp.writes) {
      push(at(a.writes, k));
      const kind = kindOf(k);
      if (kind !== undefined) push(at(a.writesOfKind, kind));
    }
    this.joined.push(lists);
  }

  /** Forgets steps `length` and later. */
  truncate(length: number): void {
    while (this.joined.length > length) for (const l of this.joined.pop()!) l.pop();
  }

  /** The agent's steps, in order. */
  stepsOf(agent: string): readonly number[] {
    return this.agents.get(agent)?.all ?? [];
  }

  lastOf(agent: string): number | undefined {
    const all = this.agents.get(agent)?.all;
    return all && all.length ? all[all.length - 1] : undefined;
  }

  /**
   * The lists of `agent`'s steps that conflict with `fp` (a step may be in several): steps that
   * write a key `fp` reads or writes, and steps that read a key `fp` writes.
   */
  conflicting(agent: string, fp: Footprint): (readonly number[])[] {
    const a = this.agents.get(agent);
    if (!a) return [];
    const out: (readonly number[])[] = [];
    for (const k of fp.writes) {
      matching(a.writes, a.writesOfKind, k, out);
      matching(a.reads, a.readsOfKind, k, out);
    }
    for (const k of fp.reads) matching(a.writes, a.writesOfKind, k, out);
    return out;
  }

  /** The agent's steps that write exactly `key` / read exactly `key` (no wildcard matching). */
  writersOf(agent: string, key: string): readonly number[] {
    return this.agents.get(agent)?.writes.get(key) ?? [];
  }

  readersOf(agent: string, key: string): readonly number[] {
    return this.agents.get(agent)?.reads.get(key) ?? [];
  }
}

/** Appends the non-empty lists of the steps whose keys match `key`. */
function matching(exact: Map<string, number[]>, ofKind: Map<string, number[]>, key: string, out: (readonly number[])[]): void {
  const m = keyMatches(key);
  const add = (l: number[] | undefined): void => {
    if (l && l.length) out.push(l);
  };
  switch (m.kind) {
    case 'single':
      return add(exact.get(m.key));
    case 'object':
      add(exact.get(m.key));
      return add(exact.get(m.wildcard));
    case 'everyOfKind':
      return add(ofKind.get(m.kindName));
    default:
      return assertNever(m);
  }
}
