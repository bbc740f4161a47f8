import fs from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { allModules } from '../../src/modules/index.ts';
import { migrationSources } from '../../src/platform/boot.ts';
import { startEmbeddedPostgres } from '../../src/platform/db/embedded.ts';
import { migrate } from '../../src/platform/db/migrations.ts';
import { DBOS } from '../../src/platform/workflows/engine.ts';
import { openContractLedger } from './contract-ledger.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    adminDatabaseUrl: string;
    templateDatabase: string;
  }
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/**
 * Builds one migrated template database per test run (platform, modules and the workflow engine's
 * system tables); each test file then clones it (CREATE DATABASE … TEMPLATE), which takes a few
 * milliseconds and lets files run in parallel without sharing rows.
 */
export default async function setup(project: TestProject) {
  const closeLedger = openContractLedger();
  const required = process.env.LASTMILE_REQUIRE_SERVICES === '1';
  let baseUrl = process.env.DATABASE_URL;
  let stopEmbedded: (() => Promise<void>) | undefined;
  if (!baseUrl) {
    if (required) throw new Error('DATABASE_URL is not set but LASTMILE_REQUIRE_SERVICES=1');
    // One cluster per run, so test runs started side by side never share a data directory.
    const dir = path.resolve('.lastmile', 'test', String(process.pid));
    const embedded = await startEmbeddedPostgres(dir, { database: 'postgres' });
    baseUrl = embedded.url;
    stopEmbedded = async () => {
      await embedded.stop();
      await fs.rm(dir, { recursive: true, force: true });
    };
  }
  const adminUrl = withDatabase(baseUrl, 'postgres');
  const template = `lastmile_tpl_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await dropStale(admin);
  await admin.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${template}`);
  const templateUrl = withDatabase(baseUrl, template);
  const pool = new pg.Pool({ connectionString: templateUrl, max: 2 });
  await migrate(pool, migrationSources(allModules));
  await pool.end();
  await DBOS.migrate(templateUrl, { schemaName: 'dbos' });
  await admin.query(`ALTER DATABASE ${template} WITH IS_TEMPLATE true`);

  project.provide('adminDatabaseUrl', adminUrl);
  project.provide('templateDatabase', template);

  return async () => {
    await admin.query(`ALTER DATABASE ${template} WITH IS_TEMPLATE false`).catch(() => {});
    await admin.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`).catch(() => {});
    await admin.end();
    await stopEmbedded?.();
    closeLedger();
  };
}

/** Databases left by a run that was killed (its pid is gone) are dropped. */
async function dropStale(admin: pg.Client): Promise<void> {
  const res = await admin.query<{ datname: string }>(
    `SELECT datname FROM pg_database WHERE datname ~ '^lastmile_(tpl|t)_[0-9]+'`,
  );
  for (const { datname } of res.rows) {
    const pid = Number(/^lastmile_(?:tpl|t)_(\d+)/.exec(datname)?.[1]);
    let alive = true;
    try {
      process.kill(pid, 0);
    } catch {
      alive = false;
    }
    if (alive) continue;
    await admin.query(`ALTER DATABASE ${datname} WITH IS_TEMPLATE false`).catch(() => {});
    await admin.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`).catch(() => {});
  }
}
