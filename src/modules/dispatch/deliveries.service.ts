import type { Principal } from '../../platform/auth/principal.ts';
import type { Clock } from '../../platform/context.ts';
import type { Db } from '../../platform/db/pool.ts';
import { AppError } from '../../platform/errors.ts';
import { type DriversModule, ownDriverId } from '../drivers/index.ts';
import {
  BEFORE_PICKUP,
  DELIVERY_TERMINAL,
  type DriverStep,
  stepSources,
} from './delivery-state.ts';
import { emitDeliveryEvents } from './delivery-events.ts';
import { DispatchEvents } from './dispatch.events.ts';
import {
  type DeliveryRow,
  dispatchRepository,
  type OfferRow,
  type TripRow,
} from './dispatch.repository.ts';
import type { Dispatcher } from './dispatcher.ts';

export interface StepInput {
  lat: number;
  lng: number;
  pin?: string | undefined;
  photo_ref?: string | undefined;
  age_checked?: boolean | undefined;
  reason?: string | undefined;
}

/** What each party sees of a delivery: the PIN only to the customer, who tells it at the door. */
export function deliveryView(d: DeliveryRow, by: Principal) {
  return {
    id: d.id,
    order_id: d.order_id,
    trip_id: d.trip_id,
    store_id: d.store_id,
    status: d.status,
    version: d.version,
    driver_id: d.driver_id,
    dropoff: { lat: d.dropoff_lat, lng: d.dropoff_lng, address: d.dropoff_address },
    items: d.items,
    age_restricted: d.age_restricted,
    order_ready: d.order_ready,
    ready_estimate_at: d.ready_estimate_at.toISOString(),
    promised_at: d.promised_at.toISOString(),
    status_at: d.status_at.toISOString(),
    reason: d.reason,
    proof_photo_ref: d.proof_photo_ref,
    rating: d.rating,
    ...(by.role === 'customer' ? { pin: d.pin } : {}),
  };
}

export const offerView = (o: OfferRow) => ({
  id: o.id,
  trip_id: o.trip_id,
  status: o.status,
  pickup_m: o.pickup_m,
  radius_m: o.radius_m,
  created_at: o.created_at.toISOString(),
  expires_at: o.expires_at.toISOString(),
  responded_at: o.responded_at?.toISOString() ?? null,
});

const tripView = (t: TripRow, deliveries: readonly DeliveryRow[], by: Principal) => ({
  id: t.id,
  status: t.status,
  store_id: t.store_id,
  pickup: { lat: t.pickup_lat, lng: t.pickup_lng },
  driver_id: t.driver_id,
  items: t.items,
  assigned_at: t.assigned_at?.toISOString() ?? null,
  deliveries: deliveries.map((d) => deliveryView(d, by)),
});

export function deliveriesService(deps: {
  db: Db;
  clock: Clock;
  drivers: DriversModule;
  dispatcher: Dispatcher;
}) {
  const { db, clock, drivers } = deps;
  const repo = dispatchRepository(db);
  const now = () => new Date(clock.now());

  const canSee = (by: Principal, d: DeliveryRow) =>
    by.role === 'ops' ||
    (by.role === 'customer' && d.customer_id === by.id) ||
    (by.role === 'store' && by.storeId === d.store_id) ||
    (by.role === 'driver' && by.driverId !== undefined && d.driver_id === by.driverId);

  async function visible(
    by: Principal,
    d: DeliveryRow | undefined,
    what: string,
  ): Promise<DeliveryRow> {
    // Someone else's delivery is reported as missing, so ids cannot be probed.
    if (!d || !canSee(by, d)) throw new AppError('NOT_FOUND', `No delivery ${what}`);
    return d;
  }

  /** Frees the driver once every delivery of the trip has ended. Inside the caller's transaction. */
  async function closeTripIfDone(trx: Db, tripId: string, t: Date): Promise<void> {
    const tx = dispatchRepository(trx);
    const trip = await tx.tripForUpdate(tripId);
    if (!trip || trip.status !== 'assigned') return;
    const all = await tx.deliveriesOfTrip(tripId);
    if (all.some((d) => !DELIVERY_TERMINAL.has(d.status))) return;
    await tx.updateTrip(trip.id, trip.version, { status: 'done', status_at: t });
    if (trip.driver_id)
      await drivers.service.finishJob(
        trx,
        trip.driver_id,
        all.filter((d) => d.status === 'delivered').length,
      );
  }

  /**
   * Puts a trip back to searching: its open offer is withdrawn, or its driver is unassigned (only
   * while no bag has left the store) and freed. The driver is not asked again in this cycle.
   */
  async function reopen(
    tripId: string,
    reason: string,
  ): Promise<{ trip: TripRow; freed: string | null }> {
    const t = now();
    return db.transaction().execute(async (trx) => {
      const tx = dispatchRepository(trx);
      const trip = await tx.tripForUpdate(tripId);
      if (!trip) throw new AppError('NOT_FOUND', `No trip ${tripId}`);
      if (trip.status === 'done' || trip.status === 'canceled')
        throw new AppError('CONFLICT', `Trip ${tripId} is ${trip.status}`);
      const deliveries = await tx.deliveriesOfTrip(tripId);
      if (
        deliveries.some(
          (d) => !BEFORE_PICKUP.includes(d.status) && !DELIVERY_TERMINAL.has(d.status),
        )
      ) {
        throw new AppError(
          'CONFLICT',
          'A bag of this trip has left the store; it cannot change hands',
        );
      }
      const withdrawn = await tx.withdrawOffers(tripId, t);
      let freed = withdrawn[0]?.driver_id ?? null;
      if (trip.status === 'assigned' && trip.driver_id) {
        freed = trip.driver_id;
        const back = await tx.updateDeliveriesOfTrip(
          tripId,
          { status: 'pending', driver_id: null, status_at: t, reason },
          ['assigned', 'at_store'],
        );
        await tx.addSteps(
          back.map((d) => ({
            delivery_id: d.id,
            status: 'unassigned',
            driver_id: trip.driver_id,
            lat: null,
            lng: null,
            at: t,
            note: reason,
          })),
        );
        await emitDeliveryEvents(trx, back, t, { type: DispatchEvents.DELIVERY_UNASSIGNED });
        await drivers.service.finishJob(trx, trip.driver_id, 0);
      }
      const moved = await tx.updateTrip(trip.id, trip.version, {
        status: 'searching',
        status_at: t,
        driver_id: null,
        assigned_at: null,
        round: 0,
        offers_in_round: 0,
        next_attempt_at: t,
        priority: trip.priority + 1,
      });
      if (!moved) throw new AppError('CONFLICT', `Trip ${tripId} changed meanwhile; retry`);
      return { trip: moved, freed };
    });
  }

  return {
    async openOffers(by: Principal) {
      const id = ownDriverId(by);
      const offer = await repo.openOfferOfDriver(id);
      return {
        items: offer
          ? [{ ...offerView(offer), ...(await deps.dispatcher.offerMessage(offer)) }]
          : [],
      };
    },

    /**
     * The atomic claim: the offer (still open, unexpired, this driver's), the trip (still offered)
     * and the driver (still available) move together or not at all; the unique index on assigned
     * trips per driver backs it. A late accept of an expired offer is 409.
     */
    async accept(by: Principal, offerId: string) {
      const driverId = ownDriverId(by);
      const t = now();
      const result = await db.transaction().execute(async (trx) => {
        const tx = dispatchRepository(trx);
        const offer = await tx.respondToOffer(offerId, driverId, 'accepted', t, null);
        if (!offer) {
          const o = await tx.offer(offerId);
          if (!o || o.driver_id !== driverId)
            throw new AppError('NOT_FOUND', `No offer ${offerId}`);
          throw new AppError(
            'CONFLICT',
            o.status === 'open' ? 'This offer has expired' : `This offer was ${o.status}`,
            { details: { offer_status: o.status === 'open' ? 'expired' : o.status } },
          );
        }
        const trip = await tx.tripForUpdate(offer.trip_id);
        if (!trip || trip.status !== 'offered')
          throw new AppError('CONFLICT', 'This job is no longer available');
        if (!(await drivers.service.claim(trx, driverId)))
          throw new AppError(
            'CONFLICT',
            'Only an available driver can take a job; check your shift status',
          );
        await drivers.service.recordOffer(trx, driverId, true);
        const assigned = await tx.updateTrip(trip.id, trip.version, {
          status: 'assigned',
          status_at: t,
          driver_id: driverId,
          assigned_at: t,
          next_attempt_at: null,
        });
        if (!assigned) throw new AppError('CONFLICT', 'This job is no longer available');
        const deliveries = await tx.updateDeliveriesOfTrip(
          trip.id,
          { status: 'assigned', driver_id: driverId, status_at: t },
          ['pending'],
        );
        await tx.addSteps(
          deliveries.map((d) => ({
            delivery_id: d.id,
            status: 'assigned',
            driver_id: driverId,
            lat: null,
            lng: null,
            at: t,
            note: null,
          })),
        );
        await emitDeliveryEvents(trx, deliveries, t);
        return tripView(assigned, deliveries, by);
      });
      return result;
    },

    async decline(by: Principal, offerId: string, reason: string | undefined) {
      const driverId = ownDriverId(by);
      const t = now();
      const tripId = await db.transaction().execute(async (trx) => {
        const tx = dispatchRepository(trx);
        const offer = await tx.respondToOffer(offerId, driverId, 'declined', t, reason ?? null);
        if (!offer) {
          const o = await tx.offer(offerId);
          if (!o || o.driver_id !== driverId)
            throw new AppError('NOT_FOUND', `No offer ${offerId}`);
          throw new AppError(
            'CONFLICT',
            `This offer is already ${o.status === 'open' ? 'expired' : o.status}`,
          );
        }
        await drivers.service.recordOffer(trx, driverId, false);
        const trip = await tx.tripForUpdate(offer.trip_id);
        if (trip?.status === 'offered')
          await tx.updateTrip(trip.id, trip.version, {
            status: 'searching',
            status_at: t,
            next_attempt_at: t,
          });
        return offer.trip_id;
      });
      // The next driver hears about it now rather than at the next dispatcher pass.
      await deps.dispatcher.advance(tripId).catch(() => undefined);
      return { id: offerId, status: 'declined' as const };
    },

    async currentTrip(by: Principal) {
      const driverId = ownDriverId(by);
      const trip = await repo.assignedTripOfDriver(driverId);
      if (!trip) return { trip: null };
      return { trip: tripView(trip, await repo.deliveriesOfTrip(trip.id), by) };
    },

    async get(by: Principal, id: string) {
      const d = await visible(by, await repo.delivery(id), id);
      return {
        ...deliveryView(d, by),
        steps: (await repo.steps(d.id)).map((s) => ({
          status: s.status,
          lat: s.lat,
          lng: s.lng,
          at: s.at.toISOString(),
          note: s.note,
        })),
      };
    },

    async ofOrder(by: Principal, orderId: string) {
      const d = await visible(by, await repo.deliveryByOrder(orderId), `for order ${orderId}`);
      return deliveryView(d, by);
    },

    /** A step by the assigned driver, with where it happened; handover needs the PIN or a photo. */
    async step(by: Principal, id: string, to: DriverStep, input: StepInput) {
      const driverId = ownDriverId(by);
      const current = await visible(by, await repo.delivery(id), id);
      if (!stepSources(to).includes(current.status))
        throw new AppError(
          'CONFLICT',
          `Delivery ${id} is ${current.status}; it cannot become ${to}`,
        );
      const set: Partial<DeliveryRow> = {};
      if (to === 'picked_up' && !current.order_ready)
        throw new AppError('CONFLICT', 'The store has not marked this order ready yet');
      if (to === 'delivered') {
        if (!input.pin && !input.photo_ref)
          throw new AppError(
            'VALIDATION_FAILED',
            "Handover needs the customer's PIN or a photo reference",
          );
        if (input.pin && input.pin !== current.pin)
          throw new AppError('UNPROCESSABLE', 'The PIN does not match', {
            details: { field: 'pin' },
          });
        if (current.age_restricted && input.age_checked !== true)
          throw new AppError(
            'UNPROCESSABLE',
            "Age-restricted items: confirm the customer's age (age_checked: true)",
          );
        set.proof_photo_ref = input.photo_ref ?? null;
        set.age_checked = current.age_restricted ? true : null;
      }
      if ((to === 'failed' || to === 'returned') && !input.reason)
        throw new AppError('VALIDATION_FAILED', `reason: say why the delivery ${to}`);
      const t = now();
      const row = await db.transaction().execute(async (trx) => {
        const tx = dispatchRepository(trx);
        const moved = await tx.updateDelivery(
          id,
          { ...set, status: to, status_at: t, reason: input.reason ?? current.reason },
          stepSources(to),
          driverId,
        );
        if (!moved) throw new AppError('CONFLICT', `Delivery ${id} moved meanwhile`);
        await tx.addSteps([
          {
            delivery_id: id,
            status: to,
            driver_id: driverId,
            lat: input.lat,
            lng: input.lng,
            at: t,
            note: input.reason ?? null,
          },
        ]);
        await emitDeliveryEvents(trx, [moved], t, { pos: { lat: input.lat, lng: input.lng } });
        if (DELIVERY_TERMINAL.has(to)) await closeTripIfDone(trx, moved.trip_id, t);
        return moved;
      });
      return deliveryView(row, by);
    },

    async rate(by: Principal, orderId: string, stars: number) {
      const d = await visible(by, await repo.deliveryByOrder(orderId), `for order ${orderId}`);
      if (by.role !== 'customer')
        throw new AppError('FORBIDDEN', 'Only the customer rates the delivery');
      if (d.status !== 'delivered' || !d.driver_id)
        throw new AppError('CONFLICT', 'Only a delivered order can be rated');
      const driverId = d.driver_id;
      await db.transaction().execute(async (trx) => {
        const tx = dispatchRepository(trx);
        const rated = await tx.q
          .updateTable('deliveries')
          .set({ rating: stars })
          .where('id', '=', d.id)
          .where('rating', 'is', null)
          .returning('id')
          .executeTakeFirst();
        if (!rated) throw new AppError('CONFLICT', 'This delivery is already rated');
        await drivers.service.rate(trx, driverId, stars);
      });
      return { order_id: orderId, rating: stars };
    },

    async reassign(tripId: string, reason: string) {
      const { trip, freed } = await reopen(tripId, `reassigned by ops: ${reason}`);
      if (freed) drivers.notify(freed, { type: 'trip_unassigned', trip_id: tripId, reason });
      await deps.dispatcher.advance(trip.id).catch(() => undefined);
      return tripView((await repo.trip(trip.id)) ?? trip, await repo.deliveriesOfTrip(trip.id), {
        kind: 'user',
        id: 'ops',
        role: 'ops',
      });
    },

    async unassignDriver(driverId: string, reason: string) {
      const trip =
        (await repo.assignedTripOfDriver(driverId)) ??
        (await repo
          .openOfferOfDriver(driverId)
          .then((o) => (o ? repo.trip(o.trip_id) : undefined)));
      if (!trip) throw new AppError('NOT_FOUND', `Driver ${driverId} holds no job`);
      const { freed } = await reopen(trip.id, `driver unassigned by ops: ${reason}`);
      if (freed) drivers.notify(freed, { type: 'trip_unassigned', trip_id: trip.id, reason });
      return { trip_id: trip.id, status: 'searching' as const };
    },

    async queue(limit: number) {
      const t = clock.now();
      const rows = await repo.queue(limit);
      return {
        items: rows.map((r) => ({
          trip_id: r.id,
          store_id: r.store_id,
          status: r.status,
          deliveries: Number(r.deliveries),
          items: r.items,
          age_s: Math.round((t - r.created_at.getTime()) / 1000),
          dispatch_at: r.dispatch_at.toISOString(),
          waiting_s: Math.max(0, Math.round((t - r.dispatch_at.getTime()) / 1000)),
          round: r.round,
          offers_made: r.offers_made,
          priority: r.priority,
          escalated_at: r.escalated_at?.toISOString() ?? null,
        })),
      };
    },
  };
}

export type DeliveriesService = ReturnType<typeof deliveriesService>;
