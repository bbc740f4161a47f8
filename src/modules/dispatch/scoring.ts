import type { DispatchWeights } from '../../platform/config.ts';
import type { Vehicle } from '../drivers/index.ts';
import { distanceM, type LatLng, PLANNING_PACE, type TravelPace } from '../eta/index.ts';

const VEHICLE_RANK: Record<Vehicle, number> = { bike: 0, scooter: 1, car: 2 };
/** The smallest vehicle class that can carry this many items. */
const CLASS_LIMITS: ReadonlyArray<[Vehicle, number]> = [
  ['bike', 15],
  ['scooter', 25],
  ['car', Number.POSITIVE_INFINITY],
];

export interface Candidate {
  driverId: string;
  distanceM: number;
  vehicle: Vehicle;
  capacityItems: number;
  acceptanceRate: number;
  /** Seconds since the driver's last job ended (or went available). */
  idleS: number;
  /** Where the driver is (for the traffic and weather on the way to the store). */
  at?: LatLng;
}

export interface Scored extends Candidate {
  score: number;
  pickupS: number;
}

/** What the driver would carry: the bag's size and the distance from the store through its drop-offs. */
export interface Job {
  items: number;
  /** Straight-line metres from the store through the drop-offs in order (0 when unknown). */
  carryM: number;
  /** The store and the last drop-off, for the conditions on the way. */
  pickup?: LatLng;
  lastStop?: LatLng;
  /**
   * Seconds over a straight-line distance by each vehicle: the learned speeds under the traffic
   * and weather now (`etaFor(ctx).pace()`); the planning speeds when not given.
   */
  pace?: TravelPace;
}

/** Seconds from the driver to the store, and on through the drop-offs, by the candidate's vehicle. */
function legsS(c: Candidate, job: Job): { pickupS: number; carryS: number } {
  const pace = job.pace ?? PLANNING_PACE;
  return {
    pickupS: pace.seconds(c.distanceM, c.vehicle, c.at, job.pickup),
    carryS: pace.seconds(job.carryM, c.vehicle, job.pickup, job.lastStop),
  };
}

/** Straight-line metres from `from` through `stops` in order. */
export function carryM(from: LatLng, stops: readonly LatLng[]): number {
  let m = 0;
  let at = from;
  for (const s of stops) {
    m += distanceM(at, s);
    at = s;
  }
  return m;
}

/** Ten minutes of travel weigh one unit of score; idle time saturates at an hour. */
const TRAVEL_NORM_S = 600;
const IDLE_NORM_S = 3600;

/**
 * Lower is better. Travel time until the bag reaches the door at the driver's vehicle speed, under
 * the traffic and weather on the way (the way to the store, then the way through the drop-offs: a
 * faster vehicle saves the customer time on both, and in the rain a bike loses more than a car),
 * the driver's acceptance rate, vehicle fit (a car for a bag of three wastes the car; a bike for sixty
 * items cannot carry them) and fairness (whoever waited longest since their last job) are weighed by
 * the configured weights. A driver whose vehicle cannot carry the items is not a candidate (null).
 */
export function scoreCandidate(c: Candidate, job: Job, w: DispatchWeights): Scored | null {
  const { items } = job;
  if (items > c.capacityItems) return null;
  const needed = CLASS_LIMITS.find(([, limit]) => items <= limit)?.[0] ?? 'car';
  const oversize = Math.max(0, VEHICLE_RANK[c.vehicle] - VEHICLE_RANK[needed]);
  const { pickupS, carryS } = legsS(c, job);
  const score =
    w.travel * ((pickupS + carryS) / TRAVEL_NORM_S) +
    w.acceptance * (1 - c.acceptanceRate) +
    w.vehicle * (oversize / 2) +
    w.fairness * (1 - Math.min(c.idleS, IDLE_NORM_S) / IDLE_NORM_S);
  return { ...c, score, pickupS };
}

/** Candidates that can take the trip, best first (ties: nearer, then id for a stable order). */
export function rankCandidates(cs: readonly Candidate[], job: Job, w: DispatchWeights): Scored[] {
  return cs
    .map((c) => scoreCandidate(c, job, w))
    .filter((s): s is Scored => s !== null)
    .sort(
      (a, b) =>
        a.score - b.score || a.distanceM - b.distanceM || (a.driverId < b.driverId ? -1 : 1),
    );
}

/**
 * The greedy baseline's order: nearest to the store first (ties: id), whatever the acceptance rate,
 * vehicle fit or idle time. The score is the distance in metres. Capacity still applies: a driver
 * who cannot carry the items cannot take the trip under any strategy.
 */
export function rankNearest(cs: readonly Candidate[], job: Job): Scored[] {
  return cs
    .filter((c) => job.items <= c.capacityItems)
    .map((c) => ({
      ...c,
      score: c.distanceM,
      pickupS: legsS(c, job).pickupS,
    }))
    .sort((a, b) => a.distanceM - b.distanceM || (a.driverId < b.driverId ? -1 : 1));
}
