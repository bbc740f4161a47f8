import { declaredEvent } from '../../platform/bus/declared-event.ts';
import { writeOutbox } from '../../platform/bus/outbox.ts';
import { AppError } from '../../platform/errors.ts';
import { haversineMeters } from '../../platform/geo/haversine.ts';
import type { DeliveriesEnv } from './deliveries-env.ts';
import { type DriverStep, STOP_STEPS, type StopStep } from './delivery-state.ts';
import { dispatchRepository } from './dispatch.repository.ts';
import { DispatchEventDefs } from './dispatch.events.ts';
import type { DeliveryRow } from './dispatch-tables.ts';

// The safeguards of a driver's steps (ARCHITECTURE.md, Delivery safeguards): the geofence, the
// handover's proof policy, and the PIN's attempt limit.

const isStopStep = (to: DriverStep): to is StopStep =>
  (STOP_STEPS as readonly string[]).includes(to);

/** Where a step is taken: the store for arriving and pickup, the customer's door after. */
async function stopOf(env: DeliveriesEnv, d: DeliveryRow, step: StopStep) {
  if (step === 'at_dropoff' || step === 'delivered')
    return { what: 'the drop-off', lat: d.dropoff_lat, lng: d.dropoff_lng };
  const trip = await env.repo.trip(d.trip_id);
  if (!trip) throw new Error(`delivery ${d.id} has no trip`);
  return { what: 'the store', lat: trip.pickup_lat, lng: trip.pickup_lng };
}

/** The driver's newest position if it is fresh (reported within the staleness setting). */
async function freshPosition(env: DeliveriesEnv, driverId: string) {
  const pos = await env.drivers.positions.get(driverId).catch((err: unknown) => {
    throw new AppError('DEPENDENCY_UNAVAILABLE', 'Driver positions are unavailable; retry', {
      cause: err,
      retryAfterS: 1,
    });
  });
  return pos && pos.at >= env.now().getTime() - env.staleS * 1000 ? pos : null;
}

/**
 * A step at a stop is taken there: the driver's last fresh position must be within the geofence
 * of the store or the drop-off, unless ops waived it for this step. Returns the step whose waiver
 * the move uses, or null when none is needed.
 */
export async function checkGeofence(
  env: DeliveriesEnv,
  d: DeliveryRow,
  to: DriverStep,
  driverId: string,
): Promise<StopStep | null> {
  if (!isStopStep(to)) return null;
  const [stop, pos] = await Promise.all([stopOf(env, d, to), freshPosition(env, driverId)]);
  const limitM = env.settings.geofenceM;
  const distanceM = pos ? Math.round(haversineMeters(pos.lat, pos.lng, stop.lat, stop.lng)) : null;
  if (distanceM !== null && distanceM <= limitM) return null;
  if (await env.repo.hasGeofenceWaiver(d.id, to)) return to;
  const details = {
    stop: { lat: stop.lat, lng: stop.lng },
    distance_m: distanceM,
    limit_m: limitM,
  };
  if (distanceM === null)
    throw new AppError(
      'LOCATION_UNKNOWN',
      `No position from you in the last ${env.staleS} s: send your location at ${stop.what}, then retry`,
      { details },
    );
  throw new AppError(
    'TOO_FAR_FROM_STOP',
    `You are ${distanceM} m from ${stop.what}; this step is accepted within ${limitM} m`,
    { details },
  );
}

/** Counts a wrong PIN (committed even though the step fails) and locks the handover at the limit. */
async function wrongPin(env: DeliveriesEnv, d: DeliveryRow): Promise<never> {
  const max = env.settings.pinMaxAttempts;
  const t = env.now();
  const row = await env.db.transaction().execute(async (trx) => {
    const counted = await dispatchRepository(trx).recordPinFailure(d.id, max, t);
    if (counted?.pin_locked_at)
      await writeOutbox(trx, [
        declaredEvent(
          DispatchEventDefs.DELIVERY_PIN_LOCKED,
          {
            delivery_id: counted.id,
            order_id: counted.order_id,
            store_id: counted.store_id,
            driver_id: counted.driver_id,
            failures: counted.pin_failures,
            locked_at: counted.pin_locked_at.toISOString(),
          },
          { aggregateId: counted.order_id },
        ),
      ]);
    return counted;
  });
  if (!row || row.pin_locked_at) throw pinLocked(max);
  const left = max - row.pin_failures;
  throw new AppError(
    'UNPROCESSABLE',
    `The PIN does not match; ${left} attempt(s) left before the handover locks`,
    { details: { field: 'pin', attempts_left: left } },
  );
}

const pinLocked = (max: number) =>
  new AppError(
    'PIN_LOCKED',
    `The handover is locked after ${max} wrong PINs; support has been told and ops can unlock it`,
  );

/**
 * The handover's proof: refused while the PIN is locked; the proof the delivery's policy asks for
 * (`proof`: the PIN, a photo, or either); a wrong PIN counts towards the lock.
 */
export async function checkHandover(
  env: DeliveriesEnv,
  d: DeliveryRow,
  input: { pin?: string | undefined; photo_ref?: string | undefined },
): Promise<void> {
  if (d.pin_locked_at) throw pinLocked(env.settings.pinMaxAttempts);
  if (!input.pin && !input.photo_ref)
    throw new AppError(
      'VALIDATION_FAILED',
      "Handover needs the customer's PIN or a photo reference",
    );
  if (d.proof === 'pin' && !input.pin)
    throw new AppError(
      'PROOF_REQUIRED',
      "This handover needs the customer's PIN (age-restricted items or a large order); a photo is not enough",
      { details: { field: 'pin', proof: d.proof } },
    );
  if (d.proof === 'photo' && !input.photo_ref)
    throw new AppError('PROOF_REQUIRED', 'This handover needs a photo reference', {
      details: { field: 'photo_ref', proof: d.proof },
    });
  if (input.pin && input.pin !== d.pin) await wrongPin(env, d);
}
