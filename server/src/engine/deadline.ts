// The exploration budget inside a step. The explorer checks its budget between steps, but one
// step over a large page-backed buffer walks hundreds of thousands of pages (a 1 GiB GEM buffer:
// seconds per step), so loops that grow with the size of a buffer report their work here and the
// step is abandoned once the wall-clock budget is spent or the run is cancelled. The explorer
// installs the watch around a scenario's exploration; without one (unit tests) nothing is checked.

/** Thrown out of a step whose budget ran out; caught by the explorer, never seen by callers. */
export class StepAborted extends Error {
  constructor(readonly reason: 'budget' | 'cancelled') {
    super(`step abandoned: ${reason}`);
  }
}

export interface Watch {
  /** Time (as `now` counts it) after which work stops. */
  readonly deadline: number;
  readonly now: () => number;
  readonly isCancelled?: () => boolean;
}

/** Units of work between two looks at the clock: a look costs about as much as a few units. */
const CHECK_EVERY = 1024;

let watch: Watch | undefined;
let work = 0;

/** Runs `fn` with `w` watching every `spend` inside it (watches nest; the inner one rules). */
export function watching<T>(w: Watch, fn: () => T): T {
  const outer = watch;
  watch = w;
  work = 0;
  try {
    return fn();
  } finally {
    watch = outer;
  }
}

/** Runs `fn` unwatched: the end of a run (hang and leak reports) is never abandoned half-way. */
export function unwatched<T>(fn: () => T): T {
  const outer = watch;
  watch = undefined;
  try {
    return fn();
  } finally {
    watch = outer;
  }
}

/** Reports `units` of work (about one page or table entry each); throws StepAborted when over budget. */
export function spend(units = 1): void {
  if (watch === undefined) return;
  work += units;
  if (work < CHECK_EVERY) return;
  work = 0;
  if (watch.isCancelled?.()) throw new StepAborted('cancelled');
  if (watch.now() > watch.deadline) throw new StepAborted('budget');
}
