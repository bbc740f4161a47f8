import type { Principal } from '../../platform/auth/principal.ts';
import { AppError } from '../../platform/errors.ts';
import type { OfferView } from '../drivers/index.ts';
import type { DispatchRepository } from './dispatch.repository.ts';
import type {
  DeliveryRow,
  DeliveryStepsTable,
  OfferRow,
  OverrideRow,
  TripRow,
} from './dispatch-tables.ts';

type StepRow = Pick<DeliveryStepsTable, 'delivery_id' | 'status' | 'lat' | 'lng' | 'at' | 'note'>;

const overrideView = (o: OverrideRow) => ({
  kind: o.kind,
  step: o.step,
  by: o.by_user,
  at: o.at.toISOString(),
  reason: o.reason,
  used_at: o.used_at?.toISOString() ?? null,
});

/**
 * What each party sees of a delivery: the PIN only to the customer, who tells it at the door; ops'
 * overrides of its safeguards only to ops.
 */
export function deliveryView(
  d: DeliveryRow,
  steps: readonly StepRow[],
  by: Principal,
  overrides: readonly OverrideRow[] = [],
) {
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
    proof: d.proof,
    pin_locked: d.pin_locked_at !== null,
    order_ready: d.order_ready,
    ready_estimate_at: d.ready_estimate_at.toISOString(),
    promised_at: d.promised_at.toISOString(),
    status_at: d.status_at.toISOString(),
    reason: d.reason,
    proof_photo_ref: d.proof_photo_ref,
    rating: d.rating,
    steps: steps.map((s) => ({
      status: s.status,
      lat: s.lat,
      lng: s.lng,
      at: s.at.toISOString(),
      note: s.note,
    })),
    ...(by.role === 'customer' ? { pin: d.pin } : {}),
    ...(by.role === 'ops' ? { overrides: overrides.map(overrideView) } : {}),
  };
}

/** Deliveries as `by` sees them, each with its steps (read in one query). */
export async function deliveryViews(
  repo: DispatchRepository,
  deliveries: readonly DeliveryRow[],
  by: Principal,
) {
  const ids = deliveries.map((d) => d.id);
  const [steps, overrides] = await Promise.all([
    repo.stepsOf(ids),
    by.role === 'ops' ? repo.overridesOf(ids) : [],
  ]);
  return deliveries.map((d) =>
    deliveryView(
      d,
      steps.filter((s) => s.delivery_id === d.id),
      by,
      overrides.filter((o) => o.delivery_id === d.id),
    ),
  );
}

export async function loadDelivery(repo: DispatchRepository, d: DeliveryRow, by: Principal) {
  const [view] = await deliveryViews(repo, [d], by);
  if (!view) throw new Error(`delivery ${d.id} has no view`);
  return view;
}

/** A trip with its deliveries, as `by` sees them; the one shape of a driver's job. */
export async function loadTrip(repo: DispatchRepository, t: TripRow, by: Principal) {
  const deliveries = await deliveryViews(repo, await repo.deliveriesOfTrip(t.id), by);
  return {
    id: t.id,
    status: t.status,
    status_at: t.status_at.toISOString(),
    store_id: t.store_id,
    pickup: { lat: t.pickup_lat, lng: t.pickup_lng },
    driver_id: t.driver_id,
    items: t.items,
    assigned_at: t.assigned_at?.toISOString() ?? null,
    deliveries,
  };
}

/** An offer as its driver sees it: where to pick up, each drop-off with its delivery, the pay. */
export function offerView(
  o: OfferRow,
  trip: TripRow,
  deliveries: readonly DeliveryRow[],
): OfferView {
  return {
    id: o.id,
    trip_id: o.trip_id,
    status: o.status,
    store_id: trip.store_id,
    pickup: { lat: trip.pickup_lat, lng: trip.pickup_lng },
    pickup_m: o.pickup_m,
    radius_m: o.radius_m,
    dropoffs: deliveries
      .filter((d) => d.status !== 'canceled')
      .map((d) => ({
        delivery_id: d.id,
        order_id: d.order_id,
        lat: d.dropoff_lat,
        lng: d.dropoff_lng,
        items: d.items,
        proof: d.proof,
      })),
    pay: o.pay,
    created_at: o.created_at.toISOString(),
    expires_at: o.expires_at.toISOString(),
    responded_at: o.responded_at?.toISOString() ?? null,
  };
}

export async function loadOffer(repo: DispatchRepository, o: OfferRow) {
  const [trip, deliveries] = await Promise.all([
    repo.trip(o.trip_id),
    repo.deliveriesOfTrip(o.trip_id),
  ]);
  if (!trip) throw new Error(`offer ${o.id} has no trip`);
  return offerView(o, trip, deliveries);
}

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
