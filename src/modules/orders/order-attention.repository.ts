import { sql } from 'kysely';
import type { Db } from '../../platform/db/pool.ts';
import { OPEN_STATUSES, type OpenStatus, type OrderStatus } from './order-state.ts';
import { ordersDb } from './orders-tables.ts';

/** An open order that is late, with when it became so (the earliest line it crossed). */
export interface LateOrderRow {
  id: string;
  store_id: string;
  status: OrderStatus;
  status_at: Date;
  promise_to: Date | null;
  deadline_at: Date | null;
  deadline_status: OrderStatus | null;
  since: Date;
}

/** When a late order's thresholds are: the attention settings, at `now`. */
interface LateRule {
  now: Date;
  acceptS: number;
  readyS: number;
}

/**
 * When an open order became late, or NULL while it is not: past an extension ops made, from its
 * end (NULL while it holds); else the first line it crossed (its promise window, the store's
 * accept or the courier's pickup taking too long). Raw: LEAST over one CASE per reason.
 */
const lateSince = ({ now, acceptS, readyS }: LateRule) => sql<Date | null>`CASE
    WHEN deadline_status = status AND deadline_at >= ${now} THEN NULL
    WHEN deadline_status = status AND deadline_at < ${now} THEN deadline_at
    ELSE LEAST(
      CASE WHEN promise_to < ${now} THEN promise_to END,
      CASE WHEN status = 'authorized'
        AND status_at < ${now}::timestamptz - make_interval(secs => ${acceptS})
        THEN status_at + make_interval(secs => ${acceptS}) END,
      CASE WHEN status = 'ready'
        AND status_at < ${now}::timestamptz - make_interval(secs => ${readyS})
        THEN status_at + make_interval(secs => ${readyS}) END
    ) END`;

/** An open order as the ops console's live map shows it. */
export interface OpenOrderRow {
  id: string;
  store_id: string;
  status: OpenStatus;
  status_at: Date;
  delivery_lat: number;
  delivery_lng: number;
  deadline_at: Date | null;
  deadline_status: OrderStatus | null;
  late_since: Date | null;
}

/** Reads and writes for ops on late orders: the attention list and the deadline extension. */
export function orderAttentionRepository(db: Db) {
  const q = ordersDb(db);
  return {
    /**
     * Open orders past their promise window, waiting too long for the store to accept or for a
     * courier, or past a deadline ops extended; an order whose extension still holds is left out.
     * Most overdue first (index orders_active).
     */
    async late(p: {
      now: Date;
      acceptS: number;
      readyS: number;
      storeId?: string | undefined;
      limit: number;
    }): Promise<LateOrderRow[]> {
      // Raw: the rule's CASE in a derived table, so the page can be ordered and cut by it.
      const rows = await sql<LateOrderRow>`SELECT * FROM (
          SELECT id, store_id, status, status_at, promise_to, deadline_at, deadline_status,
            ${lateSince(p)} AS since
          FROM orders
          WHERE status = ANY(${[...OPEN_STATUSES]}::text[])
            AND (deadline_status = status AND deadline_at >= ${p.now}) IS NOT TRUE
            ${p.storeId ? sql`AND store_id = ${p.storeId}` : sql``}
        ) late
        WHERE since IS NOT NULL
        ORDER BY since, id
        LIMIT ${p.limit}`.execute(db);
      return rows.rows;
    },

    /**
     * Every order paid and not yet delivered, with when it became late by the attention list's
     * rule (index orders_active), in id order, at most `limit`.
     */
    async open(p: LateRule & { limit: number }): Promise<OpenOrderRow[]> {
      const rows = await q
        .selectFrom('orders')
        .select([
          'id',
          'store_id',
          'status',
          'status_at',
          'delivery_lat',
          'delivery_lng',
          'deadline_at',
          'deadline_status',
          lateSince(p).as('late_since'),
        ])
        .where('status', 'in', OPEN_STATUSES)
        .$narrowType<{ status: OpenStatus }>()
        .orderBy('id')
        .limit(p.limit)
        .execute();
      return rows;
    },

    /** The store and status of each of these orders. */
    async states(
      ids: readonly string[],
    ): Promise<Map<string, { store_id: string; status: OrderStatus }>> {
      if (ids.length === 0) return new Map();
      const rows = await q
        .selectFrom('orders')
        .select(['id', 'store_id', 'status'])
        .where('id', '=', (eb) => eb.fn.any(eb.val([...ids])))
        .execute();
      return new Map(rows.map((r) => [r.id, r]));
    },

    /** The order locked for an extension of its deadline. */
    forUpdate: (id: string) =>
      q.selectFrom('orders').selectAll().where('id', '=', id).forUpdate().executeTakeFirst(),

    /**
     * Writes ops' extension of the current phase's deadline. The status and version stay: no
     * event is emitted, and consumers order an order's events by its version.
     */
    setDeadline: (id: string, d: { at: Date; status: OrderStatus; key: string | null }) =>
      q
        .updateTable('orders')
        .set({
          deadline_at: d.at,
          deadline_status: d.status,
          deadline_key: d.key,
          updated_at: sql<Date>`now()`,
        })
        .where('id', '=', id)
        .where('status', '=', d.status)
        .returningAll()
        .executeTakeFirst(),
  };
}
