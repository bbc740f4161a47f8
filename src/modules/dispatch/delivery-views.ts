import type { Principal } from '../../platform/auth/principal.ts';
import { AppError } from '../../platform/errors.ts';
import type { DeliveryRow, OfferRow, TripRow } from './dispatch-tables.ts';

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

export const tripView = (t: TripRow, deliveries: readonly DeliveryRow[], by: Principal) => ({
  id: t.id,
  status: t.status,
  store_id: t.store_id,
  pickup: { lat: t.pickup_lat, lng: t.pickup_lng },
  driver_id: t.driver_id,
  items: t.items,
  assigned_at: t.assigned_at?.toISOString() ?? null,
  deliveries: deliveries.map((d) => deliveryView(d, by)),
});

const canSee = (by: Principal, d: DeliveryRow) =>
  by.role === 'ops' ||
  (by.role === 'customer' && d.customer_id === by.id) ||
  (by.role === 'store' && by.storeId === d.store_id) ||
  (by.role === 'driver' && by.driverId !== undefined && d.driver_id === by.driverId);

/** The delivery if `by` may see it. */
export async function visible(
  by: Principal,
  d: DeliveryRow | undefined,
  what: string,
): Promise<DeliveryRow> {
  // Someone else's delivery is reported as missing, so ids cannot be probed.
  if (!d || !canSee(by, d)) throw new AppError('NOT_FOUND', `No delivery ${what}`);
  return d;
}
