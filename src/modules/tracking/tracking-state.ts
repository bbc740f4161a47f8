import type { DomainEvent } from '../../platform/bus/event.ts';
import type { DeliveryEventPayload } from '../dispatch/index.ts';
import type { Phase } from '../eta/index.ts';
import type { OrderEventPayload } from '../orders/index.ts';
import type { TrackingChange, TrackingRow } from './tracking.repository.ts';

const FINAL = new Set(['delivered', 'canceled', 'failed', 'returned']);

/** Where the order is, as the ETA sees it. */
export const phaseOf = (status: string): Phase =>
  FINAL.has(status)
    ? 'done'
    : status === 'picked_up' || status === 'at_dropoff'
      ? 'to_customer'
      : 'preparing';

/** What tracking reads of an order or delivery event. */
type FollowedPayload = (OrderEventPayload | DeliveryEventPayload) & {
  status: string;
  order_id: string;
  reason: string | null;
  driver_id?: string | null;
};

export const followedPayload = (event: DomainEvent) => event.payload as FollowedPayload;

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
  message: { status: string; driver_id: string | null; at: string; reason: string | null } | null;
  prepSample: PrepSample | null;
}

/**
 * What one event does to the order's tracking row. `vehicle` is the vehicle of the driver an
 * assignment names (read before the transaction).
 */
export function transition(
  row: TrackingRow,
  event: DomainEvent,
  vehicle: string | null,
): Transition {
  const at = new Date(event.occurredAt);
  const p = followedPayload(event);
  const set: TrackingChange = {};
  let prepSample: PrepSample | null = null;
  if (event.type.startsWith('dispatch.')) {
    if (event.type === 'dispatch.delivery_unassigned') {
      set.driver_id = null;
      set.vehicle = null;
      set.status = row.ready_at ? 'ready' : 'accepted';
    } else {
      if (p.status === 'assigned' && p.driver_id) {
        set.driver_id = p.driver_id;
        set.vehicle = vehicle;
      }
      // The order's own events say accepted/ready; the delivery's say where the bag is.
      if (p.status !== 'pending') set.status = p.status;
    }
  } else {
    if (p.status === 'accepted') set.accepted_at = at;
    if (p.status === 'ready') {
      set.ready_at = at;
      if (row.accepted_at)
        prepSample = {
          storeId: row.store_id,
          acceptedAt: row.accepted_at.getTime(),
          seconds: (at.getTime() - row.accepted_at.getTime()) / 1000,
          defaultPrepS: row.default_prep_s,
        };
    }
    // A delivery step already said more than "picked up"; keep the finer status.
    if (
      !['picked_up', 'at_store', 'at_dropoff', 'assigned'].includes(row.status) ||
      FINAL.has(p.status)
    )
      set.status = p.status;
  }
  const status = set.status ?? row.status;
  const changed = status !== row.status || set.driver_id !== undefined;
  return {
    change: { ...set, active: !FINAL.has(status) },
    message: changed
      ? {
          status,
          driver_id: set.driver_id !== undefined ? set.driver_id : row.driver_id,
          at: at.toISOString(),
          reason: p.reason ?? null,
        }
      : null,
    prepSample,
  };
}
