import { type Kysely, sql } from 'kysely';
import type { Db } from './pool.ts';

interface LiveProcessesTable {
  id: string;
  instance: string;
  started_at: Date;
  seen_at: Date;
}

const live = (db: Db) => db as unknown as Kysely<{ live_processes: LiveProcessesTable }>;

/** A process's row is stale, and its claims free, once it has not been seen for this long. */
export const STALE_AFTER_S = 10;

export async function announceProcess(db: Db, id: string, instance: string): Promise<void> {
  await live(db)
    .insertInto('live_processes')
    .values({ id, instance, started_at: new Date(), seen_at: new Date() })
    .onConflict((oc) => oc.column('id').doUpdateSet({ seen_at: sql`now()` }))
    .execute();
}

/** Refreshes this process's row and forgets processes gone for an hour. */
export async function refreshProcess(db: Db, id: string, instance: string): Promise<void> {
  const res = await live(db)
    .updateTable('live_processes')
    .set({ seen_at: sql`now()` })
    .where('id', '=', id)
    .executeTakeFirst();
  // Removed while this process was stalled past the hour: announce it again.
  if (res.numUpdatedRows === 0n) await announceProcess(db, id, instance);
  await live(db)
    .deleteFrom('live_processes')
    .where('seen_at', '<', sql<Date>`now() - interval '1 hour'`)
    .execute();
}

export async function retireProcess(db: Db, id: string): Promise<void> {
  await live(db).deleteFrom('live_processes').where('id', '=', id).execute();
}

/** Forgets every other process: for a database only this process can use (embedded). */
export async function forgetOtherProcesses(db: Db, id: string): Promise<void> {
  await live(db).deleteFrom('live_processes').where('id', '!=', id).execute();
}
