import {
  type ColumnType,
  type Generated,
  type Kysely,
  type OperationNodeSource,
  type RawBuilder,
  sql,
} from 'kysely';
import type pg from 'pg';
import type { Db } from '../db/pool.ts';
import { deleteSelected, ROW_ADDRESS } from '../db/prune.ts';
import { assertProduced, type DeclaredEvent, type EventDefinition } from './declared-event.ts';

/** The NOTIFY channel a commit that wrote events signals, and the relay listens on. */
export const OUTBOX_CHANNEL = 'lastmile_outbox';

interface OutboxTable {
  id: string;
  type: string;
  version: Generated<number>;
  aggregate_id: string | null;
  // Written as JSON text, read back parsed.
  payload: ColumnType<unknown, string, string>;
  trace_id: string | null;
  occurred_at: Generated<Date>;
  published_at: Date | null;
  attempts: Generated<number>;
  last_error: string | null;
}

const outbox = (db: Db) => db as Kysely<{ outbox: OutboxTable }>;

export interface OutboxRow {
  id: string;
  type: string;
  version: number;
  aggregate_id: string | null;
  payload: unknown;
  trace_id: string | null;
  occurred_at: Date;
}

/**
 * Writes events into the outbox inside the caller's transaction: they become visible to the relay
 * exactly when the state change commits, and vanish with it on rollback.
 */
export async function writeOutbox(trx: Db, events: readonly DeclaredEvent[]): Promise<void> {
  if (events.length === 0) return;
  // Raw: one statement inserts any number of rows from arrays (unnest) and NOTIFYs, which
  // Postgres delivers on commit only, so the relay wakes for committed rows; Kysely has neither.
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

/** A change written with its events; `execute` checks each event's payload as it was written. */
export interface OutboxStatement<Row> {
  execute(db: Db): Promise<{ rows: Row[] }>;
}

/** The column that carries each row's event payload back from the statement. */
const PAYLOAD_BACK = 'lastmile_event_payload';

/**
 * The change and its event in one statement, so one round trip and no explicit transaction:
 * `changed` is a data-modifying query with RETURNING, and `payload`/`aggregateId` are expressions
 * over its row (the CTE is named `changed`). No row changed, no event. The payload is built by
 * the database, so the statement returns it and `execute` checks it against the event's schema
 * and throws when it does not match: inside a transaction that undoes the change, outside one
 * the caller still fails (a programming error either way).
 */
export function withOutboxEvent<Row>(
  changed: OperationNodeSource,
  event: { id: string; def: EventDefinition },
  aggregateId: RawBuilder<unknown>,
  payload: RawBuilder<unknown>,
  /** More data-modifying CTEs that belong to the same change (they may read `changed`). */
  alongside?: RawBuilder<unknown>,
): OutboxStatement<Row> {
  const { def } = event;
  // At most one row: every changed row would take the same event id.
  return checked<Row>(
    def,
    changeWithEvents(
      changed,
      alongside,
      sql`SELECT ${event.id}::uuid, ${def.type}, ${def.version}, ${aggregateId}, ${payload}, now() FROM changed`,
      sql`LEFT JOIN ev ON true`,
    ),
  );
}

/**
 * `withOutboxEvent` for a change of many rows: one event per changed row, its id taken from
 * `eventIds` by the row's key (`rowKey`, an expression over `changed` matching `keys`). Rows
 * that did not change get no event.
 */
export function withOutboxEvents<Row>(
  changed: OperationNodeSource | RawBuilder<unknown>,
  event: { def: EventDefinition; keys: readonly string[]; eventIds: readonly string[] },
  rowKey: RawBuilder<unknown>,
  aggregateId: RawBuilder<unknown>,
  payload: RawBuilder<unknown>,
  alongside?: RawBuilder<unknown>,
): OutboxStatement<Row> {
  const { def } = event;
  const ids = sql`unnest(${event.keys}::text[], ${event.eventIds}::uuid[]) AS e(row_key, event_id)`;
  return checked<Row>(
    def,
    changeWithEvents(
      changed,
      alongside,
      sql`SELECT e.event_id, ${def.type}, ${def.version}, ${aggregateId}, ${payload}, now()
      FROM changed JOIN ${ids} ON e.row_key = (${rowKey})::text`,
      sql`LEFT JOIN ${ids} ON e.row_key = (${rowKey})::text LEFT JOIN ev ON ev.id = e.event_id`,
    ),
  );
}

/** Runs the statement, checks the payload each row's event was written with and drops it from the row. */
function checked<Row>(def: EventDefinition, statement: RawBuilder<unknown>): OutboxStatement<Row> {
  return {
    async execute(db) {
      const res = await statement.execute(db);
      const rows = res.rows as Array<Record<string, unknown>>;
      for (const row of rows) {
        // Null when the row got no event (withOutboxEvents: a row whose key was not listed).
        if (row[PAYLOAD_BACK] !== null) assertProduced(def, row[PAYLOAD_BACK]);
        delete row[PAYLOAD_BACK];
      }
      return { rows: rows as Row[] };
    },
  };
}

/**
 * The statement both build: the change, what goes alongside, the event rows (`events`, a SELECT
 * over `changed`), the NOTIFY, and the changed rows each with its event's payload (`withEvent`
 * joins `ev` to `changed`). Raw: it wraps the caller's own data-modifying statement in CTEs,
 * which Kysely cannot compose from an arbitrary query.
 */
function changeWithEvents(
  changed: OperationNodeSource | RawBuilder<unknown>,
  alongside: RawBuilder<unknown> | undefined,
  events: RawBuilder<unknown>,
  withEvent: RawBuilder<unknown>,
): RawBuilder<unknown> {
  return sql`WITH changed AS (${changed}),${alongside ? sql` ${alongside},` : sql``}
    ev AS (
      INSERT INTO outbox (id, type, version, aggregate_id, payload, occurred_at)
      ${events}
      RETURNING id, payload),
    woke AS (SELECT pg_notify(${OUTBOX_CHANNEL}, '') AS n FROM ev LIMIT 1)
    SELECT changed.*, ev.payload AS ${sql.raw(PAYLOAD_BACK)} FROM changed ${withEvent} LEFT JOIN woke ON true`;
}

/** The oldest unpublished rows, locked; rows another relay holds are skipped. */
export function claimUnpublished(trx: Db, limit: number): Promise<OutboxRow[]> {
  return outbox(trx)
    .selectFrom('outbox')
    .select(['id', 'type', 'version', 'aggregate_id', 'payload', 'trace_id', 'occurred_at'])
    .where('published_at', 'is', null)
    .orderBy('id')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
}

export async function markPublished(trx: Db, ids: readonly string[]): Promise<void> {
  await outbox(trx)
    .updateTable('outbox')
    .set((eb) => ({ published_at: sql<Date>`now()`, attempts: eb('attempts', '+', 1) }))
    // One array parameter, however many rows.
    .where('id', '=', (eb) => eb.fn.any(eb.val(ids)))
    .execute();
}

/**
 * Deletes at most `limit` rows published before `before` (kept a while for inspection; the rows
 * another pruner holds are skipped). Unpublished rows are never deleted.
 */
export function prunePublishedOutbox(db: Db, before: Date, limit: number): Promise<number> {
  return deleteSelected(
    db,
    'outbox',
    outbox(db)
      .selectFrom('outbox')
      .select(ROW_ADDRESS)
      .where('published_at', '<', before)
      .limit(limit)
      .forUpdate()
      .skipLocked(),
  );
}

/**
 * The in-process bus forgets what it held when the process dies, so in single-process mode the
 * events published shortly before a crash are handed out again at start. Consumers are idempotent
 * (inbox, workflow ids), so a second delivery of an event already handled changes nothing.
 */
export async function reopenRecentOutbox(db: Db, minutes = 10): Promise<number> {
  const res = await outbox(db)
    .updateTable('outbox')
    .set({ published_at: null })
    .where('published_at', '>', sql<Date>`now() - make_interval(mins => ${minutes})`)
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}

/** LISTEN and UNLISTEN run on the relay's own connection, outside Kysely's pool. */
export async function listenForOutbox(client: pg.PoolClient): Promise<void> {
  await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
}

export async function unlistenForOutbox(client: pg.PoolClient): Promise<void> {
  await client.query(`UNLISTEN ${OUTBOX_CHANNEL}`);
}
