import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../../../test/support/platform.ts';
import { waitFor } from '../../../test/support/wait.ts';
import { DEMO_PASSWORD } from '../../cli/demo-seed.ts';
import { FREE_FAILURES } from './sign-in-guard.ts';

let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform();
});
afterAll(async () => {
  await t?.stop();
});

const signIn = (email: string, password: string) =>
  t.request({ method: 'POST', url: '/v1/auth/token', payload: { email, password } });

describe('sign-in throttle per account', () => {
  it('pauses an account after repeated wrong passwords, even for the right one, and tells its owner', async () => {
    const token = await t.tokenFor('customer');
    const email = 'customer@demo.lastmile.dev';
    for (let i = 0; i < FREE_FAILURES + 1; i++)
      expect((await signIn(email, 'wrong-password')).statusCode).toBe(401);
    const locked = await signIn(email, DEMO_PASSWORD);
    expect(locked.statusCode).toBe(429);
    expect(locked.json()).toMatchObject({ code: 'RATE_LIMITED' });
    expect(Number(locked.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // Another account is not affected.
    expect((await signIn('customer2@demo.lastmile.dev', DEMO_PASSWORD)).statusCode).toBe(200);
    await waitFor(
      async () => {
        const res = await t.request({ method: 'GET', url: '/v1/notifications', token });
        return (res.json().items as Array<{ kind: string }>).some(
          (n) => n.kind === 'sign_in_locked',
        );
      },
      15_000,
      "the owner's notification",
    );
    // Once the pause is over the right password works and forgets the failures.
    await sql`UPDATE sign_in_failures SET locked_until = now() - interval '1 second'`.execute(
      t.platform.ctx.db,
    );
    expect((await signIn(email, DEMO_PASSWORD)).statusCode).toBe(200);
    expect((await signIn(email, 'wrong-password')).statusCode).toBe(401);
    expect((await signIn(email, DEMO_PASSWORD)).statusCode).toBe(200);
  });

  it('answers an email nobody has exactly like one that exists', async () => {
    const ghost = 'nobody-here@demo.lastmile.dev';
    const answers = [];
    for (let i = 0; i < FREE_FAILURES + 2; i++) answers.push((await signIn(ghost, 'x')).statusCode);
    expect(answers).toEqual([...Array(FREE_FAILURES + 1).fill(401), 429]);
  });
});
