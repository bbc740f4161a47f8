import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { callerOf } from '../../platform/http/auth-hook.ts';
import { Strict, typed, Uuid } from '../../platform/http/typed.ts';
import { cartRoutes } from './cart.routes.ts';
import type { CartsService } from './carts.service.ts';
import type { CheckoutDeps } from './checkout.flow.ts';
import { checkoutRoutes } from './checkout.routes.ts';
import { ORDER_STATUSES } from './order-state.ts';
import type { OrdersService } from './orders.service.ts';
import { storeOrderRoutes } from './store-orders.routes.ts';

const Id = Strict({ id: Uuid });

export interface OrdersRouteDeps {
  carts: CartsService;
  checkout: CheckoutDeps;
  orders: OrdersService;
  paymentOf: (orderId: string) => Promise<unknown>;
}

/** Every route of the module: the cart, checkout, reading and canceling orders, the store's moves. */
export async function ordersRoutes(scope: FastifyInstance, deps: OrdersRouteDeps): Promise<void> {
  cartRoutes(scope, deps.carts);
  checkoutRoutes(scope, deps.checkout);
  customerOrderRoutes(scope, deps);
  storeOrderRoutes(scope, deps.orders);
}

/** Order history, one order, its payment, and canceling it. */
function customerOrderRoutes(scope: FastifyInstance, deps: OrdersRouteDeps): void {
  const app = typed(scope);
  const { orders } = deps;
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
        body: Strict({ reason: Type.String({ minLength: 1, maxLength: 500 }) }),
      },
    },
    async (req) => orders.cancel(callerOf(req), req.params.id, req.body.reason),
  );
}
