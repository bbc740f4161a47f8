import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startPrivateRedis, type PrivateRedis } from './support/redis-server.ts';
import { startTestPlatform, type TestPlatform, waitFor } from './support/platform.ts';
import { describeWithServices, redisUrl } from './support/services.ts';

/**
 * What the gateway does while its Redis is paused (CLIENT PAUSE) and while it is dead (kill -9),
 * per route: `open` admits, `closed` refuses with 503, `local` admits this process's share of the
 * limit (the limit divided by the live processes). After Redis returns, Redis counts again.
 * Runs on a private redis-server so the shared one is never paused.
 */
// Runs wherever a Redis is configured (always in CI): redis-server is then at hand too.
describeWithServices('rate limiter when Redis fails', { redis: redisUrl() }, () => {
  let redis: PrivateRedis;
  let t: TestPlatform;
  let ops: string;
  beforeAll(async () => {
    redis = await startPrivateRedis();
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'lastmile-rl-')), 'rate-limits.json');
    writeFileSync(
      file,
      JSON.stringify({
        on_redis_failure: 'local',
        role_tiers: {
          anonymous: 'anonymous',
          customer: 'free',
          driver: 'free',
          store: 'free',
          partner: 'free',
          ops: 'internal',
        },
        tiers: {
          anonymous: { algorithm: 'sliding_window', limit: 1000, window_s: 60 },
          free: { algorithm: 'sliding_window', limit: 1000, window_s: 60 },
          internal: 'unlimited',
        },
        routes: [
          {
            name: 'open_route',
            match: ['GET /v1/categories'],
            tiers: { '*': { algorithm: 'sliding_window', limit: 4, window_s: 600 } },
            on_redis_failure: 'open',
          },
          {
            name: 'closed_route',
            match: ['GET /v1/stores/:id'],
            tiers: { '*': { algorithm: 'sliding_window', limit: 4, window_s: 600 } },
            on_redis_failure: 'closed',
          },
          {
            name: 'local_route',
            match: ['GET /v1/products/:id'],
            tiers: { '*': { algorithm: 'sliding_window', limit: 9, window_s: 600 } },
            on_redis_failure: 'local',
          },
        ],
      }),
    );
    t = await startTestPlatform({
      env: {
        REDIS_URL: redis.url,
        LASTMILE_RATE_LIMITS: file,
        LASTMILE_RATE_LIMIT_BREAK_AFTER: '2',
        LASTMILE_RATE_LIMIT_HALF_OPEN_MS: '300',
      },
    });
    ops = await t.tokenFor('ops');
  });
  afterAll(async () => {
    await t?.stop();
    await redis?.stop();
  });

  let ip = 0;
  const caller = () => `10.9.0.${++ip}`;
  const hit = (url: string, from: string) => t.request({ method: 'GET', url, remoteAddress: from });
  const state = async () =>
    (await t.request({ method: 'GET', url: '/v1/ops/rate-limits', token: ops })).json();
  const STORE = '/v1/stores/00000000-0000-7000-8000-000000000001';
  // Routes whose handlers need only Postgres, so a paused Redis holds up nothing but the limiter.
  const PRODUCT = '/v1/products/00000000-0000-7000-8000-000000000002';

  /** Every mode holds while Redis cannot answer; each check returns without waiting for Redis. */
  async function modesHold() {
    const who = caller();
    const open = [];
    for (let i = 0; i < 8; i++) open.push(await hit('/v1/categories', who));
    // Open: everything admitted, past the limit of 4, without counting headers.
    expect(open.map((r) => r.statusCode)).toEqual(Array(8).fill(200));
    expect(open.at(-1)?.headers['ratelimit-remaining']).toBeUndefined();
    // Closed: refused with 503 and Retry-After, never a 500.
    const closed = await hit(STORE, who);
    expect(closed.statusCode).toBe(503);
    expect(closed.json()).toMatchObject({ code: 'DEPENDENCY_UNAVAILABLE' });
    expect(closed.headers['retry-after']).toBeDefined();
    // Local: this process's share, 9 / 3 live processes = 3, then 429.
    const local = [];
    for (let i = 0; i < 5; i++) local.push((await hit(PRODUCT, who)).statusCode);
    // 404: the product is unknown, but the request passed the limiter.
    expect(local).toEqual([404, 404, 404, 429, 429]);
    const metrics = (await t.request({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(
      /lastmile_ratelimit_decisions_total\{policy="local_route",outcome="limited",source="local"\} [1-9]/,
    );
    expect(metrics).toMatch(/lastmile_ratelimit_fallbacks_total\{mode="open"\} [1-9]/);
  }

  /** Redis decides again: exact counts and headers, the closed route admits. */
  async function recovered() {
    await waitFor(
      async () => {
        const r = await hit('/v1/categories', caller());
        return r.headers['ratelimit-remaining'] === '3';
      },
      15_000,
      'Redis counting again',
    );
    expect((await state()).redis_healthy).toBe(true);
    // 404: the store is unknown, but the request passed the limiter; the fifth is over the limit.
    // Right after a pause a check may still miss its deadline on a loaded machine, and the closed
    // route then refuses it (503, as it must): a fresh caller tries again until a run is exact.
    let seen: number[] = [];
    await waitFor(
      async () => {
        const who = caller();
        seen = [];
        for (let i = 0; i < 5; i++) seen.push((await hit(STORE, who)).statusCode);
        return !seen.includes(503);
      },
      15_000,
      'a run of checks Redis answered',
    );
    expect(seen).toEqual([404, 404, 404, 404, 429]);
  }

  it('counts in Redis while it is healthy', async () => {
    // Two other live API processes share the limits (their heartbeats, far in the future).
    const { Redis } = await import('ioredis');
    const admin = new Redis(redis.url);
    const key = `${t.config.namespace}:gateway:members`;
    await admin.zadd(key, Date.now() + 3_600_000, 'api-b', Date.now() + 3_600_000, 'api-c');
    admin.disconnect();
    await waitFor(async () => (await state()).live_processes === 3, 10_000, 'three live processes');
    await recovered();
  });

  it('holds each route’s mode while Redis is paused, and recovers', async () => {
    await redis.pause(2500);
    await modesHold();
    await recovered();
  });

  it('holds each route’s mode while Redis is dead, and recovers when it is back', async () => {
    await redis.kill();
    await modesHold();
    expect((await state()).redis_healthy).toBe(false);
    await redis.restart();
    // The restarted Redis is empty; the membership heartbeat and the script come back on their own.
    const { Redis } = await import('ioredis');
    const admin = new Redis(redis.url);
    await admin.zadd(
      `${t.config.namespace}:gateway:members`,
      Date.now() + 3_600_000,
      'api-b',
      Date.now() + 3_600_000,
      'api-c',
    );
    admin.disconnect();
    await recovered();
  });
});
