import {
  DELIVERY_STATUS_EVENT,
  DispatchEventDefs,
} from '../../src/modules/dispatch/dispatch.events.ts';
import { DELIVERY_RANK, type DeliveryStatus } from '../../src/modules/dispatch/delivery-state.ts';
import { orderEventOf } from '../../src/modules/orders/orders.events.ts';
import { ORDER_RANK, type OrderStatus } from '../../src/modules/orders/order-state.ts';
import type { FollowedEvent } from '../../src/modules/tracking/index.ts';
import { declaredEvent } from '../../src/platform/bus/declared-event.ts';

/**
 * Order and delivery lifecycles as the tracking follower receives them: one event per committed
 * state change, each with its row's version, for tests that hand them over in shuffled orders.
 */

export type Ending = 'delivered' | 'returned' | 'canceled' | 'reassigned';
export const ENDINGS: readonly Ending[] = ['delivered', 'returned', 'canceled', 'reassigned'];

export interface LifecycleIds {
  orderId: string;
  storeId: string;
  customerId: string;
  deliveryId: string;
  tripId: string;
  drivers: readonly [string, string];
}

/** The status each ending leaves the tracked order in, whatever the order its events came in. */
export const FINAL_STATUS: Record<Ending, string> = {
  delivered: 'delivered',
  returned: 'returned',
  canceled: 'canceled',
  reassigned: 'delivered',
};

type Step = ['order', OrderStatus] | ['delivery', DeliveryStatus, 0 | 1 | null];

/**
 * Each lifecycle's state changes in an order they may commit in: `order` steps move the order
 * (versions from 3: placed 1, authorized 2), `delivery` steps the delivery (versions from 2: it was
 * created at 1) and name the driver (index) it has then.
 */
const STEPS: Record<Ending, Step[]> = {
  delivered: [
    ['order', 'accepted'],
    ['delivery', 'assigned', 0],
    ['order', 'preparing'],
    ['order', 'ready'],
    ['delivery', 'at_store', 0],
    ['delivery', 'picked_up', 0],
    ['order', 'picked_up'],
    ['delivery', 'at_dropoff', 0],
    ['delivery', 'delivered', 0],
    ['order', 'delivered'],
  ],
  returned: [
    ['order', 'accepted'],
    ['delivery', 'assigned', 0],
    ['order', 'ready'],
    ['delivery', 'at_store', 0],
    ['delivery', 'picked_up', 0],
    ['order', 'picked_up'],
    ['delivery', 'at_dropoff', 0],
    ['delivery', 'returned', 0],
    ['order', 'failed'],
  ],
  canceled: [
    ['order', 'accepted'],
    ['delivery', 'assigned', 0],
    ['order', 'preparing'],
    ['order', 'canceled'],
  ],
  reassigned: [
    ['order', 'accepted'],
    ['delivery', 'assigned', 0],
    ['delivery', 'at_store', 0],
    ['order', 'ready'],
    ['delivery', 'pending', null],
    ['delivery', 'assigned', 1],
    ['delivery', 'at_store', 1],
    ['delivery', 'picked_up', 1],
    ['order', 'picked_up'],
    ['delivery', 'at_dropoff', 1],
    ['delivery', 'delivered', 1],
    ['order', 'delivered'],
  ],
};

const orderEvent = (ids: LifecycleIds, status: OrderStatus, version: number): FollowedEvent =>
  declaredEvent(orderEventOf(status), {
    order_id: ids.orderId,
    version,
    status,
    rank: ORDER_RANK[status],
    store_id: ids.storeId,
    customer_id: ids.customerId,
    total_minor: 1000,
    captured_minor: null,
    currency: 'EUR',
    reason: status === 'failed' || status === 'canceled' ? 'test' : null,
  });

const deliveryEvent = (
  ids: LifecycleIds,
  status: DeliveryStatus,
  version: number,
  driver: 0 | 1 | null,
): FollowedEvent =>
  declaredEvent(
    status === 'pending' ? DispatchEventDefs.DELIVERY_UNASSIGNED : DELIVERY_STATUS_EVENT[status],
    {
      delivery_id: ids.deliveryId,
      order_id: ids.orderId,
      trip_id: ids.tripId,
      store_id: ids.storeId,
      customer_id: ids.customerId,
      driver_id: driver === null ? null : ids.drivers[driver],
      status,
      version,
      rank: DELIVERY_RANK[status],
      lat: null,
      lng: null,
      at: new Date().toISOString(),
      reason: status === 'returned' || status === 'pending' ? 'test' : null,
    },
  );

/** Every event of one lifecycle, in the order its changes committed. */
export function lifecycleEvents(ids: LifecycleIds, ending: Ending): FollowedEvent[] {
  let orderVersion = 2;
  let deliveryVersion = 1;
  return STEPS[ending].map((step) =>
    step[0] === 'order'
      ? orderEvent(ids, step[1], ++orderVersion)
      : deliveryEvent(ids, step[1], ++deliveryVersion, step[2]),
  );
}

/** A seeded generator (mulberry32), so a failing interleaving can be replayed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/** The events shuffled, some of them twice (a redelivery keeps its id). */
export function shuffledWithRepeats<E>(events: readonly E[], rnd: () => number) {
  const out = [...events, ...events.filter(() => rnd() < 0.3)];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j] as E, out[i] as E];
  }
  return out;
}

/** The statuses a tracking stream may show, in the order it may show them. */
const FORWARD = [
  'placed',
  'authorized',
  'accepted',
  'preparing',
  'ready',
  'assigned',
  'at_store',
  'picked_up',
  'at_dropoff',
];
const ENDS = ['delivered', 'canceled', 'failed', 'returned'];

/** What a paid order delivered without a step back shows, in order (its page's "So far"). */
export const WHOLE_ORDER = [...FORWARD.slice(1), 'delivered'];

/**
 * Why the stream's move from `a` to `b` breaks the state machine, or null: a stream only moves
 * forward, ends once (a failed order may still say its bag was returned), and goes back only
 * when the driver is let go before pickup (to the store's status of the moment).
 */
export function illegalMove(a: string, b: string): string | null {
  if (a === b) return null;
  if (ENDS.includes(a))
    return a === 'failed' && b === 'returned' ? null : `${a} → ${b} after the end`;
  if (ENDS.includes(b)) return null;
  const [i, j] = [FORWARD.indexOf(a), FORWARD.indexOf(b)];
  if (i < 0 || j < 0) return `unknown status in ${a} → ${b}`;
  if (j > i) return null;
  const letGo =
    ['assigned', 'at_store'].includes(a) && ['accepted', 'preparing', 'ready'].includes(b);
  return letGo ? null : `${a} → ${b} goes back`;
}

/** The first illegal move of a stream's statuses, or null. */
export function firstIllegalMove(statuses: readonly string[]): string | null {
  for (let i = 1; i < statuses.length; i++) {
    const why = illegalMove(statuses[i - 1] as string, statuses[i] as string);
    if (why) return `${why} in ${statuses.join(', ')}`;
  }
  return null;
}
