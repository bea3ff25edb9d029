// Exploration of interleavings with dynamic partial-order reduction (Flanagan & Godefroid, POPL
// 2005) and sleep sets. Stateless: a run is rebuilt by replaying its schedule from the start, so
// the simulated state never has to be copied and the kernel half's state never has to be cloned.
//
// Two steps are dependent when their footprints conflict (same memory with a write, same fence,
// same reservation or lock, same kernel objects). The search runs the default schedule first;
// after every step it looks, for every agent, for the last earlier step that conflicts with the
// agent's next step and is not ordered before it; the state before that step gets a backtrack
// point so the other order is tried too. Sleep sets stop it from re-running orders that only
// swap independent steps. With `reduction: false` every enabled agent is tried at every state.

import { StepAborted, unwatched, watching } from '../deadline';

export interface Footprint {
  readonly reads: readonly string[];
  readonly writes: readonly string[];
  /** A step whose dependencies this transition inherits (a device job: the step that queued it). */
  readonly origin?: number;
}

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

export interface Dependency {
  conflicts(a: Footprint, b: Footprint): boolean;
  /** A conflict that can never be reversed because the two are never enabled together. */
  neverCoEnabled(a: Footprint, b: Footprint): boolean;
}

export interface ExploreOptions<R extends Runner> {
  readonly start: () => R;
  readonly dependency: Dependency;
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

type Clock = Record<string, number>;

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
    const fp = runner.next(agent);
    let clock: Clock = {};
    for (let i = exec.length - 1; i >= 0; i--) {
      const e = exec[i];
      if (e.agent === agent) {
        clock = joinClock(clock, e.clock);
        break;
      }
    }
    if (fp.origin !== undefined && exec[fp.origin]) clock = joinClock(clock, exec[fp.origin].clock);
    for (const e of exec) if (e.agent !== agent && o.dependency.conflicts(e.fp, fp)) clock = joinClock(clock, e.clock);
    clock = { ...clock, [agent]: (clock[agent] ?? 0) + 1 };
    runner.step(agent);
    exec.push({ agent, fp, clock });
    schedule.push(agent);
  };

  /** The dependency clock the next transition of `agent` would start from. */
  const procClock = (agent: string, fp: Footprint): Clock => {
    let c: Clock = {};
    for (let i = exec.length - 1; i >= 0; i--) {
      if (exec[i].agent === agent) {
        c = exec[i].clock;
        break;
      }
    }
    if (fp.origin !== undefined && exec[fp.origin]) c = joinClock(c, exec[fp.origin].clock);
    // A transition that blocks on what an executed step provided (a fence it signalled) comes after it.
    for (const e of exec) if (e.agent !== agent && o.dependency.neverCoEnabled(e.fp, fp)) c = joinClock(c, e.clock);
    return c;
  };

  const happensBefore = (i: number, c: Clock): boolean => exec[i].clock[exec[i].agent] <= (c[exec[i].agent] ?? 0);

  /** Adds backtrack points for every agent's next transition against the run so far. */
  const analyse = (fps: ReadonlyMap<string, Footprint>): void => {
    for (const [p, fp] of fps) {
      const pc = procClock(p, fp);
      for (let i = exec.length - 1; i >= 0; i--) {
        const e = exec[i];
        if (e.agent === p) continue;
        if (!o.dependency.conflicts(e.fp, fp) || o.dependency.neverCoEnabled(e.fp, fp)) continue;
        if (happensBefore(i, pc)) continue;
        addBacktrack(i, p, pc);
        break;
      }
    }
  };

  const addBacktrack = (i: number, p: string, pc: Clock): void => {
    const pre = nodes[i];
    const add = (q: string) => {
      if (!pre.backtrack.includes(q)) pre.backtrack.push(q);
    };
    if (pre.enabled.includes(p)) return add(p);
    for (let j = i + 1; j < exec.length; j++) {
      const q = exec[j].agent;
      if (pre.enabled.includes(q) && happensBefore(j, pc)) return add(q);
    }
    for (const q of pre.enabled) add(q);
  };

  const makeNode = (sleep: ReadonlyMap<string, Footprint>): Node => {
    const enabled = runner.enabled();
    const fps = new Map<string, Footprint>();
    for (const p of runner.pending()) fps.set(p, runner.next(p));
    return { enabled, fps, backtrack: [], done: new Set(), sleep };
  };

  const childSleep = (node: Node, chosen: string): Map<string, Footprint> => {
    const out = new Map<string, Footprint>();
    if (!o.reduction) return out;
    const fp = node.fps.get(chosen)!;
    const consider = (q: string, qfp: Footprint | undefined) => {
      if (q === chosen || !qfp) return;
      if (!o.dependency.conflicts(qfp, fp)) out.set(q, qfp);
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

function joinClock(a: Clock, b: Clock): Clock {
  const out: Clock = { ...a };
  for (const k of Object.keys(b)) if ((out[k] ?? 0) < b[k]) out[k] = b[k];
  return out;
}
