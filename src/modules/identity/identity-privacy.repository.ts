import type { Kysely } from 'kysely';
import type { Db } from '../../platform/db/pool.ts';
import type { UsersTable } from './identity.repository.ts';

interface Tables {
  users: UsersTable & { erased_at: Date | null };
  sign_in_failures: {
    email: string;
    failures: number;
    locked_until: Date | null;
    updated_at: Date;
  };
}

const q = (db: Db) => db as unknown as Kysely<Tables>;

/** What an erased account's email becomes: unique (the index is on it), reaching nobody. */
export const erasedEmail = (userId: string) => `erased-${userId}@erased.invalid`;
export const ERASED_NAME = 'Erased account';
/** Not an argon2 hash: no password verifies against it. */
const NO_PASSWORD = '!erased';

/** The identity module's statements for exports, erasures and closed accounts. */
export function identityPrivacyRepository(db: Db) {
  return {
    account(userId: string) {
      return q(db)
        .selectFrom('users')
        .select([
          'id',
          'email',
          'name',
          'role',
          'store_id',
          'driver_id',
          'created_at',
          'disabled_at',
          'erased_at',
        ])
        .where('id', '=', userId)
        .executeTakeFirst();
    },
    /** The failed sign-ins recorded for the account's email (the only sign-in records kept). */
    signInFailures(email: string) {
      return q(db)
        .selectFrom('sign_in_failures')
        .select(['failures', 'locked_until', 'updated_at'])
        .where('email', '=', email.toLowerCase())
        .executeTakeFirst();
    },
    /** Replaces every personal field and closes the account; the email's sign-in record goes. */
    async erase(userId: string, email: string, at: Date): Promise<void> {
      await q(db)
        .updateTable('users')
        .set({
          email: erasedEmail(userId),
          name: ERASED_NAME,
          password_hash: NO_PASSWORD,
          disabled_at: at,
          erased_at: at,
        })
        .where('id', '=', userId)
        .execute();
      await q(db).deleteFrom('sign_in_failures').where('email', '=', email.toLowerCase()).execute();
    },
    /** Accounts closed (disabled or erased) after `since`: their tokens may still be unexpired. */
    closedSince(since: Date) {
      return q(db).selectFrom('users').select(['id']).where('disabled_at', '>', since).execute();
    },
  };
}
