import {
  BrokenCircuitError,
  ConsecutiveBreaker,
  circuitBreaker,
  ExponentialBackoff,
  handleType,
  retry,
  TaskCancelledError,
  TimeoutStrategy,
  timeout,
  wrap,
} from 'cockatiel';
import { AppError } from '../../platform/errors.ts';
import type { Logger } from '../../platform/observability/logger.ts';
import { ProviderRejectedError, ProviderUnavailableError } from './payment-provider.ts';

export interface ResilienceOptions {
  /** Retries after the first attempt. */
  retries: number;
  initialDelayMs: number;
  maxDelayMs: number;
  /** Consecutive failures that open the breaker. */
  breakAfter: number;
  /** How long an open breaker fails fast before letting one call through. */
  halfOpenAfterMs: number;
  /** A call slower than this counts as a network failure (and is retried with the same key). */
  callTimeoutMs: number;
}

export const DEFAULT_RESILIENCE: ResilienceOptions = {
  retries: 3,
  initialDelayMs: 100,
  maxDelayMs: 2000,
  breakAfter: 5,
  halfOpenAfterMs: 10_000,
  callTimeoutMs: 10_000,
};

export type ProviderCall = <T>(operation: string, fn: () => Promise<T>) => Promise<T>;

/**
 * Every provider call goes through here: retries with decorrelated jitter for network failures
 * only (the idempotency key makes a retry of a request that did reach the provider harmless), a
 * circuit breaker shared by all calls of this process so a dead provider is not hammered, and a
 * timeout. Provider errors become AppErrors with the codes the rest of lastmile understands.
 */
export function providerPolicy(
  options: Partial<ResilienceOptions> = {},
  logger?: Logger,
): ProviderCall {
  const o = { ...DEFAULT_RESILIENCE, ...options };
  const transient = handleType(ProviderUnavailableError).orType(TaskCancelledError);
  const retrying = retry(transient, {
    maxAttempts: o.retries,
    backoff: new ExponentialBackoff({ initialDelay: o.initialDelayMs, maxDelay: o.maxDelayMs }),
  });
  const breaker = circuitBreaker(transient, {
    halfOpenAfter: o.halfOpenAfterMs,
    breaker: new ConsecutiveBreaker(o.breakAfter),
  });
  // Aggressive: the caller stops waiting; the abandoned call may still land, which the same
  // idempotency key on the retry turns into a replay rather than a second charge.
  const timing = timeout(o.callTimeoutMs, TimeoutStrategy.Aggressive);
  const policy = wrap(retrying, breaker, timing);
  if (logger)
    retrying.onRetry((e) =>
      logger.warn(
        { attempt: e.attempt, delayMs: e.delay, err: 'error' in e ? e.error : undefined },
        'payment provider call failed; retrying',
      ),
    );

  return async (operation, fn) => {
    try {
      // A signal per call: cockatiel's shared default signal collects one listener per concurrent
      // call and Node warns about a leak past ten.
      return await policy.execute(() => fn(), new AbortController().signal);
    } catch (err) {
      throw toAppError(operation, err, o);
    }
  };
}

function toAppError(operation: string, err: unknown, o: ResilienceOptions): unknown {
  if (err instanceof BrokenCircuitError) {
    return new AppError(
      'DEPENDENCY_UNAVAILABLE',
      'The payment provider is failing; not calling it for a while',
      {
        cause: err,
        retryAfterS: Math.ceil(o.halfOpenAfterMs / 1000),
      },
    );
  }
  if (err instanceof ProviderUnavailableError || err instanceof TaskCancelledError) {
    return new AppError(
      'DEPENDENCY_UNAVAILABLE',
      `The payment provider could not be reached (${operation}); retry shortly`,
      { cause: err, retryAfterS: 2 },
    );
  }
  if (err instanceof ProviderRejectedError) {
    switch (err.reason) {
      case 'not_found':
        return new AppError(
          'NOT_FOUND',
          `The payment provider does not know this payment (${operation})`,
          { cause: err },
        );
      case 'invalid_request':
        return new AppError('VALIDATION_FAILED', err.message, { cause: err });
      default:
        return new AppError(
          'CONFLICT',
          `The payment provider refused the ${operation}: ${err.reason}`,
          { cause: err, details: { reason: err.reason } },
        );
    }
  }
  return err;
}
