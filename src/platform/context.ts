import type { Redis } from 'ioredis';
import type { AttentionSource } from './attention/attention.ts';
import type { TokenIssuer } from './auth/tokens.ts';
import type { DeclaredHandler, EventDefinition } from './bus/declared-event.ts';
import type { EventBus, SubscribeOptions, Subscription } from './bus/port.ts';
import type { Config } from './config.ts';
import type { Db } from './db/pool.ts';
import type { GeoIndex } from './geo/port.ts';
import type { KeyValueStore } from './kv/port.ts';
import type { Logger } from './observability/logger.ts';
import type { Metrics } from './observability/metrics.ts';
import type { OrderTimelineSource } from './timeline/timeline.ts';

/** A clock that tests can move; every timer-driven decision reads time from here. */
export interface Clock {
  now(): number;
}
export const systemClock: Clock = { now: () => Date.now() };

/**
 * Everything a module receives from the platform. Passed explicitly: no container, no globals, so
 * a module's dependencies are visible in its signature.
 */
export interface PlatformContext {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  db: Db;
  bus: EventBus;
  /**
   * Subscribes a consumer to declared events (each type in the versions it reads) through the bus
   * and remembers its handler, so the dead letters of this consumer can be replayed by the process
   * that runs it. Modules subscribe through this; the handler gets payloads already checked.
   */
  subscribe<const D extends EventDefinition>(
    consumer: string,
    events: readonly D[],
    handler: DeclaredHandler<D>,
    options?: SubscribeOptions,
  ): Promise<Subscription>;
  kv: KeyValueStore;
  /**
   * The shared Redis when one is configured, for the few parts that need Redis itself rather than
   * a port (the rate limiter's scripts); null in single-process mode.
   */
  redis: Redis | null;
  /** Factory for named geo indexes (drivers, stores…). */
  geo: (name: string) => GeoIndex;
  tokens: TokenIssuer;
  clock: Clock;
  /**
   * A separate pool on the same database, closed with the platform. `synchronousCommit: false`
   * trades the last moments of durability for fewer flushes: only for writes a crash may lose
   * without harm (the built-in payment provider, which plays an external system).
   */
  openPool(name: string, opts: { poolSize: number; synchronousCommit?: boolean }): Db;
  /**
   * The sources of an order's timeline: the platform's own (the order's events) and each
   * module's (`ModuleDefinition.orderTimeline`), made on first use. The ops console merges them.
   */
  orderTimeline(): readonly OrderTimelineSource[];
  /** Every module's attention sources (`ModuleDefinition.attention`), made on first use. */
  attention(): readonly AttentionSource[];
}

/**
 * One instance per running platform, made on first use: a module's routes, consumers and other
 * modules then share its caches. Several platforms in one process (tests) each get their own.
 */
export function perPlatform<T>(make: (ctx: PlatformContext) => T): (ctx: PlatformContext) => T {
  const made = new WeakMap<PlatformContext, T>();
  return (ctx) => {
    let v = made.get(ctx);
    if (v === undefined) {
      v = make(ctx);
      made.set(ctx, v);
    }
    return v;
  };
}
