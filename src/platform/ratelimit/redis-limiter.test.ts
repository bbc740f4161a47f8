import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithServices, redisUrl, testPrefix } from '../../../test/support/services.ts';
import { limiterContract } from './limiter.contract.ts';
import { createRedisLimiter } from './redis-limiter.ts';
import { batchDeadlineMs } from './resilient-limiter.ts';

describeWithServices('Redis limiter', { redis: redisUrl() }, ({ redis: url }) => {
  let redis: Redis;
  const prefix = `${testPrefix('rl')}:`;
  beforeAll(() => {
    redis = new Redis(url);
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  let n = 0;
  limiterContract('Redis', () => {
    let now = 0;
    const limiter = createRedisLimiter({ redis, prefix, clock: { now: () => now } });
    return {
      limiter,
      setTime: (ms) => {
        now = ms;
      },
      key: (label) => `${label}:${++n}`,
    };
  });

  it('sends concurrent checks together: 200 checks in a few script calls', async () => {
    const sizes: number[] = [];
    const limiter = createRedisLimiter({
      redis,
      prefix,
      run: (send, size) => (sizes.push(size), send()),
    });
    const rule = { algorithm: 'sliding_window', limit: 1000, windowMs: 60_000 } as const;
    const all = await Promise.all(
      Array.from({ length: 200 }, (_, i) => limiter.check(`batch:${i % 20}`, rule)),
    );
    expect(all.every((d) => d.allowed)).toBe(true);
    // Every key counted each of its 10 checks once.
    expect(all.filter((d) => d.remaining === 990)).toHaveLength(20);
    expect(limiter.commandsSent).toBeLessThanOrEqual(3);
    // The runner is told each call's size (the deadline grows with it).
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(200);
    expect(sizes).toHaveLength(limiter.commandsSent);
    // Made in one turn, they are split evenly over the two batch slots, not sent as one.
    expect(sizes.slice(0, 2)).toEqual([100, 100]);
  });

  it('gives a batched call more time with more checks in it, a lone check the configured deadline', () => {
    expect(batchDeadlineMs(10, 1)).toBe(10);
    expect(batchDeadlineMs(10, 100)).toBe(14);
    expect(batchDeadlineMs(10, 256)).toBe(20);
  });

  it('uses Redis time when no clock is given, and keys expire', async () => {
    const limiter = createRedisLimiter({ redis, prefix });
    const d = await limiter.check('redis-time', {
      algorithm: 'sliding_window',
      limit: 3,
      windowMs: 1000,
    });
    expect(d.allowed).toBe(true);
    expect(d.resetMs).toBeGreaterThan(0);
    expect(d.resetMs).toBeLessThanOrEqual(1000);
    const ttl = await redis.pttl(`${prefix}redis-time`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(2000);
    await limiter.check('redis-bucket', { algorithm: 'token_bucket', capacity: 4, refillPerS: 2 });
    const bttl = await redis.pttl(`${prefix}redis-bucket`);
    expect(bttl).toBeGreaterThan(0);
    expect(bttl).toBeLessThanOrEqual(1500);
  });

  it('reloads its script after Redis forgets it', async () => {
    const limiter = createRedisLimiter({ redis, prefix });
    const rule = { algorithm: 'token_bucket', capacity: 2, refillPerS: 1 } as const;
    await limiter.check('flush', rule);
    await redis.script('FLUSH');
    expect((await limiter.check('flush', rule)).remaining).toBe(0);
  });
});
