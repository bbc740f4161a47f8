import { haversineMeters } from '../../platform/geo/haversine.ts';

/** A learned duration or speed: exponentially weighted mean and a tracked high percentile. */
export interface Stat {
  mean: number;
  p90: number;
  samples: number;
}

/**
 * One observation. The mean is an exponentially weighted moving average (recent weeks count more
 * than last year's); the 90th percentile follows a stochastic quantile estimate: it moves up by
 * 9 steps for a sample above it and down by 1 for one below, so it settles where 10% lie above.
 * The first samples use a plain running mean so a new store is not stuck near its prior.
 */
export function observe(s: Stat, x: number, alpha = 0.1): Stat {
  const n = s.samples + 1;
  const a = Math.max(alpha, 1 / n);
  const mean = s.mean + a * (x - s.mean);
  const step = Math.max(1, Math.abs(mean) * 0.02);
  const p90 = n === 1 ? x * 1.3 : x > s.p90 ? s.p90 + 9 * step * a : s.p90 - step * a;
  return { mean, p90: Math.max(mean, p90), samples: n };
}

export const coldStat = (mean: number, p90: number): Stat => ({ mean, p90, samples: 0 });

export interface Fix {
  driverId: string;
  at: number;
  lat: number;
  lng: number;
}

/**
 * Speeds (m/s, along the straight line) between consecutive history points of each driver, while
 * moving: pauses (at the store, at a door) and gaps (phone off) say nothing about travel speed.
 */
export function segmentSpeeds(
  fixes: readonly Fix[],
  opts: { minGapS?: number; maxGapS?: number; minSpeed?: number; maxSpeed?: number } = {},
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
      if (v >= minSpeed && v <= maxSpeed) out.push(v);
    }
  }
  return out;
}
