import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform, waitFor } from '../../../test/support/platform.ts';
import { DEFAULT_POLICY, type PolicyDocument } from './policy.ts';

/**
 * The gateway through HTTP, on the test platform's limiter (Redis in CI, in-process otherwise),
 * with a policy file small enough to exhaust and rewritten while the platform runs.
 */
const policy = (over: Partial<PolicyDocument> = {}): PolicyDocument => ({
  on_redis_failure: 'local',
  role_tiers: {
    anonymous: 'anonymous',
    customer: 'free',
    driver: 'pro',
    store: 'pro',
    partner: 'free',
    ops: 'internal',
  },
  tiers: {
    anonymous: { algorithm: 'sliding_window', limit: 3, window_s: 60 },
    free: { algorithm: 'sliding_window', limit: 5, window_s: 60 },
    pro: { algorithm: 'sliding_window', limit: 50, window_s: 60 },
    enterprise: { algorithm: 'sliding_window', limit: 8, window_s: 60 },
    internal: 'unlimited',
  },
  routes: [
    {
      name: 'search',
      match: ['GET /v1/search', 'GET /v1/stores/nearby'],
      tiers: {
        free: { algorithm: 'token_bucket', capacity: 2, refill_per_s: 0.01 },
        '*': { algorithm: 'sliding_window', limit: 1, window_s: 30 },
      },
    },
  ],
  exempt: ['GET /health'],
  ...over,
});

describe('gateway rate limits', () => {
  let t: TestPlatform;
  let file: string;
  const write = (doc: unknown) => writeFileSync(file, JSON.stringify(doc));

  beforeAll(async () => {
    file = path.join(mkdtempSync(path.join(tmpdir(), 'lastmile-rl-')), 'rate-limits.json');
    write(policy());
    // A generous timeout: these tests are about counting, and a loaded CI machine can stall a
    // check past the default 10 ms (the failure modes have their own test).
    t = await startTestPlatform({
      env: { LASTMILE_RATE_LIMITS: file, LASTMILE_RATE_LIMIT_TIMEOUT_MS: '1000' },
    });
  });
  afterAll(async () => {
    await t?.stop();
  });

  const get = (
    url: string,
    opts: { ip?: string; token?: string; headers?: Record<string, string> } = {},
  ) =>
    t.request({
      method: 'GET',
      url,
      token: opts.token,
      headers: opts.headers,
      remoteAddress: opts.ip ?? '10.0.0.1',
    });

  it('counts anonymous callers per address, with RateLimit headers, then 429 problem+json', async () => {
    const seen = [];
    for (let i = 0; i < 4; i++) seen.push(await get('/v1/categories', { ip: '10.1.0.1' }));
    expect(seen.map((r) => r.statusCode)).toEqual([200, 200, 200, 429]);
    expect(seen.map((r) => r.headers['ratelimit-remaining'])).toEqual(['2', '1', '0', '0']);
    for (const r of seen) {
      expect(r.headers['ratelimit-limit']).toBe('3');
      expect(r.headers['ratelimit-policy']).toBe('3;w=60');
      const reset = Number(r.headers['ratelimit-reset']);
      expect(reset).toBeGreaterThan(0);
      expect(reset).toBeLessThanOrEqual(60);
    }
    const refused = seen[3];
    expect(refused?.headers['content-type']).toMatch(/^application\/problem\+json/);
    const retryAfter = Number(refused?.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(120);
    expect(refused?.json()).toMatchObject({
      status: 429,
      code: 'RATE_LIMITED',
      policy: 'default',
      tier: 'anonymous',
      limit: 3,
      remaining: 0,
      retry_after_s: retryAfter,
    });
    expect(refused?.json().detail).toMatch(/"default" for tier anonymous \(3 requests per 60 s\)/);
    // Another address has its own budget.
    expect((await get('/v1/categories', { ip: '10.1.0.2' })).statusCode).toBe(200);
  });

  it('counts signed-in callers per account on their role tier, and never limits an unlimited tier or an exempt route', async () => {
    const alice = await t.tokenFor('customer', 0);
    const bob = await t.tokenFor('customer', 1);
    const ops = await t.tokenFor('ops');
    // All from one address: the account is what counts.
    const a = [];
    for (let i = 0; i < 6; i++)
      a.push((await get('/v1/categories', { ip: '10.2.0.1', token: alice })).statusCode);
    expect(a).toEqual([200, 200, 200, 200, 200, 429]);
    const b = await get('/v1/categories', { ip: '10.2.0.1', token: bob });
    expect(b.statusCode).toBe(200);
    expect(b.headers['ratelimit-limit']).toBe('5');
    expect(b.headers['ratelimit-remaining']).toBe('4');
    for (let i = 0; i < 20; i++) {
      const r = await get('/v1/categories', { ip: '10.2.0.1', token: ops });
      expect(r.statusCode).toBe(200);
      expect(r.headers['ratelimit-limit']).toBeUndefined();
    }
    for (let i = 0; i < 10; i++)
      expect((await get('/health', { ip: '10.2.0.9' })).statusCode).toBe(200);
  });

  it('gives a route its own budget per tier, a token bucket for bursts on the free tier', async () => {
    const carol = await t.tokenFor('customer', 0);
    const nearby = '/v1/stores/nearby?lat=52.52&lng=13.405';
    // The free tier's search bucket: a burst of 2, then (refilling at 0.01/s) refused for ~100 s.
    const burst = [];
    for (let i = 0; i < 3; i++) burst.push(await get(nearby, { token: carol, ip: '10.3.0.1' }));
    expect(burst.map((r) => r.statusCode)).toEqual([200, 200, 429]);
    expect(burst[0]?.headers['ratelimit-policy']).toBe('2;w=200;burst=2');
    expect(burst[2]?.json()).toMatchObject({ policy: 'search', tier: 'free' });
    expect(Number(burst[2]?.headers['retry-after'])).toBe(100);
    // The search budget is apart from the tier's default budget, and shared by its two routes.
    expect(
      (await get('/v1/search?lat=52.52&lng=13.405&q=milk', { token: carol, ip: '10.3.0.1' }))
        .statusCode,
    ).toBe(429);
    const anon = [];
    for (let i = 0; i < 2; i++) anon.push((await get(nearby, { ip: '10.3.0.2' })).statusCode);
    expect(anon).toEqual([200, 429]);
    // '*' covers tiers the route does not name: anonymous gets 1 per 30 s.
    expect((await get('/v1/categories', { ip: '10.3.0.2' })).statusCode).toBe(200);
  });

  it("counts refusals by policy and tier in this process's series", async () => {
    const ops = await t.tokenFor('ops');
    const refused = async () => {
      const r = await t.request({ method: 'GET', url: '/v1/ops/health/series', token: ops });
      const rows = r.json().rate_limited as Array<{
        policy: string;
        tier: string;
        rejections: number;
      }>;
      return (policy: string, tier: string) =>
        rows.find((x) => x.policy === policy && x.tier === tier)?.rejections ?? 0;
    };
    const before = await refused();
    const seen = [];
    for (let i = 0; i < 5; i++)
      seen.push((await get('/v1/categories', { ip: '10.5.0.1' })).statusCode);
    expect(seen).toEqual([200, 200, 200, 429, 429]);
    for (let i = 0; i < 2; i++)
      await get('/v1/search?lat=52.52&lng=13.405&q=tea', { ip: '10.5.0.2' });
    const after = await refused();
    expect(after('default', 'anonymous') - before('default', 'anonymous')).toBe(2);
    expect(after('search', 'anonymous') - before('search', 'anonymous')).toBe(1);
  });

  it('enforces the policy ops set over the file, and the file again after a reset', async () => {
    const ops = await t.tokenFor('ops');
    const set = (value: PolicyDocument | null, version: number) =>
      t.request({
        method: 'PUT',
        url: '/v1/ops/settings/rate-limits',
        token: ops,
        headers: { 'idempotency-key': `rate-limits-${version}` },
        payload: { value, version, reason: 'a partner launch' },
      });
    const limitFor = async (ip: string) =>
      (await get('/v1/categories', { ip })).headers['ratelimit-limit'];
    const shown = (
      await t.request({ method: 'GET', url: '/v1/ops/settings/rate-limits', token: ops })
    ).json();
    expect(shown).toMatchObject({ overridden: false, version: 0, value: policy() });
    const wider = {
      ...policy(),
      tiers: {
        ...policy().tiers,
        anonymous: { algorithm: 'sliding_window', limit: 7, window_s: 60 },
      },
    } satisfies PolicyDocument;
    expect((await set(wider, 0)).statusCode).toBe(200);
    expect(await limitFor('10.6.0.1')).toBe('7');
    const state = (
      await t.request({ method: 'GET', url: '/v1/ops/rate-limits', token: ops })
    ).json();
    expect(state.source).toMatch(/^ops settings, version 1 \(over .*rate-limits\.json\)$/);
    expect(state.policy.tiers.anonymous.limit).toBe(7);
    expect((await set(null, 1)).statusCode).toBe(200);
    expect(await limitFor('10.6.0.2')).toBe('3');
  });

  it('reloads the policy file without a restart; a bad edit keeps the policy in force', async () => {
    const ops = await t.tokenFor('ops');
    const created = await t.request({
      method: 'POST',
      url: '/v1/partners/api-keys',
      token: ops,
      payload: { partner_name: 'Courier Co', reason: 'rate-limit test' },
    });
    expect(created.statusCode).toBe(201);
    const { id, key } = created.json() as { id: string; key: string };
    const partner = { 'x-api-key': key };
    const first = await get('/v1/categories', { headers: partner, ip: '10.4.0.1' });
    expect(first.headers['ratelimit-limit']).toBe('5');

    const state = async () =>
      (await t.request({ method: 'GET', url: '/v1/ops/rate-limits', token: ops })).json();
    const before = (await state()).reloads as number;
    write(policy({ callers: { [`partner:${id}`]: 'enterprise' } }));
    await waitFor(async () => (await state()).reloads > before, 10_000, 'policy reload');
    const upgraded = await get('/v1/categories', { headers: partner, ip: '10.4.0.1' });
    expect(upgraded.headers['ratelimit-limit']).toBe('8');

    // A broken file is reported and changes nothing.
    writeFileSync(file, '{"on_redis_failure": "sideways"');
    await waitFor(async () => (await state()).last_error, 10_000, 'a reported reload error');
    const s = await state();
    expect(s.last_error).toMatch(/not JSON/);
    expect(
      (await get('/v1/categories', { headers: partner, ip: '10.4.0.1' })).headers[
        'ratelimit-limit'
      ],
    ).toBe('8');
    write({
      ...policy(),
      tiers: { ...policy().tiers, free: { algorithm: 'sliding_window', limit: 0, window_s: 60 } },
    });
    await waitFor(
      async () => /tiers\/free/.test(String((await state()).last_error)),
      10_000,
      'a reported validation error',
    );
    expect((await state()).policy.tiers.free.limit).toBe(5);
  });
});

describe('gateway policy validation', () => {
  it('refuses a bad policy file at start, naming the problem', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lastmile-rl-'));
    const bad = path.join(dir, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify({
        ...DEFAULT_POLICY,
        role_tiers: { ...DEFAULT_POLICY.role_tiers, customer: 'gold' },
      }),
    );
    await expect(startTestPlatform({ env: { LASTMILE_RATE_LIMITS: bad } })).rejects.toThrow(
      /role_tiers.customer names unknown tier "gold"/,
    );
    await expect(
      startTestPlatform({ env: { LASTMILE_RATE_LIMITS: path.join(dir, 'missing.json') } }),
    ).rejects.toThrow(/cannot read/);
  });
});
