import type { Adapters } from '../adapters.ts';
import type { AttentionSource } from '../attention/attention.ts';
import { auditTimeline } from '../audit/audit-timeline.ts';
import { createTokenIssuer } from '../auth/tokens.ts';
import { declaredHandler } from '../bus/declared-event.ts';
import { eventTimeline } from '../bus/event-timeline.ts';
import type { EventHandler } from '../bus/port.ts';
import type { Config } from '../config.ts';
import { type Clock, type PlatformContext, systemClock } from '../context.ts';
import { createDatabase, type Db } from '../db/pool.ts';
import type { ModuleDefinition } from '../module.ts';
import type { Logger } from '../observability/logger.ts';
import { createMetrics } from '../observability/metrics.ts';
import type { OrderTimelineSource } from '../timeline/timeline.ts';
import type { StopStack } from './stop-stack.ts';

/**
 * The context every module receives, and the handler of each consumer it subscribes (the
 * dead-letter replayer runs them again).
 */
export function createPlatformContext(p: {
  config: Config;
  logger: Logger;
  db: Db;
  databaseUrl: string;
  adapters: Adapters;
  clock?: Clock;
  stack: StopStack;
  /** The modules running: their timeline sources are made on first use. */
  modules: readonly ModuleDefinition[];
}): { ctx: PlatformContext; handlers: ReadonlyMap<string, EventHandler> } {
  const { config, adapters } = p;
  const handlers = new Map<string, EventHandler>();
  let timeline: readonly OrderTimelineSource[] | undefined;
  let attention: readonly AttentionSource[] | undefined;
  const clock = p.clock ?? systemClock;
  const ctx: PlatformContext = {
    config,
    logger: p.logger,
    metrics: createMetrics({ now: () => clock.now() }),
    db: p.db,
    bus: adapters.bus,
    subscribe(consumer, events, handler, options) {
      const declared = declaredHandler(consumer, events, handler);
      handlers.set(consumer, declared.handler);
      return adapters.bus.subscribe(consumer, declared.subjects, declared.handler, options);
    },
    kv: adapters.kv,
    redis: adapters.redis,
    geo: adapters.geo,
    tokens: createTokenIssuer(config.jwtSecret, config.jwtTtlS, {
      previousSecret: config.jwtPreviousSecret,
    }),
    clock,
    openPool(name, o) {
      const extra = createDatabase(p.databaseUrl, {
        poolSize: o.poolSize,
        applicationName: `lastmile:${name}`,
        synchronousCommit: o.synchronousCommit,
        timeouts: config.dbTimeouts,
        onError: (err) => p.logger.warn({ err, pool: name }, 'a pooled database connection failed'),
      });
      p.stack.push(`pool-${name}`, extra.close);
      return extra.db;
    },
    orderTimeline() {
      timeline ??= [
        eventTimeline(p.db),
        auditTimeline(p.db),
        ...p.modules.flatMap((m) => (m.orderTimeline ? [m.orderTimeline(ctx)] : [])),
      ];
      return timeline;
    },
    attention() {
      attention ??= p.modules.flatMap((m) => m.attention?.(ctx) ?? []);
      return attention;
    },
  };
  return { ctx, handlers };
}
