import { CircuitState, ConsecutiveBreaker, circuitBreaker, handleAll } from 'cockatiel';
import type { Redis } from 'ioredis';
import type { Clock } from '../context.ts';
import { withDeadline } from '../deadline.ts';
import { createMemoryLimiter } from './memory-limiter.ts';
import { createRedisLimiter } from './redis-limiter.ts';
import { type Decision, type LimitRule, shareOf } from './rules.ts';

/**
 * What a route does while Redis cannot answer: `open` lets every request through, `closed` refuses
 * every request, `local` counts in this process against the global limit divided by the number of
 * live processes (each process then admits its share, so the fleet stays near the global limit).
 */
export type FailureMode = 'open' | 'closed' | 'local';
export const FAILURE_MODES: readonly FailureMode[] = ['open', 'closed', 'local'];

/** Who decided: Redis, this process's counters (local mode), or the failure mode with no count. */
export type DecisionSource = 'redis' | 'memory' | 'local' | 'fail_open' | 'fail_closed';

export interface SourcedDecision extends Decision {
  source: DecisionSource;
}

export interface ResilienceSettings {
  /** A batch slower than this counts as a failure and its checks fall back. */
  timeoutMs: number;
  /** Consecutive failures that open the breaker (no Redis calls until it half-opens). */
  breakAfter: number;
  halfOpenAfterMs: number;
}

export interface GatewayLimiter {
  check(key: string, rule: LimitRule, mode: FailureMode, cost?: number): Promise<SourcedDecision>;
  /** Whether Redis is being asked (false while the breaker is open). */
  readonly redisHealthy: boolean;
  readonly kind: 'memory' | 'redis';
  close(): Promise<void>;
}

export interface GatewayLimiterOptions {
  /** Redis shared by the fleet; null = one process, counters in memory. */
  redis: Redis | null;
  prefix: string;
  clock?: Clock;
  /** From the config (`LASTMILE_RATE_LIMIT_*`), which holds the defaults. */
  resilience: ResilienceSettings;
  /** Live API processes sharing the limits (for `local` mode); read at each fallback. */
  processes?: () => number;
  onFallback?: (mode: FailureMode, err: unknown) => void;
  onBreakerChange?: (state: 'closed' | 'open' | 'half_open') => void;
}

/**
 * Redis's own time for a batch grows with its checks (the script runs each one, and the second
 * batch in flight queues behind the first). A check alone gets `timeoutMs`; a full batch of 256
 * gets about 10 ms more (40 µs per check), so a saturated but healthy Redis is not mistaken for
 * a hung one. Large batches only form under load; a hung Redis still costs a lone check `timeoutMs`.
 */
export const PER_CHECK_DEADLINE_MS = 0.04;
export const batchDeadlineMs = (timeoutMs: number, size: number): number =>
  timeoutMs + Math.floor(size * PER_CHECK_DEADLINE_MS);

/** Consecutive failed batches open it; a state change is reported as open, half_open or closed. */
function redisBreaker(r: ResilienceSettings, onChange: GatewayLimiterOptions['onBreakerChange']) {
  const breaker = circuitBreaker(handleAll, {
    halfOpenAfter: r.halfOpenAfterMs,
    breaker: new ConsecutiveBreaker(r.breakAfter),
  });
  breaker.onStateChange((s) =>
    onChange?.(
      s === CircuitState.Open || s === CircuitState.Isolated
        ? 'open'
        : s === CircuitState.HalfOpen
          ? 'half_open'
          : 'closed',
    ),
  );
  return breaker;
}

/**
 * The limiter in front of every route: Redis counters shared by all processes, each batch of
 * checks under a short deadline and a circuit breaker (cockatiel), so a hung or dead Redis costs a request at
 * most `timeoutMs` (and nothing while the breaker is open) and the route's failure mode decides.
 * The breaker lets one batch through after `halfOpenAfterMs`; when it succeeds, Redis decides again.
 */
export function createGatewayLimiter(opts: GatewayLimiterOptions): GatewayLimiter {
  const local = createMemoryLimiter({ clock: opts.clock });
  const redis = opts.redis;
  if (!redis) {
    return {
      kind: 'memory',
      redisHealthy: true,
      check: async (key, rule, _mode, cost = 1) => ({
        ...(await local.check(key, rule, cost)),
        source: 'memory',
      }),
      close: () => local.close(),
    };
  }
  const r = opts.resilience;
  const breaker = redisBreaker(r, opts.onBreakerChange);
  const shared = createRedisLimiter({
    redis,
    prefix: opts.prefix,
    clock: opts.clock,
    // A signal per batch: cockatiel's shared default signal would collect a listener per call.
    run: (send, size) =>
      breaker.execute(
        () => withDeadline(send(), batchDeadlineMs(r.timeoutMs, size), 'Redis'),
        new AbortController().signal,
      ),
  });
  const processes = opts.processes ?? (() => 1);

  async function fallback(
    key: string,
    rule: LimitRule,
    mode: FailureMode,
    cost: number,
    err: unknown,
  ): Promise<SourcedDecision> {
    opts.onFallback?.(mode, err);
    const quota = rule.algorithm === 'sliding_window' ? rule.limit : rule.capacity;
    if (mode === 'open')
      return {
        allowed: true,
        limit: quota,
        remaining: quota,
        resetMs: 0,
        retryAfterMs: 0,
        source: 'fail_open',
      };
    if (mode === 'closed')
      return {
        allowed: false,
        limit: quota,
        remaining: 0,
        resetMs: r.halfOpenAfterMs,
        retryAfterMs: r.halfOpenAfterMs,
        source: 'fail_closed',
      };
    return { ...(await local.check(key, shareOf(rule, processes()), cost)), source: 'local' };
  }

  return {
    kind: 'redis',
    get redisHealthy() {
      return breaker.state === CircuitState.Closed;
    },
    check(key, rule, mode, cost = 1) {
      // The fallback rides with the check, so a healthy check costs one promise, not a chain.
      return shared.check<SourcedDecision>(key, rule, cost, (err) =>
        fallback(key, rule, mode, cost, err),
      );
    },
    async close() {
      await shared.close();
      await local.close();
    },
  };
}
