import { type Kysely, sql } from 'kysely';
import type { Db } from '../../platform/db/pool.ts';

interface SignInFailuresTable {
  email: string;
  failures: number;
  locked_until: Date | null;
  updated_at: Date;
}

const q = (db: Db) => db as unknown as Kysely<{ sign_in_failures: SignInFailuresTable }>;

export function signInGuardRepository(db: Db) {
  return {
    async lockedUntil(email: string): Promise<Date | null> {
      const row = await q(db)
        .selectFrom('sign_in_failures')
        .select('locked_until')
        .where('email', '=', email)
        .where('locked_until', '>', sql<Date>`now()`)
        .executeTakeFirst();
      return row?.locked_until ?? null;
    },

    /**
     * Counts one more failure (a quiet day forgets earlier ones) and, past `free`, locks sign-in
     * for 2^(failures − free) seconds, at most `maxLockS`. Returns the count and the lock.
     */
    async recordFailure(email: string, free: number, maxLockS: number) {
      const res = await sql<{ failures: number; locked_until: Date | null }>`
        INSERT INTO sign_in_failures AS f (email, failures, updated_at) VALUES (${email}, 1, now())
        ON CONFLICT (email) DO UPDATE SET
          failures = CASE WHEN f.updated_at < now() - interval '1 day' THEN 1 ELSE f.failures + 1 END,
          updated_at = now()
        RETURNING failures, locked_until`.execute(db);
      const row = res.rows[0] ?? { failures: 1, locked_until: null };
      if (row.failures <= free) return row;
      const lockS = Math.min(2 ** (row.failures - free), maxLockS);
      const locked = await q(db)
        .updateTable('sign_in_failures')
        .set({ locked_until: sql<Date>`now() + make_interval(secs => ${lockS})` })
        .where('email', '=', email)
        .returning(['failures', 'locked_until'])
        .executeTakeFirst();
      return locked ?? row;
    },

    async clear(email: string): Promise<void> {
      await q(db).deleteFrom('sign_in_failures').where('email', '=', email).execute();
    },
  };
}
