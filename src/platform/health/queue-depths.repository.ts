import type { Kysely } from 'kysely';
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

/** Events not yet published: counted along `outbox_unpublished` (oldest first by UUIDv7 id). */
export async function unpublishedEvents(db: Db, cap: number): Promise<QueueDepth> {
  const waiting = q(db).selectFrom('outbox').where('published_at', 'is', null);
  const [counted, oldest] = await Promise.all([
    q(db)
      .selectFrom(
        waiting
          .select('id')
          .limit(cap + 1)
          .as('w'),
      )
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow(),
    waiting.select('occurred_at').orderBy('id').limit(1).executeTakeFirst(),
  ]);
  return depthOf(Number(counted.n), cap, oldest?.occurred_at ?? null);
}

/** Dead letters neither replayed nor discarded (few: each is a failure someone should look at). */
export async function openDeadLetters(db: Db, cap: number): Promise<QueueDepth> {
  const open = q(db)
    .selectFrom('dead_letters')
    .where('replayed_at', 'is', null)
    .where('discarded_at', 'is', null);
  const [counted, oldest] = await Promise.all([
    q(db)
      .selectFrom(
        open
          .select('id')
          .limit(cap + 1)
          .as('o'),
      )
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow(),
    open.select('created_at').orderBy('id').limit(1).executeTakeFirst(),
  ]);
  return depthOf(Number(counted.n), cap, oldest?.created_at ?? null);
}
