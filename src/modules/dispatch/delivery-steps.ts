import type { Principal } from '../../platform/auth/principal.ts';
import type { Db } from '../../platform/db/pool.ts';
import { AppError } from '../../platform/errors.ts';
import { ownDriverId } from '../drivers/index.ts';
import type { DeliveriesEnv } from './deliveries-env.ts';
import { emitDeliveryEvents } from './delivery-events.ts';
import { DELIVERY_TERMINAL, type DriverStep, stepSources } from './delivery-state.ts';
import { loadDelivery, visible } from './delivery-views.ts';
import { checkGeofence, checkHandover } from './delivery-safeguards.ts';
import { dispatchRepository } from './dispatch.repository.ts';
import { isPaidOutcome, recordEarning } from './earnings.ts';
import type { DeliveryRow } from './dispatch-tables.ts';
import { tripSources } from './trip-state.ts';

export interface StepInput {
  lat: number;
  lng: number;
  pin?: string | undefined;
  photo_ref?: string | undefined;
  age_checked?: boolean | undefined;
  reason?: string | undefined;
}

/** Frees the driver once every delivery of the trip has ended. Inside the caller's transaction. */
export async function closeTripIfDone(
  env: DeliveriesEnv,
  trx: Db,
  tripId: string,
  t: Date,
): Promise<void> {
  const tx = dispatchRepository(trx);
  const trip = await tx.tripForUpdate(tripId);
  if (!trip || !tripSources('done').includes(trip.status)) return;
  const all = await tx.deliveriesOfTrip(tripId);
  if (all.some((d) => !DELIVERY_TERMINAL.has(d.status))) return;
  await tx.updateTrip(trip.id, trip.version, { status: 'done', status_at: t });
  if (trip.driver_id)
    await env.drivers.service.finishJob(
      trx,
      trip.driver_id,
      all.filter((d) => d.status === 'delivered').length,
    );
}

/**
 * Whether `current` may become `to` (the ready bag for pickup, the age check for restricted items,
 * a reason for a failure or return); what the step also sets. The handover's proof and the
 * geofence are checked by delivery-safeguards.ts.
 */
function checkStep(
  current: DeliveryRow,
  id: string,
  to: DriverStep,
  input: StepInput,
): Partial<DeliveryRow> {
  if (!stepSources(to).includes(current.status))
    throw new AppError('CONFLICT', `Delivery ${id} is ${current.status}; it cannot become ${to}`);
  const set: Partial<DeliveryRow> = {};
  if (to === 'picked_up' && !current.order_ready)
    throw new AppError('CONFLICT', 'The store has not marked this order ready yet');
  if (to === 'delivered') {
    set.proof_photo_ref = input.photo_ref ?? null;
    set.age_checked = current.age_restricted ? true : null;
  }
  if ((to === 'failed' || to === 'returned') && !input.reason)
    throw new AppError('VALIDATION_FAILED', `reason: say why the delivery ${to}`);
  return set;
}

/** The age check, asked once the PIN is right (so a wrong PIN is never told to add it). */
function checkAge(current: DeliveryRow, input: StepInput): void {
  if (current.age_restricted && input.age_checked !== true)
    throw new AppError(
      'UNPROCESSABLE',
      "Age-restricted items: confirm the customer's age (age_checked: true)",
    );
}

/**
 * A step by the assigned driver, with where it happened: taken at its stop (the geofence), the
 * handover with the proof the delivery asks for.
 */
export async function driverStep(
  env: DeliveriesEnv,
  by: Principal,
  id: string,
  to: DriverStep,
  input: StepInput,
) {
  const driverId = ownDriverId(by);
  const current = await visible(by, await env.repo.delivery(id), id);
  const set = checkStep(current, id, to, input);
  // Where the driver is first: PIN guesses from elsewhere are neither checked nor counted.
  const waived = await checkGeofence(env, current, to, driverId);
  if (to === 'delivered') {
    await checkHandover(env, current, input);
    checkAge(current, input);
  }
  const t = env.now();
  const row = await env.db.transaction().execute(async (trx) => {
    const tx = dispatchRepository(trx);
    if (waived && !(await tx.useGeofenceWaiver(id, waived, t)))
      throw new AppError('CONFLICT', `Delivery ${id} moved meanwhile`);
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
    if (isPaidOutcome(to)) await recordEarning(trx, env.settings.pay, moved, to, t);
    if (DELIVERY_TERMINAL.has(to)) await closeTripIfDone(env, trx, moved.trip_id, t);
    return moved;
  });
  return loadDelivery(env.repo, row, by);
}
