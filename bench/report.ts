// How a bench file hands its figures to the runner (scripts/bench.mjs): `record(figures)` prints
// them on the final `@@bench {json}` line the runner collects. Progress goes to stdout freely.

export interface Figure {
  /** Stable key, compared against bench/baseline.json: `lsp.first.p95@2000`. */
  readonly id: string;
  /** What a reader of the table sees. */
  readonly name: string;
  /** null when it could not be measured (the note says why). */
  readonly value: number | null;
  readonly unit: string;
  readonly better: 'lower' | 'higher';
  /** The budget, in the same unit: a maximum when lower is better, else a minimum. */
  readonly budget?: number;
  readonly note?: string;
  /**
   * Checked by the quick variant for a 3× regression. False for figures that depend on the
   * machine's load more than on our code (e.g. a single cold start) or that are not costs.
   */
  readonly regress?: boolean;
}

export const quick = process.argv.includes('--quick');

export function record(figures: readonly Figure[]): void {
  console.log(`@@bench ${JSON.stringify(figures)}`);
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export function round(v: number, digits = 1): number {
  const k = 10 ** digits;
  return Math.round(v * k) / k;
}
