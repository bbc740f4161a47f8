import { type OperationNodeSource, type RawBuilder, sql } from 'kysely';
import type { Db } from '../db/pool.ts';
import type { DomainEvent } from './event.ts';
import type { EventBus } from './port.ts';

export const OUTBOX_CHANNEL = 'lastmile_outbox';

/**
 * Writes events into the outbox inside the caller's transaction: they become visible to the relay
 * exactly when the state change commits, and vanish with it on rollback.
 */
export async function writeOutbox(trx: Db, events: readonly DomainEvent[]): Promise<void> {
  if (events.length === 0) return;
  // One statement: the rows, and a NOTIFY that Postgres delivers on commit only, so the relay
  // wakes up for committed rows.
  await sql`WITH written AS (
      INSERT INTO outbox (id, type, version, aggregate_id, payload, trace_id, occurred_at)
      SELECT * FROM unnest(${events.map((e) => e.id)}::uuid[], ${events.map((e) => e.type)}::text[], ${events.map((e) => e.version)}::int[],
                           ${events.map((e) => e.aggregateId ?? null)}::text[], ${events.map((e) => JSON.stringify(e.payload))}::jsonb[],
                           ${events.map((e) => e.traceId ?? null)}::text[], ${events.map((e) => e.occurredAt)}::timestamptz[])
      RETURNING 1)
    SELECT pg_notify(${OUTBOX_CHANNEL}, '') FROM (SELECT count(*) AS n FROM written) w WHERE w.n > 0`.execute(
    trx,
  );
}

interface OutboxRow {
  id: string;
  type: string;
  version: number;
  aggregate_id: string | null;
  payload: unknown;
  trace_id: string | null;
  occurred_at: Date;
}

function toEvent(r: OutboxRow): DomainEvent {
  return {
    id: r.id,
    type: r.type,
    version: r.version,
    aggregateId: r.aggregate_id ?? undefined,
    payload: r.payload,
    traceId: r.trace_id ?? undefined,
    occurredAt: r.occurred_at.toISOString(),
  };
}

/**
 * Publishes one batch of unpublished rows. Rows are claimed with SKIP LOCKED so several relays
 * (one per worker process) share the work; a row is marked published only after the bus
 * acknowledged it, and a crash in between republishes it with the same id, which the bus and
 * the consumers' inboxes dedupe. Returns how many events were published.
 */
export async function relayOutboxBatch(db: Db, bus: EventBus, batchSize = 200): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const rows = (await trx
      .selectFrom('outbox')
      .select(['id', 'type', 'version', 'aggregate_id', 'payload', 'trace_id', 'occurred_at'])
      .where('published_at', 'is', null)
      .orderBy('id')
      .limit(batchSize)
      .forUpdate()
      .skipLocked()
      .execute()) as OutboxRow[];
    if (rows.length === 0) return 0;
    await bus.publish(rows.map(toEvent));
    await trx
      .updateTable('outbox')
      .set({ published_at: sql`now()`, attempts: sql`attempts + 1` })
      .where('id', '=', sql<string>`ANY(${sql.val(rows.map((r) => r.id))}::uuid[])`)
      .execute();
    return rows.length;
  });
}

/** Published rows are kept a while for inspection, then removed. */
export async function pruneOutbox(db: Db, olderThanHours = 24): Promise<number> {
  const res =
    await sql`DELETE FROM outbox WHERE published_at < now() - make_interval(hours => ${olderThanHours})`.execute(
      db,
    );
  return Number(res.numAffectedRows ?? 0);
}

/**
 * The change and its event in one statement, so one round trip and no explicit transaction:
 * `changed` is a data-modifying query with RETURNING, and `payload`/`aggregateId` are expressions
 * over its row (the CTE is named `changed`). No row changed, no event.
 */
export function withOutboxEvent<Row>(
  changed: OperationNodeSource,
  event: { id: string; type: string; version: number },
  aggregateId: RawBuilder<unknown>,
  payload: RawBuilder<unknown>,
  /** More data-modifying CTEs that belong to the same change (they may read `changed`). */
  alongside?: RawBuilder<unknown>,
): RawBuilder<Row> {
  return changeWithEvents<Row>(
    changed,
    alongside,
    sql`SELECT ${event.id}::uuid, ${event.type}, ${event.version}, ${aggregateId}, ${payload}, now() FROM changed`,
  );
}

/**
 * `withOutboxEvent` for a change of many rows: one event per changed row, its id taken from
 * `eventIds` by the row's key (`rowKey`, an expression over `changed` matching `keys`). Rows
 * that did not change get no event.
 */
export function withOutboxEvents<Row>(
  changed: OperationNodeSource | RawBuilder<unknown>,
  event: { type: string; version: number; keys: readonly string[]; eventIds: readonly string[] },
  rowKey: RawBuilder<unknown>,
  aggregateId: RawBuilder<unknown>,
  payload: RawBuilder<unknown>,
  alongside?: RawBuilder<unknown>,
): RawBuilder<Row> {
  return changeWithEvents<Row>(
    changed,
    alongside,
    sql`SELECT e.event_id, ${event.type}, ${event.version}, ${aggregateId}, ${payload}, now()
      FROM changed JOIN unnest(${event.keys}::text[], ${event.eventIds}::uuid[]) AS e(row_key, event_id) ON e.row_key = (${rowKey})::text`,
  );
}

/** The statement both build: the change, what goes alongside, the event rows (`events`, a SELECT over `changed`) and the NOTIFY. */
function changeWithEvents<Row>(
  changed: OperationNodeSource | RawBuilder<unknown>,
  alongside: RawBuilder<unknown> | undefined,
  events: RawBuilder<unknown>,
): RawBuilder<Row> {
  return sql<Row>`WITH changed AS (${changed}),${alongside ? sql` ${alongside},` : sql``}
    ev AS (
      INSERT INTO outbox (id, type, version, aggregate_id, payload, occurred_at)
      ${events}
      RETURNING 1),
    woke AS (SELECT pg_notify(${OUTBOX_CHANNEL}, '') AS n FROM ev LIMIT 1)
    SELECT changed.* FROM changed LEFT JOIN woke ON true`;
}
