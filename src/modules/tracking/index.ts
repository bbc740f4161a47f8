import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type PlatformContext, perPlatform } from '../../platform/context.ts';
import { schedulePruning } from '../../platform/db/prune-schedule.ts';
import type { ModuleDefinition } from '../../platform/module.ts';
import { runPeriodically } from '../../platform/periodic.ts';
import { catalogFor } from '../catalog/index.ts';
import { DispatchEventDefs, orderCarriersFor } from '../dispatch/index.ts';
import { driversFor, positionTopic } from '../drivers/index.ts';
import { etaFor } from '../eta/index.ts';
import { OrderEventDefs, ordersFor, SubstitutionEventDefs } from '../orders/index.ts';
import { trackingMessagesPrune } from './tracking-retention.ts';
import { trackingRoutes } from './tracking.routes.ts';
import { trackingSchemas } from './tracking.schemas.ts';
import { type TrackingService, trackingService } from './tracking.service.ts';
import { trackingSocketChannel } from './tracking-socket.messages.ts';
import { followSubstitution, SUBSTITUTION_ATTEMPTS } from './tracking-substitutions.ts';

export { trackingPersonalData } from './tracking-privacy.repository.ts';

export { type TrackingMessage, trackingTopic } from './tracking-log.ts';
export type { FollowedEvent } from './tracking-state.ts';

export const CONSUMER_TRACKING = 'tracking';
export const CONSUMER_TRACKING_SUBSTITUTIONS = 'tracking-substitutions';
/** An ETA that moved less than this is not pushed. */
const ETA_THRESHOLD_S = 60;

/** What the tracking service works with, from the platform and the modules it follows. */
export function trackingDeps(ctx: PlatformContext): Parameters<typeof trackingService>[0] {
  const carriers = orderCarriersFor(ctx);
  return {
    db: ctx.db,
    clock: ctx.clock,
    bus: ctx.bus,
    consumer: CONSUMER_TRACKING,
    eta: etaFor(ctx),
    orders: ordersFor(ctx),
    catalog: catalogFor(ctx),
    drivers: driversFor(ctx),
    dropoffsBefore: carriers.dropoffsBefore,
    dropoffsBeforeMany: carriers.dropoffsBeforeMany,
    etaThresholdS: ETA_THRESHOLD_S,
  };
}

export const trackingFor = perPlatform((ctx): TrackingService =>
  trackingService(trackingDeps(ctx)),
);

// From acceptance on: before that there is nothing to estimate or watch (a customer who opens the
// tracking earlier gets the order read directly).
const FOLLOWED = [
  OrderEventDefs.ACCEPTED,
  OrderEventDefs.PREPARING,
  OrderEventDefs.READY,
  OrderEventDefs.PICKED_UP,
  OrderEventDefs.DELIVERED,
  OrderEventDefs.CANCELED,
  OrderEventDefs.FAILED,
  DispatchEventDefs.DELIVERY_ASSIGNED,
  DispatchEventDefs.DELIVERY_UNASSIGNED,
  DispatchEventDefs.DELIVERY_AT_STORE,
  DispatchEventDefs.DELIVERY_PICKED_UP,
  DispatchEventDefs.DELIVERY_AT_DROPOFF,
  DispatchEventDefs.DELIVERY_DELIVERED,
  DispatchEventDefs.DELIVERY_FAILED,
  DispatchEventDefs.DELIVERY_RETURNED,
];

/** A moving driver re-estimates their order at most this often. */
const MOVE_RECHECK_MS = 15_000;

/**
 * Re-estimates orders when their driver moves: listens to the positions of the drivers of orders
 * in flight (the set refreshed every 10 s) and recomputes at most every 15 s per order; the push
 * threshold decides whether anything is sent.
 */
function followDriverMoves(ctx: PlatformContext, tracking: TrackingService) {
  const listening = new Map<
    string,
    { orderId: string; sub: { close(): Promise<void> }; lastCheck: number }
  >();
  const sync = async () => {
    const active = await tracking.activeWithDriver();
    const want = new Map(active.map((a) => [a.driver_id, a.order_id]));
    for (const [driverId, l] of listening) {
      if (want.get(driverId) !== l.orderId) {
        await l.sub.close();
        listening.delete(driverId);
      }
    }
    for (const [driverId, orderId] of want) {
      if (listening.has(driverId)) continue;
      const entry = {
        orderId,
        lastCheck: 0,
        sub: ctx.bus.listen(positionTopic(driverId), () => {
          const now = Date.now();
          if (now - entry.lastCheck < MOVE_RECHECK_MS) return;
          entry.lastCheck = now;
          void tracking
            .pushEta(orderId)
            .then((out) => tracking.announce(orderId, out))
            .catch((err: unknown) => ctx.logger.warn({ err, orderId }, 'eta on move failed'));
        }),
      };
      listening.set(driverId, entry);
    }
  };
  // One sync at a time; a request during one runs once more after it.
  const loop = runPeriodically('tracking driver moves', 10_000, sync, ctx.logger);
  loop.wake();
  return {
    sync: () => loop.wake(),
    async stop() {
      await loop.stop();
      for (const l of listening.values()) await l.sub.close();
      listening.clear();
    },
  };
}

/** Live order tracking: status, driver position and ETA over WebSocket, with a resumable log. */
export const trackingModule: ModuleDefinition = {
  name: 'tracking',
  sockets: [trackingSocketChannel],
  dependsOn: ['orders', 'dispatch', 'drivers', 'eta', 'catalog'],
  migrationsDir: path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations'),
  schemas: trackingSchemas,
  routes: (app, ctx) => trackingRoutes(app, { tracking: trackingFor(ctx), bus: ctx.bus }),
  startWorker: async (ctx) => {
    const tracking = trackingFor(ctx);
    const moves = followDriverMoves(ctx, tracking);
    // One event → its messages, recorded with the inbox row in one transaction (a redelivery adds
    // nothing), then announced once committed. Events of one order are applied one at a time.
    const sub = await ctx.subscribe(
      CONSUMER_TRACKING,
      FOLLOWED,
      async (event, delivery) => {
        const orderId = event.payload.order_id;
        const out = await tracking.follow(event, delivery);
        tracking.announce(orderId, out);
        // A driver was assigned or let go: follow their moves now, not at the next sync.
        if (out.some((m) => m.type === 'status')) moves.sync();
      },
      { concurrency: 8 },
    );
    // Substitute proposals and answers join the customer's log.
    const subs = await ctx.subscribe(
      CONSUMER_TRACKING_SUBSTITUTIONS,
      [SubstitutionEventDefs.PROPOSED, SubstitutionEventDefs.ANSWERED],
      async (event, delivery) => {
        const deps = {
          db: ctx.db,
          clock: ctx.clock,
          orders: ordersFor(ctx),
          catalog: catalogFor(ctx),
        };
        const out = await followSubstitution(
          deps,
          CONSUMER_TRACKING_SUBSTITUTIONS,
          event,
          delivery,
        );
        tracking.announce(event.payload.order_id, out);
      },
      // An answer waits for its proposal over ANSWER_WAITS of these.
      { maxAttempts: SUBSTITUTION_ATTEMPTS },
    );
    const refresh = runPeriodically(
      'eta refresh',
      60_000,
      () => tracking.refreshEtas(),
      ctx.logger,
    );
    const pruning = schedulePruning(
      [trackingMessagesPrune(ctx.db, ctx.config.retention.trackingDays)],
      ctx,
    );
    return {
      stop: async () => {
        await pruning.stop();
        await moves.stop();
        await refresh.stop();
        await subs.close();
        await sub.close();
      },
    };
  },
};
