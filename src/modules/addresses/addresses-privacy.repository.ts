import type { PersonalData } from '../../platform/people/personal-data.ts';
import { addressesDb } from './addresses.repository.ts';

/** The addresses module's part of exports and erasures: the person's saved addresses. */
export const addressesPersonalData: PersonalData = {
  async export(person, db) {
    const addresses = await addressesDb(db)
      .selectFrom('saved_addresses')
      .select(['id', 'label', 'address', 'lat', 'lng', 'driver_notes', 'is_default'])
      .select(['created_at', 'updated_at'])
      .where('user_id', '=', person.userId)
      .orderBy('id')
      .execute();
    return { addresses };
  },
  /** Nothing here is needed once the account is gone: deleted. */
  async erase(person, trx) {
    await addressesDb(trx)
      .deleteFrom('saved_addresses')
      .where('user_id', '=', person.userId)
      .execute();
  },
};
