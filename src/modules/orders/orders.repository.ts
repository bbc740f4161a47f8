import { type Generated, type Kysely, type Selectable, sql } from 'kysely';
import type { Db } from '../../platform/db/pool.ts';
import { withOutboxEvent, withOutboxEvents } from '../../platform/bus/outbox.ts';
import { orderEventType } from './orders.events.ts';
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

interface Tables {
  orders: OrdersTable;
  order_lines: OrderLinesTable;
}

export type OrderRow = Selectable<OrdersTable>;
export type OrderLineRow = Selectable<OrderLinesTable>;
export type NewOrder = Omit<
  OrderRow,
  'version' | 'placed_at' | 'status_at' | 'updated_at' | 'captured_minor' | 'reason'
>;

/** The event payload (OrderEventPayload) built from the changed row, inside the statement. */
const ORDER_EVENT_PAYLOAD = sql`jsonb_build_object('order_id', changed.id, 'version', changed.version, 'status', changed.status,
  'store_id', changed.store_id, 'customer_id', changed.customer_id, 'total_minor', changed.total_minor,
  'captured_minor', changed.captured_minor, 'currency', changed.currency, 'reason', changed.reason)`;

/** The columns a checkout writes (the rest take their defaults). */
const ORDER_COLUMNS = [
  'id',
  'customer_id',
  'store_id',
  'status',
  'currency',
  'subtotal_minor',
  'delivery_fee_minor',
  'small_order_fee_minor',
  'service_fee_minor',
  'tax_minor',
  'total_minor',
  'delivery_lat',
  'delivery_lng',
  'delivery_address',
  'reservation_id',
  'payment_method',
  'client_key',
  'promise_from',
  'promise_to',
] as const satisfies ReadonlyArray<keyof NewOrder>;
const LINE_COLUMNS = [
  'order_id',
  'product_id',
  'sku',
  'name',
  'unit_price_minor',
  'quantity',
  'age_restricted',
] as const satisfies ReadonlyArray<keyof OrderLineRow>;

export function ordersRepository(db: Db) {
  const q = db as unknown as Kysely<Tables>;
  return {
    findByClientKey(customerId: string, key: string) {
      return q
        .selectFrom('orders')
        .selectAll()
        .where('customer_id', '=', customerId)
        .where('client_key', '=', key)
        .executeTakeFirst();
    },
    /** The orders placed with these customers' keys (one statement for many). */
    async findByClientKeys(asks: ReadonlyArray<{ customerId: string; key: string }>) {
      const res = await sql<OrderRow>`SELECT o.* FROM orders o
        JOIN unnest(${asks.map((a) => a.customerId)}::uuid[], ${asks.map((a) => a.key)}::text[]) AS a(customer_id, client_key)
          ON o.customer_id = a.customer_id AND o.client_key = a.client_key`.execute(db);
      return res.rows;
    },
    find(id: string) {
      return q.selectFrom('orders').selectAll().where('id', '=', id).executeTakeFirst();
    },
    lines(orderId: string) {
      return q
        .selectFrom('order_lines')
        .selectAll()
        .where('order_id', '=', orderId)
        .orderBy('name')
        .execute();
    },
    /**
     * Moves the order to `to` only from one of `from` (and, when given, only at `version`):
     * concurrent or repeated transitions find the row already moved and change nothing.
     */
    recordCapture(id: string, amountMinor: number) {
      return q
        .updateTable('orders')
        .set({ captured_minor: amountMinor, updated_at: sql`now()` })
        .where('id', '=', id)
        .execute();
    },
    /**
     * The order, its lines and its `orders.order_placed` event in one statement. Undefined when
     * this customer already placed an order with this key (nothing is written then).
     */
    async insertWithEvent(order: NewOrder, lines: readonly OrderLineRow[], eventId: string) {
      const insertOrder = q
        .insertInto('orders')
        .values(order)
        .onConflict((oc) => oc.columns(['customer_id', 'client_key']).doNothing())
        .returningAll();
      const col = <K extends keyof OrderLineRow>(k: K) => lines.map((l) => l[k]);
      const insertLines = sql`lines AS (
        INSERT INTO order_lines (order_id, product_id, sku, name, unit_price_minor, quantity, age_restricted)
        SELECT changed.id, l.* FROM changed, unnest(${col('product_id')}::uuid[], ${col('sku')}::text[], ${col('name')}::text[],
          ${col('unit_price_minor')}::int[], ${col('quantity')}::int[], ${col('age_restricted')}::bool[]) AS l
        RETURNING 1)`;
      const res = await withOutboxEvent<OrderRow>(
        insertOrder,
        { id: eventId, type: orderEventType('placed'), version: 1 },
        sql`changed.id::text`,
        ORDER_EVENT_PAYLOAD,
        insertLines,
      ).execute(db);
      return res.rows[0];
    },
    /**
     * Many orders, their lines and one `orders.order_placed` event each, in one statement (a
     * checkout batch). An order whose customer already placed one with its key is left out; the
     * rows returned are the ones written.
     */
    async insertManyWithEvents(
      orders: readonly NewOrder[],
      lines: readonly OrderLineRow[],
      eventIds: readonly string[],
    ) {
      const cols = sql.join(ORDER_COLUMNS.map((c) => sql.ref(c)));
      const insertOrders = sql`INSERT INTO orders (${cols}) SELECT ${cols} FROM jsonb_populate_recordset(NULL::orders, ${JSON.stringify(orders)}::jsonb)
        ON CONFLICT (customer_id, client_key) DO NOTHING RETURNING *`;
      const insertLines = sql`lines AS (
        INSERT INTO order_lines (${sql.join(LINE_COLUMNS.map((c) => sql.ref(c)))})
        SELECT ${sql.join(LINE_COLUMNS.map((c) => sql.ref(`l.${c}`)))} FROM jsonb_populate_recordset(NULL::order_lines, ${JSON.stringify(lines)}::jsonb) AS l
        JOIN changed ON changed.id = l.order_id
        RETURNING 1)`;
      const event = {
        type: orderEventType('placed'),
        version: 1,
        keys: orders.map((o) => o.id),
        eventIds,
      };
      return (
        await withOutboxEvents<OrderRow>(
          insertOrders,
          event,
          sql`changed.id`,
          sql`changed.id::text`,
          ORDER_EVENT_PAYLOAD,
          insertLines,
        ).execute(db)
      ).rows;
    },
    /** Many orders moved to `to` (each only from one of `from`), one event each, in one statement. */
    async transitionManyWithEvents(
      ids: readonly string[],
      from: readonly OrderStatus[],
      to: OrderStatus,
      eventIds: readonly string[],
      reason?: string | null,
    ) {
      const update = q
        .updateTable('orders')
        .set({
          status: to,
          version: sql`version + 1`,
          status_at: sql`now()`,
          updated_at: sql`now()`,
          ...(reason !== undefined ? { reason } : {}),
        })
        .where('id', '=', sql<string>`ANY(${sql.val([...ids])}::uuid[])`)
        .where('status', 'in', [...from])
        .returningAll();
      const event = { type: orderEventType(to), version: 1, keys: ids, eventIds };
      return (
        await withOutboxEvents<OrderRow>(
          update,
          event,
          sql`changed.id`,
          sql`changed.id::text`,
          ORDER_EVENT_PAYLOAD,
        ).execute(db)
      ).rows;
    },
    /** The transition and its `orders.order_<status>` event in one statement. */
    async transitionWithEvent(
      id: string,
      from: readonly OrderStatus[],
      to: OrderStatus,
      extra: { reason?: string | null; version?: number },
      eventId: string,
    ) {
      const res = await withOutboxEvent<OrderRow>(
        this.transitionQuery(id, from, to, extra),
        { id: eventId, type: orderEventType(to), version: 1 },
        sql`changed.id::text`,
        ORDER_EVENT_PAYLOAD,
      ).execute(db);
      return res.rows[0];
    },
    transition(
      id: string,
      from: readonly OrderStatus[],
      to: OrderStatus,
      extra: { reason?: string | null; version?: number } = {},
    ) {
      return this.transitionQuery(id, from, to, extra).executeTakeFirst();
    },
    transitionQuery(
      id: string,
      from: readonly OrderStatus[],
      to: OrderStatus,
      extra: { reason?: string | null; version?: number } = {},
    ) {
      let query = q
        .updateTable('orders')
        .set({
          status: to,
          version: sql`version + 1`,
          status_at: sql`now()`,
          updated_at: sql`now()`,
          ...(extra.reason !== undefined ? { reason: extra.reason } : {}),
        })
        .where('id', '=', id)
        .where('status', 'in', [...from]);
      if (extra.version !== undefined) query = query.where('version', '=', extra.version);
      return query.returningAll();
    },
    async setPicked(
      orderId: string,
      picked: ReadonlyArray<{ productId: string; quantity: number }>,
    ) {
      if (picked.length === 0) return;
      await sql`UPDATE order_lines l SET picked_quantity = least(p.quantity, l.quantity)
        FROM unnest(${picked.map((p) => p.productId)}::uuid[], ${picked.map((p) => p.quantity)}::int[]) AS p(product_id, quantity)
        WHERE l.order_id = ${orderId}::uuid AND l.product_id = p.product_id`.execute(db);
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
