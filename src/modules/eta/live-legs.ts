import type { Conditions, Traveller } from './conditions.ts';
import type { LatLng, Legs, Phase } from './eta-math.ts';
import type { TravelTimes } from './travel-times.ts';

/** What a live estimate needs to know of the order's way now. */
export interface LiveWay {
  phase: Phase;
  store: LatLng;
  dropoff: LatLng;
  driver: (LatLng & { vehicle: Traveller }) | null;
  /** The doors the trip stops at before this one (a batched order), in order. */
  stopsBefore: readonly LatLng[];
}

/**
 * The legs a live estimate still has ahead, from the travel-time provider, each times the traffic
 * and weather on it now; the doubt they add is the sum of the legs' (s). Only the legs that count
 * in this phase are asked for: after pickup the driver's way to the door; before, the ride from the
 * store (the driver's vehicle, or the fleet's with none) and the driver's way to the store.
 */
export async function liveLegs(
  travel: TravelTimes,
  conditions: Conditions,
  w: LiveWay,
  now: number,
): Promise<Legs> {
  if (w.phase === 'done') return {};
  const who: Traveller = w.driver?.vehicle ?? 'fleet';
  const leg = async (from: LatLng, to: LatLng) => {
    const free = await travel.leg({ from, to, who, at: now });
    const c = conditions.leg(from, to, now, who);
    return { s: free.seconds * c.factor, doubt: free.seconds * c.spread };
  };
  // To the door through the trip's earlier doors: a leg between each two in turn.
  const way = async (from: LatLng) => {
    const points = [from, ...w.stopsBefore, w.dropoff];
    const legs = await Promise.all(points.slice(1).map((p, k) => leg(points[k] as LatLng, p)));
    return legs.reduce((a, l) => ({ s: a.s + l.s, doubt: a.doubt + l.doubt }), { s: 0, doubt: 0 });
  };
  if (w.phase === 'to_customer') {
    const toDoor = await way(w.driver ?? w.store);
    return { toDoorS: toDoor.s, doubtS: toDoor.doubt };
  }
  const [ride, toStore] = await Promise.all([
    way(w.store),
    w.driver ? leg(w.driver, w.store) : null,
  ]);
  return {
    rideS: ride.s,
    ...(toStore ? { toStoreS: toStore.s } : {}),
    doubtS: ride.doubt + (toStore?.doubt ?? 0),
  };
}
