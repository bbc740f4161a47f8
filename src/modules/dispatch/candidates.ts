import { acceptanceRate } from '../drivers/index.ts';
import type { TripRow } from './dispatch-tables.ts';
import type { DispatcherEnv } from './dispatcher-env.ts';
import type { Candidate } from './scoring.ts';

const CANDIDATES_PER_SEARCH = 50;

/** Drivers who reported a position near `at` recently enough to be offered anything, nearest first. */
export const freshNear = (
  env: DispatcherEnv,
  at: { lat: number; lng: number },
  radiusM: number,
  limit: number,
) =>
  env.drivers.positions.search({
    lat: at.lat,
    lng: at.lng,
    radiusM,
    limit,
    freshSince: env.clock.now() - env.staleS * 1000,
  });

/** Candidates for a trip within `radiusM`: fresh, available, not yet asked in this cycle. */
export async function candidates(
  env: DispatcherEnv,
  trip: TripRow,
  radiusM: number,
): Promise<Candidate[]> {
  const t = env.clock.now();
  const hits = await freshNear(
    env,
    { lat: trip.pickup_lat, lng: trip.pickup_lng },
    radiusM,
    CANDIDATES_PER_SEARCH,
  );
  if (hits.length === 0) return [];
  const ids = hits.map((h) => h.id);
  const [excluded, available] = await Promise.all([
    env.repo.excludedDrivers(trip.id, trip.cycle, ids),
    env.drivers.service.available(ids),
  ]);
  const byId = new Map(available.map((d) => [d.id, d]));
  return hits.flatMap((h) => {
    const d = byId.get(h.id);
    if (!d || excluded.has(h.id)) return [];
    return [
      {
        driverId: d.id,
        distanceM: h.distanceM,
        vehicle: d.vehicle,
        capacityItems: d.capacity_items,
        acceptanceRate: acceptanceRate(d),
        idleS: Math.max(0, (t - (d.last_job_at ?? d.status_at).getTime()) / 1000),
        at: { lat: h.lat, lng: h.lng },
      },
    ];
  });
}
