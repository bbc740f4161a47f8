import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PlatformContext } from '../../platform/context.ts';
import type { ModuleDefinition } from '../../platform/module.ts';
import { catalogFor } from '../catalog/index.ts';
import { etaFor } from '../eta/index.ts';
import { inventoryFor } from '../inventory/index.ts';
import { paymentsFor } from '../payments/index.ts';
import { cartsService } from './carts.service.ts';
import { checkoutService } from './checkout.service.ts';
import { registerOrderSaga, startOrderSaga } from './order-saga.ts';
import { authorizePlacement } from './placement.ts';
import { ordersRoutes } from './orders.routes.ts';
import { OrderEvents } from './orders.events.ts';
import { ordersService } from './orders.service.ts';
import { DEFAULT_FEES } from './pricing.ts';

export { type OrderEventPayload, OrderEvents, orderEventType } from './orders.events.ts';
export { type OrderStatus, TERMINAL } from './order-state.ts';
export { orderWorkflowId, type OrdersService, ordersService } from './orders.service.ts';
export type { OrderLineRow, OrderRow } from './orders.repository.ts';
export { DEFAULT_FEES, priceOrder } from './pricing.ts';

export const CONSUMER_ORDER_SAGA = 'orders-saga';

/** Carts, checkout, the order state machine and its saga. */
export const ordersModule: ModuleDefinition = {
  name: 'orders',
  dependsOn: ['catalog', 'inventory', 'payments', 'eta'],
  migrationsDir: path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations'),
  registerWorkflows: (ctx) => registerOrderSaga(ctx, DEFAULT_FEES),
  routes: (app, ctx: PlatformContext) => {
    const catalog = catalogFor(ctx);
    const inventory = inventoryFor(ctx);
    const common = { db: ctx.db, catalog, inventory, fees: DEFAULT_FEES };
    return ordersRoutes(app, {
      carts: cartsService({ ...common, holds: ctx.config.cartHolds, holdTtlMs: ctx.config.reservationTtlS * 1000 }),
      checkout: checkoutService({ ...common, reservationTtlMs: ctx.config.reservationTtlS * 1000, promise: etaFor(ctx).promise }),
      orders: ordersService(ctx.db),
      authorize: (order) => authorizePlacement({ orders: ordersService(ctx.db), payments: paymentsFor(ctx), inventory }, order),
      paymentOf: (orderId) => paymentsFor(ctx).get(orderId),
    });
  },
  // The placed event starts the saga (outbox → bus → here), so an order committed by an API
  // process that died right after still gets one; the workflow id makes a repeat the same saga.
  startWorker: async (ctx) => {
    const sub = await ctx.subscribe(CONSUMER_ORDER_SAGA, [OrderEvents.PLACED], async (event) => {
      await startOrderSaga((event.payload as { order_id: string }).order_id);
    });
    return { stop: () => sub.close() };
  },
};
