import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import type { PlatformContext } from '../../platform/context.ts';
import type { ModuleDefinition } from '../../platform/module.ts';
import { runPeriodically } from '../../platform/periodic.ts';
import { catalogFor } from '../catalog/index.ts';
import { DispatchEvents } from '../dispatch/index.ts';
import { driversFor } from '../drivers/index.ts';
import { etaFor } from '../eta/index.ts';
import { OrderEvents, ordersService } from '../orders/index.ts';
import { trackingRoutes } from './tracking.routes.ts';
import { type TrackingService, trackingService } from './tracking.service.ts';

export { type TrackingMessage, trackingTopic } from './tracking.service.ts';

export const CONSUMER_TRACKING = 'tracking';
/** An ETA that moved less than this is not pushed. */
const ETA_THRESHOLD_S = 60;

const instances = new WeakMap<PlatformContext, TrackingService>();
export function trackingFor(ctx: PlatformContext): TrackingService {
  let s = instances.get(ctx);
  if (!s) {
    s = trackingService({
      db: ctx.db,
      clock: ctx.clock,
      bus: ctx.bus,
      eta: etaFor(ctx),
      orders: ordersService(ctx.db),
      catalog: catalogFor(ctx),
      drivers: driversFor(ctx),
      etaThresholdS: ETA_THRESHOLD_S,
    });
    instances.set(ctx, s);
  }
  return s;
}

const FOLLOWED = [
  OrderEvents.AUTHORIZED,
  OrderEvents.ACCEPTED,
  OrderEvents.PREPARING,
  OrderEvents.READY,
  OrderEvents.PICKED_UP,
  OrderEvents.DELIVERED,
  OrderEvents.CANCELED,
  OrderEvents.FAILED,
  DispatchEvents.DELIVERY_ASSIGNED,
  DispatchEvents.DELIVERY_UNASSIGNED,
  DispatchEvents.DELIVERY_AT_STORE,
  DispatchEvents.DELIVERY_PICKED_UP,
  DispatchEvents.DELIVERY_AT_DROPOFF,
  DispatchEvents.DELIVERY_DELIVERED,
  DispatchEvents.DELIVERY_FAILED,
  DispatchEvents.DELIVERY_RETURNED,
];

/** Live order tracking: status, driver position and ETA over WebSocket, with a resumable log. */
export const trackingModule: ModuleDefinition = {
  name: 'tracking',
  dependsOn: ['orders', 'dispatch', 'drivers', 'eta', 'catalog'],
  migrationsDir: path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations'),
  routes: (app, ctx) => trackingRoutes(app, { tracking: trackingFor(ctx), bus: ctx.bus }),
  startWorker: async (ctx) => {
    const tracking = trackingFor(ctx);
    // One event → its messages, recorded with the inbox row in one transaction (a redelivery adds
    // nothing), then announced once committed. Events of one order are applied one at a time.
    const sub = await ctx.subscribe(
      CONSUMER_TRACKING,
      FOLLOWED,
      async (event) => {
        const orderId = (event.payload as { order_id: string }).order_id;
        const out = await tracking.follow(event, async (trx) => {
          const res = await sql`INSERT INTO inbox (consumer, event_id) VALUES (${CONSUMER_TRACKING}, ${event.id}::uuid) ON CONFLICT DO NOTHING`.execute(trx);
          return Number(res.numAffectedRows ?? 0) > 0;
        });
        tracking.announce(orderId, out);
      },
      { concurrency: 8 },
    );
    const refresh = runPeriodically('eta refresh', 60_000, () => tracking.refreshEtas(), ctx.logger);
    return {
      stop: async () => {
        await refresh.stop();
        await sub.close();
      },
    };
  },
};
