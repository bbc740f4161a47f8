import { expect, it } from 'vitest';
import { limiterContract } from './limiter.contract.ts';
import { createMemoryLimiter } from './memory-limiter.ts';
import { shareOf } from './rules.ts';

let n = 0;
limiterContract('in-process', () => {
  let now = 0;
  const limiter = createMemoryLimiter({ clock: { now: () => now } });
  return {
    limiter,
    setTime: (ms) => {
      now = ms;
    },
    key: (label) => `${label}:${++n}`,
  };
});

it('forgets keys once their counters would read as empty', async () => {
  let now = 0;
  const limiter = createMemoryLimiter({ clock: { now: () => now }, maxKeys: 3 });
  const rule = { algorithm: 'sliding_window', limit: 5, windowMs: 1000 } as const;
  for (const k of ['a', 'b', 'c', 'd']) await limiter.check(k, rule);
  // Bounded: the oldest went to make room.
  expect(limiter.size()).toBe(3);
  now = 10_000;
  await limiter.check('e', rule);
  expect(limiter.size()).toBe(1);
});

it('divides a rule among processes for local counting', () => {
  expect(shareOf({ algorithm: 'sliding_window', limit: 100, windowMs: 1000 }, 3)).toEqual({
    algorithm: 'sliding_window',
    limit: 33,
    windowMs: 1000,
  });
  expect(shareOf({ algorithm: 'token_bucket', capacity: 30, refillPerS: 9 }, 3)).toEqual({
    algorithm: 'token_bucket',
    capacity: 10,
    refillPerS: 3,
  });
  expect(shareOf({ algorithm: 'sliding_window', limit: 2, windowMs: 1000 }, 5)).toEqual({
    algorithm: 'sliding_window',
    limit: 1,
    windowMs: 1000,
  });
  expect(shareOf({ algorithm: 'sliding_window', limit: 7, windowMs: 1000 }, 0)).toEqual({
    algorithm: 'sliding_window',
    limit: 7,
    windowMs: 1000,
  });
});
