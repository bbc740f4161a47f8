import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';

let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform({ workflows: false });
});
afterAll(async () => {
  await t?.stop();
});

const problem = (res: { headers: Record<string, unknown>; json(): unknown }) => {
  expect(String(res.headers['content-type'])).toContain('application/problem+json');
  return res.json() as {
    code: string;
    status: number;
    detail: string;
    requestId: string;
    errors?: Array<{ path: string }>;
  };
};

describe('HTTP platform', () => {
  it('answers an unknown route with a problem+json 404', async () => {
    const res = await t.request({ method: 'GET', url: '/v1/nowhere' });
    expect(res.statusCode).toBe(404);
    expect(problem(res)).toMatchObject({ code: 'NOT_FOUND', status: 404 });
  });

  it('rejects unknown fields and names them', async () => {
    const token = await t.tokenFor('customer');
    const res = await t.request({
      method: 'POST',
      url: '/v1/support/tickets',
      token,
      payload: { subject: 'Late order', message: 'hi', price: 0 },
    });
    expect(res.statusCode).toBe(400);
    const p = problem(res);
    expect(p.code).toBe('VALIDATION_FAILED');
    expect(p.errors?.[0]?.path).toBe('body.price');
  });

  it('rejects malformed JSON, a wrong media type and an oversized body', async () => {
    const token = await t.tokenFor('customer');
    const bad = await t.request({
      method: 'POST',
      url: '/v1/support/tickets',
      token,
      headers: { 'content-type': 'application/json' },
      payload: '{"subject":',
    });
    expect(bad.statusCode).toBe(400);
    expect(problem(bad).code).toBe('VALIDATION_FAILED');
    const media = await t.request({
      method: 'POST',
      url: '/v1/support/tickets',
      token,
      headers: { 'content-type': 'text/csv' },
      payload: 'a,b',
    });
    expect(media.statusCode).toBe(415);
    expect(problem(media).code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const big = await t.request({
      method: 'POST',
      url: '/v1/support/tickets',
      token,
      payload: { subject: 'big', message: 'x'.repeat(t.config.bodyLimitBytes + 10) },
    });
    expect(big.statusCode).toBe(413);
    expect(problem(big).code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('needs a token (401) and the right role (403)', async () => {
    const anon = await t.request({ method: 'GET', url: '/v1/support/tickets' });
    expect(anon.statusCode).toBe(401);
    expect(problem(anon).code).toBe('UNAUTHENTICATED');
    const garbage = await t.request({
      method: 'GET',
      url: '/v1/support/tickets',
      headers: { authorization: 'Bearer not.a.jwt' },
    });
    expect(garbage.statusCode).toBe(401);
    const badKey = await t.request({
      method: 'GET',
      url: '/v1/support/tickets',
      headers: { 'x-api-key': 'lm_nope' },
    });
    expect(badKey.statusCode).toBe(401);
    const customer = await t.tokenFor('customer');
    const wrongRole = await t.request({
      method: 'POST',
      url: '/v1/partners/api-keys',
      token: customer,
      payload: { partner_name: 'x', reason: 'wrong role' },
    });
    expect(wrongRole.statusCode).toBe(403);
    expect(problem(wrongRole).code).toBe('FORBIDDEN');
  });

  it('echoes a sane request id and makes one otherwise', async () => {
    const mine = await t.request({
      method: 'GET',
      url: '/health',
      headers: { 'x-request-id': 'abc-123' },
    });
    expect(mine.headers['x-request-id']).toBe('abc-123');
    const evil = await t.request({
      method: 'GET',
      url: '/health',
      headers: { 'x-request-id': 'a b\u0000c' },
    });
    expect(evil.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves health, readiness with per-module state, metrics and the API documents', async () => {
    const health = await t.request({ method: 'GET', url: '/health' });
    expect(health.json().modules).toMatchObject({
      identity: 'running',
      support: 'running',
      notifications: 'running',
    });
    const ready = await t.request({ method: 'GET', url: '/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json().checks.postgres.ok).toBe(true);
    const metrics = await t.request({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toContain('lastmile_http_requests_total');
    const doc = (await t.request({ method: 'GET', url: '/openapi.json' })).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/v1/auth/token', '/v1/support/tickets', '/v1/notifications']),
    );
    expect(
      doc.paths['/v1/support/tickets'].post.requestBody.content['application/json'].schema
        .additionalProperties,
    ).toBe(false);
    const docs = await t.request({ method: 'GET', url: '/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain('openapi.json');
  });
});
