import type { DriverPaySettings } from '../../platform/config.ts';
import type { Db } from '../../platform/db/pool.ts';
import { dispatchRepository } from './dispatch.repository.ts';
import type { DeliveryRow } from './dispatch-tables.ts';
import { earningOf, offerPay, waitedS } from './driver-pay.ts';

/** The ends of a delivery that pay its driver (driver-pay.ts says why). */
export const PAID_OUTCOMES = ['delivered', 'failed', 'returned'] as const;
export type PaidOutcome = (typeof PAID_OUTCOMES)[number];
export const isPaidOutcome = (s: string): s is PaidOutcome =>
  (PAID_OUTCOMES as readonly string[]).includes(s);

/**
 * Records what the delivery earned its driver, in the transaction that ended it: the pay its
 * accepted offer fixed (or, for an offer made before pay existed, today's rates for the way the
 * offer names) plus the waiting at the store. Once per delivery: a repeat writes nothing.
 */
export async function recordEarning(
  trx: Db,
  settings: DriverPaySettings,
  d: DeliveryRow,
  outcome: PaidOutcome,
  t: Date,
): Promise<void> {
  if (!d.driver_id) return;
  const tx = dispatchRepository(trx);
  const [offer, steps, trip] = await Promise.all([
    tx.acceptedOffer(d.trip_id, d.driver_id),
    tx.stepsOf([d.id]),
    tx.trip(d.trip_id),
  ]);
  const pay =
    offer?.pay ??
    offerPay(
      settings,
      offer?.pickup_m ?? 0,
      { lat: trip?.pickup_lat ?? d.dropoff_lat, lng: trip?.pickup_lng ?? d.dropoff_lng },
      [{ id: d.id, lat: d.dropoff_lat, lng: d.dropoff_lng }],
    );
  await tx.recordEarning({
    delivery_id: d.id,
    driver_id: d.driver_id,
    order_id: d.order_id,
    trip_id: d.trip_id,
    offer_id: offer?.id ?? null,
    outcome,
    ...earningOf(pay, d.id, waitedS(steps)),
    earned_at: t,
  });
}
