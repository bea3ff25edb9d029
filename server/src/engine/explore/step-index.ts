// The executed steps of the current run, indexed per footprint key and agent, so that the
// dependence analysis asks "which steps conflict with this footprint" by looking up the
// footprint's own keys: a step costs what it touches, not the run's length.
//
// Every list holds one agent's steps in order. One agent's steps carry increasing counts in their
// own clock component, so "ordered before a clock" is a prefix of each list and "not ordered
// before" a suffix: walks start at the end and stop at the first ordered step. Lists only grow at
// the end, and a backtrack truncates the run, so each step remembers the lists it joined to leave
// them.
import { assertNever } from '../../common/assert';
import { isFenceKey, keyMatches, kindOf, type Footprint } from './dependence';

/** Per agent, the steps that read / write a key (or any key of a kind). */
interface Holders {
  readonly readers: Map<string, number[]>;
  readonly writers: Map<string, number[]>;
}

export type StepsVisitor = (agent: string, steps: readonly number[]) => void;

export class StepIndex {
  private readonly exact = new Map<string, Holders>();
  /** Per kind (`mem`, `fence`...): steps on any key of it, for a later `kind:*`. */
  private readonly kinds = new Map<string, Holders>();
  private readonly byAgent = new Map<string, number[]>();
  /** Per step, the lists it was appended to (to undo on truncation). */
  private readonly joined: number[][][] = [];

  add(step: number, agent: string, fp: Footprint): void {
    if (step !== this.joined.length) throw new Error(`step ${step} indexed out of order (${this.joined.length} indexed)`);
    const lists: number[][] = [];
    append(lists, listOf(this.byAgent, agent), step);
    for (const k of fp.reads) {
      append(lists, listOf(holders(this.exact, k).readers, agent), step);
      const kind = kindOf(k);
      if (kind !== undefined) append(lists, listOf(holders(this.kinds, kind).readers, agent), step);
    }
    for (const k of fp.writes) {
      append(lists, listOf(holders(this.exact, k).writers, agent), step);
      const kind = kindOf(k);
      if (kind !== undefined) append(lists, listOf(holders(this.kinds, kind).writers, agent), step);
    }
    this.joined.push(lists);
  }

  /** Forgets steps `length` and later. */
  truncate(length: number): void {
    while (this.joined.length > length) for (const l of this.joined.pop()!) l.pop();
  }

  /** The agent's steps, in order. */
  stepsOf(agent: string): readonly number[] {
    return this.byAgent.get(agent) ?? [];
  }

  lastOf(agent: string): number | undefined {
    const all = this.byAgent.get(agent);
    return all && all.length ? all[all.length - 1] : undefined;
  }

  /**
   * Visits the lists of steps that conflict with `fp` (a step may be in several): steps that
   * write a key `fp` reads or writes, and steps that read a key `fp` writes.
   */
  eachConflicting(fp: Footprint, visit: StepsVisitor): void {
    for (const k of fp.writes) {
      this.matching(k, 'readers', visit);
      this.matching(k, 'writers', visit);
    }
    for (const k of fp.reads) this.matching(k, 'writers', visit);
  }

  /** Visits the steps that signal a fence `fp` waits for, or wait for a fence `fp` signals (exact keys). */
  eachFencePartner(fp: Footprint, visit: StepsVisitor): void {
    for (const k of fp.reads) if (isFenceKey(k)) each(this.exact.get(k)?.writers, visit);
    for (const k of fp.writes) if (isFenceKey(k)) each(this.exact.get(k)?.readers, visit);
  }

  private matching(key: string, role: keyof Holders, visit: StepsVisitor): void {
    const m = keyMatches(key);
    switch (m.kind) {
      case 'single':
        return each(this.exact.get(m.key)?.[role], visit);
      case 'object':
        each(this.exact.get(m.key)?.[role], visit);
        return each(this.exact.get(m.wildcard)?.[role], visit);
      case 'everyOfKind':
        return each(this.kinds.get(m.kindName)?.[role], visit);
      default:
        return assertNever(m);
    }
  }
}

function each(byAgent: Map<string, number[]> | undefined, visit: StepsVisitor): void {
  if (!byAgent) return;
  for (const [agent, steps] of byAgent) if (steps.length) visit(agent, steps);
}

function holders(m: Map<string, Holders>, key: string): Holders {
  let h = m.get(key);
  if (!h) m.set(key, (h = { readers: new Map(), writers: new Map() }));
  return h;
}

function listOf(m: Map<string, number[]>, agent: string): number[] {
  let l = m.get(agent);
  if (!l) m.set(agent, (l = []));
  return l;
}

/** One entry per step even when a footprint names a key twice (or two keys of one kind). */
function append(lists: number[][], list: number[], step: number): void {
  if (list[list.length - 1] === step) return;
  list.push(step);
  lists.push(list);
}
