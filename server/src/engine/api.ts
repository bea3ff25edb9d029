// The engine's contract with its consumers (the CLI, the language server's worker, the bench).
// The engine knows nothing of LSP or VS Code: bound program in, findings and traces out.
import type { Ident, KernelVersion } from '../language/ast';
import type { RowId } from '../language/profiles';
import type { SiteId } from './kernel/citations';
import type { BoundScenario, Symbol } from '../language/bound';
import type { Finding, Location } from '../common/findings';
import type { Trace } from '../common/trace';

export interface ExplorationBudget {
  /** Distinct states (or schedule prefixes) explored per scenario before it is cut short. */
  readonly maxStates: number;
  /** Wall-clock milliseconds per scenario before it is cut short. */
  readonly maxMillis: number;
}

export const DEFAULT_BUDGET: ExplorationBudget = { maxStates: 20000, maxMillis: 2000 };

export interface EngineOptions {
  /** Overrides every platform's `kernel` line (the server's "kernel profile" setting). */
  readonly kernel?: KernelVersion;
  readonly budget?: Partial<ExplorationBudget>;
  /** Simulate only these scenarios (by name); all when absent. */
  readonly scenarios?: readonly string[];
  /** Polled between steps; when it returns true the engine stops and marks the result cancelled. */
  readonly isCancelled?: () => boolean;
  /** Partial-order reduction on (default) or off (for the bench's comparison). */
  readonly reduction?: boolean;
  /**
   * How the consumer lets its user raise each budget (a flag, a setting), named by the BUDGET
   * finding so that it says what to change; the engine itself knows no consumer.
   */
  readonly budgetKnobs?: BudgetKnobs;
}

export interface BudgetKnobs {
  /** E.g. "--max-states N". */
  readonly states: string;
  /** E.g. "--max-ms N". */
  readonly time: string;
}

/**
 * What the engine reads of a bound program (a BoundProgram is one): the scenarios to simulate,
 * the symbols their names resolve to, and which files were read (a related location must name
 * one). The language server sends its worker only this, for the scenarios it must simulate.
 */
export interface EngineProgram {
  readonly scenarios: readonly BoundScenario[];
  readonly refs: ReadonlyMap<Ident, Symbol>;
  readonly symbols: readonly Symbol[];
  readonly files: Pick<ReadonlySet<string>, 'has'>;
}

export interface ExplorationStats {
  /** Complete interleavings run. */
  readonly schedules: number;
  /** States (scheduling points) visited. */
  readonly states: number;
  /** True when the budget ended exploration before every interleaving was covered. */
  readonly cutShort: boolean;
  readonly millis: number;
}

export interface ScenarioResult {
  readonly name: string;
  readonly platform: string;
  readonly location: Location;
  /** Findings of this scenario, sorted (compareFindings). */
  readonly findings: readonly Finding[];
  /** The trace of the reported interleaving: the first violating one, else the default schedule. */
  readonly trace: Trace;
  readonly exploration: ExplorationStats;
  /**
   * The profile rows (language/profiles.ts) the run asked about, with the answers on its profile:
   * under a version matrix, another profile that answers each alike gets the same result.
   */
  readonly profileRows?: Readonly<Partial<Record<RowId, boolean>>>;
  /**
   * The kernel sites the run's messages cited, with each one's citation on its profile: another
   * profile shares the result only if it cites them alike (6.2 shares with 6.1, 6.12 with nobody).
   */
  readonly citations?: Readonly<Partial<Record<SiteId, string>>>;
  /** Under a version matrix (engine/matrix.ts): the profiles it ran on, in table order. */
  readonly versions?: readonly KernelVersion[];
  /** Under a version matrix: the profile whose trace `trace` is (the first with an error, else the first). */
  readonly traceVersion?: KernelVersion;
  /** Under a version matrix: each profile's own result. */
  readonly runs?: readonly ProfileRun[];
}

/** One profile's run of a scenario under a version matrix. */
export interface ProfileRun {
  readonly version: KernelVersion;
  readonly result: ScenarioResult;
  /** Set when the result is that of this earlier profile, reused because every row it asked about answers alike. */
  readonly sharedWith?: KernelVersion;
}

export interface EngineResult {
  readonly scenarios: readonly ScenarioResult[];
  /** Every scenario's findings, sorted. */
  readonly findings: readonly Finding[];
  readonly cancelled: boolean;
}
