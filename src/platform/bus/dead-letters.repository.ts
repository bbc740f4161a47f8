import { type ColumnType, type Generated, type Kysely, type Selectable, sql } from 'kysely';
import type { Db } from '../db/pool.ts';
import { deleteSelected, ROW_ADDRESS } from '../db/prune.ts';
import type { DomainEvent } from './event.ts';

interface DeadLettersTable {
  id: Generated<number>;
  consumer: string;
  event_id: string;
  // Written as JSON text, read back parsed.
  event: ColumnType<DomainEvent, string, never>;
  attempts: number;
  error: string;
  created_at: Generated<Date>;
  replay_requested_at: Date | null;
  replayed_at: Date | null;
  discarded_at: Date | null;
}

/** Which dead letters a list shows: pending (neither replayed nor discarded), or one outcome. */
export type DeadLetterStatus = 'pending' | 'replayed' | 'discarded';

export type DeadLetterRow = Selectable<DeadLettersTable>;

const deadLetters = (db: Db) => db as Kysely<{ dead_letters: DeadLettersTable }>;

/** A consumer gave up on an event: one row per (consumer, event), its latest failure kept. */
export async function recordDeadLetter(
  db: Db,
  d: { consumer: string; event: DomainEvent; attempts: number; error: string },
): Promise<void> {
  await deadLetters(db)
    .insertInto('dead_letters')
    .values({
      consumer: d.consumer,
      event_id: d.event.id,
      event: JSON.stringify(d.event),
      attempts: d.attempts,
      error: d.error,
    })
    .onConflict((oc) =>
      oc.columns(['consumer', 'event_id']).doUpdateSet((eb) => ({
        attempts: eb.ref('excluded.attempts'),
        error: eb.ref('excluded.error'),
        created_at: sql<Date>`now()`,
        replay_requested_at: null,
        replayed_at: null,
        discarded_at: null,
      })),
    )
    .execute();
}

export function listDeadLetterRows(
  db: Db,
  q: { consumer?: string; status?: DeadLetterStatus; before?: number; limit: number },
): Promise<DeadLetterRow[]> {
  let query = deadLetters(db).selectFrom('dead_letters').selectAll();
  if (q.consumer !== undefined) query = query.where('consumer', '=', q.consumer);
  if (q.status === 'pending')
    query = query.where('replayed_at', 'is', null).where('discarded_at', 'is', null);
  if (q.status === 'replayed') query = query.where('replayed_at', 'is not', null);
  if (q.status === 'discarded') query = query.where('discarded_at', 'is not', null);
  if (q.before !== undefined) query = query.where('id', '<', q.before);
  return query.orderBy('id', 'desc').limit(q.limit).execute();
}

/** One dead letter, locked until the transaction ends (`trx`); undefined when there is none. */
export function lockDeadLetter(trx: Db, id: number): Promise<DeadLetterRow | undefined> {
  return deadLetters(trx)
    .selectFrom('dead_letters')
    .selectAll()
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

/** Marks a dead letter for replay unless it was replayed or discarded; undefined then. */
export function markReplayRequested(db: Db, id: number): Promise<DeadLetterRow | undefined> {
  return deadLetters(db)
    .updateTable('dead_letters')
    .set({ replay_requested_at: sql<Date>`now()` })
    .where('id', '=', id)
    .where('replayed_at', 'is', null)
    .where('discarded_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
}

/** Discards a dead letter not replayed (a pending replay request with it); undefined otherwise. */
export function markDiscarded(db: Db, id: number): Promise<DeadLetterRow | undefined> {
  return deadLetters(db)
    .updateTable('dead_letters')
    .set({ discarded_at: sql<Date>`now()`, replay_requested_at: null })
    .where('id', '=', id)
    .where('replayed_at', 'is', null)
    .where('discarded_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
}

/** Requested replays of these consumers, oldest first, locked; rows another worker holds are skipped. */
export function claimReplays(
  trx: Db,
  consumers: readonly string[],
  limit: number,
): Promise<DeadLetterRow[]> {
  return deadLetters(trx)
    .selectFrom('dead_letters')
    .selectAll()
    .where('replay_requested_at', 'is not', null)
    .where('replayed_at', 'is', null)
    .where('discarded_at', 'is', null)
    .where('consumer', '=', (eb) => eb.fn.any(eb.val(consumers)))
    .orderBy('id')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
}

export async function markReplayed(trx: Db, id: number): Promise<void> {
  await deadLetters(trx)
    .updateTable('dead_letters')
    .set({ replayed_at: sql<Date>`now()` })
    .where('id', '=', id)
    .execute();
}

/** The replay failed again: one more attempt, its error, and no request until the next one. */
export async function markReplayFailed(trx: Db, id: number, error: string): Promise<void> {
  await deadLetters(trx)
    .updateTable('dead_letters')
    .set((eb) => ({ replay_requested_at: null, attempts: eb('attempts', '+', 1), error }))
    .where('id', '=', id)
    .execute();
}

/**
 * Deletes at most `limit` dead letters replayed or discarded before `before`; one still pending
 * is kept.
 */
export function pruneReplayedDeadLetters(db: Db, before: Date, limit: number): Promise<number> {
  return deleteSelected(
    db,
    'dead_letters',
    deadLetters(db)
      .selectFrom('dead_letters')
      .select(ROW_ADDRESS)
      .where((eb) => eb.or([eb('replayed_at', '<', before), eb('discarded_at', '<', before)]))
      .limit(limit)
      .forUpdate()
      .skipLocked(),
  );
}

/** One dead letter, unlocked; undefined when there is none. */
export function findDeadLetter(db: Db, id: number): Promise<DeadLetterRow | undefined> {
  return deadLetters(db)
    .selectFrom('dead_letters')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
}
