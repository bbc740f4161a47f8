/**
 * A histogram of durations with logarithmic bins (DDSketch's mapping): every quantile it answers
 * is within 1 % of a duration it was given, whatever their range, in a few hundred bins at most.
 * Sketches add up, so a minute's can be merged into an hour's.
 */
export interface LatencySketch {
  /** Bin index → how many durations fell in it. */
  bins: Map<number, number>;
  /** Durations under MIN_MS (read back as 0). */
  zeros: number;
  count: number;
  max: number;
}

/** The relative accuracy of a quantile. */
export const RELATIVE_ACCURACY = 0.01;
const GAMMA = (1 + RELATIVE_ACCURACY) / (1 - RELATIVE_ACCURACY);
const LOG_GAMMA = Math.log(GAMMA);
/** Below a microsecond a duration counts as nothing. */
const MIN_MS = 0.001;

export const newSketch = (): LatencySketch => ({ bins: new Map(), zeros: 0, count: 0, max: 0 });

export function addDuration(s: LatencySketch, ms: number): void {
  if (!(ms >= 0)) return;
  s.count += 1;
  if (ms > s.max) s.max = ms;
  if (ms < MIN_MS) {
    s.zeros += 1;
    return;
  }
  const bin = Math.ceil(Math.log(ms) / LOG_GAMMA);
  s.bins.set(bin, (s.bins.get(bin) ?? 0) + 1);
}

export function mergeSketch(into: LatencySketch, from: LatencySketch): void {
  into.count += from.count;
  into.zeros += from.zeros;
  if (from.max > into.max) into.max = from.max;
  for (const [bin, n] of from.bins) into.bins.set(bin, (into.bins.get(bin) ?? 0) + n);
}

/**
 * The `q` quantile (0 < q ≤ 1) by nearest rank: the duration at rank ⌈q·count⌉, read back as
 * its bin's middle (never above the largest duration seen); null for an empty sketch.
 */
export function quantile(s: LatencySketch, q: number): number | null {
  if (s.count === 0) return null;
  const rank = Math.max(1, Math.ceil(q * s.count));
  if (rank <= s.zeros) return 0;
  let seen = s.zeros;
  for (const bin of [...s.bins.keys()].sort((a, b) => a - b)) {
    seen += s.bins.get(bin) ?? 0;
    if (seen >= rank) return Math.min(s.max, (2 * GAMMA ** bin) / (GAMMA + 1));
  }
  return s.max;
}
