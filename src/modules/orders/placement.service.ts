import { uuidv7 } from 'uuidv7';
import { coalescer, repeatsInBatch } from '../../platform/db/coalescer.ts';
import type { Db } from '../../platform/db/pool.ts';
import { retryOnConflict } from '../../platform/db/retry.ts';
import { AppError, isConnectionError } from '../../platform/errors.ts';
import type { InventoryService } from '../inventory/index.ts';
import { cartsRepository } from './carts.repository.ts';
import type { OrderDraft } from './order-draft.ts';
import { orderPlacementRepository } from './order-placement.repository.ts';
import { type OrderRow, ordersRepository } from './orders.repository.ts';

interface PlacementDeps {
  db: Db;
  inventory: InventoryService;
  /** How long a placed order holds its stock until its payment is settled. */
  reservationTtlMs: number;
}

/** What one order of a batch came to: placed, refused alone (an Error), or its key used already. */
type Placed = OrderRow | undefined | Error;

/**
 * Orders placed in one batch at most: each reservation in it is a subtransaction, and Postgres
 * keeps up to 64 of them per transaction in shared memory before it has to look them up on disk.
 */
const PLACE_BATCH_MAX = 50;

/** Another request with the same Idempotency-Key placed the order first. */
class SameKeyPlaced extends Error {}

const reservationOf = (deps: PlacementDeps, draft: OrderDraft) => ({
  storeId: draft.order.store_id,
  owner: `order:${draft.order.id}`,
  lines: draft.lines.map((l) => ({ productId: l.product_id, quantity: l.quantity })),
  ttlMs: deps.reservationTtlMs,
});

async function placeBatch(deps: PlacementDeps, batch: OrderDraft[]): Promise<Placed[]> {
  // A key twice in one batch (two requests of one retry racing): the first places the order,
  // the second is answered as a repeat (undefined) and holds no stock meanwhile.
  const repeat = repeatsInBatch(batch, (b) =>
    b.order.client_key === null ? null : `${b.order.customer_id}\n${b.order.client_key}`,
  );
  const placed = await placeTogether(
    deps,
    batch.filter((_, i) => !repeat[i]),
  );
  let next = 0;
  return repeat.map((r) => (r ? undefined : placed[next++]));
}

async function placeTogether(deps: PlacementDeps, batch: OrderDraft[]): Promise<Placed[]> {
  try {
    // Another process's batch may lock the same stock rows in another order: run it again.
    const { results, stores } = await retryOnConflict(() =>
      deps.db.transaction().execute((trx) => reserveAndWrite(deps, trx, batch)),
    );
    if (stores.length > 0) deps.inventory.stockChanged(stores);
    return results;
  } catch (err) {
    // Anything else fails the order that caused it, not the ones batched with it; but a lost
    // connection may have lost it after the commit: each request then answers 5xx, and its
    // retry finds its order by key.
    if (batch.length === 1 || isConnectionError(err)) throw err;
    const alone: Placed[] = [];
    for (const b of batch)
      alone.push(
        await placeTogether(deps, [b]).then(
          (r) => r[0],
          (e: unknown) => (e instanceof Error ? e : new Error(String(e))),
        ),
      );
    return alone;
  }
}

/** In the batch's transaction: reserve each order's stock, write the orders that got it. */
async function reserveAndWrite(deps: PlacementDeps, trx: Db, batch: OrderDraft[]) {
  const held = await deps.inventory.reserveEach(
    batch.map((b) => reservationOf(deps, b)),
    trx,
  );
  const toWrite = batch.flatMap((b, i) => {
    const h = held[i];
    return h instanceof Error || !h
      ? []
      : [{ order: { ...b.order, reservation_id: h.reservationId }, lines: b.lines }];
  });
  const written =
    toWrite.length === 0
      ? []
      : await orderPlacementRepository(trx).insertManyWithEvents(
          toWrite.map((w) => w.order),
          toWrite.flatMap((w) => w.lines),
          toWrite.map(() => uuidv7()),
        );
  const byId = new Map(written.map((r) => [r.id, r]));
  // An order whose key was taken meanwhile is not written: its stock goes back in this transaction.
  for (const w of toWrite)
    if (!byId.has(w.order.id)) await deps.inventory.release(w.order.reservation_id, trx);
  return {
    results: batch.map((b, i): Placed => {
      const h = held[i];
      return h instanceof Error ? h : byId.get(b.order.id);
    }),
    stores: [...new Set(written.map((r) => r.store_id))],
  };
}

/** A cart checkout: close the cart, turn its hold into the order's reservation, write the order. */
async function placeFromCart(
  deps: PlacementDeps,
  cartId: string,
  draft: OrderDraft,
): Promise<OrderRow | undefined> {
  try {
    // Two multi-line checkouts at one store may lock rows in opposite orders: run it again.
    const placed = await retryOnConflict(() =>
      deps.db.transaction().execute(async (trx) => {
        // The cart is closed first: a second checkout of the same cart (another key, a double
        // tap) finds it closed and stops here instead of placing a second order.
        if (!(await cartsRepository(trx).close(cartId, 'checked_out')))
          throw new AppError('CONFLICT', 'This cart was just checked out');
        const { reservationId, stores } = await deps.inventory.reserve(
          { ...reservationOf(deps, draft), replacingHoldOf: `cart:${cartId}` },
          trx,
        );
        const row = await orderPlacementRepository(trx).insertWithEvent(
          { ...draft.order, reservation_id: reservationId },
          draft.lines,
          uuidv7(),
        );
        // Throwing rolls the reservation back with it; returning would commit it.
        if (!row) throw new SameKeyPlaced();
        return { row, stores };
      }),
    );
    deps.inventory.stockChanged(placed.stores);
    return placed.row;
  } catch (err) {
    if (err instanceof SameKeyPlaced) return undefined;
    throw err;
  }
}

/**
 * Writes checkout's orders: the order, its lines and its `orders.order_placed` event together with
 * its stock, all or nothing. Checkouts of lines arriving together are placed together: one
 * transaction reserves each order's stock (each all or nothing on its own) and writes every order
 * that got its stock in one statement; a short order is answered OUT_OF_STOCK alone and the batch's
 * other orders go on. Cart checkouts keep their own transaction. One instance per platform, so
 * concurrent checkouts share its batches.
 */
export function placementService(deps: PlacementDeps) {
  // Concurrent checkouts share the look-up of earlier orders by key.
  const findEarlier = coalescer(
    async (asks: Array<{ customerId: string; key: string }>) => {
      const found = await ordersRepository(deps.db).findByClientKeys(asks);
      return asks.map((a) =>
        found.find((o) => o.customer_id === a.customerId && o.client_key === a.key),
      );
    },
    { max: 200 },
  );
  // Concurrent checkouts share the count of their stores' queues.
  const backlogAt = coalescer(
    async (storeIds: string[]) => {
      const n = await orderPlacementRepository(deps.db).backlogs(storeIds);
      return storeIds.map((id) => n.get(id) ?? 0);
    },
    { max: 200 },
  );
  const placeInBatch = coalescer<OrderDraft, OrderRow | undefined>(
    (batch) => placeBatch(deps, batch),
    { max: PLACE_BATCH_MAX },
  );
  return {
    /** The order this customer placed with this Idempotency-Key, if any. */
    findEarlier: (customerId: string, key: string) => findEarlier({ customerId, key }),
    /** The store's orders placed and not yet picked up: the queue a new order joins. */
    backlogAt: (storeId: string): Promise<number> => backlogAt(storeId),
    /**
     * Reserves the order's stock and writes it (from the cart when `cartId` is given). Undefined
     * when this customer's key was used by another request meanwhile: nothing of this one is kept.
     */
    place: (draft: OrderDraft, cartId: string | null) =>
      cartId ? placeFromCart(deps, cartId, draft) : placeInBatch(draft),
    /** The order placed with this key, read directly (after a repeat was answered undefined). */
    placedWithKey: (customerId: string, key: string) =>
      ordersRepository(deps.db).findByClientKey(customerId, key),
  };
}

export type PlacementService = ReturnType<typeof placementService>;
