import { haversineMeters } from '../../platform/geo/haversine.ts';

export interface LatLng {
  lat: number;
  lng: number;
}

/** City streets are longer than the straight line; the factor turns one into the other. */
export const DETOUR = 1.3;
/** Planning speeds in a city (m/s), per vehicle and for the fleet as a whole, until learned. */
export const PLANNING_SPEED_MPS = { bike: 4.5, scooter: 6.5, car: 6, fleet: 5.5 } as const;
/** Parking, stairs and the handover at the door. */
export const HANDOVER_S = 120;
/** Collecting the bag at the store once there. */
export const PICKUP_S = 60;

export type Phase = 'preparing' | 'to_customer' | 'done';

export interface EtaInput {
  now: number;
  phase: Phase;
  /** When the store expects the order packed (epoch ms). */
  readyAt: number;
  store: LatLng;
  dropoff: LatLng;
  /** The assigned driver's last position, if any. */
  driver: LatLng | null;
  /** The doors the trip stops at before this one (a batched order), in order. */
  stopsBefore?: readonly LatLng[];
  /** Travel speed (m/s) of the driver's vehicle at this hour, or the fleet's when none is assigned. */
  speedMps: number;
  /** Until a driver is assigned: how long one takes to reach the store after the offer. */
  unassignedPickupS: number;
  /** Spread of the preparation time (p90 − mean), for the window. */
  prepSpreadS: number;
  /**
   * What the delivered orders taught (`eta-model.ts`), when known: how long after "ready" the bag
   * leaves the store while no driver is assigned yet, the ride's speed along the straight line,
   * and the handover at the door.
   */
  learned?: { pickupLagS: number; straightMps: number; handoverS: number };
  /**
   * The legs' times from the travel-time provider under the traffic and weather that hold (s),
   * in place of the straight line at `speedMps`; `doubtS` widens the window either side.
   */
  legs?: Legs;
}

export interface Legs {
  /** The driver to the store (before pickup, with a driver). */
  toStoreS?: number;
  /** The store to the door: the driver's vehicle, or the fleet's ride with none. */
  rideS?: number;
  /** The driver to the door (after pickup). */
  toDoorS?: number;
  doubtS?: number;
}

export interface Eta {
  at: number;
  prep_s: number;
  to_store_s: number;
  to_customer_s: number;
  /** A window around `at` that widens with what is still uncertain. */
  from: number;
  to: number;
}

export const distanceM = (a: LatLng, b: LatLng) => haversineMeters(a.lat, a.lng, b.lat, b.lng);
/** Seconds to cover a straight-line distance on streets. */
export const travelSeconds = (straightM: number, speedMps: number) =>
  (straightM * DETOUR) / Math.max(0.5, speedMps);
export const travelS = (a: LatLng, b: LatLng, speedMps: number) =>
  travelSeconds(distanceM(a, b), speedMps);
/** The straight-line length of a way through these points, in order. */
export const pathM = (points: readonly LatLng[]) =>
  points.slice(1).reduce((m, p, i) => m + distanceM(points[i] as LatLng, p), 0);

/**
 * ETA = remaining preparation, overlapped with the driver's way to the store, then the way to the
 * customer and the handover. Before pickup the driver leaves the store at the later of "order
 * ready" and "driver there" (with no driver yet: "ready" plus the learned lag between ready and
 * pickup, when learned); after pickup only the way from the driver to the door is left. The
 * window is wider before pickup (preparation and dispatch may slip) than on the way.
 */
export function estimateArrival(i: EtaInput): Eta {
  if (i.phase === 'done')
    return { at: i.now, prep_s: 0, to_store_s: 0, to_customer_s: 0, from: i.now, to: i.now };
  const handoverS = i.learned?.handoverS ?? HANDOVER_S;
  const doubt = (i.legs?.doubtS ?? 0) * 1000;
  // A batched order's way to its door passes the trip's earlier doors, a handover at each.
  const stops = i.stopsBefore ?? [];
  const doorsS = handoverS * (stops.length + 1);
  if (i.phase === 'to_customer') {
    const from = i.driver ?? i.store;
    const toCustomer =
      (i.legs?.toDoorS ?? travelSeconds(pathM([from, ...stops, i.dropoff]), i.speedMps)) + doorsS;
    const at = i.now + toCustomer * 1000;
    return {
      at,
      prep_s: 0,
      to_store_s: 0,
      to_customer_s: Math.round(toCustomer),
      from: Math.max(i.now, at - toCustomer * 100 - doubt),
      to: at + toCustomer * 200 + doubt,
    };
  }
  const prep = Math.max(0, (i.readyAt - i.now) / 1000);
  const toStore = i.driver
    ? (i.legs?.toStoreS ?? travelS(i.driver, i.store, i.speedMps))
    : i.unassignedPickupS;
  const wayM = pathM([i.store, ...stops, i.dropoff]);
  const ride =
    i.legs?.rideS ??
    (!i.driver && i.learned
      ? wayM / Math.max(0.5, i.learned.straightMps)
      : travelSeconds(wayM, i.speedMps));
  const toCustomer = ride + doorsS;
  const leaveS =
    !i.driver && i.learned
      ? Math.max(PICKUP_S, (i.readyAt - i.now) / 1000 + i.learned.pickupLagS)
      : Math.max(prep, toStore) + PICKUP_S;
  const at = i.now + (leaveS + toCustomer) * 1000;
  const slack = i.prepSpreadS + (i.driver ? 0 : 120);
  return {
    at,
    prep_s: Math.round(prep),
    to_store_s: Math.round(toStore),
    to_customer_s: Math.round(toCustomer),
    from: Math.max(i.now, at - Math.min(slack, leaveS) * 500 - doubt),
    to: at + slack * 1000 + doubt,
  };
}

/** The naive ETA the simulator compares against: straight-line distance at a fixed speed, no preparation. */
export function naiveArrival(now: number, from: LatLng, dropoff: LatLng, speedMps = 5): number {
  return now + (haversineMeters(from.lat, from.lng, dropoff.lat, dropoff.lng) / speedMps) * 1000;
}

/** Whether a new ETA differs enough from the last one pushed to be worth a message. */
export const worthPushing = (lastPushedAt: number | null, next: number, thresholdS = 60) =>
  lastPushedAt === null || Math.abs(next - lastPushedAt) >= thresholdS * 1000;
