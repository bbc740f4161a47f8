import fs from 'node:fs/promises';
import path from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import pg from 'pg';
import { startEmbeddedPostgres } from '../src/platform/db/embedded.ts';
import { allModules } from '../src/modules/index.ts';
import { type RunningPlatform, startPlatform } from '../src/platform/boot.ts';
import { natsStreamName } from '../src/platform/bus/nats-bus.ts';
import { type Config, loadConfig, type RoleName } from '../src/platform/config.ts';
import { BENCH_DIR } from './result.ts';

/**
 * A migrated database for direct-call benchmarks: DATABASE_URL when set, else embedded Postgres in
 * `.lastmile/bench` (apart from a dev instance's data). No role runs: no HTTP, no consumers.
 */
export async function startBenchDatabase(poolSize: number): Promise<RunningPlatform> {
  const config = benchConfig({ LASTMILE_DB_POOL: String(poolSize) });
  return startPlatform(
    { ...config, roles: [] },
    { modules: allModules, workflows: false, listen: false },
  );
}

/**
 * The configuration every benchmark platform starts from: the caller's environment, logging off,
 * any free port, its own namespace (a shared Redis/NATS sees no dev keys or streams), its own data
 * dir (embedded Postgres never clashes with a dev instance's `.lastmile`), and rate limits off (a
 * load generator is one caller at thousands of requests a second; the ratelimit benchmark measures
 * the limiter). `env` adds or overrides settings.
 */
export function benchConfig(
  env: Record<string, string> = {},
  flags: { roles?: RoleName[] } = {},
): Config {
  return loadConfig(
    {
      ...process.env,
      PORT: '0',
      LOG_LEVEL: 'silent',
      LASTMILE_NAMESPACE: process.env.LASTMILE_NAMESPACE || 'lastmile_bench',
      LASTMILE_RATE_LIMITS: 'off',
      ...env,
    },
    { dataDir: path.join(BENCH_DIR, '..', '.lastmile', 'bench'), ...flags },
  );
}

/**
 * An empty database for one benchmark run, so what earlier runs left (orders, sagas still queued,
 * outbox rows) never weighs on this one: recreated on the DATABASE_URL server when that is set,
 * else a new embedded Postgres in `.lastmile/bench-<name>`.
 */
export async function freshBenchDatabase(
  name: string,
): Promise<{ url: string; stop: () => Promise<void> }> {
  const external = process.env.DATABASE_URL;
  if (external) {
    const admin = new pg.Client({ connectionString: external, application_name: 'lastmile:bench' });
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.query(`CREATE DATABASE "${name}"`);
    } finally {
      await admin.end();
    }
    const url = new URL(external);
    url.pathname = `/${name}`;
    return { url: url.toString(), stop: async () => {} };
  }
  const dir = path.join(BENCH_DIR, '..', '.lastmile', `bench-${name}`);
  await fs.rm(dir, { recursive: true, force: true });
  const embedded = await startEmbeddedPostgres(dir, { database: name });
  return { url: embedded.url, stop: embedded.stop };
}

/**
 * A bus namespace of the benchmark's own, emptied: on a shared NATS the streams of an earlier run
 * (events its consumers never took, for orders of a database since dropped) would otherwise be
 * delivered to this run's consumers and weigh on it. Without NATS_URL the bus is in process.
 */
export async function freshBenchNamespace(name: string): Promise<string> {
  const url = process.env.NATS_URL;
  if (url) {
    const nc = await connect({ servers: url });
    try {
      const jsm = await jetstreamManager(nc);
      const ours = natsStreamName(name, '');
      for await (const stream of jsm.streams.names())
        if (stream.startsWith(ours)) await jsm.streams.delete(stream);
    } finally {
      await nc.close();
    }
  }
  return name;
}
