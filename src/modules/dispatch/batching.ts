import {
  distanceM,
  HANDOVER_S,
  type LatLng,
  PLANNING_PACE,
  type TravelPace,
} from '../eta/index.ts';

export interface BatchOrder {
  id: string;
  dropoff: LatLng;
  /** Epoch ms when the store expects it packed. */
  readyAt: number;
  /** Epoch ms promised to the customer. */
  promisedAt: number;
}

export interface BatchPlan {
  ok: boolean;
  /** Drop-off order when ok. */
  order: [string, string];
  /** Seconds each order arrives later than it would alone (by id). */
  delayS: Record<string, number>;
}

/** Drop-offs farther apart than this are never batched, whatever the timing. */
export const BATCH_MAX_DROPOFF_GAP_M = 2500;

/**
 * Whether two orders from one store may ride with one driver: the driver leaves when both are
 * ready and drops the one promised earlier first. Allowed only when neither arrives more than
 * `marginS` later than it would alone and neither ends up more than `marginS` past its promise
 * (beyond where it would be alone anyway). Planned at the slowest vehicle's pace: a bag of a few
 * items may go to a bike, and the extra drop costs a bike the most (in the rain, more still).
 */
export function planBatch(
  store: LatLng,
  a: BatchOrder,
  b: BatchOrder,
  marginS: number,
  pace: TravelPace = PLANNING_PACE,
): BatchPlan {
  const rideS = (from: LatLng, to: LatLng) => pace.seconds(distanceM(from, to), 'bike', from, to);
  const alone = (o: BatchOrder) => o.readyAt + rideS(store, o.dropoff) * 1000;
  const [first, second] = a.promisedAt <= b.promisedAt ? [a, b] : [b, a];
  const leave = Math.max(a.readyAt, b.readyAt);
  const firstAt = leave + rideS(store, first.dropoff) * 1000;
  const secondAt = firstAt + (HANDOVER_S + rideS(first.dropoff, second.dropoff)) * 1000;
  const arrive: Record<string, number> = { [first.id]: firstAt, [second.id]: secondAt };
  const delayS: Record<string, number> = {};
  let ok = distanceM(a.dropoff, b.dropoff) <= BATCH_MAX_DROPOFF_GAP_M;
  for (const o of [first, second]) {
    const at = arrive[o.id] ?? 0;
    const soloAt = alone(o);
    delayS[o.id] = Math.round((at - soloAt) / 1000);
    if (at - soloAt > marginS * 1000) ok = false;
    if (at - Math.max(o.promisedAt, soloAt) > marginS * 1000) ok = false;
  }
  return { ok, order: [first.id, second.id], delayS };
}
