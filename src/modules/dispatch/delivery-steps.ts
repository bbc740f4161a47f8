import type { Principal } from '../../platform/auth/principal.ts';
import type { Db } from '../../platform/db/pool.ts';
import { AppError } from '../../platform/errors.ts';
import { ownDriverId } from '../drivers/index.ts';
import type { DeliveriesEnv } from './deliveries-env.ts';
import { emitDeliveryEvents } from './delivery-events.ts';
import { DELIVERY_TERMINAL, type DriverStep, stepSources } from './delivery-state.ts';
import { loadDelivery, visible } from './delivery-views.ts';
import { dispatchRepository } from './dispatch.repository.ts';
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
async function closeTripIfDone(
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
 * Whether `current` may become `to` with this input (a handover needs the PIN or a photo, and the
 * age check for restricted items; a failure or return needs a reason); what the step also sets.
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
  return set;
}

/** A step by the assigned driver, with where it happened; handover needs the PIN or a photo. */
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
  const t = env.now();
  const row = await env.db.transaction().execute(async (trx) => {
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
    if (DELIVERY_TERMINAL.has(to)) await closeTripIfDone(env, trx, moved.trip_id, t);
    return moved;
  });
  return loadDelivery(env.repo, row, by);
}
