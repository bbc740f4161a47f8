import { haversineMeters } from '../../platform/geo/haversine.ts';

/** A learned duration or speed: exponentially weighted mean and a tracked high percentile. */
export interface Stat {
  mean: number;
  p90: number;
  samples: number;
}

/**
 * One step of a stochastic estimate of the quantile `q` of a stream: a sample on the rare side
 * (above the estimate for a high quantile, below it for a low one) moves it by `q/(1-q)` steps
 * (or `(1-q)/q`), a sample on the other side by one step back. It settles where a share `1-q` of
 * the samples lies above it: for the 90th percentile 9 steps up against 1 down, for the 5th 19
 * down against 1 up, for the median 1 against 1.
 */
export function trackQuantile(est: number, x: number, q: number, step: number): number {
  const rare = Math.max(q, 1 - q) / Math.min(q, 1 - q);
  if (q >= 0.5) return x > est ? est + rare * step : est - step;
  return x < est ? est - rare * step : est + step;
}

/**
 * One observation. The mean is an exponentially weighted moving average (recent weeks count more
 * than last year's); the 90th percentile follows `trackQuantile` with a step of 2 % of the mean.
 * The first samples use a plain running mean so a new store is not stuck near its prior.
 */
export function observe(s: Stat, x: number, alpha = 0.1): Stat {
  const n = s.samples + 1;
  const a = Math.max(alpha, 1 / n);
  const mean = s.mean + a * (x - s.mean);
  const step = Math.max(1, Math.abs(mean) * 0.02);
  const p90 = n === 1 ? x * 1.3 : trackQuantile(s.p90, x, 0.9, step * a);
  return { mean, p90: Math.max(mean, p90), samples: n };
}

export const coldStat = (mean: number, p90: number): Stat => ({ mean, p90, samples: 0 });

/**
 * A learned part of a delivery (a duration, a speed, an error): its exponentially weighted mean,
 * its mean absolute deviation from that mean, and its 5th and 95th percentiles.
 */
export interface Learned {
  mean: number;
  dev: number;
  lo: number;
  hi: number;
  samples: number;
}

export const LO_Q = 0.05;
export const HI_Q = 0.95;
/** The 95th percentile of a normal distribution, in mean absolute deviations from its mean. */
export const NORMAL_TAIL = 2.06;
/** How fast the percentiles' distance from the mean, in deviations, follows the samples. */
const SHAPE_STEP = 0.015;

/** A prior: `mean`, with 90 % of the values within `spread` of it (as a normal distribution). */
export const priorOf = (mean: number, spread: number): Learned => ({
  mean,
  dev: spread / NORMAL_TAIL,
  lo: mean - spread,
  hi: mean + spread,
  samples: 0,
});

/**
 * One observation of a learned part. Mean and deviation are exponentially weighted (a plain
 * running mean for the first samples, so a prior does not linger); the percentiles are kept as
 * distances from the mean in deviations, each following `trackQuantile` by a small fixed step.
 * So the window they make moves with the mean and scales with the deviation at once (a slower
 * hour, a wider spread), while its shape (how skewed, how heavy the tails) is learned slowly.
 */
export function observeLearned(s: Learned, x: number, alpha = 0.1): Learned {
  const n = s.samples + 1;
  const a = Math.max(alpha, 1 / n);
  const dev0 = Math.max(s.dev, 1e-6);
  const z = (x - s.mean) / dev0;
  const up = trackQuantile((s.hi - s.mean) / dev0, z, HI_Q, SHAPE_STEP);
  const down = -trackQuantile((s.lo - s.mean) / dev0, z, LO_Q, SHAPE_STEP);
  const mean = s.mean + a * (x - s.mean);
  const dev = s.dev + a * (Math.abs(x - s.mean) - s.dev);
  return {
    mean,
    dev,
    lo: mean - Math.max(0, down) * dev,
    hi: mean + Math.max(0, up) * dev,
    samples: n,
  };
}

/** Samples after which a learned value stands on its own; before, it is blended with its fallback. */
export const TRUSTED_SAMPLES = 20;

/**
 * A learned value over its fallback: the fallback alone without samples, the learned value alone
 * from `TRUSTED_SAMPLES` on, linearly between. Chained from the general to the specific (the
 * fleet, then the store, then the store at this hour), a brand-new store starts from what the
 * others taught and moves to its own numbers as they come.
 */
export function over(fallback: Learned, learned: Learned | null | undefined): Learned {
  if (!learned || learned.samples <= 0) return fallback;
  const w = Math.min(1, learned.samples / TRUSTED_SAMPLES);
  const mix = (a: number, b: number) => a + w * (b - a);
  return {
    mean: mix(fallback.mean, learned.mean),
    dev: mix(fallback.dev, learned.dev),
    lo: mix(fallback.lo, learned.lo),
    hi: mix(fallback.hi, learned.hi),
    // The samples of the best-learned level it stands on (fleet, store, hour: the same orders).
    samples: Math.max(fallback.samples, learned.samples),
  };
}

export interface Fix {
  driverId: string;
  at: number;
  lat: number;
  lng: number;
}

/**
 * Speeds (m/s, along the straight line) between consecutive history points of each driver, while
 * moving: pauses (at the store, at a door) and gaps (phone off) say nothing about travel speed.
 * `scale` turns a segment's speed into the one it stands for (times the traffic and weather factor
 * that held, for the speed of a free street).
 */
export function segmentSpeeds(
  fixes: readonly Fix[],
  opts: { minGapS?: number; maxGapS?: number; minSpeed?: number; maxSpeed?: number } = {},
  scale: (a: Fix, b: Fix) => number = () => 1,
): number[] {
  const { minGapS = 5, maxGapS = 120, minSpeed = 1, maxSpeed = 40 } = opts;
  const byDriver = new Map<string, Fix[]>();
  for (const f of fixes) {
    const list = byDriver.get(f.driverId) ?? [];
    list.push(f);
    byDriver.set(f.driverId, list);
  }
  const out: number[] = [];
  for (const list of byDriver.values()) {
    list.sort((a, b) => a.at - b.at);
    for (let i = 1; i < list.length; i++) {
      const a = list[i - 1] as Fix;
      const b = list[i] as Fix;
      const dt = (b.at - a.at) / 1000;
      if (dt < minGapS || dt > maxGapS) continue;
      const v = haversineMeters(a.lat, a.lng, b.lat, b.lng) / dt;
      if (v >= minSpeed && v <= maxSpeed) out.push(v * scale(a, b));
    }
  }
  return out;
}
