import { declaredEvent } from '../../platform/bus/declared-event.ts';
import { writeOutbox } from '../../platform/bus/outbox.repository.ts';
import type { Clock } from '../../platform/context.ts';
import type { Db } from '../../platform/db/pool.ts';
import { AppError } from '../../platform/errors.ts';
import type { Person, PersonalData } from '../../platform/people/personal-data.ts';
import { identityPrivacyRepository } from './identity-privacy.repository.ts';
import { IdentityEventDefs } from './identity.events.ts';

/** The identity module's part of exports and erasures: the account and its sign-in record. */
export function identityPersonalData(clock: Clock): PersonalData {
  return {
    async export(person, db) {
      const repo = identityPrivacyRepository(db);
      const account = await repo.account(person.userId);
      if (!account) return {};
      return { account, sign_in_failures: (await repo.signInFailures(account.email)) ?? null };
    },

    async refuseIfBusy(person) {
      if (person.role === 'ops')
        throw new AppError(
          'ACCOUNT_NOT_ERASABLE',
          'An ops account is closed by another operator, not erased through the API',
        );
    },

    /** Replaces the account's personal fields, closes it, and says so (identity.account_erased). */
    async erase(person, trx) {
      const repo = identityPrivacyRepository(trx);
      const account = await repo.account(person.userId);
      if (!account || account.erased_at) return;
      const at = new Date(clock.now());
      await repo.erase(person.userId, account.email, at);
      const payload = {
        user_id: person.userId,
        role: person.role,
        driver_id: person.driverId,
        erased_at: at.toISOString(),
      };
      await writeOutbox(trx, [
        declaredEvent(IdentityEventDefs.ACCOUNT_ERASED, payload, { aggregateId: person.userId }),
      ]);
    },
  };
}

/** The person behind an account id, or 404. */
export async function findPerson(db: Db, userId: string): Promise<Omit<Person, 'orderIds'>> {
  const a = await identityPrivacyRepository(db).account(userId);
  if (!a) throw new AppError('NOT_FOUND', `No account ${userId}`);
  return { userId: a.id, role: a.role, driverId: a.driver_id, storeId: a.store_id };
}
