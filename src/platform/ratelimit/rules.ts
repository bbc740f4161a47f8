/**
 * Rate-limit rules and decisions shared by the in-process and Redis limiters. Both implement the
 * same two algorithms with the same arithmetic, so a process that falls back from Redis to its own
 * counters limits the same way.
 */

/**
 * Sliding-window counter: the count of the current fixed window plus the previous window's count
 * weighted by how much of it still overlaps the sliding window. Two counters per caller, and an
 * error against an exact sliding log that is small when traffic is steady.
 */
export interface SlidingWindowRule {
  algorithm: 'sliding_window';
  limit: number;
  windowMs: number;
}

/** Token bucket: `capacity` tokens (the burst), refilled at `refillPerS` tokens a second. */
export interface TokenBucketRule {
  algorithm: 'token_bucket';
  capacity: number;
  refillPerS: number;
}

export type LimitRule = SlidingWindowRule | TokenBucketRule;

export interface Decision {
  allowed: boolean;
  /** The quota the caller sees: the window's limit or the bucket's capacity. */
  limit: number;
  /** Requests (cost units) still allowed now. */
  remaining: number;
  /** Milliseconds until the quota is whole again (window end, or bucket full). */
  resetMs: number;
  /** When refused: milliseconds until this request would be allowed. 0 when allowed. */
  retryAfterMs: number;
}

export interface RateLimiter {
  readonly kind: 'memory' | 'redis';
  /** Takes `cost` units from `key`'s quota under `rule` if they are there. */
  check(key: string, rule: LimitRule, cost?: number): Promise<Decision>;
  close(): Promise<void>;
}

export const quotaOf = (rule: LimitRule): number =>
  rule.algorithm === 'sliding_window' ? rule.limit : rule.capacity;

/** The rule for one of `processes` processes each counting on its own: the global quota divided. */
export function shareOf(rule: LimitRule, processes: number): LimitRule {
  const n = Math.max(1, Math.floor(processes));
  if (n === 1) return rule;
  return rule.algorithm === 'sliding_window'
    ? { ...rule, limit: Math.max(1, Math.floor(rule.limit / n)) }
    : {
        ...rule,
        capacity: Math.max(1, Math.floor(rule.capacity / n)),
        refillPerS: rule.refillPerS / n,
      };
}

export interface WindowState {
  /** Index of the current fixed window (floor(now / windowMs)). */
  window: number;
  current: number;
  previous: number;
}

/** One sliding-window check against `state` (mutated when allowed). Mirrors the Lua script. */
export function slidingWindow(
  state: WindowState,
  rule: SlidingWindowRule,
  now: number,
  cost: number,
): Decision {
  const { limit, windowMs } = rule;
  const w = Math.floor(now / windowMs);
  if (state.window === w - 1) {
    state.previous = state.current;
    state.current = 0;
    state.window = w;
  } else if (state.window < w - 1) {
    state.previous = 0;
    state.current = 0;
    state.window = w;
  }
  // A window from the future (a clock behind another process's) is counted as the current one.
  const elapsed = Math.max(0, now - w * windowMs);
  const used = (state.previous * (windowMs - elapsed)) / windowMs + state.current;
  const resetMs = windowMs - elapsed;
  if (used + cost <= limit) {
    state.current += cost;
    return {
      allowed: true,
      limit,
      remaining: Math.floor(limit - used - cost),
      resetMs,
      retryAfterMs: 0,
    };
  }
  return {
    allowed: false,
    limit,
    remaining: Math.max(0, Math.floor(limit - used)),
    resetMs,
    retryAfterMs: windowWait(state, rule, elapsed, cost),
  };
}

/** Milliseconds until `cost` more fits: the previous window's weight fading, or the next window's. */
function windowWait(
  state: WindowState,
  rule: SlidingWindowRule,
  elapsed: number,
  cost: number,
): number {
  const { limit, windowMs } = rule;
  if (cost > limit) return windowMs * 2;
  if (state.current + cost <= limit && state.previous > 0) {
    // previous × (W − e) / W + current + cost ≤ limit  ⇔  e ≥ W × (1 − (limit − current − cost) / previous)
    const e = windowMs * (1 - (limit - state.current - cost) / state.previous);
    return Math.max(1, Math.ceil(e - elapsed));
  }
  // Only the next window helps: there, current becomes previous and fades the same way.
  const e = state.current > 0 ? Math.max(0, windowMs * (1 - (limit - cost) / state.current)) : 0;
  return Math.max(1, Math.ceil(windowMs - elapsed + e));
}

export interface BucketState {
  tokens: number;
  at: number;
}

/** One token-bucket check against `state` (mutated). Mirrors the Lua script. */
export function tokenBucket(
  state: BucketState,
  rule: TokenBucketRule,
  now: number,
  cost: number,
): Decision {
  const { capacity, refillPerS } = rule;
  const perMs = refillPerS / 1000;
  if (now > state.at) {
    state.tokens = Math.min(capacity, state.tokens + (now - state.at) * perMs);
    state.at = now;
  }
  const allowed = state.tokens >= cost;
  if (allowed) state.tokens -= cost;
  const resetMs = perMs > 0 ? Math.ceil((capacity - state.tokens) / perMs) : 0;
  const retryAfterMs = allowed
    ? 0
    : cost > capacity || perMs <= 0
      ? Number.MAX_SAFE_INTEGER
      : Math.max(1, Math.ceil((cost - state.tokens) / perMs));
  return { allowed, limit: capacity, remaining: Math.floor(state.tokens), resetMs, retryAfterMs };
}
