import { auditFor } from '../../platform/audit/audit-log.ts';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { perPlatform } from '../../platform/context.ts';
import type { ModuleDefinition } from '../../platform/module.ts';
import { runPeriodically } from '../../platform/periodic.ts';
import { settingsFor } from '../../platform/settings/runtime-settings.ts';
import { catalogFor } from '../catalog/index.ts';
import { driversFor } from '../drivers/index.ts';
import { etaFor } from '../eta/index.ts';
import { OrderEventDefs, OrderEvents, ordersFor } from '../orders/index.ts';
import { deliveriesService } from './deliveries.service.ts';
import { DispatchEventDefs, dispatchEvents } from './dispatch.events.ts';
import { dispatchAttention } from './dispatch-attention.ts';
import { dispatchLookupRepository } from './dispatch-lookup.repository.ts';
import { dispatchTimeline } from './dispatch-timeline.ts';
import { dispatchRoutes } from './dispatch.routes.ts';
import { dispatchSchemas } from './dispatch.schemas.ts';
import { dispatchTags } from './dispatch.tags.ts';
import { earningsSchemas } from './earnings.schemas.ts';
import { createDispatcher } from './dispatcher.ts';
import { DISPATCH_WEIGHTS } from './dispatch-settings.ts';
import { followDelivery } from './order-progress.ts';

export {
  type DeliveryEventPayload,
  DispatchEventDefs,
  DispatchEvents,
  dispatchEvents,
  deliveryEventType,
  type PinLockedPayload,
  type TripEscalatedPayload,
} from './dispatch.events.ts';
export type { DeliveryStatus } from './delivery-state.ts';

export const CONSUMER_DISPATCH = 'dispatch-orders';
export const CONSUMER_ORDER_PROGRESS = 'orders-delivery-progress';

export { dispatchPersonalData } from './dispatch-privacy.repository.ts';

export const dispatchFor = perPlatform((ctx) => {
  const drivers = driversFor(ctx);
  const dispatcher = createDispatcher({
    db: ctx.db,
    clock: ctx.clock,
    logger: ctx.logger.child({ module: 'dispatch' }),
    settings: ctx.config.dispatch,
    weights: () => settingsFor(ctx).value(DISPATCH_WEIGHTS),
    staleS: ctx.config.drivers.staleS,
    drivers,
    catalog: catalogFor(ctx),
    orders: ordersFor(ctx),
    pace: () => etaFor(ctx).pace(),
    prep: (o) => etaFor(ctx).prep(o),
  });
  return {
    dispatcher,
    deliveries: deliveriesService({
      db: ctx.db,
      clock: ctx.clock,
      drivers,
      dispatcher,
      settings: ctx.config.dispatch,
      staleS: ctx.config.drivers.staleS,
      audit: auditFor(ctx),
    }),
  };
});

/** Who carries which order: each order's driver and delivery status, and a driver's orders (ops' order search). */
export const orderCarriersFor = perPlatform((ctx) => {
  const repo = dispatchLookupRepository(ctx.db);
  return {
    /** The delivery of each of these orders that has one: its driver (null before one took it) and status. */
    ofOrders: (orderIds: readonly string[]) => repo.deliveriesOfOrders(orderIds),
    /** The ids of the orders a driver carries or carried, newest first, below `before`. */
    ordersOfDriver: (driverId: string, before: string | undefined, limit: number) =>
      repo.ordersOfDriver(driverId, before, limit),
    /** Trips drivers hold now, at most `limit`, with their orders still under way (ops' live map). */
    tripsUnderWay: (limit: number) => repo.tripsUnderWay(limit),
    /** The doors the order's trip stops at before its own, in order (none: not batched, or first). */
    dropoffsBefore: (orderId: string) => repo.dropoffsBefore(orderId),
    /** `dropoffsBefore` of each of these orders in one read: every order given has an entry. */
    dropoffsBeforeMany: (orderIds: readonly string[]) => repo.dropoffsBeforeMany(orderIds),
  };
});

/** Deliveries, trips, timed offers to drivers, the delivery lifecycle and the ops queue. */
export const dispatchModule: ModuleDefinition = {
  name: 'dispatch',
  events: dispatchEvents,
  dependsOn: ['catalog', 'drivers', 'eta', 'orders'],
  migrationsDir: path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations'),
  schemas: [...dispatchSchemas, ...earningsSchemas],
  apiTags: dispatchTags,
  // The score weights, which ops may change while dispatch runs.
  settings: [DISPATCH_WEIGHTS],
  routes: (app, ctx) => dispatchRoutes(app, dispatchFor(ctx).deliveries),
  // The order's delivery and trip, the offers, the driver's steps, overrides and earning.
  orderTimeline: (ctx) => dispatchTimeline(ctx.db),
  // Trips nobody takes and drivers gone quiet, for the ops console's attention list.
  attention: (ctx) =>
    dispatchAttention({
      db: ctx.db,
      positions: driversFor(ctx).positions,
      settings: ctx.config.attention,
    }),
  startWorker: async (ctx) => {
    const { dispatcher } = dispatchFor(ctx);
    const orders = ordersFor(ctx);
    // Every handler is idempotent by state (unique order id, guarded transitions): a redelivery
    // finds the work done.
    const fromOrders = await ctx.subscribe(
      CONSUMER_DISPATCH,
      [
        OrderEventDefs.ACCEPTED,
        OrderEventDefs.PREPARING,
        OrderEventDefs.READY,
        OrderEventDefs.CANCELED,
        OrderEventDefs.FAILED,
      ],
      async (event) => {
        const p = event.payload;
        if (event.type === OrderEvents.READY) await dispatcher.orderReady(p.order_id);
        else if (event.type === OrderEvents.CANCELED || event.type === OrderEvents.FAILED)
          await dispatcher.orderCanceled(p.order_id, p.reason);
        else await dispatcher.planDelivery(p.order_id);
      },
    );
    const progress = await ctx.subscribe(
      CONSUMER_ORDER_PROGRESS,
      [
        DispatchEventDefs.DELIVERY_PICKED_UP,
        DispatchEventDefs.DELIVERY_DELIVERED,
        DispatchEventDefs.DELIVERY_FAILED,
        DispatchEventDefs.DELIVERY_RETURNED,
      ],
      async (event) => followDelivery(orders, event.payload),
    );
    const loop = runPeriodically(
      'dispatch',
      ctx.config.dispatch.tickMs,
      () => dispatcher.tick(),
      ctx.logger,
    );
    return {
      stop: async () => {
        await loop.stop();
        await progress.close();
        await fromOrders.close();
      },
    };
  },
};
