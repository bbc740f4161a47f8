import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../platform/errors.ts';
import { auditActOf } from '../../platform/http/audit-act.ts';
import { callerOf } from '../../platform/http/auth-hook.ts';
import { ok, problems, ref } from '../../platform/http/contract.ts';
import { CursorParam } from '../../platform/http/page-cursor.ts';
import { Strict, typed, Uuid } from '../../platform/http/typed.ts';
import { Payment, type PaymentView } from '../payments/index.ts';
import { cartRoutes } from './cart.routes.ts';
import type { CartsService } from './carts.service.ts';
import type { CheckoutDeps } from './checkout.flow.ts';
import { checkoutRoutes, type SavedAddressLookup } from './checkout.routes.ts';
import { ORDER_STATUSES } from './order-state.ts';
import { Order, OrderPage } from './orders.schemas.ts';
import type { OrdersService } from './orders.service.ts';
import { storeOrderRoutes } from './store-orders.routes.ts';

const Id = Strict({ id: Uuid });

export interface OrdersRouteDeps {
  carts: CartsService;
  checkout: CheckoutDeps;
  orders: OrdersService;
  paymentOf: (orderId: string) => Promise<PaymentView | null>;
  savedAddress: SavedAddressLookup;
}

/** Every route of the module: the cart, checkout, reading and canceling orders, the store's moves. */
export async function ordersRoutes(scope: FastifyInstance, deps: OrdersRouteDeps): Promise<void> {
  cartRoutes(scope, deps.carts);
  checkoutRoutes(scope, deps.checkout, deps.savedAddress);
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
          cursor: CursorParam,
          limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
        }),
        response: { 200: ok(OrderPage, 'A page of orders, newest first') },
      },
    },
    async (req) => orders.list(callerOf(req), req.query),
  );
  app.get(
    '/v1/orders/:id',
    {
      // Drivers are let in only to get the same 404 as for a missing order (they follow the
      // delivery, /v1/orders/{id}/delivery): a role refusal would differ from everyone else's.
      config: { auth: ['customer', 'driver', 'store', 'ops'] },
      schema: {
        tags: ['orders'],
        summary: 'One order, with its lines (404 to anyone but its customer, its store and ops)',
        params: Id,
        response: { 200: ok(ref(Order), 'The order') },
      },
    },
    async (req) => orders.get(callerOf(req), req.params.id),
  );
  app.get(
    '/v1/orders/:id/payment',
    {
      config: { auth: ['customer', 'driver', 'store', 'ops'] },
      schema: {
        tags: ['orders'],
        summary: "The order's payment and its ledger",
        description: 'Not found until the payment provider has answered for the order.',
        params: Id,
        response: { 200: ok(ref(Payment), 'The payment') },
      },
    },
    async (req) => {
      await orders.get(callerOf(req), req.params.id);
      const payment = await deps.paymentOf(req.params.id);
      if (!payment) throw new AppError('NOT_FOUND', `No payment for order ${req.params.id} yet`);
      return payment;
    },
  );
  app.post(
    '/v1/orders/:id/cancel',
    {
      config: { auth: ['customer', 'ops'] },
      schema: {
        tags: ['orders'],
        summary: 'Cancel before pickup; stock and payment are given back',
        description:
          'A cancel by ops is written to the audit log (`order.cancel`) with the reason.',
        params: Id,
        body: Strict({ reason: Type.String({ minLength: 1, maxLength: 500 }) }),
        response: {
          200: ok(ref(Order), 'Canceled'),
          ...problems('CONFLICT'),
        },
      },
    },
    async (req) =>
      orders.cancel(
        callerOf(req),
        req.params.id,
        req.body.reason,
        auditActOf(req, req.body.reason),
      ),
  );
}
