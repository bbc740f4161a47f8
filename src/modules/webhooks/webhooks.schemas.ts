import { type TProperties, Type } from '@sinclair/typebox';
import { component, pageOf, ref, stringEnum } from '../../platform/http/contract.ts';
import { transitionsDoc } from '../../platform/http/transitions-doc.ts';
import { DateTime, Uuid } from '../../platform/http/typed.ts';
import type { DeliveryStatus } from './webhooks.repository.ts';

/** The webhooks module's API shapes (named components of the OpenAPI document). */

const subscriptionProperties: TProperties = {
  id: Uuid,
  partner_name: Type.String(),
  url: Type.String({ format: 'uri', description: 'Where the signed POSTs go' }),
  events: Type.Array(Type.String(), {
    description: 'Event types, or a domain wildcard such as `orders.*`',
  }),
  store_id: Type.Union([Uuid, Type.Null()], {
    description: "Only this store's events; null for every store",
  }),
  active: Type.Boolean({ description: 'False once stopped' }),
  created_at: DateTime,
};

const EXAMPLE = {
  id: '0190f0e0-1a2b-7c3d-8e4f-5a6b7c8d9e0f',
  partner_name: 'Acme Couriers',
  url: 'https://partner.example.com/lastmile',
  events: ['orders.*', 'dispatch.delivery_delivered'],
  store_id: null,
  active: true,
  created_at: '2026-12-06T09:00:00.000Z',
};

export const WebhookSubscription = component(
  'WebhookSubscription',
  Type.Object(subscriptionProperties, {
    additionalProperties: false,
    description: "A partner's subscription to order and delivery events",
    examples: [EXAMPLE],
  }),
);

export const NewWebhookSubscription = component(
  'NewWebhookSubscription',
  Type.Object(
    {
      ...subscriptionProperties,
      secret: Type.String({
        description: 'Verifies `Lastmile-Signature`; shown only in this answer',
      }),
    },
    {
      additionalProperties: false,
      description: 'A subscription just made, with its signing secret',
      examples: [{ ...EXAMPLE, secret: 'whsec_Q2hhbmdlIG1lIGFmdGVyIHRoZSBkZW1v' }],
    },
  ),
);

/** A delivery's moves: the sender's outcomes (webhooks.service.ts) and the ops retry. */
export const DELIVERY_NEXT: Readonly<Record<DeliveryStatus, readonly DeliveryStatus[]>> = {
  pending: ['delivered', 'dead'],
  dead: ['pending'],
  delivered: [],
};
const DELIVERY_STATUSES = Object.keys(DELIVERY_NEXT) as DeliveryStatus[];
export const DeliveryStatusField = stringEnum(
  DELIVERY_STATUSES,
  `pending: due or retrying with backoff; dead: every attempt failed (ops may retry). Allowed moves: ${transitionsDoc(DELIVERY_NEXT)}`,
);

const closed = (props: TProperties, description: string, examples?: unknown[]) =>
  Type.Object(props, {
    additionalProperties: false,
    description,
    ...(examples ? { examples } : {}),
  });

export const WebhookDelivery = component(
  'WebhookDelivery',
  closed(
    {
      id: Uuid,
      subscription_id: Uuid,
      event_id: Uuid,
      event_type: Type.String(),
      status: DeliveryStatusField,
      attempts: Type.Integer({ minimum: 0 }),
      next_attempt_at: DateTime,
      last_status: Type.Union([Type.Integer(), Type.Null()], {
        description: "The partner's HTTP status on the last attempt",
      }),
      last_error: Type.Union([Type.String(), Type.Null()]),
      created_at: DateTime,
      delivered_at: Type.Union([DateTime, Type.Null()]),
    },
    'One event sent (or to be sent) to one subscription',
    [
      {
        id: '0190f0e3-4d5e-7f60-8a71-9b8c7d6e5f40',
        subscription_id: EXAMPLE.id,
        event_id: '0190f0e3-4c00-7a11-8b22-3c4d5e6f7a8b',
        event_type: 'orders.order_accepted',
        status: 'delivered',
        attempts: 1,
        next_attempt_at: '2026-12-06T18:01:00.000Z',
        last_status: 200,
        last_error: null,
        created_at: '2026-12-06T18:01:00.000Z',
        delivered_at: '2026-12-06T18:01:00.180Z',
      },
    ],
  ),
);

export const SubscriptionPage = pageOf(ref(WebhookSubscription), 'Subscriptions, newest first');
export const DeliveryPage = pageOf(ref(WebhookDelivery), 'Deliveries, newest first');

export const webhooksSchemas = [WebhookSubscription, NewWebhookSubscription, WebhookDelivery];
