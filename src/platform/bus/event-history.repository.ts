import { type ColumnType, type Kysely, sql } from 'kysely';
import type { Db } from '../db/pool.ts';
import type { DomainEvent } from './event.ts';

// Reads of the events an order's timeline shows: the outbox rows of an aggregate (index
// outbox_aggregate) and the dead letters of its events (index dead_letters_aggregate), both from
// migrations/0005. Published outbox rows are kept LASTMILE_OUTBOX_RETENTION_HOURS only.

interface OutboxTable {
  id: string;
  type: string;
  version: number;
  aggregate_id: string | null;
  payload: ColumnType<unknown, never, never>;
  occurred_at: Date;
  published_at: Date | null;
  attempts: number;
  last_error: string | null;
}

interface DeadLettersTable {
  id: number;
  consumer: string;
  event_id: string;
  event: ColumnType<DomainEvent, never, never>;
  attempts: number;
  error: string;
  created_at: Date;
  replay_requested_at: Date | null;
  replayed_at: Date | null;
  discarded_at: Date | null;
}

const history = (db: Db) =>
  db as unknown as Kysely<{ outbox: OutboxTable; dead_letters: DeadLettersTable }>;

/** The events of these aggregates, oldest first, at most `limit`. */
export function eventsOfAggregates(db: Db, ids: readonly string[], limit: number) {
  return history(db)
    .selectFrom('outbox')
    .selectAll()
    .where('aggregate_id', '=', (eb) => eb.fn.any(eb.val([...ids])))
    .orderBy('occurred_at')
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** The dead letters of these aggregates' events, oldest first, at most `limit`. */
export function deadLettersOfAggregates(db: Db, ids: readonly string[], limit: number) {
  // Raw: the expression of the index dead_letters_aggregate (the event's aggregate, as text),
  // which Kysely's JSON path helpers would write differently.
  const aggregate = sql<string>`(event ->> 'aggregateId')`;
  return history(db)
    .selectFrom('dead_letters')
    .select([
      'id',
      'consumer',
      'event_id',
      'attempts',
      'error',
      'created_at',
      'replay_requested_at',
      'replayed_at',
      'discarded_at',
      sql<string>`event ->> 'type'`.as('event_type'),
    ])
    .where(aggregate, '=', (eb) => eb.fn.any(eb.val([...ids])))
    .orderBy('created_at')
    .orderBy('id')
    .limit(limit)
    .execute();
}
