import { randomInt } from 'node:crypto';
import { uuidv7 } from 'uuidv7';
import { HANDOVER_S, PLANNING_SPEED_MPS, type TravelPace, travelS } from '../eta/index.ts';
import { planBatch } from './batching.ts';
import { freshNear } from './candidates.ts';
import { emitDeliveryEvents } from './delivery-events.ts';
import type { ProofPolicy } from './delivery-state.ts';
import { DispatchEventDefs } from './dispatch.events.ts';
import { type DispatchRepository, dispatchRepository } from './dispatch.repository.ts';
import type { DeliveryRow, TripRow } from './dispatch-tables.ts';
import type { DispatcherEnv } from './dispatcher-env.ts';
import { newTrip } from './trips.repository.ts';

/** For an order placed without a promise: the margin beyond the plan. */
const PROMISE_BUFFER_S = 300;
/** Drivers nearest the store looked at to estimate when an offer must go out. */
const PICKUP_ESTIMATE_POOL = 20;

const orderStatusesToPlan = new Set(['accepted', 'preparing', 'ready']);

type LatLng = { lat: number; lng: number };

/**
 * Free drivers within this reach of the store (at a bike's pace) that make batching needless: a
 * batch costs its second customer a handover and a detour (2–3 min), worth it only to spare a
 * driver the platform is short of.
 */
const PLENTY_REACH_S = 300;
const PLENTY_DRIVERS = 3;

/**
 * The drivers available near the store now, as trip timing and batching see them: `pickupS`, the
 * seconds from sending offers to a driver reaching the store: from the second-nearest available
 * driver (the nearest may decline or be passed over by the score), at the slowest vehicle's pace
 * (under the traffic and weather on the way), after one offer left to expire. Drivers on a job do
 * not count: in a rush they crowd the stores, and timing offers to them would leave the bag
 * waiting. Early rather than late: a driver waiting a minute at the counter costs less than a
 * customer's bag waiting for a driver. `plenty`: `PLENTY_DRIVERS` of them within
 * `PLENTY_REACH_S`, so a new order gets its own driver rather than a place in a batch.
 */
async function supplyNear(
  env: DispatcherEnv,
  at: LatLng,
  pace: TravelPace,
): Promise<{ pickupS: number; plenty: boolean }> {
  const near = await freshNear(env, at, env.maxRadius, PICKUP_ESTIMATE_POOL).catch(() => []);
  const free = new Set(
    near.length > 0
      ? (await env.drivers.service.available(near.map((h) => h.id)).catch(() => [])).map(
          (d) => d.id,
        )
      : [],
  );
  const byDistance = near.filter((h) => free.has(h.id)).sort((a, b) => a.distanceM - b.distanceM);
  const reachS = (h: (typeof byDistance)[number]) => pace.seconds(h.distanceM, 'bike', h, at);
  const plenty = byDistance.filter((h) => reachS(h) <= PLENTY_REACH_S).length >= PLENTY_DRIVERS;
  // Nobody free nearby: offer at once, the search widens from there.
  const likely = byDistance[1] ?? byDistance[0];
  if (!likely) return { pickupS: Number.POSITIVE_INFINITY, plenty };
  return { pickupS: reachS(likely) + env.settings.offerTtlS, plenty };
}

/** The new order as batching and trip timing see it. */
interface NewStop {
  storeId: string;
  store: LatLng;
  dropoff: LatLng;
  readyAt: number;
  promisedAt: number;
  items: number;
  /** When a trip leaving the store at `leave` starts offering. */
  offerAt: (leave: number) => Date;
  pace: TravelPace;
}

/**
 * Adds the new order to the first open single-delivery trip of its store that `planBatch` allows
 * (retimed to leave when both orders are ready); undefined when none does. Inside the planning
 * transaction, which holds those trips locked.
 */
async function joinBatch(
  env: DispatcherEnv,
  tx: DispatchRepository,
  stop: NewStop,
): Promise<TripRow | undefined> {
  const { store, dropoff, readyAt, promisedAt, items, offerAt } = stop;
  let trip: TripRow | undefined;
  for (const candidate of env.strategy.batches ? await tx.batchableTrips(stop.storeId) : []) {
    const [other] = await tx.deliveriesOfTrip(candidate.id);
    if (!other || other.status !== 'pending') continue;
    const plan = planBatch(
      store,
      {
        id: other.id,
        dropoff: { lat: other.dropoff_lat, lng: other.dropoff_lng },
        readyAt: other.ready_estimate_at.getTime(),
        promisedAt: other.promised_at.getTime(),
      },
      { id: 'new', dropoff, readyAt, promisedAt },
      env.settings.batchMarginS,
      stop.pace,
    );
    if (!plan.ok) continue;
    const dispatchAt = offerAt(Math.max(readyAt, other.ready_estimate_at.getTime()));
    trip = await tx.updateTrip(candidate.id, candidate.version, {
      items: candidate.items + items,
      dispatch_at: dispatchAt,
      next_attempt_at: candidate.status === 'scheduled' ? dispatchAt : candidate.next_attempt_at,
    });
    if (trip) break;
  }
  return trip;
}

/**
 * What the handover of an order needs: the PIN when the customer must be the one at the door
 * (age-restricted items, a total above the setting), else the PIN or a photo of the bag left.
 */
export const proofPolicy = (ageRestricted: boolean, totalMinor: number, aboveMinor: number) =>
  ageRestricted || totalMinor > aboveMinor ? ('pin' as const) : ('pin_or_photo' as const);

/** The delivery row of an order joining `tripId`: pending, with a fresh handover PIN. */
function newDelivery(
  order: {
    id: string;
    store_id: string;
    customer_id: string;
    delivery_address: string;
    status: string;
  },
  tripId: string,
  stop: NewStop,
  handover: { ageRestricted: boolean; proof: ProofPolicy },
  t: Date,
): DeliveryRow {
  return {
    id: uuidv7(),
    order_id: order.id,
    trip_id: tripId,
    store_id: order.store_id,
    customer_id: order.customer_id,
    dropoff_lat: stop.dropoff.lat,
    dropoff_lng: stop.dropoff.lng,
    dropoff_address: order.delivery_address,
    items: stop.items,
    age_restricted: handover.ageRestricted,
    proof: handover.proof,
    pin_failures: 0,
    pin_locked_at: null,
    status: 'pending',
    driver_id: null,
    pin: String(randomInt(0, 10_000)).padStart(4, '0'),
    order_ready: order.status === 'ready',
    ready_estimate_at: new Date(stop.readyAt),
    promised_at: new Date(stop.promisedAt),
    proof_photo_ref: null,
    age_checked: null,
    reason: null,
    rating: null,
    created_at: t,
    status_at: t,
    version: 1,
  };
}

/**
 * How early a trip is offered, in mean deviations below the mean preparation: a bag ready before
 * its courier waits on the customer's clock, a courier before the bag on the platform's. With
 * free couriers plenty near the store (an early one takes nobody's order), about the 10th
 * percentile of the learned preparation; short of them, about the 30th, so most bags still find
 * their courier at the counter while the courier waits less. Preparation times are skewed and
 * spread (a quarter of the mean is common): offered for the mean, half the bags would wait. On
 * the 10x evening of seed 42, offered at the 20th percentile with plenty and at the mean when
 * short, ready bags waited 0.76 / 2.34 min (p50 / p90) against greedy's 0.6 / 1.94, while a
 * delivery took a courier 1 min less than greedy's: the minutes to spend at the counter.
 */
const EARLY_PREP_DEVS = { plenty: 1.6, short: 0.65 };

/**
 * When the order is expected ready (epoch ms), from the store's preparation as learned at this
 * hour and backlog; and when an early bag is (`EARLY_PREP_DEVS` sooner, never before the learned
 * 5th percentile), with free couriers plenty near the store and short of them.
 */
async function readiness(
  env: DispatcherEnv,
  order: { store_id: string; status: string; status_at: Date; promise_backlog: number | null },
  defaultPrepS: number,
  now: number,
): Promise<{ readyAt: number; earlyAt: { plenty: number; short: number } }> {
  if (order.status === 'ready') return { readyAt: now, earlyAt: { plenty: now, short: now } };
  const prep = await env.prep({
    storeId: order.store_id,
    defaultPrepS,
    backlog: order.promise_backlog,
  });
  const since = order.status_at.getTime();
  const early = (devs: number) => {
    const s = Math.min(prep.mean, Math.max(prep.lo, prep.mean - devs * prep.dev));
    return Math.max(now, since + s * 1000);
  };
  return {
    readyAt: Math.max(now, since + prep.mean * 1000),
    earlyAt: { plenty: early(EARLY_PREP_DEVS.plenty), short: early(EARLY_PREP_DEVS.short) },
  };
}

/**
 * Creates the delivery of an accepted order (once: the order id is unique), joining an open trip
 * of the same store when drivers are short near it and the batching rule allows, else in a new
 * trip scheduled to start offering when a driver would reach the store as an early bag gets
 * ready (by the store's learned preparation; the earlier, the more free drivers are near). Under
 * a strategy that neither batches nor times, every order gets its own trip, offered now.
 */
export async function planDelivery(
  env: DispatcherEnv,
  orderId: string,
): Promise<DeliveryRow | null> {
  const existing = await env.repo.deliveryByOrder(orderId);
  if (existing) return existing;
  const order = await env.orders.find(orderId);
  if (!order || !orderStatusesToPlan.has(order.status)) return null;
  const [lines, store] = await Promise.all([
    env.orders.lines(orderId),
    env.catalog.stores.get(order.store_id),
  ]);
  const items = lines.reduce((n, l) => n + (l.picked_quantity ?? l.quantity), 0) || 1;
  const t = env.now();
  const { readyAt, earlyAt } = await readiness(env, order, store.avg_prep_s, t.getTime());
  const dropoff = { lat: order.delivery_lat, lng: order.delivery_lng };
  // The window promised at checkout is what the customer was told; batching is judged against it.
  const promisedAt =
    order.promise_to?.getTime() ??
    readyAt +
      (travelS(store, dropoff, PLANNING_SPEED_MPS.fleet) + HANDOVER_S + PROMISE_BUFFER_S) * 1000;
  const pace = await env.pace();
  const supply =
    env.strategy.timedToPreparation || env.strategy.batches
      ? await supplyNear(env, store, pace)
      : null;
  const pickupS = env.strategy.timedToPreparation ? (supply?.pickupS ?? null) : null;
  /** When a trip leaving the store at `leave` starts offering: so the nearest driver gets there by then, or now. */
  const offerAt = (leave: number) =>
    new Date(pickupS === null ? t.getTime() : Math.max(t.getTime(), leave - pickupS * 1000));
  const stop = {
    storeId: order.store_id,
    store,
    dropoff,
    readyAt,
    promisedAt,
    items,
    offerAt,
    pace,
  };

  return env.db.transaction().execute(async (trx) => {
    const tx = dispatchRepository(trx);
    // The accepted and preparing events of one order can arrive together: one plans, the other
    // waits here and then finds the delivery (instead of failing on the unique order id).
    await tx.lockOrderForPlanning(orderId);
    const again = await tx.deliveryByOrder(orderId);
    if (again) return again;
    // Batched only while drivers are short near the store: with plenty, each order rides alone.
    const trip =
      (supply?.plenty ? undefined : await joinBatch(env, tx, stop)) ??
      (await tx.insertTrip(
        newTrip({
          id: uuidv7(),
          storeId: order.store_id,
          pickup: store,
          items,
          // A courier at the counter before the bag, the earlier the more of them are free.
          dispatchAt: offerAt(supply?.plenty ? earlyAt.plenty : earlyAt.short),
          now: t,
        }),
      ));
    const ageRestricted = lines.some((l) => l.age_restricted);
    const proof = proofPolicy(ageRestricted, order.total_minor, env.settings.pinRequiredAboveMinor);
    const delivery = await tx.insertDelivery(
      newDelivery(order, trip.id, stop, { ageRestricted, proof }, t),
    );
    await emitDeliveryEvents(trx, [delivery], t, { def: DispatchEventDefs.DELIVERY_CREATED });
    return delivery;
  });
}
