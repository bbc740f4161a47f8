import { BEFORE_PICKUP, DELIVERY_TERMINAL } from './delivery-state.ts';
import { emitDeliveryEvents } from './delivery-events.ts';
import { dispatchRepository } from './dispatch.repository.ts';
import { OPEN_TRIP } from './trip-state.ts';
import type { DispatcherEnv } from './dispatcher-env.ts';
import { planDelivery } from './delivery-planner.ts';

// What dispatch does when the store or the customer moves an order it delivers.

/**
 * The store packed the order: its trip is offered now if it was waiting for its time, and a driver
 * who holds the trip is told the bag waits (no trip version: readiness only ever moves forward, and
 * each bag of a batch is its own push).
 */
export async function orderReady(env: DispatcherEnv, orderId: string): Promise<void> {
  const d = (await env.repo.deliveryByOrder(orderId)) ?? (await planDelivery(env, orderId));
  if (!d) return;
  const t = env.now();
  const holder = await env.db.transaction().execute(async (trx) => {
    const tx = dispatchRepository(trx);
    await tx.markOrderReady(d.id);
    const trip = await tx.tripForUpdate(d.trip_id);
    if (trip?.status === 'assigned' && trip.driver_id) return trip.driver_id;
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
    return null;
  });
  if (holder)
    env.drivers.notify(holder, {
      type: 'order_ready',
      trip_id: d.trip_id,
      delivery_id: d.id,
      order_id: orderId,
    });
}

/**
 * The order was canceled: its delivery ends if the bag is still at the store; a trip left with
 * nothing to deliver is canceled, its open offer withdrawn and its driver freed.
 */
export async function orderCanceled(
  env: DispatcherEnv,
  orderId: string,
  reason: string | null,
): Promise<void> {
  const t = env.now();
  const freed = await env.db.transaction().execute(async (trx) => {
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
    const moved = await tx.updateTrip(trip.id, trip.version, {
      status: 'canceled',
      status_at: t,
      next_attempt_at: null,
    });
    const version = moved?.version ?? trip.version;
    if (trip.status === 'assigned' && trip.driver_id) {
      await env.drivers.service.finishJob(trx, trip.driver_id, 0);
      return { driverId: trip.driver_id, trip: { id: trip.id, version } };
    }
    const driverId = withdrawn[0]?.driver_id;
    return driverId ? { driverId, trip: { id: trip.id, version } } : null;
  });
  if (freed)
    env.drivers.notify(freed.driverId, { type: 'trip_canceled', order_id: orderId }, freed.trip);
}
