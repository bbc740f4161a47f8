import { describe, expect, it } from 'vitest';
import { retryDelayMs, retryPolicy } from './retry.ts';

describe('retryDelayMs', () => {
  it('waits between half and all of the doubled delay, capped', () => {
    const backoff = { initialDelayMs: 1000, maxDelayMs: 10_000 };
    for (let i = 0; i < 200; i++) {
      const first = retryDelayMs(1, backoff);
      expect(first).toBeGreaterThanOrEqual(500);
      expect(first).toBeLessThan(1000);
      const third = retryDelayMs(3, backoff);
      expect(third).toBeGreaterThanOrEqual(2000);
      expect(third).toBeLessThan(4000);
      const late = retryDelayMs(30, backoff);
      expect(late).toBeGreaterThanOrEqual(5000);
      expect(late).toBeLessThan(10_000);
    }
  });

  it('spreads the retries of callers that failed together', () => {
    const delays = new Set(
      Array.from({ length: 50 }, () =>
        retryDelayMs(4, { initialDelayMs: 1000, maxDelayMs: 60_000 }),
      ),
    );
    expect(delays.size).toBeGreaterThan(25);
  });
});

describe('retryPolicy', () => {
  it('retries only what `when` accepts, at most `retries` times after the first call', async () => {
    const policy = retryPolicy({
      initialDelayMs: 1,
      maxDelayMs: 2,
      retries: 2,
      when: (err) => err instanceof Error && err.message === 'transient',
    });
    let calls = 0;
    await expect(
      policy.execute(async () => {
        calls += 1;
        throw new Error('transient');
      }),
    ).rejects.toThrow('transient');
    expect(calls).toBe(3);

    calls = 0;
    await expect(
      policy.execute(async () => {
        calls += 1;
        throw new Error('permanent');
      }),
    ).rejects.toThrow('permanent');
    expect(calls).toBe(1);

    calls = 0;
    expect(
      await policy.execute(async () => {
        calls += 1;
        if (calls < 3) throw new Error('transient');
        return 'done';
      }),
    ).toBe('done');
    expect(calls).toBe(3);
  });
});
