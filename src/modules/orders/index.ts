import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { auditFor } from '../../platform/audit/audit-log.ts';
import { type PlatformContext, perPlatform } from '../../platform/context.ts';
import { stateMachineText } from '../../platform/http/contract.ts';
import type { ModuleDefinition } from '../../platform/module.ts';
import { runPeriodically } from '../../platform/periodic.ts';
import { settingsFor } from '../../platform/settings/runtime-settings.ts';
import { workflowsLaunched } from '../../platform/workflows/engine.ts';
import { addressesFor } from '../addresses/index.ts';
import { catalogFor } from '../catalog/index.ts';
import { etaFor } from '../eta/index.ts';
import { inventoryFor } from '../inventory/index.ts';
import { paymentsFor } from '../payments/index.ts';
import { CART_HOLD_LIMITS, holdLimitsOf } from './cart-hold-settings.ts';
import { cartsService } from './carts.service.ts';
import type { CheckoutDeps, PaymentSettings } from './checkout.flow.ts';
import { deliveryFeeRoutes } from './delivery-fees.routes.ts';
import { DeliveryFee } from './delivery-fees.schemas.ts';
import { orderReceipts } from './order-receipt.ts';
import { orderReceiptRoutes } from './order-receipt.routes.ts';
import { ordersTimeline } from './order-timeline.ts';
import { type OrderAttentionDeps, openOrders, ordersAttention } from './order-attention.ts';
import { orderOpsRoutes } from './order-ops.routes.ts';
import { orderRefundRoutes } from './order-refunds.routes.ts';
import { registerOrderSaga, startOrderEnd } from './order-saga.ts';
import { orderDeadlines, retireLegacySagas, sweepOrders } from './order-sweep.ts';
import { OrderEventDefs, orderEvents } from './orders.events.ts';
import { ordersRoutes } from './orders.routes.ts';
import { ORDER_MOVES, ordersSchemas } from './orders.schemas.ts';
import { type OrdersService, ordersService } from './orders.service.ts';
import { paymentRetryRoutes } from './payment-retry.routes.ts';
import { Receipt } from './receipt.schemas.ts';
import { placementService } from './placement.service.ts';
import { DEFAULT_FEES } from './pricing.ts';
import { substitutionEvents } from './substitutions.events.ts';
import { substitutionRoutes } from './substitutions.routes.ts';
import { substitutionsSchemas } from './substitutions.schemas.ts';
import { workflowAttention, type WorkflowOpsDeps } from './workflow-ops.ts';
import { type SubstitutionsService, substitutionsService } from './substitutions.service.ts';

export {
  OrderEventDefs,
  type OrderEventPayload,
  OrderEvents,
  orderEvents,
  orderEventType,
} from './orders.events.ts';
export { canExtendDeadline, type OpenOrder } from './order-attention.ts';
export { OrderStatusField } from './orders.schemas.ts';
export {
  BEFORE_PICKUP,
  CUSTOMER_CANCELLABLE,
  OPEN_STATUSES,
  type OpenStatus,
  ORDER_STATUSES,
  type OrderStatus,
  PAST_PAYMENT_STATUSES,
  type PastPaymentStatus,
  TERMINAL,
} from './order-state.ts';
export type { OrdersService } from './orders.service.ts';
export {
  authorizeWorkflowId,
  compensateWorkflowId,
  settleWorkflowId,
  WORKFLOW_AUTHORIZE,
  WORKFLOW_COMPENSATE,
  WORKFLOW_SETTLE,
} from './order-saga.ts';
export { DEFAULT_FEES } from './pricing.ts';
export {
  type SubstitutionEventPayload,
  SubstitutionEventDefs,
  SubstitutionEvents,
} from './substitutions.events.ts';
export { customerOrderIds, ordersPersonalData } from './orders-privacy.repository.ts';
export {
  idPrefixRange,
  type OrderSearch,
  type OrderSearchRow,
  placedIdRange,
} from './order-search.ts';

export const CONSUMER_ORDER_SAGA = 'orders-saga';

/** The orders of this platform: one instance, so its batched transitions are shared. */
export const ordersFor = perPlatform((ctx): OrdersService => ordersService(ctx.db, auditFor(ctx)));

/** Substitutes for short lines: proposed by the store, answered by the customer. */
const substitutionsFor = perPlatform((ctx): SubstitutionsService =>
  substitutionsService({
    db: ctx.db,
    clock: ctx.clock,
    catalog: catalogFor(ctx),
    inventory: inventoryFor(ctx),
    fees: DEFAULT_FEES,
    answerS: ctx.config.substitutionAnswerS,
    audit: auditFor(ctx),
  }),
);

/** How long requests wait for the provider, and how long a declined order waits for another card. */
const paymentSettings = (ctx: PlatformContext): PaymentSettings => ({
  waitMs: ctx.config.paymentWaitMs,
  retryGraceS: ctx.config.paymentRetryGraceS,
  logger: ctx.logger,
});

/** What checkout calls (checkout.flow.ts); one placement service, so checkouts share batches. */
const checkoutFor = perPlatform((ctx): CheckoutDeps => ({
  db: ctx.db,
  catalog: catalogFor(ctx),
  fees: DEFAULT_FEES,
  promise: etaFor(ctx).promise,
  placement: placementService({
    db: ctx.db,
    inventory: inventoryFor(ctx),
    reservationTtlMs: ctx.config.reservationTtlS * 1000,
  }),
  orders: ordersFor(ctx),
  inventory: inventoryFor(ctx),
  payments: paymentsFor(ctx),
  payment: paymentSettings(ctx),
}));

/** What ops' fixes of late orders need: the thresholds, the sweep's deadlines, the audit log. */
const orderOpsFor = perPlatform(
  (ctx): { attention: OrderAttentionDeps; workflows: WorkflowOpsDeps } => ({
    attention: {
      db: ctx.db,
      clock: ctx.clock,
      audit: auditFor(ctx),
      settings: ctx.config.attention,
      deadlines: orderDeadlines(ctx),
    },
    workflows: { db: ctx.db, audit: auditFor(ctx), stuckS: ctx.config.attention.workflowStuckS },
  }),
);

/** The orders paid and not yet delivered, each late or not as the attention list says (ops' live map). */
export const openOrdersFor = perPlatform((ctx) => ({
  open: (now: Date, limit: number) => openOrders(orderOpsFor(ctx).attention, now, limit),
}));

/** Carts, checkout, the order state machine and its saga. */
export const ordersModule: ModuleDefinition = {
  name: 'orders',
  events: [...orderEvents, ...substitutionEvents],
  dependsOn: ['catalog', 'inventory', 'payments', 'eta', 'addresses'],
  migrationsDir: path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations'),
  schemas: [...ordersSchemas, ...substitutionsSchemas, Receipt, DeliveryFee],
  apiTags: [
    {
      name: 'orders',
      description: `Checkout, order history and canceling. An order moves only along these transitions:\n\n${stateMachineText(ORDER_MOVES)}`,
    },
  ],
  // The bounds of cart holds, which ops may change while carts are in use.
  settings: [CART_HOLD_LIMITS],
  // The order's placement and status, its substitutes, the saga's workflows with their steps.
  orderTimeline: (ctx) => ordersTimeline(ctx.db),
  // Late orders and stuck saga workflows, for the ops console's attention list.
  attention: (ctx) => [
    ...ordersAttention(orderOpsFor(ctx).attention),
    ...workflowAttention(orderOpsFor(ctx).workflows),
  ],
  registerWorkflows: (ctx) =>
    registerOrderSaga({
      orders: ordersFor(ctx),
      inventory: inventoryFor(ctx),
      payments: paymentsFor(ctx),
      fees: DEFAULT_FEES,
      substitutions: substitutionsFor(ctx),
      paymentRetryGraceS: ctx.config.paymentRetryGraceS,
      stepAttempts: ctx.config.sagaStepAttempts,
    }),
  routes: async (app, ctx) => {
    await ordersRoutes(app, {
      carts: cartsService({
        db: ctx.db,
        catalog: catalogFor(ctx),
        inventory: inventoryFor(ctx),
        fees: DEFAULT_FEES,
        holds: ctx.config.cartHolds,
        holdTtlMs: ctx.config.reservationTtlS * 1000,
        limits: () => holdLimitsOf(settingsFor(ctx).value(CART_HOLD_LIMITS)),
        clock: ctx.clock,
      }),
      checkout: checkoutFor(ctx),
      orders: ordersFor(ctx),
      paymentOf: (orderId) => paymentsFor(ctx).get(orderId),
      savedAddress: (customerId, id) => addressesFor(ctx).get(customerId, id),
    });
    paymentRetryRoutes(app, {
      db: ctx.db,
      orders: ordersFor(ctx),
      inventory: inventoryFor(ctx),
      payments: paymentsFor(ctx),
      payment: paymentSettings(ctx),
    });
    orderRefundRoutes(app, {
      orders: ordersFor(ctx),
      payments: paymentsFor(ctx),
      opsLimitMinor: ctx.config.opsRefundLimitMinor,
      audit: (act, change) => auditFor(ctx).record(ctx.db, act, change),
    });
    orderOpsRoutes(app, { ...orderOpsFor(ctx), clock: ctx.clock });
    deliveryFeeRoutes(app, { stores: catalogFor(ctx).stores, fees: DEFAULT_FEES });
    substitutionRoutes(app, substitutionsFor(ctx));
    orderReceiptRoutes(
      app,
      orderReceipts({
        db: ctx.db,
        stores: catalogFor(ctx).stores,
        payments: paymentsFor(ctx),
        fees: DEFAULT_FEES,
      }),
    );
  },
  // The saga's end starts from the order's own events (outbox → bus → here), so a move made by a
  // process that died right after still gets it; the workflow id makes a repeat the same one.
  // The deadline sweep ends overdue orders and takes over placed ones their checkout left.
  startWorker: async (ctx) => {
    // Without the workflow engine (a platform started for a tool or a test) there is no saga to run.
    if (!workflowsLaunched()) return { stop: async () => {} };
    const ends = [OrderEventDefs.DELIVERED, OrderEventDefs.CANCELED, OrderEventDefs.FAILED];
    const sub = await ctx.subscribe(CONSUMER_ORDER_SAGA, ends, async (event) => {
      await startOrderEnd(event.payload.order_id, event.payload.status);
    });
    const retired = await retireLegacySagas(ordersFor(ctx));
    if (retired > 0)
      ctx.logger.info(
        { retired },
        'handed the orders of earlier per-order sagas to their end workflows and the deadline sweep',
      );
    const sweep = runPeriodically(
      'order deadline sweep',
      1000,
      () => sweepOrders(ordersFor(ctx), orderDeadlines(ctx)),
      ctx.logger,
    );
    // An unanswered substitute counts as declined once its time is up.
    const unanswered = runPeriodically(
      'substitution answer sweep',
      1000,
      () => substitutionsFor(ctx).expireDue(),
      ctx.logger,
    );
    return {
      stop: async () => {
        await unanswered.stop();
        await sweep.stop();
        await sub.close();
      },
    };
  },
};
