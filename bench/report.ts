// How a bench file hands its figures to the runner (scripts/bench.mjs): `record(figures)` writes
// them as JSON to the file named by BENCH_OUT (or prints them when run by hand). Progress and
// explanations go to stderr/stdout freely; only `record` feeds the table and bench/results.json.
import fs from 'node:fs';

export interface Figure {
  /** Stable key, compared against bench/baseline.json: `lsp.first.p95@2000`. */
  readonly id: string;
  /** What a reader of the table sees. */
  readonly label: string;
  /** null when it could not be measured (the note says why). */
  readonly value: number | null;
  readonly unit: string;
  readonly better: 'lower' | 'higher';
  /** The issue's budget, in the same unit: a maximum when lower is better, else a minimum. */
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
  const out = process.env.BENCH_OUT;
  if (out) fs.writeFileSync(out, JSON.stringify({ figures }, null, 2));
  else for (const f of figures) console.log(`${f.label}: ${f.value === null ? '—' : f.value} ${f.unit}${f.budget !== undefined ? ` (budget ${f.budget})` : ''}`);
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
