import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';

let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform({ workflows: false, holdReadiness: ['demo-seed'] });
});
afterAll(async () => {
  await t?.stop();
});

describe('readiness', () => {
  it('says not ready, and why, until start-up work such as the demo seed is done', async () => {
    const before = await t.request({ method: 'GET', url: '/ready' });
    expect(before.statusCode).toBe(503);
    expect(before.headers['retry-after']).toBe('2');
    expect(before.json().checks.startup).toEqual({ ok: false, detail: 'waiting for demo-seed' });
    t.platform.ready('demo-seed');
    const after = await t.request({ method: 'GET', url: '/ready' });
    expect(after.statusCode).toBe(200);
    expect(after.json()).toMatchObject({ status: 'ready', checks: { startup: { ok: true } } });
  });
});
