import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { callerOf } from '../../platform/http/auth-hook.ts';
import { Strict, typed, Uuid } from '../../platform/http/typed.ts';
import { checkout, type CheckoutDeps } from './checkout.flow.ts';
import { sendPaymentAnswer } from './payment-answer.ts';

const Quantity = Type.Integer({ minimum: 1, maximum: 99 });
const Sku = Type.String({ minLength: 1, maxLength: 64 });

const CheckoutBody = Strict({
  store_id: Type.Optional(Uuid),
  lines: Type.Optional(
    Type.Array(
      Strict({
        product_id: Type.Optional(Uuid),
        sku: Type.Optional(Sku),
        quantity: Quantity,
      }),
      { minItems: 1, maxItems: 100 },
    ),
  ),
  delivery: Strict({
    lat: Type.Number({ minimum: -90, maximum: 90 }),
    lng: Type.Number({ minimum: -180, maximum: 180 }),
    address: Type.String({ minLength: 3, maxLength: 300 }),
  }),
  payment: Strict({
    card_token: Type.String({
      pattern: '^tok_[A-Za-z0-9_]{1,60}$',
      description: "The payment provider's card token",
    }),
  }),
});

/**
 * `POST /v1/orders`: the checkout flow (checkout.flow.ts); 201 for a new paid order (also for a
 * repeat of the same key, marked as a replay), 202 while the payment is still being authorized,
 * 402 for a declined card.
 */
export function checkoutRoutes(scope: FastifyInstance, deps: CheckoutDeps): void {
  typed(scope).post(
    '/v1/orders',
    {
      config: { auth: ['customer'], idempotency: 'required' },
      schema: {
        tags: ['orders'],
        summary: 'Check out: reserve stock, place the order and authorize the payment',
        description:
          'Send the lines (store_id + lines) or nothing to check out your cart. Prices come from the catalog; a client price is refused.',
        body: CheckoutBody,
      },
    },
    async (req, reply) => {
      const answer = await checkout(deps, callerOf(req), req.body, req.idempotencyKey);
      // An order this key already placed (its first answer was lost, e.g. in a crash) is answered
      // as that first attempt was, marked as a replay.
      if (!answer.created) reply.header('idempotent-replayed', 'true');
      return sendPaymentAnswer(reply, answer.order, answer.payment, 201);
    },
  );
}
