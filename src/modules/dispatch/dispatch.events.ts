import type { DeliveryStatus } from './delivery-state.ts';

/** `dispatch.delivery_<status>` for each status a delivery enters (payload version 1). */
export const deliveryEventType = (status: DeliveryStatus) => `dispatch.delivery_${status}`;

export const DispatchEvents = {
  DELIVERY_CREATED: 'dispatch.delivery_created',
  DELIVERY_ASSIGNED: deliveryEventType('assigned'),
  DELIVERY_AT_STORE: deliveryEventType('at_store'),
  DELIVERY_PICKED_UP: deliveryEventType('picked_up'),
  DELIVERY_AT_DROPOFF: deliveryEventType('at_dropoff'),
  DELIVERY_DELIVERED: deliveryEventType('delivered'),
  DELIVERY_FAILED: deliveryEventType('failed'),
  DELIVERY_RETURNED: deliveryEventType('returned'),
  DELIVERY_CANCELED: deliveryEventType('canceled'),
  DELIVERY_UNASSIGNED: 'dispatch.delivery_unassigned',
  OFFER_MADE: 'dispatch.offer_made',
  TRIP_ESCALATED: 'dispatch.trip_escalated',
} as const;

export interface DeliveryEventPayload {
  delivery_id: string;
  order_id: string;
  trip_id: string;
  store_id: string;
  customer_id: string;
  driver_id: string | null;
  status: DeliveryStatus;
  /** The delivery row's version after this change: a consumer applies only a newer one. */
  version: number;
  /** The status's rank on the delivery's way (delivery-state.ts `DELIVERY_RANK`). */
  rank: number;
  lat: number | null;
  lng: number | null;
  at: string;
  reason: string | null;
}
