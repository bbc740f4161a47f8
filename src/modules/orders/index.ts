import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PlatformContext } from '../../platform/context.ts';
import type { ModuleDefinition } from '../../platform/module.ts';
import { catalogFor } from '../catalog/index.ts';
import { inventoryFor } from '../inventory/index.ts';
import { paymentsFor } from '../payments/index.ts';
import { cartsService } from './carts.service.ts';
import { checkoutService } from './checkout.service.ts';
import { paymentOutcome, registerOrderSaga, startOrderSaga } from './order-saga.ts';
import { ordersRoutes } from './orders.routes.ts';
import { OrderEvents } from './orders.events.ts';
import { ordersService } from './orders.service.ts';
import { DEFAULT_FEES } from './pricing.ts';

export { type OrderEventPayload, OrderEvents, orderEventType } from './orders.events.ts';
export { type OrderStatus, TERMINAL } from './order-state.ts';
export { orderWorkflowId } from './orders.service.ts';
export { DEFAULT_FEES, priceOrder } from './pricing.ts';

/** How long checkout waits for the payment outcome before answering with `pending`. */
const PAYMENT_WAIT_S = 10;
export const CONSUMER_ORDER_SAGA = 'orders-saga';

/** Carts, checkout, the order state machine and its saga. */
export const ordersModule: ModuleDefinition = {
  name: 'orders',
  dependsOn: ['catalog', 'inventory', 'payments'],
  migrationsDir: path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations'),
  registerWorkflows: (ctx) => registerOrderSaga(ctx, DEFAULT_FEES),
  routes: (app, ctx: PlatformContext) => {
    const catalog = catalogFor(ctx);
    const inventory = inventoryFor(ctx);
    const common = { db: ctx.db, catalog, inventory, fees: DEFAULT_FEES };
    return ordersRoutes(app, {
      carts: cartsService({ ...common, holds: ctx.config.cartHolds, holdTtlMs: ctx.config.reservationTtlS * 1000 }),
      checkout: checkoutService({ ...common, reservationTtlMs: ctx.config.reservationTtlS * 1000 }),
      orders: ordersService(ctx.db),
      afterPlace: async (orderId) => {
        await startOrderSaga(orderId);
        return paymentOutcome(orderId, PAYMENT_WAIT_S);
      },
      paymentOf: (orderId) => paymentsFor(ctx).get(orderId),
    });
  },
  // The placed event starts the saga too: if the API process died between committing the order
  // and starting it, the worker does; the workflow id makes both starts one saga.
  startWorker: async (ctx) => {
    const sub = await ctx.subscribe(CONSUMER_ORDER_SAGA, [OrderEvents.PLACED], async (event) => {
      await startOrderSaga((event.payload as { order_id: string }).order_id);
    });
    return { stop: () => sub.close() };
  },
};
