import type { DestinationStream } from 'pino';
import type { FastifyInstance } from 'fastify';
import { createAdapters } from './adapters.ts';
import { startApiRole } from './boot/api-role.ts';
import { openDatabase } from './boot/database.ts';
import { createPlatformContext } from './boot/platform-context.ts';
import { createStopStack, type StopStack } from './boot/stop-stack.ts';
import { startWorkerRole } from './boot/worker-role.ts';
import type { OutboxRelay } from './bus/relay.ts';
import type { Config } from './config.ts';
import type { Clock, PlatformContext } from './context.ts';
import { type ModuleDefinition, orderModules } from './module.ts';
import { createLogger } from './observability/logger.ts';
import { settingsFor } from './settings/runtime-settings.ts';
import { launchWorkflowEngine } from './workflows/engine.ts';

export { migrationSources } from './boot/database.ts';

export const APP_VERSION = '0.1.0';

export interface RunningPlatform {
  ctx: PlatformContext;
  app: FastifyInstance | null;
  /** The api role's base URL when it listens. */
  url: string | null;
  databaseUrl: string;
  embedded: boolean;
  relay: OutboxRelay | null;
  /** Ends one of `holdReadiness`. */
  ready(name: string): void;
  stop(): Promise<void>;
}

export interface StartOptions {
  modules: readonly ModuleDefinition[];
  /** Bind the HTTP port (false for tests that use inject()). */
  listen?: boolean;
  clock?: Clock;
  /** Skip the durable workflow engine (tests of modules without workflows). */
  workflows?: boolean;
  /**
   * Work that must finish before /ready says yes (e.g. `demo-seed`); each is ended with
   * `platform.ready(name)`. Until then /ready answers 503 naming what it waits for.
   */
  holdReadiness?: readonly string[];
  /** Where log lines go instead of stdout (a benchmark writes them to a file, as a collector would). */
  logDestination?: DestinationStream;
}

/**
 * Boots the roles in `config.roles` in one process. `api` serves HTTP; `worker` relays the outbox,
 * runs consumers and executes queued workflows; `all` is both. Every role registers every module's
 * workflows so the process that owned a workflow can resume it after a crash. Whatever started is
 * stopped in reverse order, on `stop()` or when a later step fails.
 */
export async function startPlatform(config: Config, opts: StartOptions): Promise<RunningPlatform> {
  const logger = createLogger(
    config.logLevel,
    { instance: config.instanceId },
    opts.logDestination,
  );
  const roles = new Set(config.roles.includes('all') ? ['api', 'worker'] : config.roles);
  const modules = orderModules(opts.modules);
  const moduleState: Record<string, string> = Object.fromEntries(
    modules.map((m) => [m.name, 'starting']),
  );
  const stack = createStopStack(logger);
  const holds = new Set(opts.holdReadiness ?? []);

  try {
    const { database, databaseUrl, embedded } = await openDatabase(config, modules, logger, stack);
    const adapters = await createAdapters(config, database.db, logger);
    stack.push('adapters', adapters.close);
    const { ctx, handlers } = createPlatformContext({
      config,
      logger,
      db: database.db,
      databaseUrl,
      adapters,
      clock: opts.clock,
      stack,
      modules,
    });
    await startSettings(ctx, stack);

    if (opts.workflows !== false) {
      for (const m of modules) m.registerWorkflows?.(ctx);
      const engine = await launchWorkflowEngine({
        databaseUrl,
        instanceId: config.instanceId,
        runQueuedWork: roles.has('worker'),
        logger,
        applicationVersion: APP_VERSION,
      });
      stack.push('workflows', engine.stop);
    }
    const relay = roles.has('worker')
      ? await startWorkerRole({ ctx, modules, handlers, database, stack })
      : null;
    const api = roles.has('api')
      ? await startApiRole({
          config,
          ctx,
          modules,
          adapters,
          moduleStates: () => moduleState,
          holds,
          embedded,
          listen: opts.listen !== false,
          stack,
        })
      : null;
    for (const m of modules) moduleState[m.name] = 'running';

    let stopping: Promise<void> | null = null;
    return {
      ctx,
      app: api?.app ?? null,
      url: api?.url ?? null,
      databaseUrl,
      embedded,
      relay,
      ready(name) {
        holds.delete(name);
      },
      stop() {
        stopping ??= (async () => {
          for (const m of modules) moduleState[m.name] = 'stopping';
          await stack.stopAll();
        })();
        return stopping;
      },
    };
  } catch (err) {
    await stack.stopAll();
    throw err;
  }
}

/** The settings ops changed are in force before any module works with them. */
async function startSettings(ctx: PlatformContext, stack: StopStack): Promise<void> {
  const settings = settingsFor(ctx);
  await settings.start();
  stack.push('settings', settings.stop);
}
