import { describe, expect, it } from 'vitest';
import { SqlState } from '../errors.ts';
import { retryOnConflict } from './retry.ts';

const pgError = (code: string) => Object.assign(new Error(`sqlstate ${code}`), { code });

describe('retryOnConflict', () => {
  it('runs again after a deadlock or a serialization failure, and returns what passes', async () => {
    const failures = [pgError(SqlState.DEADLOCK_DETECTED), pgError(SqlState.SERIALIZATION_FAILURE)];
    let runs = 0;
    const result = await retryOnConflict(async () => {
      runs += 1;
      const failure = failures.shift();
      if (failure) throw failure;
      return 'committed';
    });
    expect(result).toBe('committed');
    expect(runs).toBe(3);
  });

  it('counts every run in `attempts` and throws the last conflict', async () => {
    let runs = 0;
    await expect(
      retryOnConflict(async () => {
        runs += 1;
        throw pgError(SqlState.DEADLOCK_DETECTED);
      }, 3),
    ).rejects.toMatchObject({ code: SqlState.DEADLOCK_DETECTED });
    expect(runs).toBe(3);
  });

  it('does not retry any other failure', async () => {
    let runs = 0;
    await expect(
      retryOnConflict(async () => {
        runs += 1;
        throw pgError('23505');
      }),
    ).rejects.toMatchObject({ code: '23505' });
    expect(runs).toBe(1);
  });
});
