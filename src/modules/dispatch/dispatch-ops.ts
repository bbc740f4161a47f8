import { AppError } from '../../platform/errors.ts';
import type { DeliveriesEnv } from './deliveries-env.ts';
import { emitDeliveryEvents } from './delivery-events.ts';
import { BEFORE_PICKUP, DELIVERY_TERMINAL } from './delivery-state.ts';
import { tripView } from './delivery-views.ts';
import { DispatchEventDefs } from './dispatch.events.ts';
import { dispatchRepository } from './dispatch.repository.ts';
import type { TripRow } from './dispatch-tables.ts';

// What ops does with trips: take one from its driver, release a driver, watch the queue.

/**
 * Puts a trip back to searching: its open offer is withdrawn, or its driver is unassigned (only
 * while no bag has left the store) and freed. The driver is not asked again in this cycle.
 */
async function reopen(
  env: DeliveriesEnv,
  tripId: string,
  reason: string,
): Promise<{ trip: TripRow; freed: string | null }> {
  const t = env.now();
  return env.db.transaction().execute(async (trx) => {
    const tx = dispatchRepository(trx);
    const trip = await tx.tripForUpdate(tripId);
    if (!trip) throw new AppError('NOT_FOUND', `No trip ${tripId}`);
    if (trip.status === 'done' || trip.status === 'canceled')
      throw new AppError('CONFLICT', `Trip ${tripId} is ${trip.status}`);
    const deliveries = await tx.deliveriesOfTrip(tripId);
    if (
      deliveries.some((d) => !BEFORE_PICKUP.includes(d.status) && !DELIVERY_TERMINAL.has(d.status))
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
      await emitDeliveryEvents(trx, back, t, { def: DispatchEventDefs.DELIVERY_UNASSIGNED });
      await env.drivers.service.finishJob(trx, trip.driver_id, 0);
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

export async function reassign(env: DeliveriesEnv, tripId: string, reason: string) {
  const { repo } = env;
  const { trip, freed } = await reopen(env, tripId, `reassigned by ops: ${reason}`);
  if (freed) env.drivers.notify(freed, { type: 'trip_unassigned', trip_id: tripId, reason });
  await env.dispatcher.advance(trip.id).catch(() => undefined);
  return tripView((await repo.trip(trip.id)) ?? trip, await repo.deliveriesOfTrip(trip.id), {
    kind: 'user',
    id: 'ops',
    role: 'ops',
  });
}

export async function unassignDriver(env: DeliveriesEnv, driverId: string, reason: string) {
  const { repo } = env;
  const trip =
    (await repo.assignedTripOfDriver(driverId)) ??
    (await repo.openOfferOfDriver(driverId).then((o) => (o ? repo.trip(o.trip_id) : undefined)));
  if (!trip) throw new AppError('NOT_FOUND', `Driver ${driverId} holds no job`);
  const { freed } = await reopen(env, trip.id, `driver unassigned by ops: ${reason}`);
  if (freed) env.drivers.notify(freed, { type: 'trip_unassigned', trip_id: trip.id, reason });
  return { trip_id: trip.id, status: 'searching' as const };
}

export async function queue(env: DeliveriesEnv, limit: number) {
  const t = env.clock.now();
  const rows = await env.repo.queue(limit);
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
}
