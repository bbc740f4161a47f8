import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Principal } from '../../platform/auth/principal.ts';
import { callerOf } from '../../platform/http/auth-hook.ts';
import { Strict, typed, Uuid } from '../../platform/http/typed.ts';
import type { CartsService } from './carts.service.ts';
import type { CheckoutService } from './checkout.service.ts';
import { ORDER_STATUSES } from './order-state.ts';
import type { OrderRow } from './orders.repository.ts';
import { orderView, type OrdersService } from './orders.service.ts';
import type { PaymentOutcome } from './placement.ts';

const Quantity = Type.Integer({ minimum: 1, maximum: 99 });
const Sku = Type.String({ minLength: 1, maxLength: 64 });
const Id = Strict({ id: Uuid });
const Reason = Strict({ reason: Type.String({ minLength: 1, maxLength: 500 }) });

export interface OrdersRouteDeps {
  carts: CartsService;
  checkout: CheckoutService;
  orders: OrdersService;
  /** Authorizes the payment of a just-placed order (the saga finishes anything left over). */
  authorize: (order: OrderRow) => Promise<{ outcome: PaymentOutcome; row: OrderRow }>;
  paymentOf: (orderId: string) => Promise<unknown>;
}

export async function ordersRoutes(scope: FastifyInstance, deps: OrdersRouteDeps): Promise<void> {
  const app = typed(scope);
  const { carts, checkout, orders } = deps;

  app.get(
    '/v1/cart',
    {
      config: { auth: ['customer'] },
      schema: { tags: ['cart'], summary: 'Your cart with current prices and totals' },
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
        body: Strict({
          store_id: Uuid,
          product_id: Uuid,
          quantity: Type.Integer({ minimum: 0, maximum: 99 }),
        }),
      },
    },
    async (req) => carts.setLine(callerOf(req), req.body),
  );
  app.delete(
    '/v1/cart',
    { config: { auth: ['customer'] }, schema: { tags: ['cart'], summary: 'Empty your cart' } },
    async (req, reply) => {
      await carts.clear(callerOf(req));
      return reply.code(204).send();
    },
  );

  app.post(
    '/v1/orders',
    {
      config: { auth: ['customer'], idempotency: 'required' },
      schema: {
        tags: ['orders'],
        summary: 'Check out: reserve stock, place the order and authorize the payment',
        description:
          'Send the lines (store_id + lines) or nothing to check out your cart. Prices come from the catalog; a client price is refused.',
        body: Strict({
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
        }),
      },
    },
    async (req, reply) => {
      const { row, created } = await checkout.place(callerOf(req), req.body, req.idempotencyKey);
      if (!created) {
        reply.code(200);
        return {
          ...(await orders.get(callerOf(req), row.id)),
          payment: { status: row.status === 'placed' ? 'pending' : row.status },
        };
      }
      const { outcome, row: now } = await deps.authorize(row);
      reply.code(201);
      return { ...orderView(now), payment: outcome };
    },
  );

  app.get(
    '/v1/orders',
    {
      config: { auth: ['customer', 'store', 'ops'] },
      schema: {
        tags: ['orders'],
        summary: "Order history: yours, your store's, or all (ops)",
        querystring: Strict({
          status: Type.Optional(Type.Union(ORDER_STATUSES.map((s) => Type.Literal(s)))),
          before: Type.Optional(Uuid),
          limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
        }),
      },
    },
    async (req) => orders.list(callerOf(req), req.query),
  );
  app.get(
    '/v1/orders/:id',
    {
      config: { auth: ['customer', 'store', 'ops'] },
      schema: { tags: ['orders'], summary: 'One order', params: Id },
    },
    async (req) => orders.get(callerOf(req), req.params.id),
  );
  app.get(
    '/v1/orders/:id/payment',
    {
      config: { auth: ['customer', 'store', 'ops'] },
      schema: { tags: ['orders'], summary: "The order's payment", params: Id },
    },
    async (req) => {
      await orders.get(callerOf(req), req.params.id);
      return deps.paymentOf(req.params.id);
    },
  );

  app.post(
    '/v1/orders/:id/cancel',
    {
      config: { auth: ['customer', 'ops'] },
      schema: {
        tags: ['orders'],
        summary: 'Cancel before pickup; stock and payment are given back',
        params: Id,
        body: Reason,
      },
    },
    async (req) => orders.cancel(callerOf(req), req.params.id, req.body.reason),
  );
  const storeAction = (
    path: string,
    summary: string,
    run: (p: Principal, id: string) => Promise<unknown>,
  ) =>
    app.post(
      `/v1/orders/:id/${path}`,
      {
        config: { auth: ['store', 'ops'] },
        schema: { tags: ['store orders'], summary, params: Id },
      },
      async (req) => run(callerOf(req), req.params.id),
    );
  storeAction('accept', 'The store takes the order', orders.accept);
  storeAction('preparing', 'The store starts picking', orders.preparing);
  // The assigned driver moves the delivery (and with it the order) through dispatch; these two
  // are the ops override for when the courier's app cannot.
  const opsOverride = (
    path: string,
    summary: string,
    run: (p: Principal, id: string) => Promise<unknown>,
  ) =>
    app.post(
      `/v1/orders/:id/${path}`,
      { config: { auth: ['ops'] }, schema: { tags: ['store orders'], summary, params: Id } },
      async (req) => run(callerOf(req), req.params.id),
    );
  opsOverride('picked-up', 'Ops override: the courier has the bag', orders.pickedUp);
  opsOverride(
    'delivered',
    'Ops override: handed over; the final amount is captured',
    orders.delivered,
  );
  app.post(
    '/v1/orders/:id/reject',
    {
      config: { auth: ['store', 'ops'] },
      schema: {
        tags: ['store orders'],
        summary: 'The store refuses the order',
        params: Id,
        body: Reason,
      },
    },
    async (req) => orders.reject(callerOf(req), req.params.id, req.body.reason),
  );
  app.post(
    '/v1/orders/:id/ready',
    {
      config: { auth: ['store', 'ops'] },
      schema: {
        tags: ['store orders'],
        summary:
          'Picked and packed; report missing items as picked quantities below the ordered ones',
        params: Id,
        body: Strict({
          picked: Type.Array(
            Strict({ product_id: Uuid, quantity: Type.Integer({ minimum: 0, maximum: 99 }) }),
            { maxItems: 100, default: [] },
          ),
        }),
      },
    },
    async (req) =>
      orders.ready(
        callerOf(req),
        req.params.id,
        req.body.picked.map((p) => ({ productId: p.product_id, quantity: p.quantity })),
      ),
  );
}
