import { haversineMeters } from '../../platform/geo/haversine.ts';
import { zoneCovers } from './coverage.ts';
import { isOpenAt } from './opening-hours.ts';
import type { StoreRow } from './stores.repository.ts';
import { zoneOf } from './store-view.ts';

/** Travel speed and detour used to rank stores by arrival before the ETA module learns real ones. */
const COURIER_SPEED_MPS = 18_000 / 3600;
const DETOUR = 1.35;
export const DEFAULT_NEARBY_RADIUS_M = 8047;
export const MAX_NEARBY_RADIUS_M = 50_000;
export const DEFAULT_NEARBY_LIMIT = 20;
export const MAX_NEARBY_LIMIT = 100;

/**
 * Of a cell's candidate stores, those that deliver to the point, lie within `radiusM` and are open
 * at `now`, soonest arrival first (then nearest), at most `limit`.
 */
export function rankNearby(
  candidates: readonly StoreRow[],
  at: { lat: number; lng: number; radiusM: number; limit: number },
  now: number,
) {
  const { lat, lng } = at;
  return candidates
    .filter((s) => s.status === 'open' && zoneCovers(zoneOf(s), lat, lng))
    .map((s) => {
      const distance = haversineMeters(s.lat, s.lng, lat, lng);
      const etaS = s.avg_prep_s + (distance * DETOUR) / COURIER_SPEED_MPS;
      return { s, distance, etaS };
    })
    .filter((x) => x.distance <= at.radiusM && isOpenAt(x.s.opening_hours, x.s.timezone, now))
    .sort((a, b) => a.etaS - b.etaS || a.distance - b.distance)
    .slice(0, at.limit)
    .map(({ s, distance, etaS }) => ({
      id: s.id,
      name: s.name,
      address: s.address,
      lat: s.lat,
      lng: s.lng,
      distance_m: Math.round(distance),
      eta_minutes: Math.ceil(etaS / 60),
      avg_prep_minutes: Math.round(s.avg_prep_s / 60),
    }));
}

/** Of a cell's candidate stores, those whose zone covers the point, with distance and open now. */
export function covering(candidates: readonly StoreRow[], lat: number, lng: number, now: number) {
  return candidates
    .filter((s) => zoneCovers(zoneOf(s), lat, lng))
    .map((s) => ({
      row: s,
      distanceM: haversineMeters(s.lat, s.lng, lat, lng),
      open: s.status === 'open' && isOpenAt(s.opening_hours, s.timezone, now),
    }));
}

/** Whether the store is open now and delivers to the point (checkout's gate). */
export function deliveryCheckOf(s: StoreRow, lat: number, lng: number, now: number) {
  return {
    open: s.status === 'open' && isOpenAt(s.opening_hours, s.timezone, now),
    covers: zoneCovers(zoneOf(s), lat, lng),
  };
}
