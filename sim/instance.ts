import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { freePort } from '../src/platform/free-port.ts';
import { launchLastmile, runLastmileCommand } from './launch.ts';

export interface Instance {
  url: string;
  databaseUrl: string;
  /** Stops the server; its database is dropped unless `keepDatabase` (to look into a broken run). */
  stop(opts?: { keepDatabase?: boolean }): Promise<void>;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/**
 * Starts one lastmile (`lastmile start`, all roles) for a simulation, its streets imported first: on a fresh database of the
 * Postgres in DATABASE_URL with Redis and NATS when their URLs are set, or else on its own embedded
 * Postgres with the in-process bus, exactly as `npm start` would. Its log goes to `dir/server.log`.
 */
export async function startInstance(opts: {
  name: string;
  dir: string;
  env: Record<string, string>;
  /** A places file to import first (`lastmile places import`): the simulated city's streets. */
  streets?: { city: string; file: string };
}): Promise<Instance> {
  await fsp.mkdir(opts.dir, { recursive: true });
  const port = await freePort();
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    LOG_LEVEL: 'warn',
    ...opts.env,
    PORT: String(port),
  };
  let databaseUrl: string | null = null;
  let dropDatabase: (() => Promise<void>) | null = null;
  const base = process.env.DATABASE_URL;
  if (base) {
    const name = `lastmile_sim_${opts.name}_${Date.now().toString(36)}`.replace(/[^a-z0-9_]/g, '_');
    const admin = new pg.Client({ connectionString: base });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    databaseUrl = withDatabase(base, name);
    env.DATABASE_URL = databaseUrl;
    env.LASTMILE_NAMESPACE = name;
    dropDatabase = async () => {
      const a = new pg.Client({ connectionString: base });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).finally(() => a.end());
    };
  } else {
    env.LASTMILE_DATA_DIR = path.join(opts.dir, 'data');
    delete env.REDIS_URL;
    delete env.NATS_URL;
  }
  const log = fs.createWriteStream(path.join(opts.dir, 'server.log'));
  if (opts.streets)
    await runLastmileCommand(
      ['places', 'import', '--city', opts.streets.city, opts.streets.file],
      env,
      { timeoutMs: 300_000, onOutput: (d) => log.write(d) },
    ).catch((err: unknown) => {
      log.end();
      throw new Error(
        `the ${opts.name} instance's streets were not imported: ${(err as Error).message}`,
      );
    });
  const proc = await launchLastmile(['--port', String(port)], env, {
    timeoutMs: 180_000,
    onOutput: (d) => log.write(d),
  }).catch((err: unknown) => {
    log.end();
    throw new Error(`the ${opts.name} instance did not start: ${(err as Error).message}`);
  });
  if (!databaseUrl) {
    const pgPort = (await fsp.readFile(path.join(opts.dir, 'data', 'port'), 'utf8')).trim();
    databaseUrl = `postgres://postgres:lastmile@127.0.0.1:${pgPort}/lastmile`;
  }
  return {
    url: `http://127.0.0.1:${port}`,
    databaseUrl,
    async stop(stopOpts = {}) {
      await proc.stop(30_000);
      log.end();
      if (!stopOpts.keepDatabase) await dropDatabase?.().catch(() => undefined);
    },
  };
}
