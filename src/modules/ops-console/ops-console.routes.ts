import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ok, ref } from '../../platform/http/contract.ts';
import { CursorParam } from '../../platform/http/page-cursor.ts';
import { Email, Strict, typed, Uuid } from '../../platform/http/typed.ts';
import { ATTENTION_KINDS } from '../../platform/attention/attention.ts';
import { ORDER_STATUSES } from '../orders/index.ts';
import type { opsAttention } from './attention.service.ts';
import { AttentionPage } from './attention.schemas.ts';
import { OpsOrderPage, OrderTimeline } from './ops-console.schemas.ts';
import type { opsOrderSearch } from './order-search.service.ts';
import type { opsOrderTimeline } from './order-timeline.service.ts';

const Time = (description: string) =>
  Type.Optional(Type.String({ format: 'date-time', description }));

const SearchQuery = Strict({
  id: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 36,
      pattern: '^[0-9a-fA-F][0-9a-fA-F-]*$',
      description: 'An order id, or its first hex digits (hyphens anywhere, any case)',
    }),
  ),
  customer: Type.Optional(
    Type.Union([Uuid, Email], { description: "The customer's account id, or its email" }),
  ),
  store_id: Type.Optional(Uuid),
  driver_id: Type.Optional(
    Type.String({
      format: 'uuid',
      maxLength: 36,
      description: 'A driver profile: the orders whose delivery they carry or carried',
    }),
  ),
  status: Type.Optional(
    Type.Union(
      ORDER_STATUSES.map((s) => Type.Literal(s)),
      { description: 'Only orders in this status now' },
    ),
  ),
  placed_from: Time('Placed at or after this time'),
  placed_to: Time('Placed before this time'),
  cursor: CursorParam,
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
});

/** The ops console's order screens: the search and one order's timeline. */
export async function opsConsoleRoutes(
  scope: FastifyInstance,
  deps: {
    search: ReturnType<typeof opsOrderSearch>;
    timeline: ReturnType<typeof opsOrderTimeline>;
    attention: ReturnType<typeof opsAttention>;
  },
): Promise<void> {
  const app = typed(scope);
  app.get(
    '/v1/ops/orders',
    {
      config: { auth: ['ops'] },
      schema: {
        tags: ['ops'],
        summary: 'Search orders by id or prefix, customer, store, driver, status and time',
        description:
          'Every key given must hold. Newest first. Each key walks an index (the order id, the customer’s, the store’s, the status’s, the driver’s deliveries); the others filter what it finds.',
        querystring: SearchQuery,
        response: { 200: ok(OpsOrderPage, 'A page of orders') },
      },
    },
    async (req) => deps.search(req.query),
  );
  app.get(
    '/v1/ops/orders/:id/timeline',
    {
      config: { auth: ['ops'] },
      schema: {
        tags: ['ops'],
        summary: "An order's whole history in one list, oldest first",
        description:
          'Its domain events (and any consumer that gave up on one), the saga’s workflows with every step, payment operations and refunds, substitutes, the delivery: trip, offers sent and how each was answered, the driver’s steps, ops’ overrides; tickets about it, notifications and webhook deliveries. Secrets (card tokens, PINs, passwords) are never shown.',
        params: Strict({ id: Uuid }),
        response: { 200: ok(ref(OrderTimeline), 'The timeline') },
      },
    },
    async (req) => deps.timeline(req.params.id),
  );
  app.get(
    '/v1/ops/attention',
    {
      config: { auth: ['ops'] },
      schema: {
        tags: ['ops'],
        summary: 'Late and stuck: everything that needs a person now, most overdue first',
        description:
          'Orders past their promised window or waiting too long for the store or a courier (`order_late`), order saga workflows failed or pending too long (`workflow_stuck`), trips no driver takes (`offer_untaken`), deliveries whose driver has gone quiet (`position_silent`); the thresholds are settings (`LASTMILE_OPS_*`). Each item lists the actions safe in its state now and the routes they map to; each action asks for a reason and is audited. An item leaves the list once its cause is resolved.',
        querystring: Strict({
          kind: Type.Optional(
            Type.Union(
              ATTENTION_KINDS.map((k) => Type.Literal(k)),
              { description: 'Only items of this kind' },
            ),
          ),
          store_id: Type.Optional(Uuid),
          cursor: CursorParam,
          limit: Type.Integer({ minimum: 1, maximum: 100, default: 50 }),
        }),
        response: { 200: ok(AttentionPage, 'A page of the list') },
      },
    },
    async (req) => deps.attention(req.query),
  );
}
