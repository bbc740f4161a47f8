import type { Generated, Kysely } from 'kysely';
import type { Db } from '../db/pool.ts';

interface InboxTable {
  consumer: string;
  event_id: string;
  processed_at: Generated<Date>;
}

/** Records that `consumer` handled the event; false when it already had (a redelivery). */
export async function claimInbox(trx: Db, consumer: string, eventId: string): Promise<boolean> {
  const res = await (trx as Kysely<{ inbox: InboxTable }>)
    .insertInto('inbox')
    .values({ consumer, event_id: eventId })
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
}
