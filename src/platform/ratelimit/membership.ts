import type { Redis } from 'ioredis';
import type { Clock } from '../context.ts';
import type { Logger } from '../observability/logger.ts';
import { runPeriodically } from '../periodic.ts';

export interface Membership {
  /** Live members (this one included), as last read; kept while Redis cannot be read. */
  count(): number;
  stop(): Promise<void>;
}

/**
 * Which processes are alive, for dividing a limit among them when they must count alone: each
 * writes a heartbeat to a sorted set every `everyMs` and reads how many beat within `staleMs`.
 * The last count read survives a Redis outage, which is exactly when it is needed.
 */
export function startMembership(opts: {
  redis: Redis;
  key: string;
  member: string;
  logger: Logger;
  clock?: Clock;
  everyMs?: number;
  staleMs?: number;
}): Membership {
  const clock = opts.clock ?? { now: () => Date.now() };
  const everyMs = opts.everyMs ?? 2000;
  const staleMs = opts.staleMs ?? everyMs * 3;
  let live = 1;

  async function beat() {
    const now = clock.now();
    const res = await opts.redis
      .multi()
      .zadd(opts.key, now, opts.member)
      .zremrangebyscore(opts.key, '-inf', now - staleMs)
      .zcard(opts.key)
      .pexpire(opts.key, staleMs * 2)
      .exec();
    const n = Number(res?.[2]?.[1]);
    if (Number.isFinite(n) && n > 0) live = n;
  }

  // A beat that fails is skipped quietly (the rate limiter reports the outage); never two at once,
  // so a slow Redis cannot pile beats up.
  const loop = runPeriodically(
    'gateway membership heartbeat',
    everyMs,
    () => beat().catch(() => undefined),
    opts.logger,
  );
  loop.wake();

  return {
    count: () => live,
    async stop() {
      await loop.stop();
      await opts.redis.zrem(opts.key, opts.member).catch(() => undefined);
    },
  };
}
