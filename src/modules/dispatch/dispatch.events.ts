import { type Static, Type } from '@sinclair/typebox';
import { defineEvent, type EventDefinition } from '../../platform/bus/declared-event.ts';
import { DateTime, Nullable, OneOf, Uuid } from '../../platform/contract/schemas.ts';
import { DELIVERY_STATUSES, type DeliveryStatus } from './delivery-state.ts';

/** `dispatch.delivery_<status>` for each status a delivery enters (payload version 1). */
export const deliveryEventType = <S extends DeliveryStatus>(status: S) =>
  `dispatch.delivery_${status}` as const;

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
  DELIVERY_PIN_LOCKED: 'dispatch.delivery_pin_locked',
  OFFER_MADE: 'dispatch.offer_made',
  TRIP_ESCALATED: 'dispatch.trip_escalated',
} as const;

const DeliveryEventPayload = Type.Object({
  delivery_id: Uuid,
  order_id: Uuid,
  trip_id: Uuid,
  store_id: Uuid,
  customer_id: Uuid,
  driver_id: Nullable(Uuid),
  status: OneOf(DELIVERY_STATUSES),
  version: Type.Integer({
    minimum: 1,
    description:
      "The delivery row's version after this change: a consumer applies only a newer one",
  }),
  rank: Type.Integer({ minimum: 0, description: "The status's rank on the delivery's way" }),
  lat: Nullable(Type.Number({ description: 'Where the driver reported the step, if they did' })),
  lng: Nullable(Type.Number()),
  at: DateTime,
  reason: Nullable(Type.String()),
});
export type DeliveryEventPayload = Static<typeof DeliveryEventPayload>;

const PinLockedPayload = Type.Object({
  delivery_id: Uuid,
  order_id: Uuid,
  store_id: Uuid,
  driver_id: Nullable(Uuid),
  failures: Type.Integer({ minimum: 1, description: 'Wrong PINs entered' }),
  locked_at: DateTime,
});
export type PinLockedPayload = Static<typeof PinLockedPayload>;

const OfferMadePayload = Type.Object({
  offer_id: Uuid,
  trip_id: Uuid,
  driver_id: Uuid,
  expires_at: DateTime,
});

const TripEscalatedPayload = Type.Object({
  trip_id: Uuid,
  store_id: Uuid,
  offers_made: Type.Integer({ minimum: 0 }),
  radius_m: Type.Number({ minimum: 0, description: 'The widest search radius tried' }),
});
export type TripEscalatedPayload = Static<typeof TripEscalatedPayload>;

const delivery = <T extends string>(type: T, description: string) =>
  defineEvent(type, DeliveryEventPayload, { description });

export const DispatchEventDefs = {
  DELIVERY_CREATED: delivery(
    DispatchEvents.DELIVERY_CREATED,
    'An accepted order got its delivery (status pending), in a new or a batched trip.',
  ),
  DELIVERY_ASSIGNED: delivery(
    DispatchEvents.DELIVERY_ASSIGNED,
    "A driver accepted the offer of the delivery's trip.",
  ),
  DELIVERY_AT_STORE: delivery(DispatchEvents.DELIVERY_AT_STORE, 'The driver arrived at the store.'),
  DELIVERY_PICKED_UP: delivery(
    DispatchEvents.DELIVERY_PICKED_UP,
    'The driver picked the bag up at the store.',
  ),
  DELIVERY_AT_DROPOFF: delivery(
    DispatchEvents.DELIVERY_AT_DROPOFF,
    "The driver arrived at the customer's door.",
  ),
  DELIVERY_DELIVERED: delivery(DispatchEvents.DELIVERY_DELIVERED, 'The bag was handed over.'),
  DELIVERY_FAILED: delivery(
    DispatchEvents.DELIVERY_FAILED,
    'The handover failed (nobody at the door, refused, damaged); `reason` says why.',
  ),
  DELIVERY_RETURNED: delivery(
    DispatchEvents.DELIVERY_RETURNED,
    'The bag went back to the store after a failed handover.',
  ),
  DELIVERY_CANCELED: delivery(
    DispatchEvents.DELIVERY_CANCELED,
    'The delivery was canceled with its order.',
  ),
  DELIVERY_UNASSIGNED: delivery(
    DispatchEvents.DELIVERY_UNASSIGNED,
    'Ops let the driver go before pickup; the delivery is pending again and its trip is offered anew.',
  ),
  DELIVERY_PIN_LOCKED: defineEvent(DispatchEvents.DELIVERY_PIN_LOCKED, PinLockedPayload, {
    description:
      'Too many wrong handover PINs: the handover is locked until ops unlocks it; support opens a ticket.',
  }),
  OFFER_MADE: defineEvent(DispatchEvents.OFFER_MADE, OfferMadePayload, {
    description:
      "A trip was offered to a driver until `expires_at`; the push to the driver's app follows.",
  }),
  TRIP_ESCALATED: defineEvent(DispatchEvents.TRIP_ESCALATED, TripEscalatedPayload, {
    description:
      'Every search radius of a trip found no driver; ops is told and the search starts over later.',
  }),
};

export const dispatchEvents = Object.values(DispatchEventDefs);

/** The event of a delivery entering each status; `pending` has two (created, unassigned), named by the caller. */
export const DELIVERY_STATUS_EVENT = {
  assigned: DispatchEventDefs.DELIVERY_ASSIGNED,
  at_store: DispatchEventDefs.DELIVERY_AT_STORE,
  picked_up: DispatchEventDefs.DELIVERY_PICKED_UP,
  at_dropoff: DispatchEventDefs.DELIVERY_AT_DROPOFF,
  delivered: DispatchEventDefs.DELIVERY_DELIVERED,
  failed: DispatchEventDefs.DELIVERY_FAILED,
  returned: DispatchEventDefs.DELIVERY_RETURNED,
  canceled: DispatchEventDefs.DELIVERY_CANCELED,
} satisfies Record<Exclude<DeliveryStatus, 'pending'>, unknown>;

export type DeliveryEventDefinition = EventDefinition<string, typeof DeliveryEventPayload>;
