import type { Db } from '../../platform/db/pool.ts';
import { AppError } from '../../platform/errors.ts';
import type { DriversModule } from '../drivers/index.ts';
import { emitDeliveryEvents } from './delivery-events.ts';
import { BEFORE_PICKUP, DELIVERY_TERMINAL, deliverySources } from './delivery-state.ts';
import { DispatchEventDefs } from './dispatch.events.ts';
import { dispatchRepository } from './dispatch.repository.ts';
import type { TripRow } from './dispatch-tables.ts';
import { TRIP_TRANSITIONS } from './trip-state.ts';

/**
 * Puts a trip back to searching: its open offer is withdrawn, or its driver is unassigned (only
 * while no bag has left the store) and freed. The driver is not asked again in this cycle. Used
 * by ops (reassign, release a driver) and by the dispatcher's re-planning.
 */
export async function reopenTrip(
  env: { db: Db; now(): Date; drivers: DriversModule },
  tripId: string,
  reason: string,
  opts: {
    /** Written in the transaction of the change (ops' audit entry). */
    record?: (trx: Db, before: TripRow, after: TripRow) => Promise<unknown>;
    /**
     * The dispatcher re-plans it (marked, so it is never re-planned again), as it read it: at
     * this version, else CONFLICT (another worker's pass, the driver's step, got there first).
     */
    replan?: { version: number };
  } = {},
): Promise<{ trip: TripRow; freed: string | null }> {
  const t = env.now();
  return env.db.transaction().execute(async (trx) => {
    const tx = dispatchRepository(trx);
    const trip = await tx.tripForUpdate(tripId);
    if (!trip) throw new AppError('NOT_FOUND', `No trip ${tripId}`);
    if (opts.replan && trip.version !== opts.replan.version)
      throw new AppError('CONFLICT', `Trip ${tripId} changed since it was read for a re-plan`);
    if (TRIP_TRANSITIONS[trip.status].length === 0)
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
        deliverySources('pending'),
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
      ...(opts.replan ? { replanned_at: t } : {}),
    });
    if (!moved) throw new AppError('CONFLICT', `Trip ${tripId} changed meanwhile; retry`);
    await opts.record?.(trx, trip, moved);
    return { trip: moved, freed };
  });
}
