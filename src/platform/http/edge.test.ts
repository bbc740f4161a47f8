import { Type } from '@sinclair/typebox';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';
import { allModules } from '../../modules/index.ts';
import type { ModuleDefinition } from '../module.ts';
import { sqlState } from '../errors.ts';
import { ok } from './contract.ts';
import { toAppError } from './problem.ts';
import { Strict } from './typed.ts';

/** Echoes the client address the platform believes, as rate limits and idempotency see it. */
const echo: ModuleDefinition = {
  name: 'echo',
  routes: async (app) => {
    app.get(
      '/v1/echo/ip',
      {
        config: { auth: 'public' },
        schema: {
          tags: ['operations'],
          summary: 'The caller address as seen',
          response: { 200: ok(Strict({ ip: Type.String() }), 'The address') },
        },
      },
      async (req) => ({ ip: req.ip }),
    );
  },
};

const TOKEN = 'metrics-token-0123456789';
let dev: TestPlatform;
let prod: TestPlatform;
beforeAll(async () => {
  dev = await startTestPlatform({
    workflows: false,
    modules: [...allModules, echo],
    env: {
      LASTMILE_METRICS_TOKEN: TOKEN,
      LASTMILE_DB_WORKER_STATEMENT_TIMEOUT_MS: '1000',
      LASTMILE_DB_LOCK_TIMEOUT_MS: '700',
    },
  });
  prod = await startTestPlatform({
    workflows: false,
    env: {
      LASTMILE_ENV: 'production',
      JWT_SECRET: 'a-production-secret-of-forty-characters!!',
      LASTMILE_FAKEPAY_WEBHOOK_SECRET: 'another-production-secret-forty-chars!!!',
    },
  });
});
afterAll(async () => {
  await dev?.stop();
  await prod?.stop();
});

describe('the edge of the platform', () => {
  it('believes X-Forwarded-For only from a configured proxy (none by default)', async () => {
    const res = await dev.request({
      method: 'GET',
      url: '/v1/echo/ip',
      headers: { 'x-forwarded-for': '203.0.113.9' },
    });
    expect(res.json()).toEqual({ ip: '127.0.0.1' });
  });

  it('serves metrics only with the metrics token', async () => {
    expect((await dev.request({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
    const wrong = await dev.request({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: 'Bearer nope' },
    });
    expect(wrong.statusCode).toBe(401);
    const right = await dev.request({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(right.statusCode).toBe(200);
    expect(right.body).toContain('lastmile_');
  });

  it('bounds every statement and lock wait of the platform, and says so as a 503', async () => {
    const db = dev.platform.ctx.db;
    const lock = await sql<{ lock_timeout: string }>`SHOW lock_timeout`.execute(db);
    expect(lock.rows[0]?.lock_timeout).toBe('700ms');
    const slow = await sql`SELECT pg_sleep(3)`.execute(db).catch((err: unknown) => err);
    expect(sqlState(slow)).toBe('57014');
    expect(toAppError(slow)).toMatchObject({ code: 'DEPENDENCY_UNAVAILABLE', retryAfterS: 2 });
  });

  it('in production without a token, exposes no metrics at all', async () => {
    const res = await prod.request({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ code: 'FORBIDDEN' });
  });
});
