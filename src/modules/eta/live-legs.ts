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
  /** When the bag is expected ready (epoch ms): the ride from the store starts no sooner. */
  rideFrom?: number;
}

/**
 * The legs a live estimate still has ahead, from the travel-time provider, each times the traffic
 * and weather on it as it will be driven (the ride from the store once the bag is ready and the
 * driver there, each leg after the one before); the doubt they add is the sum of the legs' (s).
 * Only the legs that count in this phase are asked for: after pickup the driver's way to the door;
 * before, the driver's way to the store and the ride from it (the driver's vehicle, or the fleet's
 * with none).
 */
export async function liveLegs(
  travel: TravelTimes,
  conditions: Conditions,
  w: LiveWay,
  now: number,
): Promise<Legs> {
  if (w.phase === 'done') return {};
  const who: Traveller = w.driver?.vehicle ?? 'fleet';
  const leg = async (from: LatLng, to: LatLng, startsAt: number) => {
    const free = await travel.leg({ from, to, who, at: startsAt });
    const c = conditions.during(from, to, startsAt, free.seconds, who);
    return { s: free.seconds * c.factor, doubt: free.seconds * c.spread };
  };
  // To the door through the trip's earlier doors: a leg between each two in turn.
  const way = async (from: LatLng, startsAt: number) => {
    const points = [from, ...w.stopsBefore, w.dropoff];
    const sum = { s: 0, doubt: 0 };
    for (let k = 1; k < points.length; k++) {
      const l = await leg(points[k - 1] as LatLng, points[k] as LatLng, startsAt + sum.s * 1000);
      sum.s += l.s;
      sum.doubt += l.doubt;
    }
    return sum;
  };
  if (w.phase === 'to_customer') {
    const toDoor = await way(w.driver ?? w.store, now);
    return { toDoorS: toDoor.s, doubtS: toDoor.doubt };
  }
  const toStore = w.driver ? await leg(w.driver, w.store, now) : null;
  const ride = await way(w.store, Math.max(now + (toStore?.s ?? 0) * 1000, w.rideFrom ?? now));
  return {
    rideS: ride.s,
    ...(toStore ? { toStoreS: toStore.s } : {}),
    doubtS: ride.doubt + (toStore?.doubt ?? 0),
  };
}
