import { perPlatform } from '../../platform/context.ts';
import type { ModuleDefinition } from '../../platform/module.ts';
import { catalogFor } from '../catalog/index.ts';
import { orderCarriersFor } from '../dispatch/index.ts';
import { driversFor } from '../drivers/index.ts';
import { identityFor } from '../identity/index.ts';
import { ordersFor } from '../orders/index.ts';
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

/**
 * The operators' console: reads across modules for ops, each through the owning module's
 * service; it owns no tables. Orders: the search and one order's timeline, whose sources each
 * module declares (`ModuleDefinition.orderTimeline`), so a new module adds its part itself.
 */
export const opsConsoleModule: ModuleDefinition = {
  name: 'ops-console',
  dependsOn: ['orders', 'catalog', 'identity', 'dispatch', 'drivers'],
  schemas: opsConsoleSchemas,
  routes: (app, ctx) =>
    opsConsoleRoutes(app, { search: opsOrderSearchFor(ctx), timeline: opsOrderTimelineFor(ctx) }),
};
