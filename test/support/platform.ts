import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { uuidv7 } from 'uuidv7';
import { DEMO_PASSWORD, DEMO_USERS, seedDemo } from '../../src/cli/demo-seed.ts';
import { allModules } from '../../src/modules/index.ts';
import { type RunningPlatform, type StartOptions, startPlatform } from '../../src/platform/boot.ts';
import { type Config, loadConfig } from '../../src/platform/config.ts';
import { createTestDatabase, type TestDatabase } from './db.ts';
import { natsUrl, redisUrl, testNamespace } from './services.ts';

// Many tests import the wait helper with the platform; it lives apart so unit tests need no platform.
export { waitFor } from './wait.ts';

export interface TestPlatform {
  platform: RunningPlatform;
  app: FastifyInstance;
  db: TestDatabase;
  config: Config;
  /** Signs in a demo account of this role (seeded on demand) and returns its bearer token. */
  tokenFor(role: (typeof DEMO_USERS)[number]['role'], which?: number): Promise<string>;
  request(opts: InjectOptions & { token?: string }): Promise<LightMyRequestResponse>;
  stop(): Promise<void>;
}

/**
 * Calls the platform as `token` (none: anonymous); a call other than GET carries a fresh
 * Idempotency-Key, as the SDK sends one.
 */
export function callAs(
  t: TestPlatform,
  token: string | undefined,
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  url: string,
  payload?: object,
): Promise<LightMyRequestResponse> {
  return t.request({
    method,
    url,
    token,
    ...(payload ? { payload } : {}),
    headers: method === 'GET' ? {} : { 'idempotency-key': uuidv7() },
  });
}

/**
 * One platform on its own cloned database. Real Redis and NATS are used when their URLs are set
 * (always in CI), each test platform with its own namespace so files never see each other's keys,
 * streams or consumers.
 */
export async function startTestPlatform(
  opts: Partial<Omit<StartOptions, 'modules'>> & {
    modules?: StartOptions['modules'];
    env?: Record<string, string>;
  } = {},
): Promise<TestPlatform> {
  const db = await createTestDatabase();
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    DATABASE_URL: db.url,
    REDIS_URL: redisUrl() ?? '',
    NATS_URL: natsUrl() ?? '',
    LASTMILE_NAMESPACE: testNamespace('ns'),
    LASTMILE_DB_POOL: '6',
    // Tests drive a few callers hard; the gateway's own tests turn rate limits on.
    LASTMILE_RATE_LIMITS: 'off',
    PORT: '0',
    ...opts.env,
  });
  let platform: RunningPlatform;
  try {
    platform = await startPlatform(config, {
      listen: false,
      ...opts,
      modules: opts.modules ?? allModules,
    });
  } catch (err) {
    await db.drop();
    throw err;
  }
  const app = platform.app;
  if (!app) throw new Error('test platform started without the api role');
  let seeded = false;
  const tokens = new Map<string, string>();
  return {
    platform,
    app,
    db,
    config,
    async tokenFor(role, which = 0) {
      const user = DEMO_USERS.filter((u) => u.role === role)[which];
      if (!user) throw new Error(`no demo ${role} #${which}`);
      const cached = tokens.get(user.email);
      if (cached) return cached;
      if (!seeded) {
        await seedDemo(platform.ctx);
        seeded = true;
      }
      const res = await app.inject({
        method: 'POST',
        url: '/v1/auth/token',
        payload: { email: user.email, password: DEMO_PASSWORD },
      });
      if (res.statusCode !== 200) throw new Error(`sign-in failed: ${res.body}`);
      const token = res.json().access_token as string;
      tokens.set(user.email, token);
      return token;
    },
    request({ token, headers, ...rest }) {
      return app.inject({
        ...rest,
        headers: { ...(headers ?? {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      });
    },
    async stop() {
      await platform.stop();
      await db.drop();
    },
  };
}
