import { uuidv7 } from 'uuidv7';
import type { Principal } from '../../platform/auth/principal.ts';
import { coalescer, repeatsInBatch } from '../../platform/db/coalescer.ts';
import { retryOnConflict } from '../../platform/db/retry.ts';
import type { Db } from '../../platform/db/pool.ts';
import { AppError, isConnectionError } from '../../platform/errors.ts';
import type { CatalogServices } from '../catalog/index.ts';
import type { InventoryService } from '../inventory/index.ts';
import { cartsRepository } from './carts.repository.ts';
import {
  type NewOrder,
  type OrderLineRow,
  type OrderRow,
  ordersRepository,
} from './orders.repository.ts';
import { type FeeSchedule, priceOrder } from './pricing.ts';

export interface CheckoutInput {
  /** Lines to buy; without them the customer's open cart is checked out. */
  store_id?: string;
  lines?: Array<{ product_id?: string; sku?: string; quantity: number }>;
  delivery: { lat: number; lng: number; address: string };
  payment: { card_token: string };
}

const bad = (path: string, message: string) =>
  new AppError('VALIDATION_FAILED', `${path}: ${message}`, {
    details: { errors: [{ path: `body.${path}`, message }] },
  });

/**
 * Orders placed in one batch at most: each reservation in it is a subtransaction, and Postgres
 * keeps up to 64 of them per transaction in shared memory before it has to look them up on disk.
 */
const PLACE_BATCH_MAX = 50;

/** Another request with the same Idempotency-Key placed the order first. */
class SameKeyPlaced extends Error {}

/**
 * Places an order: checks the store and address, prices every line from the catalog (never the
 * client), then in one transaction reserves all lines (or none), writes the order with its lines
 * and its `orders.order_placed` event, and closes the cart. The saga takes it from there.
 */
/** The delivery window promised at checkout (from learned preparation and travel times). */
export type PromiseFn = (
  storeId: string,
  store: { lat: number; lng: number },
  dropoff: { lat: number; lng: number },
  defaultPrepS: number,
) => Promise<{ from: number; to: number }>;

export function checkoutService(deps: {
  db: Db;
  catalog: CatalogServices;
  inventory: InventoryService;
  fees: FeeSchedule;
  reservationTtlMs: number;
  promise: PromiseFn;
}) {
  const { db, catalog, inventory } = deps;

  async function resolveLines(
    by: Principal,
    input: CheckoutInput,
  ): Promise<{
    storeId: string;
    cartId: string | null;
    lines: Array<{ productId: string; quantity: number }>;
  }> {
    if (input.lines) {
      if (!input.store_id) throw bad('store_id', 'required with lines');
      const skus = input.lines.filter((l) => !l.product_id && l.sku).map((l) => l.sku as string);
      const bySku =
        skus.length > 0 ? await catalog.products.idsForSkus(skus) : new Map<string, string>();
      const seen = new Set<string>();
      const lines = input.lines.map((l, i) => {
        const productId = l.product_id ?? (l.sku ? bySku.get(l.sku) : undefined);
        if (!productId)
          throw bad(`lines.${i}`, l.sku ? `unknown SKU ${l.sku}` : 'give product_id or sku');
        if (seen.has(productId))
          throw bad(
            `lines.${i}`,
            'this product is already in an earlier line; send one line per product',
          );
        seen.add(productId);
        return { productId, quantity: l.quantity };
      });
      return { storeId: input.store_id, cartId: null, lines };
    }
    const cart = await cartsRepository(db).openCartOf(by.id);
    if (!cart || cart.lines.length === 0) throw new AppError('UNPROCESSABLE', 'The cart is empty');
    return {
      storeId: cart.store_id,
      cartId: cart.id,
      lines: cart.lines.map((l) => ({ productId: l.product_id, quantity: l.quantity })),
    };
  }

  /**
   * Checkouts of lines arriving together are placed together: one transaction reserves each
   * order's stock (each all or nothing on its own) and writes every order that got its stock, with
   * its lines and event, in one statement. A short order is answered OUT_OF_STOCK alone; the
   * batch's other orders go on. Undefined for an order whose key was already used.
   */
  const findEarlier = coalescer(
    async (asks: Array<{ customerId: string; key: string }>) => {
      const found = await ordersRepository(db).findByClientKeys(asks);
      return asks.map((a) =>
        found.find((o) => o.customer_id === a.customerId && o.client_key === a.key),
      );
    },
    { max: 200 },
  );

  const placeInBatch = coalescer<Placing, OrderRow | undefined>((batch) => placeBatch(batch), {
    max: PLACE_BATCH_MAX,
  });

  type Placing = { order: NewOrder; lines: OrderLineRow[] };

  async function placeBatch(batch: Placing[]): Promise<Array<OrderRow | undefined | Error>> {
    // A key twice in one batch (two requests of one retry racing): the first places the order,
    // the second is answered as a repeat (undefined) and holds no stock meanwhile.
    const repeat = repeatsInBatch(batch, (b) =>
      b.order.client_key === null ? null : `${b.order.customer_id}\n${b.order.client_key}`,
    );
    const placed = await placeTogether(batch.filter((_, i) => !repeat[i]));
    let next = 0;
    return repeat.map((r) => (r ? undefined : placed[next++]));
  }

  async function placeTogether(batch: Placing[]): Promise<Array<OrderRow | undefined | Error>> {
    try {
      // Another process's batch may lock the same stock rows in another order: run it again.
      const { results, stores } = await retryOnConflict(() =>
        db.transaction().execute(async (trx) => {
          const held = await inventory.reserveEach(
            batch.map((b) => ({
              storeId: b.order.store_id,
              owner: `order:${b.order.id}`,
              lines: b.lines.map((l) => ({ productId: l.product_id, quantity: l.quantity })),
              ttlMs: deps.reservationTtlMs,
            })),
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
              : await ordersRepository(trx).insertManyWithEvents(
                  toWrite.map((w) => w.order),
                  toWrite.flatMap((w) => w.lines),
                  toWrite.map(() => uuidv7()),
                );
          const byId = new Map(written.map((r) => [r.id, r]));
          // An order whose key was taken meanwhile is not written: its stock goes back in this transaction.
          for (const w of toWrite)
            if (!byId.has(w.order.id)) await inventory.release(w.order.reservation_id, trx);
          return {
            results: batch.map((b, i) => {
              const h = held[i];
              return h instanceof Error ? h : byId.get(b.order.id);
            }),
            stores: [...new Set(written.map((r) => r.store_id))],
          };
        }),
      );
      if (stores.length > 0) inventory.stockChanged(stores);
      return results;
    } catch (err) {
      // Anything else fails the order that caused it, not the ones batched with it; but a lost
      // connection may have lost it after the commit: each request then answers 5xx, and its
      // retry finds its order by key.
      if (batch.length === 1 || isConnectionError(err)) throw err;
      const alone: Array<OrderRow | undefined | Error> = [];
      for (const b of batch)
        alone.push(
          await placeTogether([b]).then(
            (r) => r[0],
            (e: unknown) => (e instanceof Error ? e : new Error(String(e))),
          ),
        );
      return alone;
    }
  }

  /** A cart checkout: close the cart, turn its hold into the order's reservation, write the order. */
  async function placeFromCart(
    cartId: string,
    order: NewOrder,
    lines: OrderLineRow[],
  ): Promise<OrderRow | undefined> {
    try {
      // Two multi-line checkouts at one store may lock rows in opposite orders: run it again.
      const placed = await retryOnConflict(() =>
        db.transaction().execute(async (trx) => {
          // The cart is closed first: a second checkout of the same cart (another key, a double
          // tap) finds it closed and stops here instead of placing a second order.
          if (!(await cartsRepository(trx).close(cartId, 'checked_out')))
            throw new AppError('CONFLICT', 'This cart was just checked out');
          const { reservationId, stores } = await inventory.reserve(
            {
              storeId: order.store_id,
              owner: `order:${order.id}`,
              lines: lines.map((l) => ({ productId: l.product_id, quantity: l.quantity })),
              ttlMs: deps.reservationTtlMs,
              replacingHoldOf: `cart:${cartId}`,
            },
            trx,
          );
          const row = await ordersRepository(trx).insertWithEvent(
            { ...order, reservation_id: reservationId },
            lines,
            uuidv7(),
          );
          // Throwing rolls the reservation back with it; returning would commit it.
          if (!row) throw new SameKeyPlaced();
          return { row, stores };
        }),
      );
      inventory.stockChanged(placed.stores);
      return placed.row;
    } catch (err) {
      if (err instanceof SameKeyPlaced) return undefined;
      throw err;
    }
  }

  return {
    async place(by: Principal, input: CheckoutInput, clientKey: string | null) {
      // A retry whose first attempt committed (its stored response lost: a 5xx, a crash) finds that
      // order before anything else is checked: the store may have closed since, the stock may be
      // gone, a cart is closed by now. Concurrent checkouts share the look-up.
      const earlier = clientKey
        ? await findEarlier({ customerId: by.id, key: clientKey })
        : undefined;
      if (earlier) return { row: earlier, created: false };
      const { storeId, cartId, lines } = await resolveLines(by, input);
      if (lines.length === 0) throw new AppError('UNPROCESSABLE', 'The order has no lines');
      const check = await catalog.stores.deliveryCheck(
        storeId,
        input.delivery.lat,
        input.delivery.lng,
      );
      if (!check) throw bad('store_id', 'unknown store');
      if (!check.open)
        throw new AppError('UNPROCESSABLE', `${check.store.name} is not taking orders now`);
      if (!check.covers)
        throw new AppError('UNPROCESSABLE', `${check.store.name} does not deliver to this address`);

      const products = await catalog.products.pricesFor(lines.map((l) => l.productId));
      const priced = lines.map((l, i) => {
        const p = products.get(l.productId);
        if (!p) throw bad(`lines.${i}`, 'unknown product');
        return { ...l, p };
      });
      const currency = priced[0]?.p.currency ?? '';
      const foreign = priced.findIndex((x) => x.p.currency !== currency);
      if (foreign >= 0)
        throw bad(
          `lines.${foreign}`,
          `priced in ${priced[foreign]?.p.currency}, the order is in ${currency}`,
        );
      const totals = priceOrder(
        priced.map((x) => ({ unitPriceMinor: x.p.price_minor, quantity: x.quantity })),
        deps.fees,
      );
      const promise = await deps.promise(
        storeId,
        check.store,
        input.delivery,
        check.store.avg_prep_s,
      );

      const orderId = uuidv7();
      const order: NewOrder = {
        id: orderId,
        customer_id: by.id,
        store_id: storeId,
        status: 'placed',
        currency,
        ...totals,
        delivery_lat: input.delivery.lat,
        delivery_lng: input.delivery.lng,
        delivery_address: input.delivery.address,
        reservation_id: '',
        payment_method: input.payment.card_token,
        client_key: clientKey,
        promise_from: new Date(promise.from),
        promise_to: new Date(promise.to),
      };
      const orderLines: OrderLineRow[] = priced.map((x) => ({
        order_id: orderId,
        product_id: x.productId,
        sku: x.p.sku,
        name: x.p.name,
        unit_price_minor: x.p.price_minor,
        quantity: x.quantity,
        picked_quantity: null,
        age_restricted: x.p.age_restricted,
      }));
      const row = cartId
        ? await placeFromCart(cartId, order, orderLines)
        : await placeInBatch({ order, lines: orderLines });
      if (!row) {
        // Another request with this key placed the order first (nothing of ours was kept).
        const existing = clientKey
          ? await ordersRepository(db).findByClientKey(by.id, clientKey)
          : undefined;
        if (!existing) throw new AppError('CONFLICT', 'The order could not be placed; retry');
        return { row: existing, created: false };
      }
      return { row, created: true };
    },
  };
}

export type CheckoutService = ReturnType<typeof checkoutService>;
