import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AuditAct, AuditChange } from '../../platform/audit/audit-log.ts';
import { AppError } from '../../platform/errors.ts';
import { auditActOf } from '../../platform/http/audit-act.ts';
import { callerOf, refuseUnlessOpsAdmin } from '../../platform/http/auth-hook.ts';
import { ok, problems, ref } from '../../platform/http/contract.ts';
import { Strict, typed, Uuid } from '../../platform/http/typed.ts';
import { type PaymentsService, type PaymentView, Refund } from '../payments/index.ts';
import type { OrdersService } from './orders.service.ts';

/** What the audit log keeps of a payment around a refund: its amounts. */
const moneyOf = (p: PaymentView | null) =>
  p && {
    status: p.status,
    currency: p.currency,
    captured_minor: p.captured_minor,
    refunded_minor: p.refunded_minor,
  };

interface RefundDeps {
  orders: OrdersService;
  payments: PaymentsService;
  opsLimitMinor: number;
  /** Writes an audit row on its own (a refund spans the provider's call, no one transaction). */
  audit: (act: AuditAct, change: AuditChange) => Promise<void>;
}

/**
 * `POST /v1/orders/{id}/refunds` (ops, and the order's store staff for their own orders) and
 * `GET` (whoever sees the order): money given back after the capture, through the payments module
 * (reserved, then asked of the provider, then in the ledger with `payments.refunded`). Outsiders,
 * store staff of another store included, get 404 as for an order that does not exist. An ops
 * agent refunds up to `opsLimitMinor`, an ops admin more; ops' refunds are in the audit log.
 */
export function orderRefundRoutes(scope: FastifyInstance, deps: RefundDeps): void {
  const app = typed(scope);
  refundRoute(app, deps);
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

/** A refund by ops (an agent up to the limit) or the order's store, after the capture. */
function refundRoute(app: ReturnType<typeof typed>, deps: RefundDeps): void {
  app.post(
    '/v1/orders/:id/refunds',
    {
      config: { auth: ['store', 'ops'], idempotency: 'required' },
      schema: {
        tags: ['orders'],
        summary: 'Refund part or all of what was captured',
        description:
          'After the capture only; at most what was captured less what was refunded and what refunds in progress hold (409 with `refundable_minor` beyond). The Idempotency-Key names the refund: repeated, it is the same refund, also after a lost answer. An ops agent may refund up to LASTMILE_OPS_REFUND_LIMIT_MINOR at once; above it only an ops admin (403 `OPS_ADMIN_REQUIRED`). A refund by ops is written to the audit log (`order.refund`) with the reason, once per key.',
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
          ...problems('CONFLICT', 'DEPENDENCY_UNAVAILABLE', 'OPS_ADMIN_REQUIRED'),
        },
      },
    },
    async (req, reply) => {
      const by = callerOf(req);
      const { amount_minor: amount, reason } = req.body;
      if (amount > deps.opsLimitMinor)
        refuseUnlessOpsAdmin(by, `A refund above ${deps.opsLimitMinor} (minor units)`);
      await deps.orders.get(by, req.params.id);
      const key = req.idempotencyKey;
      if (!key) throw new AppError('VALIDATION_FAILED', 'Idempotency-Key is required');
      const orderId = req.params.id;
      const before = by.role === 'ops' ? moneyOf(await deps.payments.get(orderId)) : null;
      const refund = await deps.payments.refundOrder({
        orderId,
        amountMinor: amount,
        reason,
        refundKey: key,
        by: by.id,
      });
      if (by.role === 'ops') {
        const after = { ...moneyOf(await deps.payments.get(orderId)), refund };
        const target = { type: 'order', id: orderId };
        await deps.audit(auditActOf(req, reason), {
          action: 'order.refund',
          target,
          before,
          after,
        });
      }
      return reply.code(201).send(refund);
    },
  );
}
