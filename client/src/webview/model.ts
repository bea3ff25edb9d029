// What the trace view shows, computed from a trace without touching the DOM: the lanes (one per
// agent), which steps pass the filters, the fence arrows between visible rows, and the state of
// every object at a selected step with what that step changed. Unit-tested in test/client.
import type { StateChange, TraceStep } from '../../../server/src/common/trace';

/** A step as the view gets it: where it is (a line range) is the DOM glue's; the model never reads it. */
export type Step = Omit<TraceStep, 'location'>;

export type LaneKind = 'cpu' | 'thread' | 'device' | 'other';

export interface Lane {
  readonly agent: string;
  readonly label: string;
  readonly kind: LaneKind;
}

const KIND_ORDER: Record<LaneKind, number> = { cpu: 0, thread: 1, device: 2, other: 3 };

function laneOf(agent: string): Lane {
  if (agent === 'cpu') return { agent, label: 'CPU', kind: 'cpu' };
  if (agent.startsWith('thread:')) return { agent, label: `thread ${agent.slice(7)}`, kind: 'thread' };
  if (agent.startsWith('dev:')) return { agent, label: agent.slice(4), kind: 'device' };
  return { agent, label: agent, kind: 'other' };
}

/** CPU first, then threads, then device queues; within a kind, in order of first appearance. */
export function lanesOf(steps: readonly Step[]): Lane[] {
  const seen = new Map<string, Lane>();
  for (const s of steps) if (!seen.has(s.agent)) seen.set(s.agent, laneOf(s.agent));
  return [...seen.values()].sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind]);
}

/** Every object a step touches (changed state, fences waited on or signalled), sorted by name. */
export function objectsOf(steps: readonly Step[]): string[] {
  const names = new Set<string>();
  for (const s of steps) {
    for (const c of s.changes) names.add(c.object);
    for (const f of s.waitsOn ?? []) names.add(f);
    for (const f of s.signals ?? []) names.add(f);
  }
  return [...names].sort();
}

export interface Filter {
  readonly hiddenAgents: ReadonlySet<string>;
  /** Show only the steps that touch this object; empty = all. */
  readonly object: string;
  /** Show only the steps with findings or a failed call. */
  readonly failingOnly: boolean;
}

export const NO_FILTER: Filter = { hiddenAgents: new Set(), object: '', failingOnly: false };

export function isFailing(step: Step): boolean {
  return step.findings.length > 0 || !step.ok;
}

function mentions(call: string, name: string): boolean {
  // As a whole word: `att1` must not match `att10`.
  const word = /[A-Za-z0-9_]/;
  for (let i = call.indexOf(name); i >= 0; i = call.indexOf(name, i + 1)) {
    const before = i === 0 ? '' : call[i - 1];
    const after = call[i + name.length] ?? '';
    if (!word.test(before) && !word.test(after)) return true;
  }
  return false;
}

export function touches(step: Step, object: string): boolean {
  return (
    step.changes.some((c) => c.object === object) ||
    (step.waitsOn ?? []).includes(object) ||
    (step.signals ?? []).includes(object) ||
    mentions(step.call, object)
  );
}

export function stepMatches(step: Step, filter: Filter): boolean {
  if (filter.hiddenAgents.has(step.agent)) return false;
  if (filter.failingOnly && !isFailing(step)) return false;
  return filter.object === '' || touches(step, filter.object);
}

/** Positions (into `steps`) of the rows to show, in time order. */
export function visibleRows(steps: readonly Step[], filter: Filter): number[] {
  const rows: number[] = [];
  for (let i = 0; i < steps.length; i++) if (stepMatches(steps[i], filter)) rows.push(i);
  return rows;
}

export interface Arrow {
  readonly fence: string;
  /** Row numbers (positions in the visible rows) of the signalling and the waiting step. */
  readonly fromRow: number;
  readonly toRow: number;
  readonly fromAgent: string;
  readonly toAgent: string;
}

/**
 * One arrow per (signal, wait) pair of a fence, between rows that are both visible. A fence
 * signalled by no visible step gets no arrow: an arrow from nowhere would mislead.
 */
export function fenceArrows(steps: readonly Step[], rows: readonly number[]): Arrow[] {
  const signalRow = new Map<string, number>();
  rows.forEach((pos, row) => {
    for (const f of steps[pos].signals ?? []) if (!signalRow.has(f)) signalRow.set(f, row);
  });
  const arrows: Arrow[] = [];
  rows.forEach((pos, row) => {
    for (const f of steps[pos].waitsOn ?? []) {
      const from = signalRow.get(f);
      if (from === undefined) continue;
      arrows.push({ fence: f, fromRow: from, toRow: row, fromAgent: steps[rows[from]].agent, toAgent: steps[pos].agent });
    }
  });
  return arrows;
}

/** Arrows with at least one point in rows [first, last]: the ones worth drawing. */
export function arrowsInWindow(arrows: readonly Arrow[], first: number, last: number): Arrow[] {
  return arrows.filter((a) => Math.min(a.fromRow, a.toRow) <= last && Math.max(a.fromRow, a.toRow) >= first);
}

export interface ObjectState {
  readonly object: string;
  readonly kind: string;
  readonly summary: string;
  readonly state?: Readonly<Record<string, unknown>>;
  /** The 1-based index of the step that last changed the object. */
  readonly step: number;
  /** True when the selected step is the one that changed it. */
  readonly changedHere: boolean;
  /** Top-level keys of `state` that differ from the object's previous snapshot. */
  readonly changedKeys: readonly string[];
}

/** The keys whose values differ (by JSON), in the order of `next`, then the keys that went away. */
export function changedKeys(prev: Readonly<Record<string, unknown>> | undefined, next: Readonly<Record<string, unknown>> | undefined): string[] {
  const a = prev ?? {};
  const b = next ?? {};
  const out: string[] = [];
  for (const k of Object.keys(b)) if (JSON.stringify(a[k]) !== JSON.stringify(b[k])) out.push(k);
  for (const k of Object.keys(a)) if (!(k in b)) out.push(k);
  return out;
}

interface History {
  readonly kind: string;
  /** Positions (into steps) of the steps that changed the object, ascending. */
  readonly positions: number[];
  readonly changes: StateChange[];
}

/** The last i with xs[i] <= x, or -1. */
function lastAtOrBefore(xs: readonly number[], x: number): number {
  let lo = 0;
  let hi = xs.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] <= x) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** Per object, every change in time order, so the state at any step is a binary search away. */
export class StateIndex {
  private readonly history = new Map<string, History>();

  constructor(private readonly steps: readonly Step[]) {
    steps.forEach((s, pos) => {
      for (const c of s.changes) {
        let h = this.history.get(c.object);
        if (!h) this.history.set(c.object, (h = { kind: c.kind, positions: [], changes: [] }));
        // Several changes of one object in one step: the last one is its state after the step.
        if (h.positions[h.positions.length - 1] === pos) h.changes[h.changes.length - 1] = c;
        else {
          h.positions.push(pos);
          h.changes.push(c);
        }
      }
    });
  }

  get objectCount(): number {
    return this.history.size;
  }

  /** Every object that exists by step position `pos`, changed ones first, then by kind and name. */
  snapshotAt(pos: number): ObjectState[] {
    const out: ObjectState[] = [];
    for (const [object, h] of this.history) {
      const i = lastAtOrBefore(h.positions, pos);
      if (i < 0) continue;
      const c = h.changes[i];
      const here = h.positions[i] === pos;
      out.push({
        object,
        kind: c.kind,
        summary: c.summary,
        state: c.state,
        step: this.steps[h.positions[i]].index,
        changedHere: here,
        changedKeys: here ? changedKeys(i > 0 ? h.changes[i - 1].state : undefined, c.state) : [],
      });
    }
    return out.sort((a, b) => Number(b.changedHere) - Number(a.changedHere) || a.kind.localeCompare(b.kind) || a.object.localeCompare(b.object));
  }
}

/** The position of the step with this 1-based index (indices are usually position + 1). */
export function positionOfStep(steps: readonly Step[], index: number): number {
  if (steps[index - 1]?.index === index) return index - 1;
  return steps.findIndex((s) => s.index === index);
}

/** The first step with a finding, else the first failed call, else -1. */
export function firstFailingPosition(steps: readonly Step[]): number {
  const withFinding = steps.findIndex((s) => s.findings.length > 0);
  return withFinding >= 0 ? withFinding : steps.findIndex((s) => !s.ok);
}
