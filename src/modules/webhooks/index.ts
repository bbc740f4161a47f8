import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { auditFor } from '../../platform/audit/audit-log.ts';
import type { DomainEvent } from '../../platform/bus/event.ts';
import { onceWithInbox } from '../../platform/bus/inbox.ts';
import { perPlatform } from '../../platform/context.ts';
import { schedulePruning } from '../../platform/db/prune-schedule.ts';
import { stateMachineText } from '../../platform/http/contract.ts';
import type { ModuleDefinition } from '../../platform/module.ts';
import { runPeriodically } from '../../platform/periodic.ts';
import { catalogFor } from '../catalog/index.ts';
import { dispatchEvents } from '../dispatch/index.ts';
import { orderEvents } from '../orders/index.ts';
import { QUEUE_COUNT_CAP } from '../../platform/health/queues.ts';
import { webhookDeliveriesPrune } from './webhooks-retention.ts';
import { webhookQueue } from './webhook-queue.repository.ts';
import { webhooksTimeline } from './webhook-timeline.ts';
import { webhooksRoutes } from './webhooks.routes.ts';
import { DELIVERY_NEXT, webhooksSchemas } from './webhooks.schemas.ts';
import { type WebhooksService, webhooksService } from './webhooks.service.ts';

export const CONSUMER_WEBHOOKS = 'webhooks';
const SEND_EVERY_MS = 250;
/** Every order and delivery event may be forwarded to partners who asked for its type. */
const FORWARDED = [...orderEvents, ...dispatchEvents];

export const webhooksFor = perPlatform((ctx): WebhooksService =>
  webhooksService({
    db: ctx.db,
    clock: ctx.clock,
    logger: ctx.logger.child({ module: 'webhooks' }),
    settings: ctx.config.webhooks,
    audit: auditFor(ctx),
  }),
);

/** Signed partner webhooks for order and delivery events, with retries, a log and dead letters. */
export const webhooksModule: ModuleDefinition = {
  name: 'webhooks',
  dependsOn: ['catalog'],
  migrationsDir: path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations'),
  schemas: webhooksSchemas,
  apiTags: [
    {
      name: 'webhooks',
      description: `Signed POSTs of order and delivery events to partners, retried with backoff. A delivery moves only along these transitions:\n\n${stateMachineText(DELIVERY_NEXT)}`,
    },
  ],
  // Each delivery of the order's events to a partner, and how it went.
  orderTimeline: (ctx) => webhooksTimeline(ctx.db),
  // Deliveries due now, for ops' health screen.
  queues: (ctx) => [webhookQueue(ctx.db, ctx.clock, QUEUE_COUNT_CAP)],
  routes: (app, ctx) =>
    webhooksRoutes(app, webhooksFor(ctx), (id) => catalogFor(ctx).stores.mustExist(id)),
  startWorker: async (ctx) => {
    const service = webhooksFor(ctx);
    const once = onceWithInbox(ctx.db, CONSUMER_WEBHOOKS, async (trx, event: DomainEvent) => {
      await service.enqueue(trx, event);
    });
    // Events no partner asked for cost nothing: no inbox row, no query.
    const sub = await ctx.subscribe(CONSUMER_WEBHOOKS, FORWARDED, async (event, delivery) => {
      if (await service.wanted(event)) await once(event, delivery);
    });
    const sender = runPeriodically(
      'webhook sender',
      SEND_EVERY_MS,
      () => service.sendDue(),
      ctx.logger,
    );
    const pruning = schedulePruning(
      [webhookDeliveriesPrune(ctx.db, ctx.config.retention.webhookDays)],
      ctx,
    );
    return {
      stop: async () => {
        await pruning.stop();
        await sender.stop();
        await sub.close();
        await service.drain();
      },
    };
  },
};
