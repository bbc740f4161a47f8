import type { TripRow } from './dispatch-tables.ts';
import type { DispatcherEnv } from './dispatcher-env.ts';
import { assign } from './matching.ts';
import { type FirstChoice, radiusOf, rankFor } from './offering.ts';

/**
 * The driver each trip of a dispatcher pass should be offered first: the trips due together (in
 * the look-ahead window) and their candidates, matched at the least total score (matching.ts),
 * instead of each trip taking its best driver in turn. A trip left without one is worked as
 * before (next candidates, a wider radius). Only trips that may still make an offer this round.
 */
export async function matchDue(
  env: DispatcherEnv,
  trips: readonly TripRow[],
): Promise<Map<string, FirstChoice>> {
  const open = trips.filter((tr) => tr.offers_in_round < env.settings.offersPerRound);
  if (open.length < 2) return new Map();
  const searches = await Promise.all(open.map((trip) => rankFor(env, trip, radiusOf(env, trip))));
  const drivers = [...new Set(searches.flatMap((s) => s.ranked.map((c) => c.driverId)))];
  const cost = searches.map((s) => {
    const scoreOf = new Map(s.ranked.map((c) => [c.driverId, c.score]));
    return drivers.map((d) => scoreOf.get(d) ?? Number.POSITIVE_INFINITY);
  });
  const out = new Map<string, FirstChoice>();
  assign(cost).forEach((col, i) => {
    const trip = open[i];
    const preferred = col === null ? undefined : drivers[col];
    if (trip && preferred) out.set(trip.id, { preferred, search: searches[i] });
  });
  return out;
}
