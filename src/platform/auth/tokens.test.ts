import { SignJWT } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AppError } from '../errors.ts';
import { createTokenIssuer, keyIdOf } from './tokens.ts';

const SECRET = 'a-test-secret-that-is-long-enough-0123456789';

afterEach(() => {
  vi.useRealTimers();
});

describe('access tokens', () => {
  it('verifies what it issued, the same answer again from its cache', async () => {
    const tokens = createTokenIssuer(SECRET, 60);
    const { token } = await tokens.issue({ userId: 'u1', role: 'driver', driverId: 'd1' });
    const first = await tokens.verify(token);
    expect(first).toEqual({
      kind: 'user',
      id: 'u1',
      role: 'driver',
      storeId: undefined,
      driverId: 'd1',
    });
    expect(await tokens.verify(token)).toEqual(first);
  });

  it("carries an ops account's level and email; an ops token without a known level is an agent's", async () => {
    const tokens = createTokenIssuer(SECRET, 60);
    const admin = await tokens.issue({
      userId: 'u1',
      role: 'ops',
      opsLevel: 'admin',
      email: 'a@example.com',
    });
    expect(await tokens.verify(admin.token)).toMatchObject({
      role: 'ops',
      opsLevel: 'admin',
      email: 'a@example.com',
    });
    const bare = await tokens.issue({ userId: 'u2', role: 'ops' });
    expect(await tokens.verify(bare.token)).toMatchObject({ opsLevel: 'agent' });
    const key = new TextEncoder().encode(SECRET);
    const signed = (claims: Record<string, unknown>) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: keyIdOf(SECRET) })
        .setSubject('u3')
        .setIssuer('lastmile')
        .setAudience('lastmile-api')
        .setIssuedAt()
        .setExpirationTime('60s')
        .sign(key);
    // Tokens issued before levels existed, or naming a level that does not: the least.
    for (const claims of [{ role: 'ops' }, { role: 'ops', ops_level: 'root' }])
      expect(await tokens.verify(await signed(claims))).toMatchObject({ opsLevel: 'agent' });
    // Only ops have a level, whatever a token says.
    const customer = await tokens.verify(await signed({ role: 'customer', ops_level: 'admin' }));
    expect(customer.opsLevel).toBeUndefined();
  });

  it('refuses a token signed with another secret or altered', async () => {
    const other = createTokenIssuer(`${SECRET}-other`, 60);
    const tokens = createTokenIssuer(SECRET, 60);
    const { token } = await other.issue({ userId: 'u1', role: 'ops' });
    await expect(tokens.verify(token)).rejects.toBeInstanceOf(AppError);
    const mine = (await tokens.issue({ userId: 'u2', role: 'customer' })).token;
    await tokens.verify(mine);
    const [h, , sig] = mine.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ sub: 'u2', role: 'ops' })).toString('base64url')}.${sig}`;
    await expect(tokens.verify(forged)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('stops accepting a cached token once it expires', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const start = Date.now();
    const tokens = createTokenIssuer(SECRET, 60);
    const { token } = await tokens.issue({ userId: 'u1', role: 'customer' });
    await tokens.verify(token);
    vi.setSystemTime(start + 61_000);
    await expect(tokens.verify(token)).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
      message: 'The token has expired',
    });
  });

  it('refuses a token without exp or iat, or one that lives longer than the token lifetime', async () => {
    const tokens = createTokenIssuer(SECRET, 60);
    const key = new TextEncoder().encode(SECRET);
    const now = Math.floor(Date.now() / 1000);
    const signed = (claims: { iat?: number; exp?: number }) =>
      new SignJWT({ role: 'ops', ...claims })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: keyIdOf(SECRET) })
        .setSubject('u1')
        .setIssuer('lastmile')
        .setAudience('lastmile-api')
        .sign(key);
    expect(await tokens.verify(await signed({ iat: now, exp: now + 60 }))).toMatchObject({
      role: 'ops',
    });
    for (const claims of [{ iat: now }, { exp: now + 60 }, { iat: now, exp: now + 61 }, {}]) {
      await expect(
        tokens.verify(await signed(claims)),
        JSON.stringify(claims),
      ).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    }
  });

  it('signs with the current key and accepts the previous one while keys rotate', async () => {
    const OLD = `${SECRET}-old`;
    const before = createTokenIssuer(OLD, 60);
    const rotating = createTokenIssuer(SECRET, 60, { previousSecret: OLD });
    const after = createTokenIssuer(SECRET, 60);
    const old = (await before.issue({ userId: 'u1', role: 'customer' })).token;
    const fresh = (await rotating.issue({ userId: 'u2', role: 'customer' })).token;
    const header = (t: string) =>
      JSON.parse(Buffer.from(t.split('.')[0] ?? '', 'base64url').toString());
    expect(header(old).kid).toBe(keyIdOf(OLD));
    expect(header(fresh).kid).toBe(keyIdOf(SECRET));
    expect((await rotating.verify(old)).id).toBe('u1');
    expect((await rotating.verify(fresh)).id).toBe('u2');
    expect((await after.verify(fresh)).id).toBe('u2');
    await expect(after.verify(old)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    // A token with no kid, or a kid no active key has, is refused even when its signature is good.
    const key = new TextEncoder().encode(SECRET);
    const now = Math.floor(Date.now() / 1000);
    for (const kid of [undefined, 'someone-else']) {
      const token = await new SignJWT({ role: 'ops' })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT', ...(kid ? { kid } : {}) })
        .setSubject('u3')
        .setIssuer('lastmile')
        .setAudience('lastmile-api')
        .setIssuedAt(now)
        .setExpirationTime(now + 60)
        .sign(key);
      await expect(rotating.verify(token), String(kid)).rejects.toMatchObject({
        code: 'UNAUTHENTICATED',
      });
    }
  });
});
