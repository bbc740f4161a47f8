import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';
import { DEMO_PASSWORD } from '../../cli/demo-seed.ts';

let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform({ workflows: false });
});
afterAll(async () => {
  await t?.stop();
});

describe('sign-in and partner API keys', () => {
  it('issues a token for the right password and the same 401 for a wrong password or unknown email', async () => {
    await t.tokenFor('customer');
    const ok = await t.request({
      method: 'POST',
      url: '/v1/auth/token',
      payload: { email: 'CUSTOMER@demo.lastmile.dev', password: DEMO_PASSWORD },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ token_type: 'Bearer', user: { role: 'customer' } });
    const me = await t.request({ method: 'GET', url: '/v1/me', token: ok.json().access_token });
    expect(me.json().email).toBe('customer@demo.lastmile.dev');
    const wrong = await t.request({
      method: 'POST',
      url: '/v1/auth/token',
      payload: { email: 'customer@demo.lastmile.dev', password: 'nope' },
    });
    const unknown = await t.request({
      method: 'POST',
      url: '/v1/auth/token',
      payload: { email: 'ghost@demo.lastmile.dev', password: 'nope' },
    });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json().detail).toBe(wrong.json().detail);
    const badEmail = await t.request({ method: 'POST', url: '/v1/auth/token', payload: { email: 'not-an-email', password: 'x' } });
    expect(badEmail.statusCode).toBe(400);
  });

  it('refuses a token signed with another secret or for a tampered role', async () => {
    const token = await t.tokenFor('customer');
    const [h, p, s] = token.split('.');
    const claims = JSON.parse(Buffer.from(p ?? '', 'base64url').toString());
    const forged = [h, Buffer.from(JSON.stringify({ ...claims, role: 'ops' })).toString('base64url'), s].join('.');
    const res = await t.request({ method: 'GET', url: '/v1/partners/api-keys', token: forged });
    expect(res.statusCode).toBe(401);
  });

  it('creates a partner key shown once, stores only its hash, authenticates with it and revokes it', async () => {
    const ops = await t.tokenFor('ops');
    const created = await t.request({
      method: 'POST',
      url: '/v1/partners/api-keys',
      token: ops,
      payload: { partner_name: 'Acme Groceries' },
    });
    expect(created.statusCode).toBe(201);
    const { key, id } = created.json();
    expect(key).toMatch(/^lm_[a-z0-9]{12}_/);
    const stored = await t.platform.ctx.db.selectFrom('api_keys').select(['key_hash']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(stored.key_hash).not.toContain(key);
    expect(stored.key_hash).toMatch(/^[0-9a-f]{64}$/);
    const list = await t.request({ method: 'GET', url: '/v1/partners/api-keys', token: ops });
    expect(JSON.stringify(list.json())).not.toContain(key);

    const asPartner = await t.request({ method: 'GET', url: '/v1/me', headers: { 'x-api-key': key } });
    expect(asPartner.statusCode).toBe(200);
    expect(asPartner.json()).toMatchObject({ role: 'partner', kind: 'partner' });
    const partnerForbidden = await t.request({ method: 'GET', url: '/v1/support/tickets', headers: { 'x-api-key': key } });
    expect(partnerForbidden.statusCode).toBe(403);

    const revoked = await t.request({ method: 'DELETE', url: `/v1/partners/api-keys/${id}`, token: ops });
    expect(revoked.statusCode).toBe(204);
    const after = await t.request({ method: 'GET', url: '/v1/me', headers: { 'x-api-key': key } });
    expect(after.statusCode).toBe(401);
    const tampered = await t.request({ method: 'GET', url: '/v1/me', headers: { 'x-api-key': `${key.slice(0, -2)}xx` } });
    expect(tampered.statusCode).toBe(401);
  });
});
