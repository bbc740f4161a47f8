import type { ChildProcess } from 'node:child_process';
import { launchLastmile, type LastmileProcess } from '../../sim/launch.ts';
import { DEMO_PASSWORD, seedDemo } from '../../src/cli/demo-seed.ts';
import { createTokenIssuer } from '../../src/platform/auth/tokens.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { createDatabase } from '../../src/platform/db/pool.ts';
import { freePort } from '../../src/platform/free-port.ts';
import { createTestDatabase, type TestDatabase } from './db.ts';
import { natsUrl, redisUrl } from './services.ts';

export type { LastmileProcess } from '../../sim/launch.ts';

/** Starts `lastmile start --no-seed` as a real OS process and waits until it says it is running. */
export function spawnLastmile(
  args: string[],
  env: Record<string, string>,
  timeoutMs = 60_000,
): Promise<LastmileProcess> {
  return launchLastmile(
    ['--no-seed', ...args],
    { ...(process.env as Record<string, string>), LOG_LEVEL: 'warn', NODE_ENV: 'test', ...env },
    { timeoutMs },
  );
}

export { freePort };

/** Sends `signal` to a child that is still running and waits until it has exited. */
export async function signalAndWait(
  child: ChildProcess | null,
  signal: NodeJS.Signals,
): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  await exited;
}

/** The environment of a spawned lastmile on a test database, with Redis and NATS when configured. */
export function processEnv(
  databaseUrl: string,
  extra: Record<string, string>,
): Record<string, string> {
  const nats = natsUrl();
  const redis = redisUrl();
  // Crash tests drive one caller hard; the gateway's own tests turn rate limits on.
  return {
    DATABASE_URL: databaseUrl,
    LASTMILE_RATE_LIMITS: 'off',
    ...(nats ? { NATS_URL: nats } : {}),
    ...(redis ? { REDIS_URL: redis } : {}),
    ...extra,
  };
}

/** JSON calls to a spawned lastmile; `login` signs in a (demo) account and returns its token. */
export function httpClient(base: string) {
  return {
    async call(method: string, path: string, token: string, body?: unknown, key?: string) {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body ? { 'content-type': 'application/json' } : {}),
          ...(key ? { 'idempotency-key': key } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
      });
      return {
        status: res.status,
        headers: res.headers,
        body: (await res.json().catch(() => null)) as Record<string, unknown> | null,
      };
    },
    async login(email: string, password = DEMO_PASSWORD): Promise<string> {
      const res = await fetch(`${base}/v1/auth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password }),
      });
      if (res.status !== 200)
        throw new Error(`sign-in of ${email} failed: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { access_token: string }).access_token;
    },
  };
}

/** API processes and workers of one deployment on one database, Redis and NATS. */
export interface SplitDeployment {
  /** Base URLs of the API processes (api-1, api-2, …). */
  apis: string[];
  procs: Map<string, LastmileProcess>;
  /** kill -9 one process (by name) and start it again with the same role, port and instance id. */
  crashAndRestart(name: string): Promise<void>;
  stop(): Promise<void>;
}

/** Starts `apis` API processes (api-1, …) and `workers` workers (worker-1, …) side by side, all with `env`. */
export async function startSplitDeployment(
  env: Record<string, string>,
  opts: { apis?: number; workers?: number; timeoutMs?: number } = {},
): Promise<SplitDeployment> {
  const specs = new Map<string, string[]>();
  const apis: string[] = [];
  for (let i = 1; i <= (opts.apis ?? 2); i++) {
    const port = await freePort();
    specs.set(`api-${i}`, ['--role', 'api', '--port', String(port)]);
    apis.push(`http://127.0.0.1:${port}`);
  }
  for (let i = 1; i <= (opts.workers ?? 1); i++) specs.set(`worker-${i}`, ['--role', 'worker']);
  const procs = new Map<string, LastmileProcess>();
  const launch = async (name: string) => {
    procs.set(
      name,
      await spawnLastmile(
        specs.get(name) ?? [],
        { ...env, LASTMILE_INSTANCE_ID: name },
        opts.timeoutMs,
      ),
    );
  };
  const stop = () => Promise.all([...procs.values()].map((p) => p.stop())).then(() => undefined);
  await Promise.all([...specs.keys()].map(launch)).catch(async (err: unknown) => {
    await stop();
    throw err;
  });
  return {
    apis,
    procs,
    async crashAndRestart(name) {
      await procs.get(name)?.crash();
      await launch(name);
    },
    stop,
  };
}

/** Puts the demo city (its accounts sign in with DEMO_PASSWORD) into a database that spawned processes will share. */
export async function seedDemoInto(databaseUrl: string): Promise<void> {
  const database = createDatabase(databaseUrl, { poolSize: 2 });
  try {
    await seedDemo({
      db: database.db,
      tokens: createTokenIssuer(loadConfig({ DATABASE_URL: databaseUrl }).jwtSecret, 60),
    });
  } finally {
    await database.close();
  }
}

/** A split deployment on a test database of its own; `stop` ends the processes and drops it. */
export interface DemoDeployment extends SplitDeployment {
  tdb: TestDatabase;
}

/**
 * `startSplitDeployment` on a new test database with the demo accounts, the services configured
 * (`processEnv`) and `env` over them.
 */
export async function startDemoDeployment(
  env: Record<string, string>,
  opts: Parameters<typeof startSplitDeployment>[1] = {},
): Promise<DemoDeployment> {
  const tdb = await createTestDatabase();
  try {
    await seedDemoInto(tdb.url);
    const deployment = await startSplitDeployment(processEnv(tdb.url, env), opts);
    return {
      ...deployment,
      tdb,
      async stop() {
        await deployment.stop();
        await tdb.drop();
      },
    };
  } catch (err) {
    await tdb.drop();
    throw err;
  }
}
