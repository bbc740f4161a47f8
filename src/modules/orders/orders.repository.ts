import { type Generated, type Kysely, type Selectable, sql } from 'kysely';
import type { Db } from '../../platform/db/pool.ts';
import type { OrderStatus } from './order-state.ts';
import type { Totals } from './pricing.ts';

/** The totals of `priceOrder` are stored as they were computed at checkout. */
export interface OrdersTable extends Totals {
  id: string;
  customer_id: string;
  store_id: string;
  status: OrderStatus;
  version: Generated<number>;
  currency: string;
  captured_minor: number | null;
  delivery_lat: number;
  delivery_lng: number;
  delivery_address: string;
  reservation_id: string;
  payment_method: string;
  client_key: string | null;
  reason: string | null;
  promise_from: Date | null;
  promise_to: Date | null;
  placed_at: Generated<Date>;
  status_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface OrderLinesTable {
  order_id: string;
  product_id: string;
  sku: string;
  name: string;
  unit_price_minor: number;
  quantity: number;
  picked_quantity: number | null;
  age_restricted: boolean;
}

/** The module's own tables: its repositories narrow the shared handle to these. */
export interface OrderTables {
  orders: OrdersTable;
  order_lines: OrderLinesTable;
}

export type OrderRow = Selectable<OrdersTable>;
export type OrderLineRow = Selectable<OrderLinesTable>;
export type NewOrder = Omit<
  OrderRow,
  'version' | 'placed_at' | 'status_at' | 'updated_at' | 'captured_minor' | 'reason'
>;

/**
 * The event payload (OrderEventPayload) built from the changed row, inside the statement that
 * changes it. Raw: it reads the `changed` CTE of withOutboxEvent(s), which Kysely cannot name.
 */
export const ORDER_EVENT_PAYLOAD = sql`jsonb_build_object('order_id', changed.id, 'version', changed.version, 'status', changed.status,
  'store_id', changed.store_id, 'customer_id', changed.customer_id, 'total_minor', changed.total_minor,
  'captured_minor', changed.captured_minor, 'currency', changed.currency, 'reason', changed.reason)`;

/** Reads of orders and their lines. */
export function ordersRepository(db: Db) {
  const q = db as unknown as Kysely<OrderTables>;
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
    /**
     * The orders placed with these customers' keys (one statement for many). Raw: a join with
     * `unnest` of two parallel arrays keeps one parameter per column whatever the batch size,
     * which Kysely has no typed form for.
     */
    async findByClientKeys(asks: ReadonlyArray<{ customerId: string; key: string }>) {
      const res = await sql<OrderRow>`SELECT o.* FROM orders o
        JOIN unnest(${asks.map((a) => a.customerId)}::uuid[], ${asks.map((a) => a.key)}::text[]) AS a(customer_id, client_key)
          ON o.customer_id = a.customer_id AND o.client_key = a.client_key`.execute(db);
      return res.rows;
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
        .where('status_at', '<', sql<Date>`now() - make_interval(secs => ${olderThanS})`);
      if (except.length > 0)
        query = query.where('id', '<>', sql<string>`ALL(${sql.val([...except])}::uuid[])`);
      const rows = await query.orderBy('status_at').limit(limit).execute();
      return rows.map((r) => r.id);
    },
  };
}
