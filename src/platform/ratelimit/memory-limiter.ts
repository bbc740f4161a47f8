import type { Clock } from '../context.ts';
import {
  type BucketState,
  type Decision,
  type LimitRule,
  type RateLimiter,
  slidingWindow,
  tokenBucket,
  type WindowState,
} from './rules.ts';

interface Entry {
  state: WindowState | BucketState;
  /** When the entry can be forgotten: its counters would read as empty by then. */
  expiresAt: number;
}

/**
 * Rate limiter on this process's memory: for single-process mode, and the fallback of the Redis
 * limiter. Entries expire like the Redis keys do; a sweep every `sweepEvery` checks removes them.
 */
export function createMemoryLimiter(
  opts: { clock?: Clock; maxKeys?: number } = {},
): RateLimiter & { size(): number } {
  const clock = opts.clock ?? { now: () => Date.now() };
  const maxKeys = opts.maxKeys ?? 1_000_000;
  const entries = new Map<string, Entry>();
  let checks = 0;

  function sweep(now: number) {
    for (const [k, e] of entries) if (e.expiresAt <= now) entries.delete(k);
  }

  function decide(key: string, rule: LimitRule, cost: number): Decision {
    const now = clock.now();
    if (++checks % 10_000 === 0 || entries.size >= maxKeys) sweep(now);
    let entry = entries.get(key);
    if (entry && entry.expiresAt <= now) entry = undefined;
    if (rule.algorithm === 'sliding_window') {
      const state =
        entry && 'window' in entry.state
          ? entry.state
          : { window: Math.floor(now / rule.windowMs), current: 0, previous: 0 };
      const d = slidingWindow(state, rule, now, cost);
      if (!entries.has(key) && entries.size >= maxKeys)
        entries.delete(entries.keys().next().value as string);
      entries.set(key, { state, expiresAt: (state.window + 2) * rule.windowMs });
      return d;
    }
    const state =
      entry && 'tokens' in entry.state ? entry.state : { tokens: rule.capacity, at: now };
    const d = tokenBucket(state, rule, now, cost);
    if (!entries.has(key) && entries.size >= maxKeys)
      entries.delete(entries.keys().next().value as string);
    entries.set(key, { state, expiresAt: now + d.resetMs + 1000 });
    return d;
  }

  return {
    kind: 'memory',
    check: async (key, rule, cost = 1) => decide(key, rule, cost),
    size: () => entries.size,
    close: async () => entries.clear(),
  };
}
