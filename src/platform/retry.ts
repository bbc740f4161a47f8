import {
  ExponentialBackoff,
  halfJitterGenerator,
  handleWhen,
  type RetryPolicy,
  retry,
} from 'cockatiel';

/**
 * How lastmile retries. Both shapes grow exponentially and are jittered, so that callers who
 * failed together (two transactions that deadlocked, every consumer of a bus that went down) do
 * not come back together.
 *
 * - `retryPolicy`: retry a call in place after a short wait (cockatiel's decorrelated jitter), for
 *   failures a moment fixes: a deadlock or serialization abort (`db/retry.ts`).
 * - `retryDelayMs`: the wait before attempt `n + 1` of work retried later, by a timer or a row's
 *   due time: a webhook delivery, a redelivered event, the outbox relay after the bus failed.
 */
export interface Backoff {
  /** The nominal first delay; each further attempt doubles it. */
  initialDelayMs: number;
  maxDelayMs: number;
}

/** Retries `retries` times (after the first call) when `when(err)`, waiting a jittered backoff. */
export function retryPolicy(
  opts: Backoff & { retries: number; when: (err: unknown) => boolean },
): RetryPolicy {
  return retry(handleWhen(opts.when), {
    maxAttempts: opts.retries,
    backoff: new ExponentialBackoff({
      initialDelay: opts.initialDelayMs,
      maxDelay: opts.maxDelayMs,
    }),
  });
}

/**
 * The wait after failed attempt `attempt` (1 for the first): between half and all of
 * `initialDelayMs × 2^(attempt - 1)`, capped at `maxDelayMs` (cockatiel's half jitter). A pure
 * function of the attempt, since the state lives in the row or the caller, not in a loop.
 */
export function retryDelayMs(attempt: number, backoff: Backoff): number {
  const [delay] = halfJitterGenerator(Math.max(0, attempt - 1), {
    generator: halfJitterGenerator,
    initialDelay: backoff.initialDelayMs,
    maxDelay: backoff.maxDelayMs,
    exponent: 2,
  });
  return delay;
}
