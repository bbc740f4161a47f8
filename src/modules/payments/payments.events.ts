import { type Static, Type } from '@sinclair/typebox';
import { defineEvent } from '../../platform/bus/declared-event.ts';
import { Nullable, OneOf, Uuid } from '../../platform/contract/schemas.ts';
import type { PaymentStatus } from './payments-tables.ts';

/** Event types the payments module emits (payload version 1), written with the ledger row they describe. */
export const PaymentEvents = {
  AUTHORIZED: 'payments.authorized',
  DECLINED: 'payments.declined',
  CAPTURED: 'payments.captured',
  VOIDED: 'payments.voided',
  REFUNDED: 'payments.refunded',
} as const;

const PAYMENT_STATUSES = [
  'authorized',
  'declined',
  'voided',
  'captured',
  'refunded',
  'partially_refunded',
  'failed',
] as const satisfies readonly PaymentStatus[];

const PaymentEventPayload = Type.Object({
  payment_id: Uuid,
  order_id: Uuid,
  status: OneOf(PAYMENT_STATUSES, "The payment's status after this event"),
  currency: Type.String({ minLength: 3, maxLength: 3 }),
  amount_minor: Type.Integer({
    minimum: 0,
    description: 'The amount this event moved (0 for a decline)',
  }),
  authorized_minor: Type.Integer({ minimum: 0 }),
  captured_minor: Type.Integer({ minimum: 0 }),
  refunded_minor: Type.Integer({ minimum: 0 }),
  reason: Nullable(Type.String()),
});
export type PaymentEventPayload = Static<typeof PaymentEventPayload>;

const payment = <T extends string>(type: T, description: string) =>
  defineEvent(type, PaymentEventPayload, { description });

export const PaymentEventDefs = {
  AUTHORIZED: payment(
    PaymentEvents.AUTHORIZED,
    "The order's card was authorized for its total at checkout.",
  ),
  DECLINED: payment(PaymentEvents.DECLINED, 'The provider declined the card; `reason` says why.'),
  CAPTURED: payment(
    PaymentEvents.CAPTURED,
    'The delivered amount was captured; the rest of the authorization is released.',
  ),
  VOIDED: payment(
    PaymentEvents.VOIDED,
    'The authorization was released without a capture (the order was canceled or failed).',
  ),
  REFUNDED: payment(PaymentEvents.REFUNDED, 'Part or all of a capture was refunded.'),
};

export const paymentEvents = Object.values(PaymentEventDefs);

/** The definitions of the movements after an authorization. */
export type PaymentEventDefinition = (typeof paymentEvents)[number];
