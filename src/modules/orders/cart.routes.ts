import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { callerOf } from '../../platform/http/auth-hook.ts';
import { empty, ok, problems, ref } from '../../platform/http/contract.ts';
import { Strict, typed, Uuid } from '../../platform/http/typed.ts';
import { type CartsService, MAX_LINE_QUANTITY } from './carts.service.ts';
import { Cart } from './orders.schemas.ts';

/** The customer's cart: read it, set a line, empty it. */
export function cartRoutes(scope: FastifyInstance, carts: CartsService): void {
  const app = typed(scope);
  app.get(
    '/v1/cart',
    {
      config: { auth: ['customer'] },
      schema: {
        tags: ['cart'],
        summary: 'Your cart with current prices, totals and the stock of each line',
        description:
          'Each line says how many units the cart can have of its product right now (`available`: the store’s free stock plus what the cart itself holds) and what that means (`status`); `short_product_ids` lists the lines checkout would refuse with `OUT_OF_STOCK`, so an app can explain them before the customer pays. The stock of all lines is read in one statement.',
        response: { 200: ok(ref(Cart), 'The open cart (empty when there is none)') },
      },
    },
    async (req) => carts.view(callerOf(req)),
  );
  app.put(
    '/v1/cart/lines',
    {
      config: { auth: ['customer'] },
      schema: {
        tags: ['cart'],
        summary: 'Set the quantity of a product in your cart (0 removes it)',
        description:
          'With cart holds on (`LASTMILE_CART_HOLDS`), every change holds the whole cart again until `LASTMILE_RESERVATION_TTL_S` from now, but never past `LASTMILE_CART_HOLD_MAX_AGE_S` after the cart was opened (then it holds nothing; checkout reserves anew). A change that would hold more than `LASTMILE_CART_HOLD_MAX_UNITS` of a product or `LASTMILE_CART_HOLD_MAX_TOTAL` in all is refused with 409 `HOLD_LIMIT` and changes nothing. A line the store can no longer fill stays in the cart unheld (`status` `short` or `sold_out`), so it can still be lowered or removed; a change adding units to it is refused with 409 `OUT_OF_STOCK`.',
        body: Strict({
          store_id: Uuid,
          product_id: Uuid,
          quantity: Type.Integer({ minimum: 0, maximum: MAX_LINE_QUANTITY }),
        }),
        response: {
          200: ok(ref(Cart), 'The cart after the change'),
          // NOT_FOUND: no such store; CONFLICT: the cart is at another store; OUT_OF_STOCK: the
          // cart cannot be held; HOLD_LIMIT: the cart would hold more than one customer may.
          ...problems('NOT_FOUND', 'CONFLICT', 'OUT_OF_STOCK', 'HOLD_LIMIT'),
        },
      },
    },
    async (req) => carts.setLine(callerOf(req), req.body),
  );
  app.delete(
    '/v1/cart',
    {
      config: { auth: ['customer'] },
      schema: {
        tags: ['cart'],
        summary: 'Empty your cart',
        response: { 204: empty('Emptied (also when there was nothing)') },
      },
    },
    async (req, reply) => {
      await carts.clear(callerOf(req));
      return reply.code(204).send();
    },
  );
}
