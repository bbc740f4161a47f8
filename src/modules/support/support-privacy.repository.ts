import type { Kysely } from 'kysely';
import type { PersonalData } from '../../platform/people/personal-data.ts';
import type { SupportTicketsTable } from './support.repository.ts';

const q = (db: Parameters<PersonalData['export']>[1]) =>
  db as unknown as Kysely<{ support_tickets: SupportTicketsTable }>;

/** What an erased ticket's texts become. */
export const ERASED_TEXT = '[erased]';

/** The support module's part of exports and erasures: the tickets the person opened. */
export const supportPersonalData: PersonalData = {
  async export(person, db) {
    const tickets = await q(db)
      .selectFrom('support_tickets')
      .select(['id', 'order_id', 'subject', 'message', 'status', 'created_at'])
      .select(['escalated_at', 'resolved_at', 'resolution'])
      .where('opened_by', '=', person.userId)
      .orderBy('id')
      .execute();
    return { tickets };
  },
  /** The tickets stay (counted, about an order), without what was written in them. */
  async erase(person, trx) {
    await q(trx)
      .updateTable('support_tickets')
      .set((eb) => ({
        subject: ERASED_TEXT,
        message: ERASED_TEXT,
        resolution: eb.case().when('resolution', 'is', null).then(null).else(ERASED_TEXT).end(),
      }))
      .where('opened_by', '=', person.userId)
      .execute();
  },
};
