import { type Static, Type } from '@sinclair/typebox';
import { defineEvent } from '../../platform/bus/declared-event.ts';
import { Nullable, OneOf, Uuid } from '../../platform/contract/schemas.ts';
import { ORDER_STATUSES, type OrderStatus } from './order-state.ts';

/** One event type per status the order enters: `orders.order_<status>` (payload version 1). */
export const orderEventType = <S extends OrderStatus>(status: S) =>
  `orders.order_${status}` as const;
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

const OrderEventPayload = Type.Object({
  order_id: Uuid,
  version: Type.Integer({
    minimum: 1,
    description: "The order row's version after this change: a consumer applies only a newer one",
  }),
  status: OneOf(ORDER_STATUSES),
  rank: Type.Integer({
    minimum: 0,
    description: "The status's rank in the order's life (the ends share the last)",
  }),
  store_id: Uuid,
  customer_id: Uuid,
  total_minor: Type.Integer({ minimum: 0 }),
  captured_minor: Nullable(Type.Integer({ minimum: 0 })),
  currency: Type.String({ minLength: 3, maxLength: 3 }),
  reason: Nullable(Type.String()),
});
export type OrderEventPayload = Static<typeof OrderEventPayload>;

const WHAT: Record<OrderStatus, string> = {
  placed:
    'An order was placed at checkout with its stock reserved; its payment is not yet authorized.',
  payment_failed:
    'The card was declined; the stock stays reserved for the retry grace while the customer may pay with another card.',
  authorizing: "A new card's authorization is running for an order whose first card was declined.",
  authorized: "The order's payment was authorized; it waits for the store to accept it.",
  accepted: 'The store accepted the order.',
  preparing: 'The store started packing the order.',
  ready: 'The order is packed and waits for its driver at the store.',
  picked_up: 'The driver picked the order up at the store.',
  delivered: 'The order was handed over; its payment is captured next.',
  canceled:
    'The order was canceled (by the customer, the store, ops or a deadline); its stock and authorization are released.',
  failed:
    'The order failed (payment declined, or the delivery failed); its stock and authorization are released.',
};

const orderEvent = <S extends OrderStatus>(status: S) =>
  defineEvent(orderEventType(status), OrderEventPayload, { description: WHAT[status] });

/** The event of an order entering each status. */
const BY_STATUS = {
  placed: orderEvent('placed'),
  payment_failed: orderEvent('payment_failed'),
  authorizing: orderEvent('authorizing'),
  authorized: orderEvent('authorized'),
  accepted: orderEvent('accepted'),
  preparing: orderEvent('preparing'),
  ready: orderEvent('ready'),
  picked_up: orderEvent('picked_up'),
  delivered: orderEvent('delivered'),
  canceled: orderEvent('canceled'),
  failed: orderEvent('failed'),
} satisfies { [S in OrderStatus]: ReturnType<typeof orderEvent<S>> };

export const orderEventOf = <S extends OrderStatus>(status: S) => BY_STATUS[status];

export const OrderEventDefs = {
  PLACED: BY_STATUS.placed,
  PAYMENT_FAILED: BY_STATUS.payment_failed,
  AUTHORIZING: BY_STATUS.authorizing,
  AUTHORIZED: BY_STATUS.authorized,
  ACCEPTED: BY_STATUS.accepted,
  PREPARING: BY_STATUS.preparing,
  READY: BY_STATUS.ready,
  PICKED_UP: BY_STATUS.picked_up,
  DELIVERED: BY_STATUS.delivered,
  CANCELED: BY_STATUS.canceled,
  FAILED: BY_STATUS.failed,
};

export const orderEvents = Object.values(BY_STATUS);
