import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
} from 'kysely';
import { allModules } from '../modules/index.ts';
import { createTokenIssuer } from '../platform/auth/tokens.ts';
import { deadLetterTable } from '../platform/bus/dead-letters.ts';
import { declaredHandler } from '../platform/bus/declared-event.ts';
import { createMemoryBus } from '../platform/bus/memory-bus.ts';
import { loadConfig } from '../platform/config.ts';
import { type PlatformContext, systemClock } from '../platform/context.ts';
import type { Db } from '../platform/db/pool.ts';
import { createMemoryGeoIndex } from '../platform/geo/memory-geo-index.ts';
import { createHttpApp } from '../platform/http/app.ts';
import { createMemoryKv } from '../platform/kv/memory-kv.ts';
import { orderModules } from '../platform/module.ts';
import { createLogger } from '../platform/observability/logger.ts';
import { createMetrics } from '../platform/observability/metrics.ts';

/**
 * A database handle that compiles statements and never connects: building the routes needs a
 * handle, serving the document needs no data.
 */
function coldDatabase(): Db {
  return new Kysely({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => new PostgresIntrospector(db),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  });
}

/** The context of a platform that only mounts its routes: in-process adapters, no services. */
function coldContext(): PlatformContext {
  // The settings' defaults, whatever this shell's environment says: the document of a fresh start.
  const config = loadConfig({ LOG_LEVEL: 'silent' });
  const logger = createLogger(config.logLevel);
  const db = coldDatabase();
  const bus = createMemoryBus({ deadLetter: deadLetterTable(db), logger });
  const kv = createMemoryKv();
  const indexes = new Map<string, ReturnType<typeof createMemoryGeoIndex>>();
  return {
    config,
    logger,
    metrics: createMetrics({ defaultMetrics: false }),
    db,
    bus,
    subscribe: (consumer, events, handler, options) => {
      const declared = declaredHandler(consumer, events, handler);
      return bus.subscribe(consumer, declared.subjects, declared.handler, options);
    },
    kv,
    redis: null,
    geo: (name) => {
      const index = indexes.get(name) ?? createMemoryGeoIndex();
      indexes.set(name, index);
      return index;
    },
    tokens: createTokenIssuer(config.jwtSecret, config.jwtTtlS),
    clock: systemClock,
    openPool: () => db,
    // Nothing is read: the timeline's sources are only needed to answer a request.
    orderTimeline: () => [],
    attention: () => [],
  };
}

/** The same value with every object's keys in code-point order, so a diff shows only changes. */
export function withSortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withSortedKeys);
  if (!value || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort())
    out[key] = withSortedKeys((value as Record<string, unknown>)[key]);
  return out;
}

/** The document as `contract/openapi.json` holds it: keys sorted. */
export async function openApiSnapshot(): Promise<unknown> {
  return withSortedKeys(await buildOpenApiDocument());
}

/**
 * The API's OpenAPI document, built in this process without listening and without Postgres,
 * Redis or NATS: every module's routes mounted on the app `lastmile start` builds, then asked for
 * `/openapi.json` in memory.
 */
export async function buildOpenApiDocument(): Promise<Record<string, unknown>> {
  const ctx = coldContext();
  const app = await createHttpApp({
    ctx,
    modules: orderModules(allModules),
    processId: 'openapi-document',
    resolveApiKey: async () => null,
    accountOpen: async () => true,
    readiness: async () => ({}),
    moduleStates: () => ({}),
  });
  try {
    const res = await app.inject({ method: 'GET', url: '/openapi.json' });
    if (res.statusCode !== 200) throw new Error(`/openapi.json answered ${res.statusCode}`);
    return res.json() as Record<string, unknown>;
  } finally {
    await app.close();
    await ctx.kv.close();
    await ctx.bus.close();
    await ctx.db.destroy();
  }
}
