import { describe, expect, it } from 'vitest';
import type { RateLimiter } from './rules.ts';

export interface LimiterFixture {
  limiter: RateLimiter;
  /** Moves the limiter's clock to this time (ms). */
  setTime(ms: number): void;
  /** A key no other test uses. */
  key(label: string): string;
}

/** The behaviour both limiters share; run against the in-process one and against Redis. */
export function limiterContract(name: string, make: () => LimiterFixture) {
  describe(`${name} limiter`, () => {
    const W = 60_000;
    const window = { algorithm: 'sliding_window', limit: 10, windowMs: W } as const;

    it('admits exactly the limit within one window, with headers that count down', async () => {
      const f = make();
      const k = f.key('exact');
      f.setTime(10 * W + 1000);
      const seen = [];
      for (let i = 0; i < 12; i++) seen.push(await f.limiter.check(k, window));
      expect(seen.filter((d) => d.allowed)).toHaveLength(10);
      expect(seen.map((d) => d.remaining)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 0, 0]);
      expect(seen[0]?.resetMs).toBe(W - 1000);
      expect(seen[0]?.limit).toBe(10);
      expect(seen[11]?.allowed).toBe(false);
      // Only the next window helps, once the full previous window has faded to 9: 6 s into it.
      expect(seen[11]?.retryAfterMs).toBe(W - 1000 + W / 10);
    });

    it('weights the previous window by its overlap at the window edge', async () => {
      const f = make();
      const k = f.key('edge');
      // 10 requests at the very end of window 20.
      f.setTime(21 * W - 1);
      for (let i = 0; i < 10; i++) expect((await f.limiter.check(k, window)).allowed).toBe(true);
      // Just after the edge the previous window still weighs almost fully: refused.
      f.setTime(21 * W + 1);
      const justAfter = await f.limiter.check(k, window);
      expect(justAfter.allowed).toBe(false);
      // 10 × (W − e)/W ≤ 9 when e ≥ W/10: the first request is allowed from 6 s into the window.
      expect(justAfter.retryAfterMs).toBe(W / 10 - 1);
      f.setTime(21 * W + W / 10 - 1);
      expect((await f.limiter.check(k, window)).allowed).toBe(false);
      f.setTime(21 * W + W / 10);
      expect((await f.limiter.check(k, window)).allowed).toBe(true);
      // Half way through, half the previous window's count is left: 5 + 1 used, 4 more fit.
      f.setTime(21 * W + W / 2);
      const half = [];
      for (let i = 0; i < 5; i++) half.push((await f.limiter.check(k, window)).allowed);
      expect(half).toEqual([true, true, true, true, false]);
      // Two windows later nothing is left of either.
      f.setTime(23 * W);
      const fresh = await f.limiter.check(k, window);
      expect(fresh.allowed).toBe(true);
      expect(fresh.remaining).toBe(9);
    });

    it('charges a cost and refuses a cost above what is left', async () => {
      const f = make();
      const k = f.key('cost');
      f.setTime(5 * W);
      expect((await f.limiter.check(k, window, 7)).remaining).toBe(3);
      const over = await f.limiter.check(k, window, 4);
      expect(over.allowed).toBe(false);
      expect(over.remaining).toBe(3);
      expect((await f.limiter.check(k, window, 3)).allowed).toBe(true);
    });

    it('keeps keys apart', async () => {
      const f = make();
      f.setTime(7 * W);
      const a = f.key('a');
      const b = f.key('b');
      for (let i = 0; i < 10; i++) await f.limiter.check(a, window);
      expect((await f.limiter.check(a, window)).allowed).toBe(false);
      expect((await f.limiter.check(b, window)).allowed).toBe(true);
    });

    const bucket = { algorithm: 'token_bucket', capacity: 5, refillPerS: 2 } as const;

    it('lets a burst of the capacity through at once, then the refill rate', async () => {
      const f = make();
      const k = f.key('burst');
      f.setTime(1_000_000);
      const burst = [];
      for (let i = 0; i < 6; i++) burst.push(await f.limiter.check(k, bucket));
      expect(burst.map((d) => d.allowed)).toEqual([true, true, true, true, true, false]);
      expect(burst.map((d) => d.remaining)).toEqual([4, 3, 2, 1, 0, 0]);
      expect(burst[5]?.retryAfterMs).toBe(500);
      expect(burst[4]?.resetMs).toBe(2500);
      f.setTime(1_000_499);
      expect((await f.limiter.check(k, bucket)).allowed).toBe(false);
      f.setTime(1_000_500);
      expect((await f.limiter.check(k, bucket)).allowed).toBe(true);
      expect((await f.limiter.check(k, bucket)).allowed).toBe(false);
      // A long pause refills to the capacity, never beyond.
      f.setTime(1_100_000);
      const again = [];
      for (let i = 0; i < 6; i++) again.push((await f.limiter.check(k, bucket)).allowed);
      expect(again).toEqual([true, true, true, true, true, false]);
    });

    it('refuses a cost larger than the bucket for good', async () => {
      const f = make();
      const k = f.key('too-big');
      f.setTime(2_000_000);
      const d = await f.limiter.check(k, bucket, 6);
      expect(d.allowed).toBe(false);
      expect(d.remaining).toBe(5);
    });

    it('decides concurrent checks exactly: 50 at once for a limit of 10 admit 10', async () => {
      const f = make();
      const k = f.key('concurrent');
      f.setTime(30 * W);
      const all = await Promise.all(Array.from({ length: 50 }, () => f.limiter.check(k, window)));
      expect(all.filter((d) => d.allowed)).toHaveLength(10);
      const b = f.key('concurrent-bucket');
      const burst = await Promise.all(Array.from({ length: 50 }, () => f.limiter.check(b, bucket)));
      expect(burst.filter((d) => d.allowed)).toHaveLength(5);
    });
  });
}
