import { randomInt } from 'node:crypto';
import { sql } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { newEvent } from '../../platform/bus/event.ts';
import { writeOutbox } from '../../platform/bus/outbox.ts';
import type { DispatchSettings } from '../../platform/config.ts';
import type { Clock } from '../../platform/context.ts';
import type { Db } from '../../platform/db/pool.ts';
import type { Logger } from '../../platform/observability/logger.ts';
import type { CatalogServices } from '../catalog/index.ts';
import { acceptanceRate, type DriversModule } from '../drivers/index.ts';
import { HANDOVER_S, PLANNING_SPEED_MPS, travelS, travelSeconds } from '../eta/index.ts';
import type { OrdersService } from '../orders/index.ts';
import { planBatch } from './batching.ts';
import { BEFORE_PICKUP, DELIVERY_TERMINAL } from './delivery-state.ts';
import { emitDeliveryEvents } from './delivery-events.ts';
import { DispatchEvents } from './dispatch.events.ts';
import {
  type DeliveryRow,
  dispatchRepository,
  newTrip,
  type OfferRow,
  OPEN_TRIP,
  type TripRow,
} from './dispatch.repository.ts';
import { dispatchStrategy } from './dispatch-strategy.ts';
import { type Candidate, carryM } from './scoring.ts';

export interface DispatcherDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  settings: DispatchSettings;
  /** A driver silent for longer is not offered anything. */
  staleS: number;
  drivers: DriversModule;
  catalog: CatalogServices;
  orders: OrdersService;
}

/** How long a dispatcher holds a due trip it is working on before another may take it. */
const LEASE_MS = 15_000;
/** After every radius failed, the search starts over this much later (and ops is alerted). */
export const ESCALATION_RETRY_MS = 30_000;
/** For an order placed without a promise: the margin beyond the plan. */
const PROMISE_BUFFER_S = 300;
const CANDIDATES_PER_SEARCH = 50;
/** Drivers nearest the store looked at to estimate when an offer must go out. */
const PICKUP_ESTIMATE_POOL = 20;

const orderStatusesToPlan = new Set(['accepted', 'preparing', 'ready']);

/**
 * The dispatcher: turns accepted orders into trips timed for the store's preparation, offers each
 * trip to one driver at a time (best score first, widening the radius when nobody fits), expires
 * unanswered offers, and escalates trips nobody takes. Every decision reads time from the clock
 * it is given and keeps its state in Postgres (offers with their expiry, trips with their next
 * attempt), so any worker can carry on after another crashed: the timers are rows. Where the
 * greedy baseline differs (no batching, no timing, nearest first) the strategy decides; see
 * dispatch-strategy.ts.
 */
export function createDispatcher(deps: DispatcherDeps) {
  const { db, clock, settings } = deps;
  const repo = dispatchRepository(db);
  const now = () => new Date(clock.now());
  const maxRadius = settings.radiiM.at(-1) ?? 10_000;
  const strategy = dispatchStrategy(settings);

  /** Drivers who reported a position near `at` recently enough to be offered anything, nearest first. */
  const freshNear = (at: { lat: number; lng: number }, radiusM: number, limit: number) =>
    deps.drivers.positions.search({
      lat: at.lat,
      lng: at.lng,
      radiusM,
      limit,
      freshSince: clock.now() - deps.staleS * 1000,
    });

  /**
   * Seconds from sending offers to a driver reaching the store: from the second-nearest available
   * driver now (the nearest may decline or be passed over by the score), at the slowest vehicle's
   * speed, after one offer left to expire. Drivers on a job do not count: in a rush they crowd the
   * stores, and timing offers to them would leave the bag waiting. Early rather than late: a driver
   * waiting a minute at the counter costs less than a customer's bag waiting for a driver.
   */
  async function expectedPickupS(at: { lat: number; lng: number }): Promise<number> {
    const near = await freshNear(at, maxRadius, PICKUP_ESTIMATE_POOL).catch(() => []);
    const free = new Set(
      near.length > 0
        ? (await deps.drivers.service.available(near.map((h) => h.id)).catch(() => [])).map(
            (d) => d.id,
          )
        : [],
    );
    const byDistance = near.filter((h) => free.has(h.id)).sort((a, b) => a.distanceM - b.distanceM);
    // Nobody free nearby: offer at once, the search widens from there.
    const likely = byDistance[1] ?? byDistance[0];
    if (!likely) return Number.POSITIVE_INFINITY;
    return travelSeconds(likely.distanceM, PLANNING_SPEED_MPS.bike) + settings.offerTtlS;
  }

  /**
   * Creates the delivery of an accepted order (once: the order id is unique), joining an open trip
   * of the same store when the batching rule allows, else in a new trip scheduled to start
   * offering when a driver would reach the store as the order gets ready. Under a strategy that
   * neither batches nor times, every order gets its own trip, offered now.
   */
  async function planDelivery(orderId: string): Promise<DeliveryRow | null> {
    const existing = await repo.deliveryByOrder(orderId);
    if (existing) return existing;
    const order = await deps.orders.find(orderId);
    if (!order || !orderStatusesToPlan.has(order.status)) return null;
    const [lines, store] = await Promise.all([
      deps.orders.lines(orderId),
      deps.catalog.stores.get(order.store_id),
    ]);
    const items = lines.reduce((n, l) => n + (l.picked_quantity ?? l.quantity), 0) || 1;
    const t = now();
    const readyAt =
      order.status === 'ready'
        ? t.getTime()
        : Math.max(t.getTime(), order.status_at.getTime() + store.avg_prep_s * 1000);
    const dropoff = { lat: order.delivery_lat, lng: order.delivery_lng };
    // The window promised at checkout is what the customer was told; batching is judged against it.
    const promisedAt =
      order.promise_to?.getTime() ??
      readyAt +
        (travelS(store, dropoff, PLANNING_SPEED_MPS.fleet) + HANDOVER_S + PROMISE_BUFFER_S) * 1000;
    const pickupS = strategy.timedToPreparation ? await expectedPickupS(store) : null;
    /** When a trip leaving the store at `leave` starts offering: so the nearest driver gets there by then, or now. */
    const offerAt = (leave: number) =>
      new Date(pickupS === null ? t.getTime() : Math.max(t.getTime(), leave - pickupS * 1000));

    return db.transaction().execute(async (trx) => {
      const tx = dispatchRepository(trx);
      // The accepted and preparing events of one order can arrive together: one plans, the other
      // waits here and then finds the delivery (instead of failing on the unique order id).
      await sql`SELECT pg_advisory_xact_lock(hashtext(${`delivery:${orderId}`}))`.execute(trx);
      const again = await tx.deliveryByOrder(orderId);
      if (again) return again;
      let trip: TripRow | undefined;
      for (const candidate of strategy.batches ? await tx.batchableTrips(order.store_id) : []) {
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
          settings.batchMarginS,
        );
        if (!plan.ok) continue;
        const dispatchAt = offerAt(Math.max(readyAt, other.ready_estimate_at.getTime()));
        trip = await tx.updateTrip(candidate.id, candidate.version, {
          items: candidate.items + items,
          dispatch_at: dispatchAt,
          next_attempt_at:
            candidate.status === 'scheduled' ? dispatchAt : candidate.next_attempt_at,
        });
        if (trip) break;
      }
      if (!trip) {
        trip = await tx.insertTrip(
          newTrip({
            id: uuidv7(),
            storeId: order.store_id,
            pickup: store,
            items,
            dispatchAt: offerAt(readyAt),
            now: t,
          }),
        );
      }
      const delivery = await tx.insertDelivery({
        id: uuidv7(),
        order_id: orderId,
        trip_id: trip.id,
        store_id: order.store_id,
        customer_id: order.customer_id,
        dropoff_lat: dropoff.lat,
        dropoff_lng: dropoff.lng,
        dropoff_address: order.delivery_address,
        items,
        age_restricted: lines.some((l) => l.age_restricted),
        status: 'pending',
        driver_id: null,
        pin: String(randomInt(0, 10_000)).padStart(4, '0'),
        order_ready: order.status === 'ready',
        ready_estimate_at: new Date(readyAt),
        promised_at: new Date(promisedAt),
        proof_photo_ref: null,
        age_checked: null,
        reason: null,
        rating: null,
        created_at: t,
        status_at: t,
        version: 1,
      });
      await emitDeliveryEvents(trx, [delivery], t, { type: DispatchEvents.DELIVERY_CREATED });
      return delivery;
    });
  }

  /** The store packed the order: its trip is offered now if it was waiting for its time. */
  async function orderReady(orderId: string): Promise<void> {
    const d = (await repo.deliveryByOrder(orderId)) ?? (await planDelivery(orderId));
    if (!d) return;
    const t = now();
    await db.transaction().execute(async (trx) => {
      const tx = dispatchRepository(trx);
      await tx.q
        .updateTable('deliveries')
        .set({ order_ready: true })
        .where('id', '=', d.id)
        .execute();
      const trip = await tx.tripForUpdate(d.trip_id);
      if (
        trip &&
        OPEN_TRIP.includes(trip.status) &&
        (trip.next_attempt_at === null || trip.next_attempt_at > t)
      ) {
        await tx.updateTrip(trip.id, trip.version, {
          status: 'searching',
          status_at: t,
          next_attempt_at: t,
        });
      }
    });
  }

  /**
   * The order was canceled: its delivery ends if the bag is still at the store; a trip left with
   * nothing to deliver is canceled, its open offer withdrawn and its driver freed.
   */
  async function orderCanceled(orderId: string, reason: string | null): Promise<void> {
    const t = now();
    const freed = await db.transaction().execute(async (trx) => {
      const tx = dispatchRepository(trx);
      const d = await tx.deliveryByOrderForUpdate(orderId);
      if (!d || !BEFORE_PICKUP.includes(d.status)) return null;
      const trip = await tx.tripForUpdate(d.trip_id);
      const canceled = await tx.updateDelivery(
        d.id,
        { status: 'canceled', status_at: t, reason: reason ?? 'order canceled' },
        BEFORE_PICKUP,
      );
      if (!canceled || !trip) return null;
      await tx.addSteps([
        {
          delivery_id: d.id,
          status: 'canceled',
          driver_id: d.driver_id,
          lat: null,
          lng: null,
          at: t,
          note: reason,
        },
      ]);
      await emitDeliveryEvents(trx, [canceled], t);
      const rest = (await tx.deliveriesOfTrip(trip.id)).filter(
        (x) => !DELIVERY_TERMINAL.has(x.status),
      );
      if (rest.length > 0) {
        await tx.updateTrip(trip.id, trip.version, {
          items: rest.reduce((n, x) => n + x.items, 0),
        });
        return null;
      }
      const withdrawn = await tx.withdrawOffers(trip.id, t);
      await tx.updateTrip(trip.id, trip.version, {
        status: 'canceled',
        status_at: t,
        next_attempt_at: null,
      });
      if (trip.status === 'assigned' && trip.driver_id) {
        await deps.drivers.service.finishJob(trx, trip.driver_id, 0);
        return trip.driver_id;
      }
      return withdrawn[0]?.driver_id ?? null;
    });
    if (freed) deps.drivers.notify(freed, { type: 'trip_canceled', order_id: orderId });
  }

  /** Candidates for a trip within `radiusM`: fresh, available, not yet asked in this cycle. */
  async function candidates(trip: TripRow, radiusM: number): Promise<Candidate[]> {
    const t = clock.now();
    const hits = await freshNear(
      { lat: trip.pickup_lat, lng: trip.pickup_lng },
      radiusM,
      CANDIDATES_PER_SEARCH,
    );
    if (hits.length === 0) return [];
    const ids = hits.map((h) => h.id);
    const [excluded, available] = await Promise.all([
      repo.excludedDrivers(trip.id, trip.cycle, ids),
      deps.drivers.service.available(ids),
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
        },
      ];
    });
  }

  type Outcome = 'offered' | 'widened' | 'escalated' | 'skipped';

  /** One step for a due trip: offer the best candidate, or widen the radius, or escalate. */
  async function step(trip: TripRow): Promise<Outcome> {
    const t = now();
    const round = Math.min(trip.round, settings.radiiM.length - 1);
    const radiusM = settings.radiiM[round] ?? maxRadius;
    if (trip.offers_in_round < settings.offersPerRound) {
      const [found, stops] = await Promise.all([
        candidates(trip, radiusM),
        repo.deliveriesOfTrip(trip.id),
      ]);
      const pickup = { lat: trip.pickup_lat, lng: trip.pickup_lng };
      const dropoffs = stops
        .filter((d) => !DELIVERY_TERMINAL.has(d.status))
        .map((d) => ({ lat: d.dropoff_lat, lng: d.dropoff_lng }));
      const ranked = strategy.rank(found, { items: trip.items, carryM: carryM(pickup, dropoffs) });
      for (const best of ranked) {
        const offered = await db
          .transaction()
          .execute(async (trx) => {
            const tx = dispatchRepository(trx);
            const moved = await tx.updateTrip(
              trip.id,
              trip.version,
              {
                status: 'offered',
                status_at: t,
                next_attempt_at: null,
                offers_in_round: trip.offers_in_round + 1,
                offers_made: trip.offers_made + 1,
              },
              OPEN_TRIP,
            );
            if (!moved) return null;
            const offer = await tx.insertOffer({
              id: uuidv7(),
              trip_id: trip.id,
              driver_id: best.driverId,
              status: 'open',
              score: best.score,
              pickup_m: Math.round(best.distanceM),
              radius_m: radiusM,
              cycle: trip.cycle,
              created_at: t,
              expires_at: new Date(t.getTime() + settings.offerTtlS * 1000),
              responded_at: null,
              reason: null,
            });
            await writeOutbox(trx, [
              newEvent(
                DispatchEvents.OFFER_MADE,
                {
                  offer_id: offer.id,
                  trip_id: trip.id,
                  driver_id: best.driverId,
                  expires_at: offer.expires_at.toISOString(),
                },
                { aggregateId: trip.id },
              ),
            ]);
            return offer;
          })
          .catch((err: unknown) => {
            // The driver got another trip's offer a moment ago (one open offer per driver): next one.
            if ((err as { code?: string }).code === '23505') return 'busy' as const;
            throw err;
          });
        if (offered === 'busy') continue;
        if (!offered) return 'skipped';
        deps.drivers.notify(best.driverId, await offerMessage(offered, trip, stops));
        return 'offered';
      }
    }
    if (trip.round < settings.radiiM.length - 1) {
      const widened = await repo.updateTrip(
        trip.id,
        trip.version,
        { status: 'searching', round: trip.round + 1, offers_in_round: 0, next_attempt_at: t },
        OPEN_TRIP,
      );
      return widened ? 'widened' : 'skipped';
    }
    // Every radius tried: start over at the widest one later, more urgent, and tell ops (once).
    const escalated = await db.transaction().execute(async (trx) => {
      const tx = dispatchRepository(trx);
      const moved = await tx.updateTrip(
        trip.id,
        trip.version,
        {
          status: 'searching',
          priority: trip.priority + 1,
          escalated_at: trip.escalated_at ?? t,
          cycle: trip.cycle + 1,
          offers_in_round: 0,
          next_attempt_at: new Date(t.getTime() + ESCALATION_RETRY_MS),
        },
        OPEN_TRIP,
      );
      if (moved && !trip.escalated_at) {
        await writeOutbox(trx, [
          newEvent(
            DispatchEvents.TRIP_ESCALATED,
            {
              trip_id: trip.id,
              store_id: trip.store_id,
              offers_made: trip.offers_made,
              radius_m: radiusM,
            },
            { aggregateId: trip.id },
          ),
        ]);
      }
      return moved;
    });
    return escalated ? 'escalated' : 'skipped';
  }

  /** Works a trip until it has an open offer or is parked (escalated, or taken by someone else). */
  async function advance(tripId: string): Promise<Outcome> {
    for (let i = 0; i <= settings.radiiM.length + 1; i++) {
      const trip = await repo.trip(tripId);
      if (!trip || !OPEN_TRIP.includes(trip.status)) return 'skipped';
      const outcome = await step(trip);
      if (outcome !== 'widened') return outcome;
    }
    return 'skipped';
  }

  /** What the driver's app shows for an offer; the trip and its deliveries are read only when the caller lacks them. */
  async function offerMessage(
    offer: OfferRow,
    known?: TripRow,
    knownDeliveries?: readonly DeliveryRow[],
  ) {
    const trip = known ?? (await repo.trip(offer.trip_id));
    const deliveries = knownDeliveries ?? (await repo.deliveriesOfTrip(offer.trip_id));
    return {
      type: 'offer',
      offer_id: offer.id,
      trip_id: offer.trip_id,
      expires_at: offer.expires_at.toISOString(),
      pickup: trip
        ? {
            store_id: trip.store_id,
            lat: trip.pickup_lat,
            lng: trip.pickup_lng,
            distance_m: offer.pickup_m,
          }
        : null,
      dropoffs: deliveries.map((d) => ({ lat: d.dropoff_lat, lng: d.dropoff_lng, items: d.items })),
    };
  }

  /** Expires unanswered offers whose time is up; their trips look for the next driver. */
  async function expireDue(): Promise<number> {
    const t = now();
    const expired = await db.transaction().execute(async (trx) => {
      const tx = dispatchRepository(trx);
      const rows = await tx.expireDue(t, 200);
      for (const o of rows) {
        await deps.drivers.service.recordOffer(trx, o.driver_id, false);
        const trip = await tx.tripForUpdate(o.trip_id);
        if (trip?.status === 'offered')
          await tx.updateTrip(trip.id, trip.version, {
            status: 'searching',
            status_at: t,
            next_attempt_at: t,
          });
      }
      return rows;
    });
    for (const o of expired)
      deps.drivers.notify(o.driver_id, { type: 'offer_expired', offer_id: o.id });
    return expired.length;
  }

  /** One pass of the dispatcher: expire offers, then work every trip that is due. */
  async function tick(): Promise<{ expired: number; worked: number }> {
    const expired = await expireDue();
    const t = now();
    const due = await repo.claimDue(t, new Date(t.getTime() + LEASE_MS), 20);
    for (const trip of due) {
      await advance(trip.id).catch((err: unknown) =>
        deps.logger.warn({ err, trip: trip.id }, 'dispatch step failed; retried after the lease'),
      );
    }
    return { expired, worked: due.length };
  }

  return {
    planDelivery,
    orderReady,
    orderCanceled,
    advance,
    expireDue,
    tick,
    offerMessage,
    candidates,
  };
}

export type Dispatcher = ReturnType<typeof createDispatcher>;
