import { type ExpressionBuilder, type Selectable, sql } from 'kysely';
import type { Db } from '../../platform/db/pool.ts';
import { ORDER_RANK, type OrderStatus } from './order-state.ts';
import {
  type OrderLinesTable,
  type OrdersTable,
  type OrderTables,
  ordersDb,
} from './orders-tables.ts';

export type OrderRow = Selectable<OrdersTable>;
export type OrderLineRow = Selectable<OrderLinesTable>;
export type NewOrder = Omit<
  OrderRow,
  | 'version'
  | 'placed_at'
  | 'status_at'
  | 'updated_at'
  | 'captured_minor'
  | 'reason'
  | 'payment_attempt'
  | 'payment_attempt_key'
  | 'payment_due_at'
  | 'deadline_at'
  | 'deadline_status'
  | 'deadline_key'
>;

// Raw: the rank (ORDER_RANK) of the `changed` CTE's status, which Kysely cannot name.
const CHANGED_RANK = sql`CASE changed.status ${sql.join(
  Object.entries(ORDER_RANK).map(
    ([status, rank]) => sql`WHEN ${sql.lit(status)} THEN ${sql.lit(rank)}`,
  ),
  sql` `,
)} END`;

/**
 * The event payload (OrderEventPayload) built from the changed row, inside the statement that
 * changes it.
 */
// Raw: reads the `changed` CTE of withOutboxEvent(s), which Kysely cannot name.
export const ORDER_EVENT_PAYLOAD = sql`jsonb_build_object('order_id', changed.id, 'version', changed.version, 'status', changed.status, 'rank', ${CHANGED_RANK},
  'store_id', changed.store_id, 'customer_id', changed.customer_id, 'total_minor', changed.total_minor,
  'captured_minor', changed.captured_minor, 'currency', changed.currency, 'reason', changed.reason)`;

/** The changed order's id as text: its event's aggregate id and the key its event id is found by. */
// Raw: reads the `changed` CTE of withOutboxEvent(s), which Kysely cannot name.
export const CHANGED_ORDER_ID = sql`changed.id::text`;

/** The order's deadline in `status` is not one ops extended, or that extension has passed. */
const noExtension = (eb: ExpressionBuilder<OrderTables, 'orders'>, status: OrderStatus) =>
  eb.or([
    eb('deadline_status', 'is', null),
    eb('deadline_status', '<>', status),
    eb('deadline_at', '<', sql<Date>`now()`),
  ]);

/** Reads of orders and their lines. */
export function ordersRepository(db: Db) {
  const q = ordersDb(db);
  return {
    find(id: string) {
      return q.selectFrom('orders').selectAll().where('id', '=', id).executeTakeFirst();
    },
    findByClientKey(customerId: string, key: string) {
      return q
        .selectFrom('orders')
        .selectAll()
        .where('customer_id', '=', customerId)
        .where('client_key', '=', key)
        .executeTakeFirst();
    },
    /** The orders placed with these customers' keys (one statement for many). */
    findByClientKeys(asks: ReadonlyArray<{ customerId: string; key: string }>) {
      // Raw: a multi-array unnest with a column definition list (… AS t(customer_id, client_key)).
      const keys = sql<{ customer_id: string; client_key: string }>`(SELECT * FROM unnest(
        ${asks.map((a) => a.customerId)}::uuid[], ${asks.map((a) => a.key)}::text[])
        AS t(customer_id, client_key))`;
      return q
        .selectFrom('orders as o')
        .innerJoin(keys.as('a'), (j) =>
          j.onRef('o.customer_id', '=', 'a.customer_id').onRef('o.client_key', '=', 'a.client_key'),
        )
        .selectAll('o')
        .execute();
    },
    lines(orderId: string) {
      return q
        .selectFrom('order_lines')
        .selectAll()
        .where('order_id', '=', orderId)
        .orderBy('name')
        .execute();
    },
    list(p: {
      customerId?: string;
      storeId?: string;
      status?: OrderStatus;
      before?: string;
      limit: number;
    }) {
      let query = q.selectFrom('orders').selectAll().orderBy('id', 'desc').limit(p.limit);
      if (p.customerId) query = query.where('customer_id', '=', p.customerId);
      if (p.storeId) query = query.where('store_id', '=', p.storeId);
      if (p.status) query = query.where('status', '=', p.status);
      if (p.before) query = query.where('id', '<', p.before);
      return query.execute();
    },
    /** Orders in `status` for longer than `olderThanS`, oldest first (the deadline sweep; index orders_active). */
    async overdue(
      status: OrderStatus,
      olderThanS: number,
      limit: number,
      except: readonly string[] = [],
    ): Promise<string[]> {
      let query = q
        .selectFrom('orders')
        .select('id')
        .where('status', '=', status)
        // Raw: make_interval's named argument (secs => …), which eb.fn cannot pass.
        .where('status_at', '<', sql<Date>`now() - make_interval(secs => ${olderThanS})`)
        // Unless ops extended this phase's deadline and it has not passed.
        .where((eb) => noExtension(eb, status));
      if (except.length > 0)
        query = query.where((eb) => eb.not(eb('id', '=', eb.fn.any(eb.val([...except])))));
      const rows = await query.orderBy('status_at').limit(limit).execute();
      return rows.map((r) => r.id);
    },
    /** Declined orders whose payment retry grace is over, oldest first (index orders_payment_due). */
    async paymentOverdue(limit: number): Promise<string[]> {
      const rows = await q
        .selectFrom('orders')
        .select('id')
        .where('status', '=', 'payment_failed')
        .where('payment_due_at', '<', sql<Date>`now()`)
        .orderBy('payment_due_at')
        .limit(limit)
        .execute();
      return rows.map((r) => r.id);
    },
  };
}
