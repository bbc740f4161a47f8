import type { OrderStatus } from './order-state.ts';

/** One event type per status the order enters: `orders.order_<status>` (payload version 1). */
export const orderEventType = (status: OrderStatus) => `orders.order_${status}`;
export const OrderEvents = {
  PLACED: orderEventType('placed'),
  PAYMENT_FAILED: orderEventType('payment_failed'),
  AUTHORIZING: orderEventType('authorizing'),
  AUTHORIZED: orderEventType('authorized'),
  ACCEPTED: orderEventType('accepted'),
  PREPARING: orderEventType('preparing'),
  READY: orderEventType('ready'),
  PICKED_UP: orderEventType('picked_up'),
  DELIVERED: orderEventType('delivered'),
  CANCELED: orderEventType('canceled'),
  FAILED: orderEventType('failed'),
} as const;

export interface OrderEventPayload {
  order_id: string;
  /** The order row's version after this change: a consumer applies only a newer one. */
  version: number;
  status: OrderStatus;
  /** The status's rank in the order's life (order-state.ts `ORDER_RANK`). */
  rank: number;
  store_id: string;
  customer_id: string;
  total_minor: number;
  captured_minor: number | null;
  currency: string;
  reason: string | null;
}
