import type { TripRow } from './dispatch-tables.ts';
import type { DispatcherEnv } from './dispatcher-env.ts';
import { assign } from './matching.ts';
import { radiusOf, rankFor } from './offering.ts';

/**
 * The driver each trip of a dispatcher pass should be offered first: the trips due together (in
 * the look-ahead window) and their candidates, matched at the least total score (matching.ts),
 * instead of each trip taking its best driver in turn. A trip left without one is worked as
 * before (next candidates, a wider radius). Only trips that may still make an offer this round.
 */
export async function matchDue(
  env: DispatcherEnv,
  trips: readonly TripRow[],
): Promise<Map<string, string>> {
  const open = trips.filter((tr) => tr.offers_in_round < env.settings.offersPerRound);
  if (open.length < 2) return new Map();
  const ranked = await Promise.all(
    open.map(async (trip) => (await rankFor(env, trip, radiusOf(env, trip))).ranked),
  );
  const drivers = [...new Set(ranked.flatMap((r) => r.map((c) => c.driverId)))];
  const cost = ranked.map((r) => {
    const scoreOf = new Map(r.map((c) => [c.driverId, c.score]));
    return drivers.map((d) => scoreOf.get(d) ?? Number.POSITIVE_INFINITY);
  });
  const out = new Map<string, string>();
  assign(cost).forEach((col, i) => {
    const trip = open[i];
    const driver = col === null ? undefined : drivers[col];
    if (trip && driver) out.set(trip.id, driver);
  });
  return out;
}
