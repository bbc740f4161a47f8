import { declaredEvent } from '../../platform/bus/declared-event.ts';
import { writeOutbox } from '../../platform/bus/outbox.ts';
import type { Db } from '../../platform/db/pool.ts';
import { AppError } from '../../platform/errors.ts';
import { IdentityEventDefs } from './identity.events.ts';
import { signInGuardRepository } from './sign-in-guard.repository.ts';

/** Wrong passwords in a row that cost nothing; each one after doubles the wait (1 s, 2 s, 4 s…). */
export const FREE_FAILURES = 5;
/** The longest a sign-in is locked after one more failure. */
export const MAX_LOCK_S = 15 * 60;

const lockedError = (until: Date) => {
  const retryAfterS = Math.max(1, Math.ceil((until.getTime() - Date.now()) / 1000));
  return new AppError(
    'RATE_LIMITED',
    `Too many failed sign-ins for this account; try again in ${retryAfterS} s`,
    { retryAfterS },
  );
};

/**
 * Per-account credential-stuffing guard, beside the per-address rate limit. Keyed by the email as
 * typed (lower case) whether or not an account has it, so locked and unlocked look the same for
 * any email. The account's owner is told (an event) when their sign-in is first locked.
 */
export function signInGuard(db: Db) {
  return {
    async refuseIfLocked(email: string): Promise<void> {
      const until = await signInGuardRepository(db).lockedUntil(email.toLowerCase());
      if (until) throw lockedError(until);
    },
    async failed(email: string, userId: string | null): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const f = await signInGuardRepository(trx).recordFailure(
          email.toLowerCase(),
          FREE_FAILURES,
          MAX_LOCK_S,
        );
        if (userId && f.failures === FREE_FAILURES + 1 && f.locked_until) {
          const payload = {
            user_id: userId,
            failures: f.failures,
            locked_until: f.locked_until.toISOString(),
          };
          await writeOutbox(trx, [
            declaredEvent(IdentityEventDefs.SIGN_IN_LOCKED, payload, { aggregateId: userId }),
          ]);
        }
      });
    },
    succeeded: (email: string) => signInGuardRepository(db).clear(email.toLowerCase()),
  };
}
