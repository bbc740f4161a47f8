import type { Kysely, SelectQueryBuilder } from 'kysely';
import type { Db } from '../db/pool.ts';
import { depthOf, type QueueDepth } from './queues.ts';

interface Tables {
  outbox: { id: string; occurred_at: Date; published_at: Date | null };
  dead_letters: {
    id: number;
    created_at: Date;
    replayed_at: Date | null;
    discarded_at: Date | null;
  };
}

const q = (db: Db) => db as unknown as Kysely<Tables>;

/**
 * How much waits in a queue of rows: the rows `waiting` selects (one column) counted up to
 * `cap` (one more says that more wait; a backlog of millions is not counted), and the `at` of the
 * first row of `oldest` (the waiting rows, longest waiting first).
 */
export async function cappedDepth<DB, TB extends keyof DB, O>(
  db: Db,
  waiting: SelectQueryBuilder<DB, TB, O>,
  oldest: SelectQueryBuilder<DB, TB, { at: Date }>,
  cap: number,
): Promise<QueueDepth> {
  const [counted, first] = await Promise.all([
    db
      .selectFrom(waiting.limit(cap + 1).as('w'))
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow(),
    oldest.limit(1).executeTakeFirst(),
  ]);
  return depthOf(Number(counted.n), cap, first?.at ?? null);
}

/** Events not yet published: counted along `outbox_unpublished` (oldest first by UUIDv7 id). */
export function unpublishedEvents(db: Db, cap: number): Promise<QueueDepth> {
  const waiting = q(db).selectFrom('outbox').where('published_at', 'is', null);
  return cappedDepth(
    db,
    waiting.select('id'),
    waiting.select('occurred_at as at').orderBy('id'),
    cap,
  );
}

/** Dead letters neither replayed nor discarded (few: each is a failure someone should look at). */
export function openDeadLetters(db: Db, cap: number): Promise<QueueDepth> {
  const open = q(db)
    .selectFrom('dead_letters')
    .where('replayed_at', 'is', null)
    .where('discarded_at', 'is', null);
  return cappedDepth(db, open.select('id'), open.select('created_at as at').orderBy('id'), cap);
}
