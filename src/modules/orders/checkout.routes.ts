import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { callerOf } from '../../platform/http/auth-hook.ts';
import { ok, problems, ref } from '../../platform/http/contract.ts';
import { Strict, typed, Uuid } from '../../platform/http/typed.ts';
import { TEST_CARD_TOKENS, testCardsDoc } from '../payments/index.ts';
import { checkout, type CheckoutDeps } from './checkout.flow.ts';
import { sendPaymentAnswer } from './payment-answer.ts';
import { OrderWithPayment } from './orders.schemas.ts';

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
  delivery: Type.Union(
    [
      Strict({
        lat: Type.Number({ minimum: -90, maximum: 90 }),
        lng: Type.Number({ minimum: -180, maximum: 180 }),
        address: Type.String({ minLength: 3, maxLength: 300 }),
      }),
      Strict(
        { address_id: Uuid },
        'One of your saved addresses (GET /v1/me/addresses): its point and text',
      ),
    ],
    { description: 'Where to: a point and its text, or a saved address' },
  ),
  payment: Strict({
    card_token: Type.String({
      pattern: '^tok_[A-Za-z0-9_]{1,60}$',
      description:
        "The payment provider's card token; with the built-in fake provider, one of the test cards listed in the operation's description",
      examples: [...TEST_CARD_TOKENS],
    }),
  }),
});

/** A saved address of the customer as a delivery point; NOT_FOUND when it is not theirs. */
export type SavedAddressLookup = (
  customerId: string,
  addressId: string,
) => Promise<{ lat: number; lng: number; address: string }>;

/**
 * `POST /v1/orders`: the checkout flow (checkout.flow.ts); 201 for a new paid order (also for a
 * repeat of the same key, marked as a replay), 202 while the payment is still being authorized,
 * 402 for a declined card.
 */
export function checkoutRoutes(
  scope: FastifyInstance,
  deps: CheckoutDeps,
  savedAddress: SavedAddressLookup,
): void {
  typed(scope).post(
    '/v1/orders',
    {
      config: { auth: ['customer'], idempotency: 'required' },
      schema: {
        tags: ['orders'],
        summary: 'Check out: reserve stock, place the order and authorize the payment',
        description: [
          'Send the lines (store_id + lines) or nothing to check out your cart. Prices come from the catalog; a client price is refused.',
          'A new order answers 201 once the card is authorized, 202 while the provider has not answered (the order settles in the background: follow it), or 402 when the card was declined: the order keeps its stock for a while and takes another card at `POST /v1/orders/{id}/payment` (the problem says until when). A retry with the same Idempotency-Key answers the same order, marked `Idempotent-Replayed: true`.',
          testCardsDoc(),
        ].join('\n\n'),
        body: CheckoutBody,
        response: {
          201: ok(
            ref(OrderWithPayment),
            'Placed and paid (or placed by this key before: `Idempotent-Replayed: true`)',
          ),
          202: ok(
            ref(OrderWithPayment),
            'Placed; the payment is still being authorized (`payment.status` is `pending`)',
          ),
          // PAYMENT_DECLINED: the order waits for another card; OUT_OF_STOCK / CONFLICT: the stock
          // or the cart moved; STORE_CLOSED / OUTSIDE_DELIVERY_AREA: the store closed or paused, or
          // it does not deliver there; UNPROCESSABLE: nothing to order; NOT_FOUND:
          // `delivery.address_id` names no saved address of the caller.
          ...problems(
            'PAYMENT_DECLINED',
            'OUT_OF_STOCK',
            'CONFLICT',
            'STORE_CLOSED',
            'OUTSIDE_DELIVERY_AREA',
            'UNPROCESSABLE',
            'NOT_FOUND',
          ),
        },
      },
    },
    async (req, reply) => {
      const by = callerOf(req);
      const { delivery } = req.body;
      const point =
        'address_id' in delivery ? await savedAddress(by.id, delivery.address_id) : delivery;
      const input = { ...req.body, delivery: point };
      const answer = await checkout(deps, by, input, req.idempotencyKey);
      // An order this key already placed (its first answer was lost, e.g. in a crash) is answered
      // as that first attempt was, marked as a replay.
      if (!answer.created) reply.header('idempotent-replayed', 'true');
      return sendPaymentAnswer(reply, answer.order, answer.payment, 201);
    },
  );
}
