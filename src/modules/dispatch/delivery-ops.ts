import type { AuditAct } from '../../platform/audit/audit-log.ts';
import type { Db } from '../../platform/db/pool.ts';
import { AppError } from '../../platform/errors.ts';
import type { DeliveriesEnv } from './deliveries-env.ts';
import { emitDeliveryEvents } from './delivery-events.ts';
import type { DeliveryStatus } from './delivery-state.ts';
import { closeTripIfDone } from './delivery-steps.ts';
import { loadDelivery, visible } from './delivery-views.ts';
import { dispatchRepository } from './dispatch.repository.ts';
import type { DeliveryRow } from './dispatch-tables.ts';
import { recordEarning } from './earnings.ts';

/** How ops know the bag reached the customer, kept in the audit log (never personal data). */
export interface OpsProof {
  /** Who confirmed it. */
  confirmed_by: 'customer' | 'driver' | 'store' | 'other';
  /** How. */
  method: 'phone_call' | 'chat' | 'photo' | 'other';
  /** A photo of the hand-over, when there is one (the media pipeline's reference). */
  photo_ref?: string | undefined;
}

/** The driver has the bag: the only states ops may close as delivered. */
const CARRIED: readonly DeliveryStatus[] = ['picked_up', 'at_dropoff'];

const state = (d: DeliveryRow) => ({ status: d.status, version: d.version });

/** One guarded move of the delivery with its step and event, as the driver's own step writes them. */
async function moveTo(
  trx: Db,
  d: DeliveryRow,
  to: 'at_dropoff' | 'delivered',
  set: Partial<DeliveryRow>,
  note: string,
  t: Date,
): Promise<DeliveryRow> {
  const tx = dispatchRepository(trx);
  const moved = await tx.updateDelivery(d.id, { ...set, status: to, status_at: t }, [d.status]);
  if (!moved) throw new AppError('CONFLICT', `Delivery ${d.id} moved meanwhile; retry`);
  await tx.addSteps([
    { delivery_id: d.id, status: to, driver_id: d.driver_id, lat: null, lng: null, at: t, note },
  ]);
  await emitDeliveryEvents(trx, [moved], t);
  return moved;
}

/**
 * Ops close a delivery the driver could not (the app died at the door, the customer confirmed on
 * the phone): the delivery moves through its own states (arrived at the drop-off, delivered) with
 * the steps and events a driver's hand-over writes, so the order follows and the saga captures;
 * the driver is paid and freed as after any hand-over. The proof stands in for the PIN or photo.
 * Only while a driver has the bag; 409 otherwise (a repeat finds it delivered).
 */
export async function markDelivered(
  env: DeliveriesEnv,
  act: AuditAct,
  id: string,
  proof: OpsProof,
) {
  const { by, reason } = act;
  const current = await visible(by, await env.repo.delivery(id), id);
  if (!CARRIED.includes(current.status) || !current.driver_id)
    throw new AppError(
      'CONFLICT',
      `Delivery ${id} is ${current.status}; only a delivery a driver has picked up can be marked delivered`,
    );
  const note = `marked delivered by ops (${proof.method}, confirmed by ${proof.confirmed_by}): ${reason}`;
  const t = env.now();
  const row = await env.db.transaction().execute(async (trx) => {
    let d = current;
    if (d.status === 'picked_up') d = await moveTo(trx, d, 'at_dropoff', {}, note, t);
    const done = await moveTo(
      trx,
      d,
      'delivered',
      {
        proof_photo_ref: proof.photo_ref ?? null,
        age_checked: d.age_restricted ? true : null,
        reason: `ops: ${reason}`,
      },
      note,
      t,
    );
    await recordEarning(trx, env.settings.pay, done, 'delivered', t);
    await closeTripIfDone(env, trx, done.trip_id, t);
    await env.audit.record(trx, act, {
      action: 'delivery.mark_delivered',
      target: { type: 'delivery', id },
      before: state(current),
      after: { ...state(done), proof },
    });
    return done;
  });
  return loadDelivery(env.repo, row, by);
}
