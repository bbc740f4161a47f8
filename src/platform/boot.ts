import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { createAdapters } from './adapters.ts';
import { createTokenIssuer } from './auth/tokens.ts';
import { startDeadLetterReplayer } from './bus/dead-letters.ts';
import type { EventHandler } from './bus/port.ts';
import { reopenRecentOutbox } from './bus/outbox.repository.ts';
import { type OutboxRelay, startOutboxRelay } from './bus/relay.ts';
import type { Config } from './config.ts';
import { type Clock, type PlatformContext, systemClock } from './context.ts';
import { startEmbeddedPostgres } from './db/embedded.ts';
import { type MigrationSource, migrate } from './db/migrations.ts';
import { createDatabase, pingDatabase } from './db/pool.ts';
import { createHttpApp } from './http/app.ts';
import { pruneIdempotencyKeys } from './idempotency/idempotency.repository.ts';
import { type ModuleDefinition, orderModules, type Stoppable } from './module.ts';
import { createLogger } from './observability/logger.ts';
import { createMetrics } from './observability/metrics.ts';
import { runPeriodically } from './periodic.ts';
import { launchWorkflowEngine } from './workflows/engine.ts';

export const APP_VERSION = '0.1.0';
const PLATFORM_MIGRATIONS: MigrationSource = {
  name: 'platform',
  dir: path.join(path.dirname(fileURLToPath(import.meta.url)), 'db', 'migrations'),
};

export function migrationSources(modules: readonly ModuleDefinition[]): MigrationSource[] {
  return [
    PLATFORM_MIGRATIONS,
    ...orderModules(modules).flatMap((m) =>
      m.migrationsDir ? [{ name: m.name, dir: m.migrationsDir }] : [],
    ),
  ];
}

export interface RunningPlatform {
  ctx: PlatformContext;
  app: FastifyInstance | null;
  /** The api role's base URL when it listens. */
  url: string | null;
  databaseUrl: string;
  embedded: boolean;
  relay: OutboxRelay | null;
  stop(): Promise<void>;
}

export interface StartOptions {
  modules: readonly ModuleDefinition[];
  /** Bind the HTTP port (false for tests that use inject()). */
  listen?: boolean;
  clock?: Clock;
  /** Skip the durable workflow engine (tests of modules without workflows). */
  workflows?: boolean;
}

/**
 * Boots the roles in `config.roles` in one process. `api` serves HTTP; `worker` relays the outbox,
 * runs consumers and executes queued workflows; `all` is both. Every role registers every module's
 * workflows so the process that owned a workflow can resume it after a crash.
 */
export async function startPlatform(config: Config, opts: StartOptions): Promise<RunningPlatform> {
  const logger = createLogger(config.logLevel, { instance: config.instanceId });
  const roles = new Set(config.roles.includes('all') ? ['api', 'worker'] : config.roles);
  const modules = orderModules(opts.modules);
  const moduleState: Record<string, string> = Object.fromEntries(
    modules.map((m) => [m.name, 'starting']),
  );
  const stack: Array<{ name: string; stop: () => Promise<void> }> = [];
  const stopAll = async () => {
    while (stack.length > 0) {
      const s = stack.pop();
      if (!s) break;
      await s
        .stop()
        .catch((err: unknown) => logger.error({ err, component: s.name }, 'stop failed'));
    }
  };

  try {
    let databaseUrl = config.databaseUrl;
    let embedded = false;
    if (!databaseUrl) {
      logger.info({ dataDir: config.dataDir }, 'no DATABASE_URL: starting embedded Postgres');
      const pg = await startEmbeddedPostgres(config.dataDir, {
        log: (l) => logger.debug({ pg: l }),
      });
      stack.push({ name: 'embedded-postgres', stop: pg.stop });
      databaseUrl = pg.url;
      embedded = true;
    }
    const database = createDatabase(databaseUrl, {
      poolSize: config.dbPoolSize,
      applicationName: `lastmile:${config.instanceId}`,
    });
    stack.push({ name: 'database', stop: database.close });
    const { applied } = await migrate(database.pool, migrationSources(modules));
    if (applied.length > 0) logger.info({ applied }, 'migrations applied');

    const dbUrl = databaseUrl;
    const metrics = createMetrics();
    const adapters = await createAdapters(config, database.db, logger);
    stack.push({ name: 'adapters', stop: adapters.close });

    const handlers = new Map<string, EventHandler>();
    const ctx: PlatformContext = {
      config,
      logger,
      metrics,
      db: database.db,
      bus: adapters.bus,
      subscribe(consumer, subjects, handler, options) {
        handlers.set(consumer, handler);
        return adapters.bus.subscribe(consumer, subjects, handler, options);
      },
      kv: adapters.kv,
      redis: adapters.redis,
      geo: adapters.geo,
      tokens: createTokenIssuer(config.jwtSecret, config.jwtTtlS),
      clock: opts.clock ?? systemClock,
      openPool(name, o) {
        const extra = createDatabase(dbUrl, {
          poolSize: o.poolSize,
          applicationName: `lastmile:${name}`,
          synchronousCommit: o.synchronousCommit,
        });
        stack.push({ name: `pool-${name}`, stop: extra.close });
        return extra.db;
      },
    };

    if (opts.workflows !== false) {
      for (const m of modules) m.registerWorkflows?.(ctx);
      const engine = await launchWorkflowEngine({
        databaseUrl,
        instanceId: config.instanceId,
        runQueuedWork: roles.has('worker'),
        logger,
        applicationVersion: APP_VERSION,
      });
      stack.push({ name: 'workflows', stop: engine.stop });
    }

    let relay: OutboxRelay | null = null;
    if (roles.has('worker')) {
      // Consumers subscribe before the relay starts, so the first events find them listening.
      for (const m of modules) {
        if (!m.startWorker) continue;
        const started: Stoppable = await m.startWorker(ctx);
        stack.push({ name: `${m.name}-worker`, stop: () => started.stop() });
      }
      const replayer = startDeadLetterReplayer({ db: database.db, handlers, logger });
      stack.push({ name: 'dead-letter-replayer', stop: replayer.stop });
      if (adapters.bus.kind === 'memory') {
        const reopened = await reopenRecentOutbox(database.db);
        if (reopened > 0)
          logger.info({ reopened }, 'in-process bus: redelivering events of the last minutes');
      }
      relay = startOutboxRelay({
        db: database.db,
        pool: database.pool,
        bus: adapters.bus,
        logger,
        onPublished: (n) => metrics.eventsPublished.inc(n),
      });
      stack.push({ name: 'outbox-relay', stop: relay.stop });
      const sweeper = runPeriodically(
        'idempotency prune',
        3_600_000,
        () => pruneIdempotencyKeys(database.db),
        logger,
      );
      stack.push({ name: 'sweeper', stop: sweeper.stop });
    }

    let app: FastifyInstance | null = null;
    let url: string | null = null;
    if (roles.has('api')) {
      const a = await createHttpApp({
        ctx,
        modules,
        resolveApiKey: resolverOf(modules, ctx),
        moduleStates: () => moduleState,
        readiness: async () => ({
          postgres: await check(() => pingDatabase(database.db)),
          bus: await check(() => adapters.bus.ping(), adapters.bus.kind),
          kv: await check(() => adapters.kv.ping(), adapters.kv.kind),
        }),
      });
      app = a;
      stack.push({ name: 'http', stop: () => a.close() });
      if (opts.listen !== false) {
        url = await a.listen({ port: config.port, host: config.host });
      }
    }
    for (const m of modules) moduleState[m.name] = 'running';

    let stopping: Promise<void> | null = null;
    return {
      ctx,
      app,
      url,
      databaseUrl,
      embedded,
      relay,
      stop() {
        stopping ??= (async () => {
          for (const m of modules) moduleState[m.name] = 'stopping';
          await stopAll();
        })();
        return stopping;
      },
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

function resolverOf(modules: readonly ModuleDefinition[], ctx: PlatformContext) {
  const owners = modules.filter((m) => m.apiKeyResolver);
  if (owners.length > 1)
    throw new Error(
      `API keys resolved by several modules: ${owners.map((m) => m.name).join(', ')}`,
    );
  const make = owners[0]?.apiKeyResolver;
  return make ? make(ctx) : async () => null;
}

async function check(
  fn: () => Promise<unknown>,
  detail?: string,
): Promise<{ ok: boolean; detail?: string }> {
  try {
    await Promise.race([
      fn(),
      new Promise((_, rej) =>
        setTimeout(() => rej(new Error('timed out after 2 s')), 2000).unref(),
      ),
    ]);
    return detail ? { ok: true, detail } : { ok: true };
  } catch (err) {
    return { ok: false, detail: err instanceof Error ? err.message : String(err) };
  }
}
