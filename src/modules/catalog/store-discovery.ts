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

const etaSecondsOf = (s: StoreRow, distanceM: number) =>
  s.avg_prep_s + (distanceM * DETOUR) / COURIER_SPEED_MPS;

/** A store as discovery answers it: where it is, how far, and how soon it could deliver. */
export function nearbyView(s: StoreRow, distanceM: number) {
  return {
    id: s.id,
    name: s.name,
    address: s.address,
    lat: s.lat,
    lng: s.lng,
    distance_m: Math.round(distanceM),
    eta_minutes: Math.ceil(etaSecondsOf(s, distanceM) / 60),
    avg_prep_minutes: Math.round(s.avg_prep_s / 60),
  };
}
export type NearbyStoreView = ReturnType<typeof nearbyView>;

/** Where a store stands in the nearby order: soonest arrival, then nearest, then id. */
type Rank = readonly [etaS: number, distanceM: number, id: string];
const compareRanks = (a: Rank, b: Rank) =>
  a[0] - b[0] || a[1] - b[1] || (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0);

/**
 * Of a cell's candidate stores, those that deliver to the point, lie within `radiusM` and are open
 * at `now`, soonest arrival first (then nearest), the first `limit` after the rank `after` (the
 * last of the previous page); `next` is the rank to continue after, null when none follow.
 */
export function rankNearby(
  candidates: readonly StoreRow[],
  at: { lat: number; lng: number; radiusM: number; limit: number; after?: Rank },
  now: number,
): { items: NearbyStoreView[]; next: Rank | null } {
  const { lat, lng, after } = at;
  const ranked = candidates
    .filter((s) => s.status === 'open' && zoneCovers(zoneOf(s), lat, lng))
    .map((s) => {
      const distance = haversineMeters(s.lat, s.lng, lat, lng);
      return { s, distance, rank: [etaSecondsOf(s, distance), distance, s.id] as const };
    })
    .filter((x) => x.distance <= at.radiusM && isOpenAt(x.s.opening_hours, x.s.timezone, now))
    .filter((x) => !after || compareRanks(x.rank, after) > 0)
    .sort((a, b) => compareRanks(a.rank, b.rank));
  const page = ranked.slice(0, at.limit);
  const last = page.at(-1);
  return {
    items: page.map(({ s, distance }) => nearbyView(s, distance)),
    next: ranked.length > at.limit && last ? last.rank : null,
  };
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
