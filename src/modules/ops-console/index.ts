import { perPlatform } from '../../platform/context.ts';
import type { ModuleDefinition } from '../../platform/module.ts';
import { catalogFor } from '../catalog/index.ts';
import { orderCarriersFor } from '../dispatch/index.ts';
import { driversFor } from '../drivers/index.ts';
import { identityFor } from '../identity/index.ts';
import {
  canExtendDeadline,
  CUSTOMER_CANCELLABLE,
  openOrdersFor,
  ordersFor,
} from '../orders/index.ts';
import { opsAttention } from './attention.service.ts';
import { attentionSchemas } from './attention.schemas.ts';
import { opsCityChannel } from './city-live.messages.ts';
import { opsCityRoutes } from './city-live.socket.ts';
import { cityPoller } from './city-poller.ts';
import { opsConsoleRoutes } from './ops-console.routes.ts';
import { opsConsoleSchemas } from './ops-console.schemas.ts';
import { opsOrderSearch } from './order-search.service.ts';
import { opsOrderTimeline } from './order-timeline.service.ts';

export { type OrderSearchQuery } from './order-search.service.ts';

/** Ops' order search, each part read from the module that owns it. */
export const opsOrderSearchFor = perPlatform((ctx) =>
  opsOrderSearch({
    clock: ctx.clock,
    search: (s) => ordersFor(ctx).search(s),
    accountByEmail: (email) => identityFor(ctx).accountByEmail(email),
    emails: (ids) => identityFor(ctx).emails(ids),
    storeNames: (ids) => catalogFor(ctx).stores.names(ids),
    driverNames: (ids) => driversFor(ctx).names(ids),
    carriers: orderCarriersFor(ctx),
  }),
);

/** An order's timeline from every source the platform and its modules declare. */
export const opsOrderTimelineFor = perPlatform((ctx) =>
  opsOrderTimeline({
    sources: () => ctx.orderTimeline(),
    orderExists: async (id) => (await ordersFor(ctx).find(id)) !== undefined,
    logger: ctx.logger.child({ module: 'ops-console' }),
  }),
);

/** Late and stuck: every module's attention sources, with the actions each item's state allows. */
export const opsAttentionFor = perPlatform((ctx) =>
  opsAttention({
    clock: ctx.clock,
    sources: () => ctx.attention(),
    orders: (ids) => ordersFor(ctx).states(ids),
    deliveries: (ids) => orderCarriersFor(ctx).ofOrders(ids),
    cancellable: CUSTOMER_CANCELLABLE,
    extendable: canExtendDeadline,
    logger: ctx.logger.child({ module: 'ops-console' }),
  }),
);

/**
 * The live city of this process (ops' map): read only while a socket follows it, each part through
 * the module that owns it.
 */
export const opsCityFor = perPlatform((ctx) =>
  cityPoller(
    {
      clock: ctx.clock,
      settings: ctx.config.opsCity,
      staleS: ctx.config.drivers.staleS,
      marginM: Math.max(0, ...ctx.config.dispatch.radiiM),
      positions: driversFor(ctx).positions,
      online: (limit) => driversFor(ctx).online(limit),
      trips: (limit) => orderCarriersFor(ctx).tripsUnderWay(limit),
      orders: (now, limit) => openOrdersFor(ctx).open(now, limit),
      stores: (limit) => catalogFor(ctx).stores.onMap(limit),
    },
    ctx.logger.child({ module: 'ops-console' }),
  ),
);

/**
 * The operators' console: reads across modules for ops, each through the owning module's
 * service; it owns no tables. Orders: the search and one order's timeline, whose sources each
 * module declares (`ModuleDefinition.orderTimeline`), so a new module adds its part itself. The
 * live city: a socket of drivers, orders, stores and zones (city-poller.ts).
 */
export const opsConsoleModule: ModuleDefinition = {
  name: 'ops-console',
  dependsOn: ['orders', 'catalog', 'identity', 'dispatch', 'drivers'],
  schemas: [...opsConsoleSchemas, ...attentionSchemas],
  sockets: [opsCityChannel],
  routes: async (app, ctx) => {
    await opsConsoleRoutes(app, {
      search: opsOrderSearchFor(ctx),
      timeline: opsOrderTimelineFor(ctx),
      attention: opsAttentionFor(ctx),
    });
    await opsCityRoutes(app, { poller: opsCityFor(ctx) });
  },
};
