import { isConflictAbort } from '../errors.ts';
import { retryPolicy } from '../retry.ts';

// A deadlock's loser only has to try again, a few milliseconds later so the winner can commit.
const CONFLICT_BACKOFF = { initialDelayMs: 5, maxDelayMs: 100 };

/**
 * Runs `run` again when Postgres aborted it for a deadlock or a serialization failure: two
 * transactions took the same rows in opposite orders, and the loser only has to try again.
 * Nothing else is retried. `attempts` counts every run; the last failure is thrown.
 */
export async function retryOnConflict<T>(run: () => Promise<T>, attempts = 4): Promise<T> {
  const policy = retryPolicy({ ...CONFLICT_BACKOFF, retries: attempts - 1, when: isConflictAbort });
  return policy.execute(() => run());
}
