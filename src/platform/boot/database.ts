import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../config.ts';
import { startEmbeddedPostgres } from '../db/embedded.ts';
import { type MigrationSource, migrate } from '../db/migrations.ts';
import { createDatabase, type Database } from '../db/pool.ts';
import { type ModuleDefinition, orderModules } from '../module.ts';
import type { Logger } from '../observability/logger.ts';
import type { StopStack } from './stop-stack.ts';

const PLATFORM_MIGRATIONS: MigrationSource = {
  name: 'platform',
  dir: path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'db', 'migrations'),
};

/** The platform's migrations first, then each module's, in dependency order. */
export function migrationSources(modules: readonly ModuleDefinition[]): MigrationSource[] {
  return [
    PLATFORM_MIGRATIONS,
    ...orderModules(modules).flatMap((m) =>
      m.migrationsDir ? [{ name: m.name, dir: m.migrationsDir }] : [],
    ),
  ];
}

/**
 * `DATABASE_URL`, or embedded Postgres in the data directory when none is set; the pool, and the
 * migrations applied.
 */
export async function openDatabase(
  config: Config,
  modules: readonly ModuleDefinition[],
  logger: Logger,
  stack: StopStack,
): Promise<{ database: Database; databaseUrl: string; embedded: boolean }> {
  let databaseUrl = config.databaseUrl;
  let embedded = false;
  if (!databaseUrl) {
    logger.info({ dataDir: config.dataDir }, 'no DATABASE_URL: starting embedded Postgres');
    const pg = await startEmbeddedPostgres(config.dataDir, {
      log: (l) => logger.debug({ pg: l }),
      warn: (l) => logger.warn(l),
    });
    stack.push('embedded-postgres', pg.stop);
    databaseUrl = pg.url;
    embedded = true;
  }
  const database = createDatabase(databaseUrl, {
    poolSize: config.dbPoolSize,
    applicationName: `lastmile:${config.instanceId}`,
    timeouts: config.dbTimeouts,
    onError: (err) => logger.warn({ err }, 'a pooled database connection failed'),
  });
  stack.push('database', database.close);
  const { applied } = await migrate(database.pool, migrationSources(modules));
  if (applied.length > 0) logger.info({ applied }, 'migrations applied');
  return { database, databaseUrl, embedded };
}
