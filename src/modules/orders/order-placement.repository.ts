import { sql } from 'kysely';
import { withOutboxEvent, withOutboxEvents } from '../../platform/bus/outbox.ts';
import type { Db } from '../../platform/db/pool.ts';
import type { OrderStatus } from './order-state.ts';
import { OrderEventDefs } from './orders.events.ts';
import {
  CHANGED_ORDER_ID,
  type NewOrder,
  ORDER_EVENT_PAYLOAD,
  type OrderLineRow,
  type OrderRow,
} from './orders.repository.ts';
import { ordersDb } from './orders-tables.ts';

/** The statuses of an order in its store's queue: placed, not yet picked up. */
const BEFORE_PICKUP = [
  'placed',
  'authorizing',
  'authorized',
  'accepted',
  'preparing',
  'ready',
] as const satisfies readonly OrderStatus[];

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
  'promise_at',
  'promise_backlog',
  'promise_parts',
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

/**
 * New orders, each written with its lines and its `orders.order_placed` event in one statement.
 * The lines are raw data-modifying CTEs: they read the `changed` rows of withOutboxEvent(s), which
 * Kysely cannot name.
 */
export function orderPlacementRepository(db: Db) {
  const q = ordersDb(db);
  return {
    /**
     * The order, its lines and its event in one statement. Undefined when this customer already
     * placed an order with this key (nothing is written then).
     */
    async insertWithEvent(order: NewOrder, lines: readonly OrderLineRow[], eventId: string) {
      const insertOrder = q
        .insertInto('orders')
        .values(order)
        .onConflict((oc) => oc.columns(['customer_id', 'client_key']).doNothing())
        .returningAll();
      const col = <K extends keyof OrderLineRow>(k: K) => lines.map((l) => l[k]);
      // Raw: a data-modifying CTE over `changed` joined to a multi-array unnest of the lines.
      const insertLines = sql`lines AS (
        INSERT INTO order_lines (order_id, product_id, sku, name, unit_price_minor, quantity, age_restricted)
        SELECT changed.id, l.* FROM changed, unnest(${col('product_id')}::uuid[], ${col('sku')}::text[], ${col('name')}::text[],
          ${col('unit_price_minor')}::int[], ${col('quantity')}::int[], ${col('age_restricted')}::bool[]) AS l
        RETURNING 1)`;
      const res = await withOutboxEvent<OrderRow>(
        insertOrder,
        { id: eventId, def: OrderEventDefs.PLACED },
        CHANGED_ORDER_ID,
        ORDER_EVENT_PAYLOAD,
        insertLines,
      ).execute(db);
      return res.rows[0];
    },
    /**
     * Many orders, their lines and one event each, in one statement (a checkout batch). An order
     * whose customer already placed one with its key is left out; the rows returned are the ones
     * written. Raw: the rows travel as one JSON parameter (`jsonb_populate_recordset`), so the
     * statement's size does not grow with the batch.
     */
    async insertManyWithEvents(
      orders: readonly NewOrder[],
      lines: readonly OrderLineRow[],
      eventIds: readonly string[],
    ) {
      const cols = sql.join(ORDER_COLUMNS.map((c) => sql.ref(c)));
      // Raw: INSERT … SELECT from jsonb_populate_recordset, which Kysely has no builder for.
      const insertOrders = sql`INSERT INTO orders (${cols}) SELECT ${cols} FROM jsonb_populate_recordset(NULL::orders, ${JSON.stringify(orders)}::jsonb)
        ON CONFLICT (customer_id, client_key) DO NOTHING RETURNING *`;
      // Raw: jsonb_populate_recordset again, in a data-modifying CTE that joins `changed`.
      const insertLines = sql`lines AS (
        INSERT INTO order_lines (${sql.join(LINE_COLUMNS.map((c) => sql.ref(c)))})
        SELECT ${sql.join(LINE_COLUMNS.map((c) => sql.ref(`l.${c}`)))} FROM jsonb_populate_recordset(NULL::order_lines, ${JSON.stringify(lines)}::jsonb) AS l
        JOIN changed ON changed.id = l.order_id
        RETURNING 1)`;
      const event = {
        def: OrderEventDefs.PLACED,
        keys: orders.map((o) => o.id),
        eventIds,
      };
      return (
        await withOutboxEvents<OrderRow>(
          insertOrders,
          event,
          CHANGED_ORDER_ID,
          CHANGED_ORDER_ID,
          ORDER_EVENT_PAYLOAD,
          insertLines,
        ).execute(db)
      ).rows;
    },
    /**
     * Per store: its orders placed and not yet picked up (canceled, failed and declined-card
     * orders are not in the store's queue). Counted on the partial index of open orders.
     */
    async backlogs(storeIds: readonly string[]): Promise<Map<string, number>> {
      const rows = await q
        .selectFrom('orders')
        .select(['store_id', (eb) => eb.fn.countAll<string>().as('n')])
        .where('store_id', 'in', [...new Set(storeIds)])
        .where('status', 'in', BEFORE_PICKUP)
        .groupBy('store_id')
        .execute();
      return new Map(rows.map((r) => [r.store_id, Number(r.n)]));
    },
  };
}
