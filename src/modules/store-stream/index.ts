import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { perPlatform } from '../../platform/context.ts';
import { DAY_MS, HOUR_MS } from '../../platform/db/prune.ts';
import { schedulePruning } from '../../platform/db/prune-schedule.ts';
import type { ModuleDefinition } from '../../platform/module.ts';
import { runPeriodically } from '../../platform/periodic.ts';
import { catalogFor } from '../catalog/index.ts';
import { OrderEventDefs } from '../orders/index.ts';
import { storeStreamChannel } from './store-stream.messages.ts';
import { type StoreStreamService, storeStreamService } from './store-stream.service.ts';
import { storeStreamRoutes } from './store-stream.socket.ts';

export { storeStreamTopic } from './store-stream.service.ts';

export const CONSUMER_STORE_STREAM = 'store-stream';
/** How long the stores' logs keep a message; a client further behind gets a snapshot. */
const RETENTION_MS = DAY_MS;
/** How often paid orders are checked for waiting too long. */
const WAITING_CHECK_MS = 2000;

export const storeStreamFor = perPlatform((ctx): StoreStreamService =>
  storeStreamService({
    db: ctx.db,
    clock: ctx.clock,
    bus: ctx.bus,
    consumer: CONSUMER_STORE_STREAM,
    acceptTimeoutS: ctx.config.orderAcceptTimeoutS,
    stores: catalogFor(ctx).stores,
  }),
);

/** The order events a store's stream shows: from paid on. */
const FOLLOWED = [
  OrderEventDefs.AUTHORIZED,
  OrderEventDefs.ACCEPTED,
  OrderEventDefs.PREPARING,
  OrderEventDefs.READY,
  OrderEventDefs.PICKED_UP,
  OrderEventDefs.DELIVERED,
  OrderEventDefs.CANCELED,
  OrderEventDefs.FAILED,
];

/** Each store's live order stream (the store app's queue): a numbered, resumable log per store. */
export const storeStreamModule: ModuleDefinition = {
  name: 'store-stream',
  sockets: [storeStreamChannel],
  dependsOn: ['orders', 'catalog'],
  migrationsDir: path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations'),
  routes: (app, ctx) => storeStreamRoutes(app, { stream: storeStreamFor(ctx), bus: ctx.bus }),
  startWorker: async (ctx) => {
    const stream = storeStreamFor(ctx);
    // One event → its message, with the inbox row in one transaction, announced once committed.
    const sub = await ctx.subscribe(
      CONSUMER_STORE_STREAM,
      FOLLOWED,
      async (event, delivery) => {
        await stream.follow(event, delivery);
      },
      { concurrency: 8 },
    );
    const waiting = runPeriodically(
      'store stream waiting orders',
      WAITING_CHECK_MS,
      () => stream.flagWaiting(),
      ctx.logger,
    );
    const ago = (now: Date) => new Date(now.getTime() - RETENTION_MS);
    const pruning = schedulePruning(
      [
        {
          table: 'store_stream_messages',
          everyMs: HOUR_MS,
          deleteBatch: (now, limit) => stream.prune.pruneMessages(ago(now), limit),
        },
        {
          table: 'store_stream_orders',
          everyMs: HOUR_MS,
          deleteBatch: (now, limit) => stream.prune.pruneOrders(ago(now), limit),
        },
      ],
      ctx,
    );
    return {
      stop: async () => {
        await pruning.stop();
        await waiting.stop();
        await sub.close();
      },
    };
  },
};
