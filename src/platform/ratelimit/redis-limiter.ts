import type { Redis } from 'ioredis';
import type { Clock } from '../context.ts';
import { CHECK_SCRIPT } from './redis-script.ts';
import type { Decision, LimitRule, RateLimiter } from './rules.ts';

/** A decision and who made it (the gateway limiter reports its fallbacks the same way). */
export interface RedisDecision extends Decision {
  source: 'redis';
}

/** Decides a check whose batch failed (the gateway's failure modes); without it the check rejects. */
export type CheckFallback<D> = (err: unknown) => D | Promise<D>;

interface Pending {
  key: string;
  rule: LimitRule;
  cost: number;
  resolve: (d: Decision | Promise<Decision>) => void;
  reject: (err: unknown) => void;
  fallback: CheckFallback<Decision> | undefined;
}

type CheckCommand = (numKeys: number, ...args: Array<string | number>) => Promise<number[]>;

/** Runs one script call of `size` checks (e.g. under a deadline and a breaker). */
export type BatchRunner = (send: () => Promise<number[]>, size: number) => Promise<number[]>;

export interface RedisLimiterOptions {
  redis: Redis;
  /** Prefix of every key, e.g. `lastmile:rl:`. */
  prefix: string;
  /** Time source for tests; by default the script reads Redis's clock, shared by every process. */
  clock?: Clock;
  /** Most checks in one script call. */
  maxBatch?: number;
  /** Batches in flight at once; further checks wait and go out together in the next batch. */
  maxInFlight?: number;
  /** Wraps each batch's round trip (the resilient limiter puts a timeout and a breaker here). */
  run?: BatchRunner;
}

/**
 * Rate limiter on Redis. Each check is one script evaluation, atomic in Redis, so any number of
 * processes share one exact count. Checks made while earlier ones are on the wire are coalesced:
 * they travel together in one EVALSHA (one round trip, one script run for the lot), so under load
 * the client spends its CPU on decisions rather than on commands. The script is loaded once
 * (ioredis falls back to EVAL and reloads it after a Redis restart).
 */
export function createRedisLimiter(opts: RedisLimiterOptions): Omit<RateLimiter, 'check'> & {
  readonly commandsSent: number;
  check<D extends Decision = RedisDecision>(
    key: string,
    rule: LimitRule,
    cost?: number,
    fallback?: CheckFallback<D>,
  ): Promise<RedisDecision | D>;
} {
  const { redis, prefix } = opts;
  const maxBatch = opts.maxBatch ?? 256;
  const maxInFlight = opts.maxInFlight ?? 2;
  const run: BatchRunner = opts.run ?? ((send) => send());
  if (!('lastmileRateCheck' in redis))
    redis.defineCommand('lastmileRateCheck', { lua: CHECK_SCRIPT });
  const command = (redis as unknown as { lastmileRateCheck: CheckCommand }).lastmileRateCheck.bind(
    redis,
  );
  // Loaded ahead so the first checks are EVALSHA hits rather than a NOSCRIPT round trip each.
  redis.script('LOAD', CHECK_SCRIPT).catch(() => undefined);

  let queue: Pending[] = [];
  let inFlight = 0;
  let scheduled = false;
  let commandsSent = 0;

  /**
   * Sends what is queued, split evenly over the free batch slots. One batch of everything would
   * leave the other slot idle: Redis would run the lot while the client waits, and the next
   * batch would again be everything, so the two would never overlap. Even halves keep one
   * batch on the wire while the other's answers are handled.
   */
  function flush() {
    scheduled = false;
    const free = maxInFlight - inFlight;
    if (queue.length === 0 || free <= 0) return;
    const size = Math.min(maxBatch, Math.ceil(queue.length / free));
    while (queue.length > 0 && inFlight < maxInFlight) {
      const batch = queue.length <= size ? queue : queue.slice(0, size);
      queue = queue.length <= size ? [] : queue.slice(size);
      send(batch);
    }
  }

  function send(batch: Pending[]) {
    inFlight += 1;
    commandsSent += 1;
    const args = batchArgs(batch, prefix, opts.clock);
    run(() => command(batch.length, ...args), batch.length)
      .then(
        (out) => settle(batch, out),
        (err: unknown) => fallBack(batch, err),
      )
      .finally(() => {
        inFlight -= 1;
        if (queue.length > 0 && !scheduled) flush();
      });
  }

  return {
    kind: 'redis',
    get commandsSent() {
      return commandsSent;
    },
    check<D extends Decision = RedisDecision>(
      key: string,
      rule: LimitRule,
      cost = 1,
      fallback?: CheckFallback<D>,
    ) {
      return new Promise<RedisDecision | D>((resolve, reject) => {
        queue.push({ key, rule, cost, resolve: resolve as Pending['resolve'], reject, fallback });
        // Checks made in the same turn of the event loop go out together.
        if (!scheduled && inFlight < maxInFlight) {
          scheduled = true;
          queueMicrotask(flush);
        }
      });
    },
    async close() {
      flush();
    },
  };
}

/**
 * The script's arguments for a batch. A batch mostly shares a few rules (policy objects): each
 * rule travels once, each check as its rule's index and cost.
 */
function batchArgs(batch: readonly Pending[], prefix: string, clock: Clock | undefined) {
  const rules = new Map<LimitRule, number>();
  const ruleArgs: Array<string | number> = [];
  const checkArgs: Array<string | number> = new Array(batch.length);
  const args: Array<string | number> = new Array(batch.length);
  for (let k = 0; k < batch.length; k++) {
    const p = batch[k] as Pending;
    args[k] = prefix + p.key;
    let idx = rules.get(p.rule);
    if (idx === undefined) {
      idx = rules.size;
      rules.set(p.rule, idx);
      const r = p.rule;
      if (r.algorithm === 'sliding_window') ruleArgs.push('s', r.limit, r.windowMs);
      else ruleArgs.push('t', r.capacity, r.refillPerS);
    }
    checkArgs[k] = p.cost === 1 ? idx : `${idx}:${p.cost}`;
  }
  args.push(clock ? clock.now() : '', rules.size, ...ruleArgs, ...checkArgs);
  return args;
}

/** The script answers four numbers per check, in order. */
function settle(batch: readonly Pending[], out: number[]): void {
  for (let k = 0; k < batch.length; k++) {
    const p = batch[k] as Pending;
    const o = k * 4;
    const d: RedisDecision = {
      allowed: out[o] === 1,
      limit: p.rule.algorithm === 'sliding_window' ? p.rule.limit : p.rule.capacity,
      remaining: Number(out[o + 1]),
      resetMs: Number(out[o + 2]),
      retryAfterMs: Number(out[o + 3]),
      source: 'redis',
    };
    p.resolve(d);
  }
}

/** A failed batch: each check is decided by its fallback, or rejected without one. */
function fallBack(batch: readonly Pending[], err: unknown): void {
  for (const p of batch) {
    if (!p.fallback) p.reject(err);
    else {
      try {
        p.resolve(p.fallback(err));
      } catch (e) {
        p.reject(e);
      }
    }
  }
}
