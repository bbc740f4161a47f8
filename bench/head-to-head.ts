import { round } from './load.ts';
import type { BenchFigures, Benchmark } from './result.ts';
import type { HeadlineRuns } from './result-contract.ts';

// What a benchmark of ours against a baseline, run alternately (`alternate`), shares with the
// others: its two sizes and the run at the one `--quick` asks for, the headline made of one figure
// of every run, and a chart of that figure's two medians.

/** A benchmark's sizes, of one shape: the brief's scale (`full`) and the one of `--quick`. */
export interface Scales<S> {
  quick: S;
  full: S;
}

/** The benchmark's `run`: `run` at the size `--quick` asks for. */
export const atScale =
  <S>(scales: Scales<S>, run: (s: S, quick: boolean) => Promise<BenchFigures>): Benchmark['run'] =>
  (quick) =>
    run(quick ? scales.quick : scales.full, quick);

/** The headline of alternating runs that each measured `figure` (to a tenth), ours and the baseline's. */
export function headlineOf<F extends string>(
  runs: { ours: Array<Record<F, number>>; baseline: Array<Record<F, number>> },
  figure: F,
  better: HeadlineRuns['better'],
): HeadlineRuns {
  return {
    figure,
    better,
    ours: runs.ours.map((r) => round(r[figure], 1)),
    baseline: runs.baseline.map((r) => round(r[figure], 1)),
  };
}

/** A chart of one figure: the baseline's median beside ours, each with its label. */
export const headToHeadChart =
  (figure: string, unit: string, labels: { baseline: string; ours: string }): Benchmark['chart'] =>
  (r) => ({
    unit,
    bars: [
      { label: labels.baseline, value: r.baseline[figure] ?? 0, baseline: true },
      { label: labels.ours, value: r.metrics[figure] ?? 0, baseline: false },
    ],
  });
