import { AppError } from '../../platform/errors.ts';
import { distanceM } from '../eta/index.ts';
import type { TripRow } from './dispatch-tables.ts';
import type { DispatcherEnv } from './dispatcher-env.ts';
import { advance, radiusOf, rankFor } from './offering.ts';
import { reopenTrip } from './trip-reopen.ts';

/** A driver gets this long after accepting before a re-plan may take the trip back. */
const SETTLE_S = 20;
/** Trips looked at per pass. */
const PER_PASS = 20;

/**
 * Whether the trip is worth taking back: its driver would reach the store `gainS` or more after
 * its bags are ready, and a free candidate would get there `gainS` or more sooner. The seconds the
 * bags would wait otherwise, or null when the trip stays with its driver.
 */
export function replanGainS(o: {
  now: number;
  /** When the last bag of the trip is expected ready (epoch ms). */
  readyAt: number;
  /** Seconds until the assigned driver reaches the store, and until the best free one would. */
  assignedS: number;
  bestS: number;
  gainS: number;
}): number | null {
  const bagWaitS = (o.now + o.assignedS * 1000 - o.readyAt) / 1000;
  const soonerS = o.assignedS - o.bestS;
  return bagWaitS >= o.gainS && soonerS >= o.gainS ? Math.min(bagWaitS, soonerS) : null;
}

/**
 * Seconds until `driverId` reaches the trip's store at their vehicle's pace (its learned speed
 * under the traffic and weather on the way), as the candidates are scored; null when unknown.
 */
async function assignedDriverS(env: DispatcherEnv, trip: TripRow, driverId: string) {
  const [at, driver, pace] = await Promise.all([
    env.drivers.positions.get(driverId),
    env.drivers.service.find(driverId),
    env.pace(),
  ]);
  if (!at || !driver || env.clock.now() - at.at > env.staleS * 1000) return null;
  const store = { lat: trip.pickup_lat, lng: trip.pickup_lng };
  return pace.seconds(distanceM(at, store), driver.vehicle, at, store);
}

/**
 * Re-plans one trip if it is worth it: takes it back from a driver still far from the store when
 * a free driver would get there much sooner and the bags would otherwise wait, and offers it to
 * that driver first. The old driver hears `trip_unassigned` and is not asked again in this cycle.
 * The candidates are searched only for a trip whose bags would wait long enough for its driver.
 */
async function replanOne(env: DispatcherEnv, trip: TripRow, gainS: number): Promise<boolean> {
  const driverId = trip.driver_id;
  if (!driverId) return false;
  const [assignedS, stops] = await Promise.all([
    assignedDriverS(env, trip, driverId),
    env.repo.deliveriesOfTrip(trip.id),
  ]);
  if (assignedS === null) return false;
  const now = env.clock.now();
  const readyAt = Math.max(
    ...stops.map((d) => (d.order_ready ? now : d.ready_estimate_at.getTime())),
  );
  const worth = (bestS: number) => replanGainS({ now, readyAt, assignedS, bestS, gainS }) !== null;
  // Even a driver already at the store would not win enough.
  if (!worth(0)) return false;
  const search = await rankFor(env, trip, radiusOf(env, trip));
  const best = search.ranked[0];
  if (!best || !worth(best.pickupS)) return false;
  const reason = 'replanned: a driver nearer the store takes it';
  const reopened = await reopenTrip(env, trip.id, reason, {
    replan: { version: trip.version },
  }).catch((err: unknown) => {
    // Another worker's pass re-planned it, or the driver moved it, since it was read.
    if (err instanceof AppError && err.code === 'CONFLICT') return null;
    throw err;
  });
  if (!reopened) return false;
  const { trip: moved, freed } = reopened;
  if (freed)
    env.drivers.notify(
      freed,
      { type: 'trip_unassigned', trip_id: trip.id, reason },
      { id: moved.id, version: moved.version },
    );
  await advance(env, trip.id, { preferred: best.driverId, search });
  return true;
}

/**
 * One re-planning pass over the assigned trips whose driver has not reached the store yet (each
 * trip at most once in its life, `replanned_at`). Off when the gain setting is 0.
 */
export async function replanAssigned(env: DispatcherEnv): Promise<number> {
  const gainS = env.settings.replanGainS;
  if (!env.strategy.matches || gainS <= 0) return 0;
  const trips = await env.repo.replannable(new Date(env.clock.now() - SETTLE_S * 1000), PER_PASS);
  let replanned = 0;
  for (const trip of trips) {
    const done = await replanOne(env, trip, gainS).catch((err: unknown) => {
      env.logger.warn({ err, trip: trip.id }, 're-planning a trip failed; it stays as it was');
      return false;
    });
    if (done) replanned++;
  }
  return replanned;
}
