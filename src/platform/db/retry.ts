import { isConflictAbort } from '../errors.ts';

/**
 * Runs `run` again when Postgres aborted it for a deadlock or a serialization failure: two
 * transactions took the same rows in opposite orders, and the loser only has to try again.
 * `attempts` counts every run; the last failure is thrown.
 */
export async function retryOnConflict<T>(run: () => Promise<T>, attempts = 4): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      if (attempt < attempts && isConflictAbort(err)) continue;
      throw err;
    }
  }
}
