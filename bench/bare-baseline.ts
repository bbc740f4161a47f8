import { type LoadResult, median, round } from './load.ts';
import type { BenchFigures } from './result.ts';

/**
 * The baseline half of an HTTP benchmark run against the bare Fastify server (`startBare`): its
 * latency medians as the baseline figures, and requests per second of every run, ours and its in
 * the order they ran, as the headline.
 */
export function againstBare(
  ours: readonly LoadResult[],
  bare: readonly LoadResult[],
): Pick<BenchFigures, 'baseline_name' | 'baseline' | 'headline'> {
  const med = (k: 'p50_ms' | 'p90_ms' | 'p99_ms') => round(median(bare.map((r) => r[k])), 2);
  return {
    baseline_name: 'bare Fastify, one constant JSON route, in the same process',
    baseline: { p50_ms: med('p50_ms'), p90_ms: med('p90_ms'), p99_ms: med('p99_ms') },
    headline: {
      figure: 'rps',
      better: 'higher',
      ours: ours.map((r) => round(r.rps)),
      baseline: bare.map((r) => round(r.rps)),
    },
  };
}
