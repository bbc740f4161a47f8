import type { PromiseParts, SimState, TrackedOrder } from './state.ts';

/** The parts of the checkout's promise (seconds), in the order of the way. */
const PARTS = [
  'accept_s',
  'prep_s',
  'pickup_lag_s',
  'ride_s',
  'handover_s',
  'error_s',
] as const satisfies ReadonlyArray<keyof PromiseParts>;

const COLUMNS = [
  'visit',
  'order_id',
  'store',
  'store_lat',
  'store_lng',
  'door_lat',
  'door_lng',
  'status',
  'placed_s',
  'promise_s',
  'promise_from_s',
  'promise_to_s',
  'naive_s',
  ...PARTS.map((p) => `promise_${p}`),
  'accepted_s',
  'ready_s',
  'picked_up_s',
  'delivered_s',
] as const;

/**
 * Every order of one world as a CSV row (`visit`: the planned visit it came from, the same in
 * every world of the run): when it was placed (seconds since the evening started), then what
 * checkout promised (the window, and the parts its point added up) and when each step really
 * happened (seconds after placing), so a team can look at any order of the report, or load the
 * evening into a notebook.
 */
export function orderLog(state: SimState): string {
  const after = (o: TrackedOrder, t: number | undefined) =>
    t === undefined ? '' : ((t - o.placedAt) / 1000).toFixed(1);
  const rows = [...state.orders.values()]
    .sort((a, b) => a.placedAt - b.placedAt)
    .map((o) => [
      String(o.visit.index),
      o.id,
      String(o.store.index),
      o.store.at.lat.toFixed(6),
      o.store.at.lng.toFixed(6),
      o.visit.home.lat.toFixed(6),
      o.visit.home.lng.toFixed(6),
      o.status,
      ((o.placedAt - state.startedAt) / 1000).toFixed(1),
      o.promiseMidS === null ? '' : o.promiseMidS.toFixed(1),
      after(o, o.promise?.from),
      after(o, o.promise?.to),
      o.naiveS.toFixed(1),
      ...PARTS.map((p) => String(o.promiseParts?.[p] ?? '')),
      after(o, o.acceptedAt),
      after(o, o.readyAt),
      after(o, o.pickedUpAt),
      after(o, o.deliveredAt),
    ]);
  return [COLUMNS, ...rows].map((r) => r.join(',')).join('\n') + '\n';
}
