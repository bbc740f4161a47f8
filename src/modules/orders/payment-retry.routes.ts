import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../platform/errors.ts';
import { callerOf } from '../../platform/http/auth-hook.ts';
import { ok, problems, ref } from '../../platform/http/contract.ts';
import { Strict, typed, Uuid } from '../../platform/http/typed.ts';
import { TEST_CARD_TOKENS } from '../payments/index.ts';
import { OrderWithPayment } from './orders.schemas.ts';
import { sendPaymentAnswer } from './payment-answer.ts';
import { type PaymentRetryDeps, retryPayment } from './payment-retry.flow.ts';

/**
 * `POST /v1/orders/{id}/payment`: pay for a declined order with another card while its stock is
 * still held (payment-retry.flow.ts). 200 paid, 202 still authorizing, 402 declined again, 409 when
 * the order takes no card now (paid, being authorized, its grace over, ended).
 */
export function paymentRetryRoutes(scope: FastifyInstance, deps: PaymentRetryDeps): void {
  typed(scope).post(
    '/v1/orders/:id/payment',
    {
      config: { auth: ['customer'], idempotency: 'required' },
      schema: {
        tags: ['orders'],
        summary: 'Pay for a declined order with another card',
        description:
          'Only for an order in payment_failed, before its retry grace ends (the 402 of the decline says until when). One attempt at a time.',
        params: Strict({ id: Uuid }),
        body: Strict({
          card_token: Type.String({
            pattern: '^tok_[A-Za-z0-9_]{1,60}$',
            description:
              "The payment provider's token of the other card (the test cards are listed at `POST /v1/orders`)",
            examples: [...TEST_CARD_TOKENS],
          }),
        }),
        response: {
          200: ok(ref(OrderWithPayment), 'Paid (or this key was used before: the order as it is)'),
          202: ok(
            ref(OrderWithPayment),
            'The payment is still being authorized (`payment.status` is `pending`)',
          ),
          // PAYMENT_DECLINED: declined again; CONFLICT: the order takes no card now.
          ...problems('PAYMENT_DECLINED', 'CONFLICT'),
        },
      },
    },
    async (req, reply) => {
      // The route requires the key; the hook refuses a request without one before this runs.
      const key = req.idempotencyKey;
      if (!key) throw new AppError('VALIDATION_FAILED', 'This route requires an Idempotency-Key');
      const { order, payment } = await retryPayment(
        deps,
        callerOf(req),
        req.params.id,
        req.body.card_token,
        key,
      );
      return sendPaymentAnswer(reply, order, payment, 200);
    },
  );
}
