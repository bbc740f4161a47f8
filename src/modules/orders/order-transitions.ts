import { uuidv7 } from 'uuidv7';
import { declaredEvent } from '../../platform/bus/declared-event.ts';
import { writeOutbox } from '../../platform/bus/outbox.ts';
import { coalescer, repeatsInBatch } from '../../platform/db/coalescer.ts';
import type { Db } from '../../platform/db/pool.ts';
import { type OrderEventPayload, orderEventOf } from './orders.events.ts';
import type { OrderRow } from './orders.repository.ts';
import { type NextAttempt, orderTransitionsRepository } from './order-transitions.repository.ts';
import { ORDER_RANK, type OrderStatus, sourcesOf } from './order-state.ts';

const eventPayload = (o: OrderRow): OrderEventPayload => ({
  order_id: o.id,
  version: o.version,
  status: o.status,
  rank: ORDER_RANK[o.status],
  store_id: o.store_id,
  customer_id: o.customer_id,
  total_minor: o.total_minor,
  captured_minor: o.captured_minor,
  currency: o.currency,
  reason: o.reason,
});

type Plain = { id: string; to: OrderStatus };

/**
 * Plain transitions (no reason, no expected version) to one status, coalesced: paid orders move to
 * `authorized` together in one statement. An order named twice in a batch is moved by its first
 * caller; the second finds it moved (undefined), as it would one at a time.
 */
function plainTransitions(db: Db) {
  return coalescer(
    async (batch: Plain[]) => {
      const to = (batch[0] as Plain).to;
      const repeat = repeatsInBatch(batch, (t) => t.id);
      const ids = batch.filter((_, i) => !repeat[i]).map((t) => t.id);
      const rows = await orderTransitionsRepository(db).transitionManyWithEvents(
        ids,
        sourcesOf(to),
        to,
        ids.map(() => uuidv7()),
      );
      const moved = new Map(rows.map((r) => [r.id, r]));
      return batch.map((t, i) => (repeat[i] ? undefined : moved.get(t.id)));
    },
    { max: 200, keyOf: (t) => t.to },
  );
}

/** The order state machine's moves, each guarded by the statuses it may leave and with its event. */
export function orderTransitions(db: Db) {
  const repo = orderTransitionsRepository(db);
  const plain = plainTransitions(db);
  return {
    /**
     * Applies a transition and its event in one statement (or in the caller's transaction); the
     * event starts whatever follows (the end of the saga on delivered, canceled, failed). Returns
     * undefined when the order was not in a state that allows it (someone else moved it first).
     */
    async transition(
      id: string,
      to: OrderStatus,
      extra: { reason?: string | null; version?: number; paymentDueInS?: number } = {},
      opts: { trx?: Db } = {},
    ): Promise<OrderRow | undefined> {
      if (opts.trx) {
        const row = await orderTransitionsRepository(opts.trx).transition(
          id,
          sourcesOf(to),
          to,
          extra,
        );
        if (row)
          await writeOutbox(opts.trx, [
            declaredEvent(orderEventOf(to), eventPayload(row), { aggregateId: row.id }),
          ]);
        return row;
      }
      if (
        extra.reason === undefined &&
        extra.version === undefined &&
        extra.paymentDueInS === undefined
      )
        return plain({ id, to });
      return repo.transitionWithEvent(id, sourcesOf(to), to, extra, uuidv7());
    },
    /** payment_failed → authorizing for the customer's next card, within the grace (see the repository). */
    startAttempt: (id: string, attempt: NextAttempt) =>
      repo.startAttemptWithEvent(id, attempt, uuidv7()),
    /** Moves the orders still in `from` to `to`, one event each (the deadline sweep); returns the moved ones. */
    transitionMany: (ids: readonly string[], from: OrderStatus, to: OrderStatus, reason: string) =>
      repo.transitionManyWithEvents(
        ids,
        [from],
        to,
        ids.map(() => uuidv7()),
        reason,
      ),
  };
}

export type OrderTransitions = ReturnType<typeof orderTransitions>;
