/**
 * Checkout (`POST /v1/orders`), step by step. Each step calls a service; batching and SQL stay
 * inside the services.
 *
 * 1. Find an earlier order by the Idempotency-Key: a retry whose first attempt committed gets that
 *    order back (created: false) before anything else is checked.
 * 2. Place the order:
 *    a. the lines: the given ones (SKUs resolved, each product once) or the open cart's;
 *    b. the store: it exists, takes orders now and delivers to the address;
 *    c. the prices: every line from the catalog (never the client), one currency, the totals;
 *    d. the promised delivery window;
 *    e. reserve the stock and write the order, its lines and `orders.order_placed` in one
 *       transaction (the placement service batches concurrent checkouts).
 *       Compensation: another request with the same key placed it first → that order
 *       (created: false), ours is rolled back with its stock.
 * 3. Authorize the payment (provider key `<order id>:authorize`).
 *    - Declined → fail the order and release its stock at once (the failed order's compensation
 *      workflow voids whatever the provider holds).
 *    - Provider unreachable → answer `pending`: the order stays placed, and the authorize workflow
 *      takes it over after the grace period.
 * 4. Extend the stock hold past the placement expiry.
 *    - Hold lost (it expired, or the order ended) → fail the order; its compensation voids.
 * 5. Mark the order paid (placed → authorized).
 *    - Found paid: the authorize workflow got there first (a slow request) → authorized.
 *    - Ended meanwhile (canceled, failed) → void the authorization: its compensation may have run
 *      before the authorization existed.
 *
 * Steps 3–5 are `payForOrder`; the authorize workflow (order-saga.ts) runs the same function, with
 * the same step functions each wrapped as a DBOS step, for an order still placed after the grace
 * period (its request died, the provider was down). One provider key: never charged twice.
 */
import { uuidv7 } from 'uuidv7';
import type { Principal } from '../../platform/auth/principal.ts';
import type { Db } from '../../platform/db/pool.ts';
import { AppError } from '../../platform/errors.ts';
import type { CatalogServices } from '../catalog/index.ts';
import type { InventoryService } from '../inventory/index.ts';
import type { PaymentsService } from '../payments/index.ts';
import {
  type CheckoutInput,
  checkStore,
  draftOrder,
  priceLines,
  resolveLines,
} from './order-draft.ts';
import type { OrderStatus } from './order-state.ts';
import { orderView, type OrderView } from './order-view.ts';
import type { OrderRow } from './orders.repository.ts';
import type { OrdersService } from './orders.service.ts';
import type { PlacementService } from './placement.service.ts';
import type { FeeSchedule } from './pricing.ts';

/** The delivery window promised at checkout (from learned preparation and travel times). */
export type PromiseFn = (
  storeId: string,
  store: { lat: number; lng: number },
  dropoff: { lat: number; lng: number },
  defaultPrepS: number,
) => Promise<{ from: number; to: number }>;

/** What placing an order calls (steps 1–2). */
export interface PlaceDeps {
  db: Db;
  catalog: CatalogServices;
  fees: FeeSchedule;
  promise: PromiseFn;
  placement: PlacementService;
}

/** What checkout calls. */
export interface CheckoutDeps extends PlaceDeps {
  orders: OrdersService;
  inventory: InventoryService;
  payments: PaymentsService;
}

export type PaymentOutcome =
  | { status: 'authorized' }
  | { status: 'declined'; reason: string }
  | { status: 'pending'; reason: string };

/** A placed order answers with its payment; a repeat answers with the order's status. */
export type CheckoutAnswer =
  | { created: true; order: OrderView; payment: PaymentOutcome }
  | { created: false; order: OrderView; payment: { status: OrderStatus | 'pending' } };

/** A paid order holds its stock this long at most; its saga ends the reservation well before. */
export const PAID_ORDER_HOLD_MS = 24 * 3600 * 1000;

/** The reason of an order whose stock hold ended before its payment was authorized. */
export const STOCK_HOLD_LOST = 'stock: the hold ended before the payment was authorized';

/** Checkout: steps 1–2 place the order (or find the one this key placed), steps 3–5 pay for it. */
export async function checkout(
  deps: CheckoutDeps,
  by: Principal,
  input: CheckoutInput,
  clientKey: string | null,
): Promise<CheckoutAnswer> {
  const placed = await placeOrder(deps, by, input, clientKey);
  if (!placed.created) {
    const { status } = placed.row;
    return {
      created: false,
      order: await deps.orders.get(by, placed.row.id),
      payment: { status: status === 'placed' ? 'pending' : status },
    };
  }
  const { outcome, row } = await payInCheckout(deps, placed.row);
  return { created: true, order: orderView(row), payment: outcome };
}

/** Steps 1–2: the order placed with its stock, or the one this key placed before. */
export async function placeOrder(
  deps: PlaceDeps,
  by: Principal,
  input: CheckoutInput,
  clientKey: string | null,
): Promise<{ row: OrderRow; created: boolean }> {
  // 1. The first attempt's order, if it committed (its stored response lost: a 5xx, a crash): the
  // store may have closed since, the stock may be gone, a cart is closed by now.
  const earlier = clientKey ? await deps.placement.findEarlier(by.id, clientKey) : undefined;
  if (earlier) return { row: earlier, created: false };
  // 2a–d. What to place, where, at which prices, by when.
  const { storeId, cartId, lines } = await resolveLines(deps, by, input);
  const store = await checkStore(deps.catalog, storeId, input.delivery);
  const { priced, currency, totals } = await priceLines(deps.catalog, deps.fees, lines);
  const promise = await deps.promise(storeId, store, input.delivery, store.avg_prep_s);
  const draft = draftOrder({
    id: uuidv7(),
    by,
    storeId,
    input,
    clientKey,
    priced,
    currency,
    totals,
    promise,
  });
  // 2e. Reserve and write.
  const row = await deps.placement.place(draft, cartId);
  if (row) return { row, created: true };
  // Another request with this key placed the order first (nothing of ours was kept).
  const existing = clientKey ? await deps.placement.placedWithKey(by.id, clientKey) : undefined;
  if (!existing) throw new AppError('CONFLICT', 'The order could not be placed; retry');
  return { row: existing, created: false };
}

/** Steps 3–5 bound to one order, so checkout and the authorize workflow take the same decisions. */
export interface PaymentSteps<R extends { status: OrderStatus }> {
  authorize(): Promise<PaymentOutcome>;
  /** Placed → failed; undefined when the order had moved on. */
  fail(reason: string): Promise<R | undefined>;
  /** Gives a declined order's stock back at once; null leaves it to the order's compensation. */
  releaseStock: (() => Promise<unknown>) | null;
  extendHold(): Promise<boolean>;
  /** Placed → authorized; undefined when the order had moved on. */
  markPaid(): Promise<R | undefined>;
  /** The order as it is now. */
  current(): Promise<R | undefined>;
  voidPayment(): Promise<void>;
}

/** How paying for a placed order ended, with the order as the last step left it. */
export type Paid<R> =
  | { outcome: 'authorized'; row: R }
  | { outcome: 'pending'; reason: string }
  | { outcome: 'declined'; reason: string; row: R | undefined }
  | { outcome: 'hold lost'; row: R | undefined }
  | { outcome: 'ended meanwhile'; row: R | undefined };

/** Steps 3–5 and their compensations (see the top of this file). */
export async function payForOrder<R extends { status: OrderStatus }>(
  steps: PaymentSteps<R>,
): Promise<Paid<R>> {
  // 3. Authorize.
  const auth = await steps.authorize();
  if (auth.status === 'pending') return { outcome: 'pending', reason: auth.reason };
  if (auth.status === 'declined') {
    const failed = await steps.fail(`payment: ${auth.reason}`);
    await steps.releaseStock?.();
    return { outcome: 'declined', reason: auth.reason, row: failed };
  }
  // 4. The hold outlives the placement expiry before the order says it is paid: a crash between
  // the two leaves a placed order (the authorize workflow finds it), never a paid one without stock.
  if (!(await steps.extendHold()))
    return { outcome: 'hold lost', row: await steps.fail(STOCK_HOLD_LOST) };
  // 5. Mark paid.
  const paid = await steps.markPaid();
  if (paid) return { outcome: 'authorized', row: paid };
  const now = await steps.current();
  if (now && now.status !== 'canceled' && now.status !== 'failed')
    return { outcome: 'authorized', row: now };
  await steps.voidPayment();
  return { outcome: 'ended meanwhile', row: now };
}

/** Steps 3–5 inside the checkout request, so the customer learns at once how the card went. */
async function payInCheckout(
  deps: CheckoutDeps,
  order: OrderRow,
): Promise<{ outcome: PaymentOutcome; row: OrderRow }> {
  const { orders, inventory, payments } = deps;
  const paid = await payForOrder<OrderRow>({
    authorize: () => authorizeInCheckout(payments, order),
    fail: (reason) => failOrder(orders, order.id, reason),
    // The customer's next try finds the stock.
    releaseStock: () => releaseStock(inventory, order.reservation_id),
    extendHold: () => extendHold(inventory, order.reservation_id),
    markPaid: () => markPaid(orders, order.id),
    current: async () => (await orders.find(order.id)) ?? order,
    voidPayment: () => voidPayment(payments, order.id).catch(() => {}),
  });
  switch (paid.outcome) {
    case 'authorized':
      return { outcome: { status: 'authorized' }, row: paid.row };
    case 'pending':
      return { outcome: { status: 'pending', reason: paid.reason }, row: order };
    case 'declined':
      return { outcome: { status: 'declined', reason: paid.reason }, row: paid.row ?? order };
    case 'hold lost':
    case 'ended meanwhile': {
      const now = paid.row ?? (await orders.find(order.id)) ?? order;
      return { outcome: { status: 'pending', reason: `order is ${now.status}` }, row: now };
    }
  }
}

async function authorizeInCheckout(
  payments: PaymentsService,
  order: OrderRow,
): Promise<PaymentOutcome> {
  const charge = {
    orderId: order.id,
    amountMinor: order.total_minor,
    currency: order.currency,
    cardToken: order.payment_method,
  };
  try {
    return authorizationOutcome(await authorizePayment(payments, charge, { newOrder: true }));
  } catch (err) {
    // Unknown outcome: the authorize workflow retries it (same key) and settles the order.
    if (err instanceof AppError && err.code === 'DEPENDENCY_UNAVAILABLE')
      return { status: 'pending', reason: 'payment provider unavailable' };
    throw err;
  }
}

// The step functions, shared with the authorize workflow (which records each as a DBOS step).

/** What `authorizePayment` answers; a recorded DBOS step output, so its shape stays. */
export type Authorization = { ok: true } | { ok: false; reason: string };

/** Authorizes the order's amount with the order's provider key; a decline is an answer, not an error. */
export async function authorizePayment(
  payments: PaymentsService,
  charge: Parameters<PaymentsService['authorize']>[0],
  opts: { newOrder?: boolean } = {},
): Promise<Authorization> {
  try {
    await payments.authorize(charge, opts);
    return { ok: true };
  } catch (err) {
    if (err instanceof AppError && err.code === 'PAYMENT_DECLINED')
      return { ok: false, reason: String(err.details?.reason ?? 'declined') };
    throw err;
  }
}

export const authorizationOutcome = (a: Authorization): PaymentOutcome =>
  a.ok ? { status: 'authorized' } : { status: 'declined', reason: a.reason };

export const failOrder = (orders: OrdersService, orderId: string, reason: string) =>
  orders.transition(orderId, 'failed', { reason });

/** Plain, so paid orders move to `authorized` together (coalesced in the orders service). */
export const markPaid = (orders: OrdersService, orderId: string) =>
  orders.transition(orderId, 'authorized');

export const extendHold = (inventory: InventoryService, reservationId: string) =>
  inventory.extend(reservationId, PAID_ORDER_HOLD_MS);

export const releaseStock = (inventory: InventoryService, reservationId: string) =>
  inventory.release(reservationId);

/** Voids the order's authorization; nothing to void (declined, never reached the provider) is done. */
export async function voidPayment(payments: PaymentsService, orderId: string): Promise<void> {
  try {
    await payments.void({ orderId });
  } catch (err) {
    if (!(err instanceof AppError && (err.code === 'NOT_FOUND' || err.code === 'CONFLICT')))
      throw err;
  }
}
