import type { DriverPaySettings } from '../../platform/config.ts';
import { haversineMeters } from '../../platform/geo/haversine.ts';

/**
 * Driver pay, pure. An offer fixes what each delivery of its trip pays: the base, plus the rate
 * per kilometre of its share of the way to the store (split evenly over the trip's deliveries) and
 * of its leg on from the store or the previous drop-off (straight lines, as the offer shows them).
 * Waiting at the store past the free allowance is paid when the delivery ends, at the rate the
 * offer named, shared by the trip's deliveries the same way.
 *
 * Outcomes: `delivered`, `failed` and `returned` pay in full (the last two happen only after
 * pickup: the driver made the way, and a door nobody opens is not theirs to carry); a delivery
 * `canceled` (before pickup, with its order) or taken from the driver by ops earns nothing.
 */

export interface OfferPayLine {
  delivery_id: string;
  pickup_m: number;
  dropoff_m: number;
  base_minor: number;
  distance_minor: number;
  pay_minor: number;
}

export interface OfferPay {
  currency: string;
  base_minor: number;
  per_km_minor: number;
  wait_free_s: number;
  wait_per_min_minor: number;
  total_minor: number;
  deliveries: OfferPayLine[];
}

interface Point {
  lat: number;
  lng: number;
}

const metres = (a: Point, b: Point) => Math.round(haversineMeters(a.lat, a.lng, b.lat, b.lng));

/** What an offer pays: `pickupM` from the driver to the store, then the drop-offs in order. */
export function offerPay(
  settings: DriverPaySettings,
  pickupM: number,
  store: Point,
  dropoffs: ReadonlyArray<Point & { id: string }>,
): OfferPay {
  const n = Math.max(1, dropoffs.length);
  const share = Math.floor(pickupM / n);
  let from = store;
  const deliveries = dropoffs.map((d, i) => {
    const pickup = share + (i === 0 ? pickupM - share * n : 0);
    const dropoff = metres(from, d);
    from = d;
    const distance = Math.round(((pickup + dropoff) / 1000) * settings.perKmMinor);
    return {
      delivery_id: d.id,
      pickup_m: pickup,
      dropoff_m: dropoff,
      base_minor: settings.baseMinor,
      distance_minor: distance,
      pay_minor: settings.baseMinor + distance,
    };
  });
  return {
    currency: settings.currency,
    base_minor: settings.baseMinor,
    per_km_minor: settings.perKmMinor,
    wait_free_s: settings.waitFreeS,
    wait_per_min_minor: settings.waitPerMinMinor,
    total_minor: deliveries.reduce((sum, d) => sum + d.pay_minor, 0),
    deliveries,
  };
}

/** Seconds from arriving at the store to picking up, from the delivery's steps (0 if either is missing). */
export function waitedS(steps: ReadonlyArray<{ status: string; at: Date }>): number {
  const arrived = steps.findLast((s) => s.status === 'at_store');
  const picked = steps.findLast((s) => s.status === 'picked_up');
  if (!arrived || !picked) return 0;
  return Math.max(0, Math.floor((picked.at.getTime() - arrived.at.getTime()) / 1000));
}

/** What one delivery of the offer earned, with `waitingS` at the store. */
export function earningOf(pay: OfferPay, deliveryId: string, waitingS: number) {
  const line = pay.deliveries.find((d) => d.delivery_id === deliveryId);
  const paidMin = Math.floor(Math.max(0, waitingS - pay.wait_free_s) / 60);
  const waiting = Math.round(
    (paidMin * pay.wait_per_min_minor) / Math.max(1, pay.deliveries.length),
  );
  const base = line?.base_minor ?? pay.base_minor;
  const distance = line?.distance_minor ?? 0;
  return {
    currency: pay.currency,
    base_minor: base,
    distance_m: line ? line.pickup_m + line.dropoff_m : 0,
    distance_minor: distance,
    waiting_s: waitingS,
    waiting_minor: waiting,
    total_minor: base + distance + waiting,
  };
}
