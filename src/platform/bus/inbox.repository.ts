import type { Generated, Kysely } from 'kysely';
import type { Db } from '../db/pool.ts';
import { deleteSelected, ROW_ADDRESS } from '../db/prune.ts';

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

/**
 * Deletes at most `limit` inbox rows recorded before `before`: their events can no longer be
 * redelivered (the retention outlives the bus's redelivery horizon).
 */
export function pruneInbox(db: Db, before: Date, limit: number): Promise<number> {
  return deleteSelected(
    db,
    'inbox',
    (db as Kysely<{ inbox: InboxTable }>)
      .selectFrom('inbox')
      .select(ROW_ADDRESS)
      .where('processed_at', '<', before)
      .limit(limit)
      .forUpdate()
      .skipLocked(),
  );
}
