import type { DomainEvent } from '../../platform/bus/event.ts';
import type { DeliveryEventPayload } from '../dispatch/index.ts';
import { completedParts, type Phase, type Timeline, type TimelineSample } from '../eta/index.ts';
import type { OrderEventPayload } from '../orders/index.ts';
import type { MessageOf } from '../../platform/contract/socket-contract.ts';
import type { TrackingChange, TrackingRow } from './tracking.repository.ts';
import { type StatusMessage, trackingStatus } from './tracking-socket.messages.ts';
import { combinedStatus, FINAL, mayMove, rankOf } from './tracking-status.ts';

/** Where the order is, as the ETA sees it. */
export const phaseOf = (status: string): Phase =>
  FINAL.has(status)
    ? 'done'
    : status === 'picked_up' || status === 'at_dropoff'
      ? 'to_customer'
      : 'preparing';

type OrderEvent = Omit<DomainEvent<OrderEventPayload>, 'type'> & { type: `orders.${string}` };
type DeliveryEvent = Omit<DomainEvent<DeliveryEventPayload>, 'type'> & {
  type: `dispatch.${string}`;
};
/** An order or delivery event tracking follows; the payload's `version` is the row's, bumped per change. */
export type FollowedEvent = OrderEvent | DeliveryEvent;

export const isDeliveryEvent = (event: FollowedEvent): event is DeliveryEvent =>
  event.type.startsWith('dispatch.');

/**
 * Whether the event skips a change of its source whose event tracking also follows, so that one
 * is still on its way. Every change of a delivery after its creation has a followed event, and
 * every change of an order from its acceptance on.
 */
export function skipsVersion(row: TrackingRow, event: FollowedEvent): boolean {
  const { version } = event.payload;
  if (isDeliveryEvent(event)) return version > Math.max(row.delivery_version, 1) + 1;
  return rankOf(row.order_status) >= rankOf('accepted') && version > row.order_version + 1;
}

interface Transition {
  change: TrackingChange;
  /** The status message to log, when the status or the driver changed. */
  message: Omit<MessageOf<typeof StatusMessage>, 'seq'> | null;
  /** Parts of the order's way this event completed, for the ETA to learn from. */
  sample: TimelineSample | null;
}

type Moment = 'accepted_at' | 'ready_at' | 'picked_up_at' | 'at_dropoff_at' | 'delivered_at';

/** The moment of the order's way each status marks, by source. */
const MOMENTS: Record<'order' | 'delivery', Partial<Record<string, Moment>>> = {
  order: {
    accepted: 'accepted_at',
    ready: 'ready_at',
    picked_up: 'picked_up_at',
    delivered: 'delivered_at',
  },
  delivery: { picked_up: 'picked_up_at', at_dropoff: 'at_dropoff_at', delivered: 'delivered_at' },
};

const ms = (d: Date | null) => d?.getTime() ?? null;

const timelineOf = (row: TrackingRow): Timeline => ({
  storeId: row.store_id,
  store: { lat: row.store_lat, lng: row.store_lng },
  dropoff: { lat: row.dropoff_lat, lng: row.dropoff_lng },
  defaultPrepS: row.default_prep_s,
  backlog: row.placed_backlog,
  vehicle: row.vehicle,
  placedAt: ms(row.placed_at),
  acceptedAt: ms(row.accepted_at),
  readyAt: ms(row.ready_at),
  pickedUpAt: ms(row.picked_up_at),
  atDropoffAt: ms(row.at_dropoff_at),
  deliveredAt: ms(row.delivered_at),
});

/**
 * The moments of the order's way (accepted, ready, picked up, at the door, delivered): facts
 * whenever their event is handled, from whichever source says so first, so they are kept even
 * from an event too old to move the status. Each is set once, and a part of the way is handed to
 * the ETA when the second of its two moments becomes known: once per order, whatever order the
 * events came in.
 */
function orderTimes(
  row: TrackingRow,
  source: 'order' | 'delivery',
  status: string,
  at: Date,
  set: TrackingChange,
): TimelineSample | null {
  const moment = MOMENTS[source][status];
  if (!moment || row[moment]) return null;
  set[moment] = at;
  const timeline = timelineOf({ ...row, [moment]: at });
  const parts = completedParts(timelineOf(row), timeline);
  return parts.length > 0 ? { timeline, parts } : null;
}

/**
 * What one event does to the order's tracking row. An event moves its source (the order or the
 * delivery) only when it carries a newer row version than the one applied last: a stale or
 * repeated event changes no status. The shown status is then combined from both sources and
 * never goes back (see `mayMove`). `vehicle` is the vehicle of the driver the event names, when
 * it was looked up (read before the transaction).
 */
export function transition(
  row: TrackingRow,
  event: FollowedEvent,
  vehicle: string | null,
): Transition {
  const at = new Date(event.occurredAt);
  const p = event.payload;
  const fromDelivery = isDeliveryEvent(event);
  const set: TrackingChange = {};
  const sample = orderTimes(row, fromDelivery ? 'delivery' : 'order', p.status, at, set);
  if (p.version <= (fromDelivery ? row.delivery_version : row.order_version))
    return { change: set, message: null, sample };
  let { order_status: orderStatus, delivery_status: deliveryStatus } = row;
  if (fromDelivery) {
    deliveryStatus = p.status;
    set.delivery_status = p.status;
    set.delivery_version = p.version;
    const driverId = event.payload.driver_id;
    if (driverId !== row.driver_id) {
      set.driver_id = driverId;
      set.vehicle = driverId ? vehicle : null;
    }
  } else {
    orderStatus = p.status;
    set.order_status = p.status;
    set.order_version = p.version;
  }
  const next = combinedStatus(orderStatus, deliveryStatus);
  const status = mayMove(row.status, next, fromDelivery && p.status === 'pending')
    ? next
    : row.status;
  if (status !== row.status) set.status = status;
  const changed = status !== row.status || set.driver_id !== undefined;
  return {
    change: { ...set, active: !FINAL.has(status) },
    message: changed
      ? {
          type: 'status',
          status: trackingStatus(status),
          driver_id: set.driver_id !== undefined ? set.driver_id : row.driver_id,
          at: at.toISOString(),
          reason: p.reason ?? null,
        }
      : null,
    sample,
  };
}
