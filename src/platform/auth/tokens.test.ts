import { afterEach, describe, expect, it, vi } from 'vitest';
import { AppError } from '../errors.ts';
import { createTokenIssuer } from './tokens.ts';

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
});
