// Exploration of interleavings with dynamic partial-order reduction (Flanagan & Godefroid, POPL
// 2005) and sleep sets. Stateless: a run is rebuilt by replaying its schedule from the start, so
// the simulated state never has to be copied and the kernel half's state never has to be cloned.
//
// Two steps are dependent when their footprints conflict (same fence, same reservation or lock,
// same kernel objects: dependence.ts). Memory conflicts are reported as races by the simulation in
// either order, so they are not explored (explored()). The search runs the default
// schedule first; after every step it looks, for every agent, for the last earlier step that
// conflicts with the agent's next step and is not ordered before it; the state before that step
// gets a backtrack point so the other order is tried too. Sleep sets stop it from re-running
// orders that only swap independent steps. With `reduction: false` every enabled agent is tried
// at every state.
//
// Those questions are answered from an index of the run's steps per agent and footprint key
// (step-index.ts), not by scanning the run: per agent only its latest conflicting step matters
// for a clock (its earlier ones are ordered before it), and the steps not ordered before a clock
// are a suffix of the agent's steps. A step costs what it touches, not the run's length.

import { StepAborted, unwatched, watching } from '../deadline';
import { conflicts, explored, neverCoEnabled, type Footprint } from './dependence';
import { StepIndex } from './step-index';
import { EMPTY, join, tick, type Clock } from './vclock';

export type { Footprint } from './dependence';

/** One run being built: the explorer asks it who can move and tells it who moves. */
export interface Runner {
  /** Agents that can move now, the default schedule's choice first. */
  enabled(): readonly string[];
  /** Agents with a next transition, enabled or blocked. */
  pending(): readonly string[];
  next(agent: string): Footprint;
  step(agent: string): void;
  /** An independent copy of the run at this point, if the run can be copied (else runs are replayed). */
  fork?(): Runner;
}

export interface ExploreOptions<R extends Runner> {
  readonly start: () => R;
  readonly maxStates: number;
  readonly maxMillis: number;
  readonly reduction: boolean;
  readonly isCancelled?: () => boolean;
  readonly now?: () => number;
  /** Called at the end of each run; `complete` is false for a run cut by its sleep set. Return true to stop. */
  readonly onRun: (runner: R, complete: boolean) => boolean | void;
  /** Keep a copy of the run every this many steps along the current path (0: never). */
  readonly checkpointEvery?: number;
  /** Keep a copy of the run at a state the search returns to with more alternatives left. */
  readonly checkpointRevisits?: boolean;
}

export interface ExploreResult {
  readonly schedules: number;
  readonly blockedRuns: number;
  readonly states: number;
  readonly cutShort: boolean;
  readonly cancelled: boolean;
  readonly millis: number;
}

interface Node {
  readonly enabled: readonly string[];
  readonly fps: ReadonlyMap<string, Footprint>;
  readonly backtrack: string[];
  readonly done: Set<string>;
  readonly sleep: ReadonlyMap<string, Footprint>;
}

interface Executed {
  readonly agent: string;
  readonly fp: Footprint;
  readonly clock: Clock;
}

export function explore<R extends Runner>(o: ExploreOptions<R>): ExploreResult {
  const now = o.now ?? (() => performance.now());
  const t0 = now();
  const nodes: Node[] = [];
  let exec: Executed[] = [];
  const index = new StepIndex();
  let schedule: string[] = [];
  let states = 0;
  let schedules = 0;
  let blockedRuns = 0;
  let cutShort = false;
  let cancelled = false;
  let stopped = false;
  let runner = o.start();
  // Copies of the run at some depths of the current path, so a backtrack replays only from the
  // nearest one instead of from the start.
  const every = o.checkpointEvery ?? 0;
  const checkpoints = new Map<number, R>();

  // The default schedule always runs to its end whatever the state budget: it is the baseline
  // verdict. The time budget stops it too, even inside a step (deadline.ts): a scenario must never
  // run much longer than its budget, however large its buffers.
  let firstRunDone = false;
  const over = (): boolean => {
    if (o.isCancelled?.()) {
      cancelled = true;
      return true;
    }
    if (now() - t0 > o.maxMillis || (firstRunDone && states >= o.maxStates)) {
      cutShort = true;
      return true;
    }
    return false;
  };

  const doStep = (agent: string): void => {
    const fp = explored(runner.next(agent));
    let clock = ownClock(agent, fp);
    // Every conflicting step of another agent comes before this one. Per agent its latest is
    // enough (its earlier steps are ordered before it), and a step whose count the clock has
    // already seen is ordered before the clock: joining it would change nothing.
    index.eachConflicting(fp, (q, steps) => {
      const last = steps[steps.length - 1];
      if (q !== agent && exec[last].clock[q] > (clock[q] ?? 0)) clock = join(clock, exec[last].clock);
    });
    clock = tick(clock, agent);
    runner.step(agent);
    exec.push({ agent, fp, clock });
    index.add(exec.length - 1, agent, fp);
    schedule.push(agent);
  };

  /** The clock of the agent's last step, joined with the step its next one inherits from. */
  const ownClock = (agent: string, fp: Footprint): Clock => {
    const last = index.lastOf(agent);
    const c = last === undefined ? EMPTY : exec[last].clock;
    return fp.origin !== undefined && exec[fp.origin] ? join(c, exec[fp.origin].clock) : c;
  };

  /** The dependency clock the next transition of `agent` would start from. */
  const procClock = (agent: string, fp: Footprint): Clock => {
    let c = ownClock(agent, fp);
    // A transition that blocks on what an executed step provided (a fence it signalled) comes after it.
    index.eachFencePartner(fp, (q, steps) => {
      const last = steps[steps.length - 1];
      if (q !== agent && exec[last].clock[q] > (c[q] ?? 0)) c = join(c, exec[last].clock);
    });
    return c;
  };

  const happensBefore = (i: number, c: Clock): boolean => exec[i].clock[exec[i].agent] <= (c[exec[i].agent] ?? 0);

  /** Adds backtrack points for every agent's next transition against the run so far. */
  const analyse = (fps: ReadonlyMap<string, Footprint>): void => {
    for (const [p, fp] of fps) {
      const pc = procClock(p, fp);
      // The last step of another agent that conflicts with fp, may be co-enabled with it and is
      // not ordered before it. Per agent q those are a suffix of q's conflicting steps: walk back
      // until q's steps are ordered before pc.
      let found = -1;
      index.eachConflicting(fp, (q, steps) => {
        if (q === p) return;
        const seen = pc[q] ?? 0;
        for (let k = steps.length - 1; k >= 0 && steps[k] > found; k--) {
          const i = steps[k];
          if (exec[i].clock[q] <= seen) return;
          if (neverCoEnabled(exec[i].fp, fp)) continue;
          found = i;
          return;
        }
      });
      if (found >= 0) addBacktrack(found, p, pc);
    }
  };

  const addBacktrack = (i: number, p: string, pc: Clock): void => {
    const pre = nodes[i];
    const add = (q: string) => {
      if (!pre.backtrack.includes(q)) pre.backtrack.push(q);
    };
    if (pre.enabled.includes(p)) return add(p);
    // The first later step ordered before pc whose agent was enabled at i: per agent, only its
    // first step after i can be (its later ones are ordered before pc only if that one is).
    let first = -1;
    for (const q of pre.enabled) {
      const j = firstAfter(index.stepsOf(q), i);
      if (j !== undefined && happensBefore(j, pc) && (first < 0 || j < first)) first = j;
    }
    if (first >= 0) return add(exec[first].agent);
    for (const q of pre.enabled) add(q);
  };

  const makeNode = (sleep: ReadonlyMap<string, Footprint>): Node => {
    const enabled = runner.enabled();
    const fps = new Map<string, Footprint>();
    for (const p of runner.pending()) fps.set(p, explored(runner.next(p)));
    return { enabled, fps, backtrack: [], done: new Set(), sleep };
  };

  const childSleep = (node: Node, chosen: string): Map<string, Footprint> => {
    const out = new Map<string, Footprint>();
    if (!o.reduction) return out;
    const fp = node.fps.get(chosen)!;
    const consider = (q: string, qfp: Footprint | undefined) => {
      if (q === chosen || !qfp) return;
      if (!conflicts(qfp, fp)) out.set(q, qfp);
    };
    for (const [q, qfp] of node.sleep) consider(q, qfp);
    for (const q of node.done) consider(q, node.fps.get(q));
    return out;
  };

  const descend = (sleep: ReadonlyMap<string, Footprint>): void => {
    for (;;) {
      if (over()) {
        stopped = true;
        return;
      }
      if (every > 0 && runner.fork && nodes.length % every === 0 && !checkpoints.has(nodes.length)) checkpoints.set(nodes.length, runner.fork() as R);
      const node = makeNode(sleep);
      nodes.push(node);
      states++;
      if (o.reduction) analyse(node.fps);
      const candidates = node.enabled.filter((p) => !node.sleep.has(p));
      if (candidates.length === 0) {
        const complete = node.enabled.length === 0;
        if (complete) schedules++;
        else blockedRuns++;
        firstRunDone = true;
        if (unwatched(() => o.onRun(runner, complete))) stopped = true;
        return;
      }
      if (o.reduction) node.backtrack.push(candidates[0]);
      else node.backtrack.push(...candidates);
      const choice = candidates[0];
      node.done.add(choice);
      const next = childSleep(node, choice);
      doStep(choice);
      sleep = next;
    }
  };

  /** The whole search: the default schedule, then every backtrack point left. */
  const search = (): void => {
    descend(new Map());
    while (!stopped && nodes.length) {
      const depth = nodes.length - 1;
      const top = nodes[depth];
      const alt = top.backtrack.find((q) => !top.done.has(q) && !top.sleep.has(q));
      if (alt === undefined) {
        nodes.pop();
        continue;
      }
      if (over()) break;
      // Rebuild the state before `top`: from the nearest checkpoint (or the start), replaying the
      // schedule that led to it.
      const prefix = schedule.slice(0, depth);
      let from = 0;
      for (const d of checkpoints.keys()) {
        if (d > depth) checkpoints.delete(d);
        else if (d > from) from = d;
      }
      const cp = checkpoints.get(from);
      runner = cp ? (cp.fork!() as R) : o.start();
      if (!cp) from = 0;
      exec = exec.slice(0, from);
      index.truncate(from);
      schedule = schedule.slice(0, from);
      for (const p of prefix.slice(from)) doStep(p);
      const more = top.backtrack.some((q) => q !== alt && !top.done.has(q) && !top.sleep.has(q));
      if (o.checkpointRevisits && runner.fork && from < depth && more) checkpoints.set(depth, runner.fork() as R);
      top.done.add(alt);
      const next = childSleep(top, alt);
      doStep(alt);
      descend(next);
    }
  };
  try {
    watching({ deadline: t0 + o.maxMillis, now, isCancelled: o.isCancelled }, search);
  } catch (e) {
    if (!(e instanceof StepAborted)) throw e;
    if (e.reason === 'cancelled') cancelled = true;
    else cutShort = true;
    // The run so far (without the abandoned step, which the runner undid) still has its findings.
    o.onRun(runner, false);
  }
  return { schedules, blockedRuns, states, cutShort: cutShort && !cancelled, cancelled, millis: now() - t0 };
}

/** The first element of an ascending list greater than `i`. */
function firstAfter(xs: readonly number[], i: number): number | undefined {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] <= i) lo = mid + 1;
    else hi = mid;
  }
  return lo < xs.length ? xs[lo] : undefined;
}
