import { sql } from 'kysely';
import { withOutboxEvent, withOutboxEvents } from '../../platform/bus/outbox.ts';
import type { Db } from '../../platform/db/pool.ts';
import { orderEventOf } from './orders.events.ts';
import { type OrderStatus, sourcesOf } from './order-state.ts';
import { CHANGED_ORDER_ID, ORDER_EVENT_PAYLOAD, type OrderRow } from './orders.repository.ts';
import { type OrdersDb, ordersDb } from './orders-tables.ts';

type Extra = {
  reason?: string | null;
  version?: number;
  /** Sets `payment_due_at` this many seconds from now, unless an earlier move set it already. */
  paymentDueInS?: number;
};

// Raw: make_interval's named argument (secs => …), which eb.fn cannot pass.
const secondsFromNow = (s: number) => sql<Date>`now() + make_interval(secs => ${s})`;

/**
 * Moves the order to `to` only from one of `from` (and, when given, only at `version`):
 * concurrent or repeated transitions find the row already moved and change nothing.
 */
function transitionQuery(
  q: OrdersDb,
  id: string,
  from: readonly OrderStatus[],
  to: OrderStatus,
  extra: Extra,
) {
  let query = q
    .updateTable('orders')
    .set((eb) => ({
      status: to,
      version: eb('version', '+', eb.lit(1)),
      status_at: eb.fn('now'),
      updated_at: eb.fn('now'),
      ...(extra.reason !== undefined ? { reason: extra.reason } : {}),
      ...(extra.paymentDueInS !== undefined
        ? {
            payment_due_at: eb.fn.coalesce('payment_due_at', secondsFromNow(extra.paymentDueInS)),
          }
        : {}),
    }))
    .where('id', '=', id)
    .where('status', 'in', [...from]);
  if (extra.version !== undefined) query = query.where('version', '=', extra.version);
  return query.returningAll();
}

/** The customer's next payment attempt: their card and the Idempotency-Key of the request. */
export interface NextAttempt {
  customerId: string;
  cardToken: string;
  key: string;
}

/**
 * Starts the customer's next payment attempt with another card (payment_failed → authorizing):
 * the next attempt number, the card and the request's key; only the customer's own order, only
 * while its grace lasts. Nothing when the order is not in a state that allows it.
 */
function startAttemptQuery(q: OrdersDb, id: string, attempt: NextAttempt) {
  return q
    .updateTable('orders')
    .set((eb) => ({
      status: 'authorizing',
      version: eb('version', '+', eb.lit(1)),
      payment_attempt: eb('payment_attempt', '+', eb.lit(1)),
      payment_method: attempt.cardToken,
      payment_attempt_key: attempt.key,
      reason: null,
      status_at: eb.fn('now'),
      updated_at: eb.fn('now'),
    }))
    .where('id', '=', id)
    .where('customer_id', '=', attempt.customerId)
    .where('status', 'in', sourcesOf('authorizing'))
    .where('payment_due_at', '>', sql<Date>`now()`)
    .returningAll();
}

/** A change of one order and its `orders.order_<to>` event, in one statement. */
async function withEvent(
  db: Db,
  change: ReturnType<typeof transitionQuery>,
  to: OrderStatus,
  eventId: string,
): Promise<OrderRow | undefined> {
  const res = await withOutboxEvent<OrderRow>(
    change,
    { id: eventId, def: orderEventOf(to) },
    CHANGED_ORDER_ID,
    ORDER_EVENT_PAYLOAD,
  ).execute(db);
  return res.rows[0];
}

/** Guarded moves of orders (each with its event) and what the moves record on the order. */
export function orderTransitionsRepository(db: Db) {
  const q = ordersDb(db);
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
      return withEvent(db, transitionQuery(q, id, from, to, extra), to, eventId);
    },
    /** payment_failed → authorizing for the customer's next card (see `startAttemptQuery`). */
    startAttemptWithEvent(id: string, attempt: NextAttempt, eventId: string) {
      return withEvent(db, startAttemptQuery(q, id, attempt), 'authorizing', eventId);
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
        .set((eb) => ({
          status: to,
          version: eb('version', '+', eb.lit(1)),
          status_at: eb.fn('now'),
          updated_at: eb.fn('now'),
          ...(reason !== undefined ? { reason } : {}),
        }))
        .where((eb) => eb('id', '=', eb.fn.any(eb.val([...ids]))))
        .where('status', 'in', [...from])
        .returningAll();
      const event = { def: orderEventOf(to), keys: ids, eventIds };
      return (
        await withOutboxEvents<OrderRow>(
          update,
          event,
          CHANGED_ORDER_ID,
          CHANGED_ORDER_ID,
          ORDER_EVENT_PAYLOAD,
        ).execute(db)
      ).rows;
    },
    /** The picked quantities of a ready order, each at most the ordered one. */
    async setPicked(
      orderId: string,
      picked: ReadonlyArray<{ productId: string; quantity: number }>,
    ) {
      if (picked.length === 0) return;
      // Raw: a multi-array unnest with a column definition list (… AS t(product_id, quantity)).
      const rows = sql<{ product_id: string; quantity: number }>`(SELECT * FROM unnest(
        ${picked.map((p) => p.productId)}::uuid[], ${picked.map((p) => p.quantity)}::int[])
        AS t(product_id, quantity))`;
      await q
        .updateTable('order_lines as l')
        .from(rows.as('p'))
        .set((eb) => ({ picked_quantity: eb.fn<number>('least', ['p.quantity', 'l.quantity']) }))
        .where('l.order_id', '=', orderId)
        .whereRef('l.product_id', '=', 'p.product_id')
        .execute();
    },
    /** The amount captured for a delivered order. */
    recordCapture(id: string, amountMinor: number) {
      return q
        .updateTable('orders')
        .set((eb) => ({ captured_minor: amountMinor, updated_at: eb.fn('now') }))
        .where('id', '=', id)
        .execute();
    },
  };
}
