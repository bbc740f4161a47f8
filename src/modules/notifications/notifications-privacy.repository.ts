import type { Kysely } from 'kysely';
import type { PersonalData } from '../../platform/people/personal-data.ts';
import type { NotificationsTable } from './notifications.repository.ts';

const q = (db: Parameters<PersonalData['export']>[1]) =>
  db as unknown as Kysely<{ notifications: NotificationsTable }>;

/**
 * The notifications module's part of exports and erasures: the notifications addressed to the
 * person (those to a whole role are nobody's own and stay).
 */
export const notificationsPersonalData: PersonalData = {
  async export(person, db) {
    const notifications = await q(db)
      .selectFrom('notifications')
      .select(['id', 'kind', 'title', 'body', 'subject_id', 'created_at', 'read_at'])
      .where('recipient_user_id', '=', person.userId)
      .orderBy('id')
      .execute();
    return { notifications };
  },
  async erase(person, trx) {
    await q(trx)
      .deleteFrom('notifications')
      .where('recipient_user_id', '=', person.userId)
      .execute();
  },
};
