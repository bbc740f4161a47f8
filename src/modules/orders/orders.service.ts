import { uuidv7 } from 'uuidv7';
import type { Principal } from '../../platform/auth/principal.ts';
import { newEvent } from '../../platform/bus/event.ts';
import { writeOutbox } from '../../platform/bus/outbox.ts';
import { coalescer, repeatsInBatch } from '../../platform/db/coalescer.ts';
import type { Db } from '../../platform/db/pool.ts';
import { AppError } from '../../platform/errors.ts';
import { type OrderEventPayload, orderEventType } from './orders.events.ts';
import { type OrderLineRow, type OrderRow, ordersRepository } from './orders.repository.ts';
import { CUSTOMER_CANCELLABLE, type OrderStatus, sourcesOf } from './order-state.ts';

export const orderView = (o: OrderRow, lines?: readonly OrderLineRow[]) => ({
  id: o.id,
  status: o.status,
  version: o.version,
  store_id: o.store_id,
  customer_id: o.customer_id,
  currency: o.currency,
  totals: {
    subtotal_minor: o.subtotal_minor,
    delivery_fee_minor: o.delivery_fee_minor,
    small_order_fee_minor: o.small_order_fee_minor,
    service_fee_minor: o.service_fee_minor,
    tax_minor: o.tax_minor,
    total_minor: o.total_minor,
    captured_minor: o.captured_minor,
  },
  delivery: { lat: o.delivery_lat, lng: o.delivery_lng, address: o.delivery_address },
  reason: o.reason,
  promise:
    o.promise_from && o.promise_to
      ? { from: o.promise_from.toISOString(), to: o.promise_to.toISOString() }
      : null,
  placed_at: o.placed_at.toISOString(),
  status_at: o.status_at.toISOString(),
  ...(lines
    ? {
        lines: lines.map((l) => ({
          product_id: l.product_id,
          sku: l.sku,
          name: l.name,
          unit_price_minor: l.unit_price_minor,
          quantity: l.quantity,
          picked_quantity: l.picked_quantity,
        })),
      }
    : {}),
});

export const eventPayload = (o: OrderRow): OrderEventPayload => ({
  order_id: o.id,
  version: o.version,
  status: o.status,
  store_id: o.store_id,
  customer_id: o.customer_id,
  total_minor: o.total_minor,
  captured_minor: o.captured_minor,
  currency: o.currency,
  reason: o.reason,
});

/** Who may see an order: its customer, its store's staff, ops (drivers come with dispatch). */
export function canSee(p: Principal, o: OrderRow): boolean {
  return (
    p.role === 'ops' ||
    (p.role === 'customer' && o.customer_id === p.id) ||
    (p.role === 'store' && p.storeId === o.store_id)
  );
}

/**
 * Plain transitions (no reason, no expected version) to one status, coalesced per database:
 * paid orders move to `authorized` together in one statement. An order named twice in a batch is
 * moved by its first caller; the second finds it moved (undefined), as it would one at a time.
 */
const plainTransitions = new WeakMap<
  Db,
  (t: { id: string; to: OrderStatus }) => Promise<OrderRow | undefined>
>();
function plainTransitionOf(db: Db) {
  let run = plainTransitions.get(db);
  if (!run) {
    run = coalescer(
      async (batch: Array<{ id: string; to: OrderStatus }>) => {
        const to = (batch[0] as { to: OrderStatus }).to;
        const repeat = repeatsInBatch(batch, (t) => t.id);
        const ids = batch.filter((_, i) => !repeat[i]).map((t) => t.id);
        const rows = await ordersRepository(db).transitionManyWithEvents(
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
    plainTransitions.set(db, run);
  }
  return run;
}

export function ordersService(db: Db) {
  const repo = ordersRepository(db);

  /**
   * Applies a transition and its event in one statement (or in the caller's transaction); the
   * event starts whatever follows (the end of the saga on delivered, canceled, failed). Returns
   * undefined when the order was not in a state that allows it (someone else moved it first).
   */
  async function transition(
    id: string,
    to: OrderStatus,
    extra: { reason?: string | null; version?: number } = {},
    opts: { trx?: Db } = {},
  ) {
    let row: OrderRow | undefined;
    if (opts.trx) {
      row = await ordersRepository(opts.trx).transition(id, sourcesOf(to), to, extra);
      if (row)
        await writeOutbox(opts.trx, [
          newEvent(orderEventType(to), eventPayload(row), { aggregateId: row.id }),
        ]);
    } else if (extra.reason === undefined && extra.version === undefined) {
      row = await plainTransitionOf(db)({ id, to });
    } else {
      row = await repo.transitionWithEvent(id, sourcesOf(to), to, extra, uuidv7());
    }
    return row;
  }

  async function visible(by: Principal, id: string): Promise<OrderRow> {
    const row = await repo.find(id);
    // Another caller's order is reported as missing, so order ids cannot be probed.
    if (!row || !canSee(by, row)) throw new AppError('NOT_FOUND', `No order ${id}`);
    return row;
  }

  async function move(
    by: Principal,
    id: string,
    to: OrderStatus,
    opts: { reason?: string; allowedFrom?: readonly OrderStatus[]; storeOnly?: boolean } = {},
  ) {
    const current = await visible(by, id);
    if (opts.storeOnly && by.role === 'customer')
      throw new AppError('FORBIDDEN', 'Only the store or ops can do this');
    if (opts.allowedFrom && !opts.allowedFrom.includes(current.status)) {
      throw new AppError('CONFLICT', `Order ${id} is ${current.status}; it can no longer be ${to}`);
    }
    // At the version we checked: a transition that raced ours cannot be overridden by it.
    const row = await transition(id, to, {
      reason: opts.reason ?? null,
      ...(opts.allowedFrom ? { version: current.version } : {}),
    });
    if (!row) {
      const now = await repo.find(id);
      throw new AppError('CONFLICT', `Order ${id} is ${now?.status}; it cannot become ${to}`);
    }
    return orderView(row);
  }

  return {
    transition,
    /** Moves the orders still in `from` to `to`, one event each (the deadline sweep); returns the moved ones. */
    transitionMany: (ids: readonly string[], from: OrderStatus, to: OrderStatus, reason: string) =>
      repo.transitionManyWithEvents(
        ids,
        [from],
        to,
        ids.map(() => uuidv7()),
        reason,
      ),
    find: (id: string) => repo.find(id),
    recordCapture: (id: string, amountMinor: number) => repo.recordCapture(id, amountMinor),
    lines: (id: string) => repo.lines(id),

    async get(by: Principal, id: string) {
      const row = await visible(by, id);
      return orderView(row, await repo.lines(id));
    },

    async list(by: Principal, q: { status?: OrderStatus; before?: string; limit: number }) {
      const scope =
        by.role === 'ops'
          ? {}
          : by.role === 'store'
            ? { storeId: by.storeId ?? '00000000-0000-0000-0000-000000000000' }
            : { customerId: by.id };
      const rows = await repo.list({ ...q, ...scope });
      return {
        items: rows.map((o) => orderView(o)),
        next_before: rows.length === q.limit ? (rows.at(-1)?.id ?? null) : null,
      };
    },

    cancel: (by: Principal, id: string, reason: string) =>
      move(by, id, 'canceled', {
        reason: `${by.role}: ${reason}`,
        allowedFrom: by.role === 'ops' ? undefined : CUSTOMER_CANCELLABLE,
      }),
    accept: (by: Principal, id: string) => move(by, id, 'accepted', { storeOnly: true }),
    reject: (by: Principal, id: string, reason: string) =>
      move(by, id, 'canceled', {
        reason: `store rejected: ${reason}`,
        storeOnly: true,
        allowedFrom: ['authorized'],
      }),
    preparing: (by: Principal, id: string) => move(by, id, 'preparing', { storeOnly: true }),

    /** Picked quantities (missing items, shortages) are recorded with "ready"; the capture uses them. */
    async ready(
      by: Principal,
      id: string,
      picked: ReadonlyArray<{ productId: string; quantity: number }>,
    ) {
      const current = await visible(by, id);
      if (by.role === 'customer')
        throw new AppError('FORBIDDEN', 'Only the store or ops can do this');
      if (!sourcesOf('ready').includes(current.status))
        throw new AppError('CONFLICT', `Order ${id} is ${current.status}; it cannot become ready`);
      const lines = await repo.lines(id);
      const known = new Set(lines.map((l) => l.product_id));
      const unknown = picked.filter((p) => !known.has(p.productId));
      if (unknown.length > 0)
        throw new AppError(
          'VALIDATION_FAILED',
          `picked: ${unknown.length} product(s) are not in this order`,
        );
      // The guarded transition goes first (it locks the order); the picked quantities are written
      // only by the request that made it, and a loser rolls back.
      const row = await db.transaction().execute(async (trx) => {
        const moved = await transition(id, 'ready', {}, { trx });
        if (!moved) throw new AppError('CONFLICT', `Order ${id} moved meanwhile`);
        await ordersRepository(trx).setPicked(id, picked);
        return moved;
      });
      return orderView(row);
    },

    pickedUp: (by: Principal, id: string) => move(by, id, 'picked_up', { storeOnly: true }),
    delivered: (by: Principal, id: string) => move(by, id, 'delivered', { storeOnly: true }),
  };
}

export type OrdersService = ReturnType<typeof ordersService>;
