import { type TProperties, Type } from '@sinclair/typebox';
import { component, pageOf, ref, stringEnum } from '../../platform/http/contract.ts';
import { DateTime, Uuid } from '../../platform/http/typed.ts';
import { OrderStatusField } from '../orders/index.ts';

/** The ops console's API shapes (named components of the OpenAPI document). */

const closed = (props: TProperties, description: string, examples?: unknown[]) =>
  Type.Object(props, {
    additionalProperties: false,
    description,
    ...(examples ? { examples } : {}),
  });
const nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T, description: string) =>
  Type.Union([t, Type.Null()], { description });

const ORDER_ID = '0190f0c2-6a2e-7b61-9d8e-3f3a1f6f2a10';

export const OpsOrder = component(
  'OpsOrder',
  closed(
    {
      id: Uuid,
      status: ref(OrderStatusField),
      placed_at: DateTime,
      status_at: Type.String({ format: 'date-time', description: 'Since when it is in `status`' }),
      store: closed(
        { id: Uuid, name: nullable(Type.String(), 'Null if the store is gone') },
        'The store it was ordered at',
      ),
      customer: closed(
        {
          id: Uuid,
          email: nullable(Type.String(), 'Null if the account is gone'),
        },
        'Who ordered (an erased account shows its erased address)',
      ),
      driver: nullable(
        closed(
          { id: Uuid, name: nullable(Type.String(), 'Null if the profile is gone') },
          'The driver',
        ),
        'Who carries or carried it; null while no driver has it',
      ),
      delivery_status: nullable(
        Type.String(),
        'Where its delivery is (`pending` until a driver takes it); null before the store accepted',
      ),
      total_minor: Type.Integer({
        minimum: 0,
        description: 'What the card was authorized for, in minor units of `currency`',
      }),
      currency: Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217' }),
      promise: nullable(
        closed({ from: DateTime, to: DateTime }, 'The window'),
        'The delivery window promised at checkout',
      ),
      late: Type.Boolean({
        description:
          'Past its promised window: still open after `promise.to`, or delivered after it. False without a promise and for canceled or failed orders.',
      }),
    },
    'An order as the ops console lists it',
    [
      {
        id: ORDER_ID,
        status: 'picked_up',
        placed_at: '2026-12-06T17:55:02.114Z',
        status_at: '2026-12-06T18:31:40.002Z',
        store: { id: '0190f0b0-1c4d-7a2e-8f10-5b6c7d8e9f01', name: 'Späti Torstraße' },
        customer: { id: '0190f0a1-2b3c-7d4e-9f50-6a7b8c9d0e12', email: 'ada@example.com' },
        driver: { id: '0190f0a9-7c1d-7e2f-8a3b-4c5d6e7f8091', name: 'Jo Rider' },
        delivery_status: 'picked_up',
        total_minor: 1994,
        currency: 'EUR',
        promise: { from: '2026-12-06T18:20:00.000Z', to: '2026-12-06T18:40:00.000Z' },
        late: false,
      },
    ],
  ),
);

export const OpsOrderPage = pageOf(
  ref(OpsOrder),
  'Orders matching every key given, newest first. With `driver_id` a page may hold fewer than `limit` orders while `next_cursor` is not null: the driver’s orders are read in bounded steps.',
);

export const TimelineItem = component(
  'TimelineItem',
  closed(
    {
      at: DateTime,
      source: Type.String({
        description:
          'What recorded it: `events` (the order’s domain events and dead letters), `workflows` (the saga’s workflows and their steps), `audit` (ops’ actions on the order, its trip, delivery and workflows: `kind` is the audit action), or a module (`orders`, `payments`, `dispatch`, `support`, `webhooks`, `notifications`…). New modules add their own.',
      }),
      kind: Type.String({
        description:
          'What happened, stable for clients: an event type for `events` (`orders.order_accepted`), else `<thing>.<what>` (`payment.capture`, `offer.declined`, `workflow.step`, `webhook.delivery`)',
      }),
      summary: Type.String({ description: 'One line for a person' }),
      data: Type.Object(
        {},
        {
          additionalProperties: true,
          description:
            'The record’s fields, as the source keeps them. Trimmed (strings at 300 characters, lists at 20 items, 4 levels) and redacted: a field named for a secret (token, PIN, password, card…) reads `[redacted]`.',
        },
      ),
    },
    'One thing that happened to an order',
    [
      {
        at: '2026-12-06T18:02:11.804Z',
        source: 'dispatch',
        kind: 'offer.declined',
        summary: "Driver …7f8091's offer declined: too far",
        data: {
          offer_id: '0190f0d3-1a2b-7c3d-8e4f-5a6b7c8d9e0f',
          trip_id: '0190f0d2-0a1b-7c2d-8e3f-4a5b6c7d8e9f',
          driver_id: '0190f0a9-7c1d-7e2f-8a3b-4c5d6e7f8091',
          status: 'declined',
          pickup_m: 850,
          reason: 'too far',
        },
      },
    ],
  ),
);

export const OrderTimeline = component(
  'OrderTimeline',
  closed(
    {
      order_id: Uuid,
      items: Type.Array(ref(TimelineItem), {
        description: 'Everything the sources recorded about the order, oldest first',
      }),
      gaps: Type.Array(
        closed(
          {
            source: Type.String(),
            reason: stringEnum(
              ['limit', 'error'],
              '`limit`: it had more than it may show (the earliest are shown); `error`: it could not be read just now',
            ),
          },
          'A source that could not show everything',
        ),
        { description: 'Empty when the timeline is whole' },
      ),
    },
    "An order's whole history in one list: its events, workflows and their steps, payment operations, offers, delivery steps, tickets, notifications and webhook deliveries. Domain events are kept a day after they were published (LASTMILE_OUTBOX_RETENTION_HOURS) and finished workflows LASTMILE_WORKFLOW_RETENTION_DAYS; the other sources keep theirs with the business.",
    [
      {
        order_id: ORDER_ID,
        items: [
          {
            at: '2026-12-06T17:55:02.114Z',
            source: 'orders',
            kind: 'order.placed',
            summary: 'Placed: 2 line(s), 19.94 EUR; promised 18:20–18:40',
            data: { total_minor: 1994, currency: 'EUR' },
          },
          {
            at: '2026-12-06T17:55:02.390Z',
            source: 'payments',
            kind: 'payment.authorize',
            summary: 'Authorized 19.94 EUR',
            data: { amount_minor: 1994, currency: 'EUR' },
          },
        ],
        gaps: [],
      },
    ],
  ),
);

export const opsConsoleSchemas = [OpsOrder, TimelineItem, OrderTimeline];
