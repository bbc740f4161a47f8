import type { DomainEvent } from '../../platform/bus/event.ts';
import type { DeliveryEventPayload } from '../dispatch/index.ts';
import type { Phase } from '../eta/index.ts';
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

/** A store packed an order: how long it took, for the ETA to learn from. */
export interface PrepSample {
  storeId: string;
  acceptedAt: number;
  seconds: number;
  defaultPrepS: number;
}

interface Transition {
  change: TrackingChange;
  /** The status message to log, when the status or the driver changed. */
  message: Omit<MessageOf<typeof StatusMessage>, 'seq'> | null;
  prepSample: PrepSample | null;
}

/**
 * When the store accepted and packed the order: facts whenever their event is handled, so they
 * are kept even from an event too old to move the status. Each is set once; the preparation time
 * is learned when the second of the two becomes known.
 */
function orderTimes(row: TrackingRow, status: string, at: Date, set: TrackingChange) {
  let { accepted_at: acceptedAt, ready_at: readyAt } = row;
  if (status === 'accepted' && !acceptedAt) set.accepted_at = acceptedAt = at;
  if (status === 'ready' && !readyAt) set.ready_at = readyAt = at;
  if (!acceptedAt || !readyAt || (row.accepted_at && row.ready_at)) return null;
  return {
    storeId: row.store_id,
    acceptedAt: acceptedAt.getTime(),
    seconds: (readyAt.getTime() - acceptedAt.getTime()) / 1000,
    defaultPrepS: row.default_prep_s,
  };
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
  const prepSample = fromDelivery ? null : orderTimes(row, p.status, at, set);
  if (p.version <= (fromDelivery ? row.delivery_version : row.order_version))
    return { change: set, message: null, prepSample };
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
    prepSample,
  };
}
