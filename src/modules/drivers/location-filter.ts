import { haversineMeters } from '../../platform/geo/haversine.ts';

/** One position report from the driver app; `at` is when it was recorded (epoch ms). */
export interface LocationPoint {
  lat: number;
  lng: number;
  at: number;
  accuracyM?: number | undefined;
  headingDeg?: number | undefined;
  speedMps?: number | undefined;
}

/** The last point accepted for a driver: what the next one is checked against. */
export interface LastFix {
  lat: number;
  lng: number;
  at: number;
  accuracyM?: number | undefined;
}

/** Faster than any delivery vehicle moves in a city (250 km/h): a jump beyond it is a bad fix. */
export const MAX_SPEED_MPS = 70;
/** Metres of GPS noise always allowed on top of the reported accuracies. */
const NOISE_M = 30;
/** After this long without an accepted point, the next one starts afresh (the phone was off). */
const RESET_AFTER_MS = 5 * 60_000;

export interface FilterResult {
  accepted: LocationPoint[];
  outOfOrder: number;
  impossibleJump: number;
  last: LastFix | null;
}

/**
 * Keeps the points that move the driver forward in time at a possible speed. The batch is one
 * upload, so it is ordered by recording time first; a point not newer than the last accepted one
 * (from this batch or an earlier one) is out of order, a point farther from the last accepted one
 * than `MAX_SPEED_MPS` allows (plus both accuracies and some noise) is an impossible jump.
 */
export function filterPoints(last: LastFix | null, points: readonly LocationPoint[]): FilterResult {
  const sorted = [...points].sort((a, b) => a.at - b.at);
  const accepted: LocationPoint[] = [];
  let outOfOrder = 0;
  let impossibleJump = 0;
  let prev = last;
  for (const p of sorted) {
    if (prev && p.at <= prev.at) {
      outOfOrder++;
      continue;
    }
    if (prev && p.at - prev.at < RESET_AFTER_MS) {
      const dist = haversineMeters(prev.lat, prev.lng, p.lat, p.lng);
      const allowed =
        (MAX_SPEED_MPS * (p.at - prev.at)) / 1000 +
        (prev.accuracyM ?? 0) +
        (p.accuracyM ?? 0) +
        NOISE_M;
      if (dist > allowed) {
        impossibleJump++;
        continue;
      }
    }
    accepted.push(p);
    prev = { lat: p.lat, lng: p.lng, at: p.at, accuracyM: p.accuracyM };
  }
  return { accepted, outOfOrder, impossibleJump, last: prev };
}
