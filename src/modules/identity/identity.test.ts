import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';
import { auditEntries } from '../../../test/support/audit.ts';
import { DEMO_PASSWORD } from '../../cli/demo-seed.ts';
import { identityFor } from './index.ts';

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
    const badEmail = await t.request({
      method: 'POST',
      url: '/v1/auth/token',
      payload: { email: 'not-an-email', password: 'x' },
    });
    expect(badEmail.statusCode).toBe(400);
  });

  it('carries the ops level in the session, /v1/me and the token; a new ops account is an agent', async () => {
    const signIn = async (email: string, password = DEMO_PASSWORD) =>
      (
        await t.request({ method: 'POST', url: '/v1/auth/token', payload: { email, password } })
      ).json();
    await t.tokenFor('ops');
    const claimsOf = (token: string) =>
      JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString());
    for (const [email, level] of [
      ['ops@demo.lastmile.dev', 'admin'],
      ['agent@demo.lastmile.dev', 'agent'],
    ] as const) {
      const session = await signIn(email);
      expect(session.user).toMatchObject({ role: 'ops', ops_level: level });
      expect(claimsOf(session.access_token)).toMatchObject({
        role: 'ops',
        ops_level: level,
        email,
      });
      const me = await t.request({ method: 'GET', url: '/v1/me', token: session.access_token });
      expect(me.json()).toMatchObject({ email, ops_level: level });
    }
    const customer = await signIn('customer@demo.lastmile.dev');
    expect(customer.user).not.toHaveProperty('ops_level');
    expect(claimsOf(customer.access_token)).not.toHaveProperty('ops_level');
    const password = 'a-new-ops-password';
    await identityFor(t.platform.ctx).createUser({
      email: 'new-ops@test.lastmile.dev',
      name: 'New Ops',
      password,
      role: 'ops',
    });
    expect((await signIn('new-ops@test.lastmile.dev', password)).user.ops_level).toBe('agent');
  });

  it('refuses a token signed with another secret or for a tampered role', async () => {
    const token = await t.tokenFor('customer');
    const [h, p, s] = token.split('.');
    const claims = JSON.parse(Buffer.from(p ?? '', 'base64url').toString());
    const forged = [
      h,
      Buffer.from(JSON.stringify({ ...claims, role: 'ops' })).toString('base64url'),
      s,
    ].join('.');
    const res = await t.request({ method: 'GET', url: '/v1/partners/api-keys', token: forged });
    expect(res.statusCode).toBe(401);
  });

  it('creates a partner key shown once, stores only its hash, authenticates with it and revokes it', async () => {
    const ops = await t.tokenFor('ops');
    const agent = await t.tokenFor('ops', 1);
    const create = (token: string) =>
      t.request({
        method: 'POST',
        url: '/v1/partners/api-keys',
        token,
        payload: { partner_name: 'Acme Groceries', reason: 'Acme signed the contract' },
      });
    const byAgent = await create(agent);
    expect(byAgent.statusCode).toBe(403);
    expect(byAgent.json()).toMatchObject({ code: 'OPS_ADMIN_REQUIRED' });
    const created = await create(ops);
    expect(created.statusCode).toBe(201);
    const { key, id, prefix } = created.json();
    expect(key).toMatch(/^lm_[a-z0-9]{12}_/);
    const stored = await t.platform.ctx.db
      .selectFrom('api_keys')
      .select(['key_hash'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(stored.key_hash).not.toContain(key);
    expect(stored.key_hash).toMatch(/^[0-9a-f]{64}$/);
    const list = await t.request({ method: 'GET', url: '/v1/partners/api-keys', token: ops });
    expect(JSON.stringify(list.json())).not.toContain(key);

    const asPartner = await t.request({
      method: 'GET',
      url: '/v1/me',
      headers: { 'x-api-key': key },
    });
    expect(asPartner.statusCode).toBe(200);
    expect(asPartner.json()).toMatchObject({ role: 'partner', kind: 'partner' });
    const partnerForbidden = await t.request({
      method: 'GET',
      url: '/v1/support/tickets',
      headers: { 'x-api-key': key },
    });
    expect(partnerForbidden.statusCode).toBe(403);

    const revoke = (token: string) =>
      t.request({
        method: 'DELETE',
        url: `/v1/partners/api-keys/${id}`,
        token,
        payload: { reason: 'contract ended' },
      });
    expect((await revoke(agent)).json()).toMatchObject({ code: 'OPS_ADMIN_REQUIRED' });
    expect((await revoke(ops)).statusCode).toBe(204);
    // Both changes are in the audit log, naming the key by its prefix and never showing it.
    const audit = await auditEntries(t, agent, `target_type=api_key&target_id=${id}`);
    expect(audit).toMatchObject([
      {
        action: 'api_key.revoke',
        reason: 'contract ended',
        actor: { email: 'ops@demo.lastmile.dev', level: 'admin' },
        before: { prefix, revoked_at: null },
        after: { prefix },
      },
      {
        action: 'api_key.create',
        reason: 'Acme signed the contract',
        before: null,
        after: { id, prefix, partner_name: 'Acme Groceries' },
      },
    ]);
    expect((audit[0]?.after as { revoked_at: string }).revoked_at).toMatch(/^\d{4}-/);
    expect(JSON.stringify(audit)).not.toContain(key);
    const after = await t.request({ method: 'GET', url: '/v1/me', headers: { 'x-api-key': key } });
    expect(after.statusCode).toBe(401);
    const tampered = await t.request({
      method: 'GET',
      url: '/v1/me',
      headers: { 'x-api-key': `${key.slice(0, -2)}xx` },
    });
    expect(tampered.statusCode).toBe(401);
  });
});

describe('customer sign-up', () => {
  let n = 0;
  const email = () => `new-customer-${Date.now()}-${n++}@test.lastmile.dev`;
  const signUp = (payload: object, headers: Record<string, string> = {}) =>
    t.request({ method: 'POST', url: '/v1/auth/signup', payload, headers });

  it('creates a customer account that answers like sign-in and can sign in again', async () => {
    const address = email();
    const created = await signUp({
      email: address,
      name: 'Ada',
      password: 'correct-horse-battery',
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      token_type: 'Bearer',
      expires_in: 3600,
      user: { email: address, name: 'Ada', role: 'customer' },
    });
    const me = await t.request({
      method: 'GET',
      url: '/v1/me',
      token: created.json().access_token,
    });
    expect(me.json()).toMatchObject({
      id: created.json().user.id,
      email: address,
      role: 'customer',
      store_id: null,
      driver_id: null,
    });

    const signIn = await t.request({
      method: 'POST',
      url: '/v1/auth/token',
      payload: { email: address, password: 'correct-horse-battery' },
    });
    expect(signIn.statusCode).toBe(200);
    expect(Object.keys(signIn.json()).sort()).toEqual(Object.keys(created.json()).sort());
    expect(signIn.json().user).toEqual(created.json().user);
    // A customer token opens customer routes only.
    expect(
      (await t.request({ method: 'GET', url: '/v1/cart', token: signIn.json().access_token }))
        .statusCode,
    ).toBe(200);
    expect(
      (
        await t.request({
          method: 'GET',
          url: '/v1/partners/api-keys',
          token: signIn.json().access_token,
        })
      ).statusCode,
    ).toBe(403);
    const stored = await t.platform.ctx.db
      .selectFrom('users')
      .select(['password_hash'])
      .where('id', '=', created.json().user.id)
      .executeTakeFirstOrThrow();
    expect(stored.password_hash).toMatch(/^\$argon2id\$/);
  });

  it('refuses a taken email (any letter case) with 409 and leaves the account as it was', async () => {
    const address = email();
    expect(
      (await signUp({ email: address, name: 'First', password: 'first-password-1' })).statusCode,
    ).toBe(201);
    for (const password of ['first-password-1', 'another-password-2']) {
      const again = await signUp({ email: address.toUpperCase(), name: 'Second', password });
      expect(again.statusCode).toBe(409);
      expect(again.headers['content-type']).toContain('application/problem+json');
      expect(again.json()).toMatchObject({
        code: 'CONFLICT',
        detail: 'An account with this email already exists',
      });
      expect(again.body).not.toContain('access_token');
    }
    await t.tokenFor('ops');
    const demo = await signUp({
      email: 'ops@demo.lastmile.dev',
      name: 'Not ops',
      password: 'taking-over-ops',
    });
    expect(demo.statusCode).toBe(409);
    expect(
      (
        await t.request({
          method: 'POST',
          url: '/v1/auth/token',
          payload: { email: 'ops@demo.lastmile.dev', password: DEMO_PASSWORD },
        })
      ).json().user.role,
    ).toBe('ops');
    expect(
      (
        await t.request({
          method: 'POST',
          url: '/v1/auth/token',
          payload: { email: address, password: 'another-password-2' },
        })
      ).statusCode,
    ).toBe(401);
    const kept = await t.request({
      method: 'POST',
      url: '/v1/auth/token',
      payload: { email: address, password: 'first-password-1' },
    });
    expect(kept.json().user).toMatchObject({ name: 'First', role: 'customer' });
  });

  it('does not replay sign-ups by Idempotency-Key: a retry is told the email is taken', async () => {
    const body = { email: email(), name: 'Retry', password: 'correct-horse-battery' };
    const first = await signUp(body, { 'idempotency-key': 'signup-retry-1' });
    const retry = await signUp(body, { 'idempotency-key': 'signup-retry-1' });
    expect(first.statusCode).toBe(201);
    expect(retry.statusCode).toBe(409);
    expect(retry.headers['idempotent-replayed']).toBeUndefined();
    const stored = await t.platform.ctx.db
      .selectFrom('idempotency_keys')
      .select(['key'])
      .where('key', '=', 'signup-retry-1')
      .execute();
    expect(stored).toEqual([]);
  });

  it('rejects a bad email, a short password, a missing name and unknown fields such as a role', async () => {
    const ok = { email: email(), name: 'Bo', password: 'correct-horse-battery' };
    const cases: Array<[object, string]> = [
      [{ ...ok, email: 'not-an-email' }, 'body.email'],
      [{ ...ok, password: 'short-9ch' }, 'body.password'],
      [{ email: ok.email, password: ok.password }, 'body.name'],
      [{ ...ok, role: 'ops' }, 'body.role'],
    ];
    for (const [payload, path] of cases) {
      const res = await signUp(payload);
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('VALIDATION_FAILED');
      expect(res.json().errors.map((e: { path: string }) => e.path)).toContain(path);
    }
    const rows = await t.platform.ctx.db
      .selectFrom('users')
      .select(['id'])
      .where('email', '=', ok.email)
      .execute();
    expect(rows).toEqual([]);
  });
});
