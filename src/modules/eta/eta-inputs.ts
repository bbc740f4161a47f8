import type { Clock } from '../../platform/context.ts';
import type { Db } from '../../platform/db/pool.ts';
import { conditionsService } from './conditions.service.ts';
import { type Eta, estimateArrival, type LatLng, type Phase } from './eta-math.ts';
import {
  type CheckoutInput,
  FLEET,
  hourOf,
  learnedParts,
  lookupKeys,
  rideSpeedOf,
  zoneOf,
} from './eta-model.ts';
import { learnedStats } from './eta-stats.ts';
import { etaRepository } from './eta.repository.ts';
import { liveLegs } from './live-legs.ts';
import { straightLine, type TravelTimes } from './travel-times.ts';
import { asTraveller } from './weather-slowdown.ts';

/** Until a driver is assigned and nothing is learned: the time for one to reach the store. */
const UNASSIGNED_PICKUP_S = 300;

export interface EtaDeps {
  db: Db;
  clock: Clock;
  /** The routing adapter over the straight line (its fallback), when a routing service is set. */
  routing?: (straight: TravelTimes) => TravelTimes;
}

export interface EtaRequest {
  phase: Phase;
  storeId: string;
  store: LatLng;
  dropoff: LatLng;
  /** Expected ready time if known (dispatch's estimate or the store's mark); else learned from the store. */
  readyAt: number | null;
  /** When the store accepted (preparation starts). */
  acceptedAt: number | null;
  driver: (LatLng & { vehicle: string }) | null;
  /** The store's configured average preparation time, the prior for a store with no history. */
  defaultPrepS: number;
  /** The store's orders not yet picked up when this one was placed (null: not known). */
  backlog: number | null;
  /** The doors its trip stops at before this one (a batched order), in order. */
  stopsBefore: readonly LatLng[];
}

/** An order as the checkout model sees it before the clock and the speeds are read. */
export type OrderAt = Omit<CheckoutInput, 'now' | 'streetSpeedMps'>;

/**
 * What every estimate reads, each cached in process: the learned statistics, the conditions, and
 * the travel-time provider (the straight line at the learned speeds, or the routing service over
 * it).
 */
export function etaInputs(deps: EtaDeps) {
  const repo = etaRepository(deps.db);
  const stats = learnedStats(repo, deps.clock);
  // The weather's learned slowdowns are read with the conditions, in their cache.
  const conditions = conditionsService({
    ...deps,
    learnedWeather: () => repo.learnedOfKind('weather'),
  });

  /** The checkout model's view of an order placed at `now` (its statistics read first). */
  async function modelInput(o: OrderAt, now: number) {
    const look = await stats.lookup(lookupKeys(o.storeId, o.dropoff, o.backlog));
    const streetSpeedMps = await stats.speedMps(null, hourOf(now));
    const { storeId, store, dropoff, defaultPrepS, backlog } = o;
    return { look, input: { storeId, store, dropoff, defaultPrepS, backlog, now, streetSpeedMps } };
  }

  const straight = straightLine({
    vehicleMps: (vehicle, hour) => stats.speedMps(vehicle, hour),
    async rideMps(to, at) {
      const look = await stats.lookup([zoneOf(to), FLEET]);
      return rideSpeedOf(look, to, at, await stats.speedMps(null, hourOf(at))).mean;
    },
  });
  const travel = deps.routing ? deps.routing(straight) : straight;

  /**
   * The checkout model's view with the provider's ride (unless `routed` is false: learning a part
   * that is not the whole delivery needs none) and the conditions on it.
   */
  async function checkoutInput(o: OrderAt, now: number, routed = true) {
    const [{ look, input }, held, ride] = await Promise.all([
      modelInput(o, now),
      conditions.current(),
      routed ? travel.leg({ from: o.store, to: o.dropoff, who: 'fleet', at: now }) : null,
    ]);
    const rideConditions = (at: number, freeS: number) =>
      held.during(o.store, o.dropoff, at, freeS, 'fleet');
    return { look, held, input: { ...input, rideS: ride?.seconds, rideConditions } };
  }

  return { repo, stats, conditions, travel, modelInput, checkoutInput };
}

export type EtaInputs = ReturnType<typeof etaInputs>;

/** An order's live ETA: what is left of its way now, from its phase, its driver and what holds. */
export async function estimateWith(inputs: EtaInputs, now: number, r: EtaRequest): Promise<Eta> {
  const { stats, conditions, travel, modelInput } = inputs;
  const since = r.acceptedAt ?? now;
  const [{ look, input }, held] = await Promise.all([modelInput(r, since), conditions.current()]);
  const parts = learnedParts(look, input);
  const driver = r.driver ? { ...r.driver, vehicle: asTraveller(r.driver.vehicle) } : null;
  const readyAt = r.readyAt ?? since + parts.prep.mean * 1000;
  return estimateArrival({
    now,
    phase: r.phase,
    readyAt,
    store: r.store,
    dropoff: r.dropoff,
    driver: r.driver,
    stopsBefore: r.stopsBefore,
    speedMps: await stats.speedMps(r.driver?.vehicle ?? null, hourOf(now)),
    unassignedPickupS: UNASSIGNED_PICKUP_S,
    prepSpreadS: Math.max(60, parts.prep.hi - parts.prep.mean),
    learned: {
      pickupLagS: parts.lag.mean,
      straightMps: parts.speed.mean,
      handoverS: parts.handover.mean,
    },
    legs: await liveLegs(travel, held, { ...r, driver, rideFrom: readyAt }, now),
  });
}
