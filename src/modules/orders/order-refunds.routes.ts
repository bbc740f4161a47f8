import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../platform/errors.ts';
import { callerOf } from '../../platform/http/auth-hook.ts';
import { ok, problems, ref } from '../../platform/http/contract.ts';
import { Strict, typed, Uuid } from '../../platform/http/typed.ts';
import { type PaymentsService, Refund } from '../payments/index.ts';
import type { OrdersService } from './orders.service.ts';

/**
 * `POST /v1/orders/{id}/refunds` (ops, and the order's store staff for their own orders) and
 * `GET` (whoever sees the order): money given back after the capture, through the payments module
 * (reserved, then asked of the provider, then in the ledger with `payments.refunded`). Outsiders,
 * store staff of another store included, get 404 as for an order that does not exist.
 */
export function orderRefundRoutes(
  scope: FastifyInstance,
  deps: { orders: OrdersService; payments: PaymentsService },
): void {
  const app = typed(scope);
  app.post(
    '/v1/orders/:id/refunds',
    {
      config: { auth: ['store', 'ops'], idempotency: 'required' },
      schema: {
        tags: ['orders'],
        summary: 'Refund part or all of what was captured',
        description:
          'After the capture only; at most what was captured less what was refunded and what refunds in progress hold (409 with `refundable_minor` beyond). The Idempotency-Key names the refund: repeated, it is the same refund, also after a lost answer.',
        params: Strict({ id: Uuid }),
        body: Strict({
          amount_minor: Type.Integer({
            minimum: 1,
            description: 'Minor units of the order currency',
          }),
          reason: Type.String({ minLength: 1, maxLength: 500 }),
        }),
        response: {
          201: ok(ref(Refund), 'Refunded'),
          ...problems('CONFLICT', 'DEPENDENCY_UNAVAILABLE'),
        },
      },
    },
    async (req, reply) => {
      const by = callerOf(req);
      await deps.orders.get(by, req.params.id);
      const key = req.idempotencyKey;
      if (!key) throw new AppError('VALIDATION_FAILED', 'Idempotency-Key is required');
      const refund = await deps.payments.refundOrder({
        orderId: req.params.id,
        amountMinor: req.body.amount_minor,
        reason: req.body.reason,
        refundKey: key,
        by: by.id,
      });
      return reply.code(201).send(refund);
    },
  );
  app.get(
    '/v1/orders/:id/refunds',
    {
      config: { auth: ['customer', 'driver', 'store', 'ops'] },
      schema: {
        tags: ['orders'],
        summary: "The order's refunds, oldest first",
        params: Strict({ id: Uuid }),
        response: {
          200: ok(
            Type.Object({ items: Type.Array(ref(Refund)) }, { additionalProperties: false }),
            'Its refunds (none: an empty list)',
          ),
        },
      },
    },
    async (req) => {
      await deps.orders.get(callerOf(req), req.params.id);
      return { items: await deps.payments.refunds(req.params.id) };
    },
  );
}
