import { type Kysely, sql } from 'kysely';
import { withOutboxEvent, withOutboxEvents } from '../../platform/bus/outbox.ts';
import type { Db } from '../../platform/db/pool.ts';
import { orderEventType } from './orders.events.ts';
import type { OrderStatus } from './order-state.ts';
import { ORDER_EVENT_PAYLOAD, type OrderRow, type OrderTables } from './orders.repository.ts';

type Extra = { reason?: string | null; version?: number };

/**
 * Moves the order to `to` only from one of `from` (and, when given, only at `version`):
 * concurrent or repeated transitions find the row already moved and change nothing.
 */
function transitionQuery(
  q: Kysely<OrderTables>,
  id: string,
  from: readonly OrderStatus[],
  to: OrderStatus,
  extra: Extra,
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
}

/** Guarded moves of orders (each with its event) and what the moves record on the order. */
export function orderTransitionsRepository(db: Db) {
  const q = db as unknown as Kysely<OrderTables>;
  return {
    /** The guarded transition alone: the caller writes its event in the same transaction. */
    transition(id: string, from: readonly OrderStatus[], to: OrderStatus, extra: Extra = {}) {
      return transitionQuery(q, id, from, to, extra).executeTakeFirst();
    },
    /** The guarded transition and its `orders.order_<status>` event in one statement. */
    async transitionWithEvent(
      id: string,
      from: readonly OrderStatus[],
      to: OrderStatus,
      extra: Extra,
      eventId: string,
    ) {
      const res = await withOutboxEvent<OrderRow>(
        transitionQuery(q, id, from, to, extra),
        { id: eventId, type: orderEventType(to), version: 1 },
        sql`changed.id::text`,
        ORDER_EVENT_PAYLOAD,
      ).execute(db);
      return res.rows[0];
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
    /**
     * The picked quantities of a ready order, each at most the ordered one. Raw: an UPDATE … FROM
     * `unnest` of parallel arrays, which Kysely has no typed form for.
     */
    async setPicked(
      orderId: string,
      picked: ReadonlyArray<{ productId: string; quantity: number }>,
    ) {
      if (picked.length === 0) return;
      await sql`UPDATE order_lines l SET picked_quantity = least(p.quantity, l.quantity)
        FROM unnest(${picked.map((p) => p.productId)}::uuid[], ${picked.map((p) => p.quantity)}::int[]) AS p(product_id, quantity)
        WHERE l.order_id = ${orderId}::uuid AND l.product_id = p.product_id`.execute(db);
    },
    /** The amount captured for a delivered order. */
    recordCapture(id: string, amountMinor: number) {
      return q
        .updateTable('orders')
        .set({ captured_minor: amountMinor, updated_at: sql`now()` })
        .where('id', '=', id)
        .execute();
    },
  };
}
