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
 * 3–5. Pay for it (`payForOrder` in payment-steps.ts, which lists the steps and compensations):
 *    authorize attempt 1 (provider key `<order id>:authorize`), extend the stock hold, mark paid.
 *    - Declined → payment_failed with the stock still held: the customer may pay with another
 *      card (`POST /v1/orders/{id}/payment`, payment-retry.flow.ts) until the retry grace ends.
 *    - No answer within the payment wait (a slow or unreachable provider) → `pending`: the order
 *      stays placed, the payment goes on in this process, and the authorize workflow takes the
 *      order over after a few seconds if it is still placed (same key: never charged twice).
 */
import { uuidv7 } from 'uuidv7';
import type { Principal } from '../../platform/auth/principal.ts';
import type { Db } from '../../platform/db/pool.ts';
import { AppError } from '../../platform/errors.ts';
import type { Logger } from '../../platform/observability/logger.ts';
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
import { orderView, type OrderView } from './order-view.ts';
import type { OrderRow } from './orders.repository.ts';
import type { OrdersService } from './orders.service.ts';
import { AUTHORIZING, answerForOrder, type PaymentAnswer } from './payment-answer.ts';
import {
  authorizeInRequest,
  declineOrder,
  extendHold,
  failOrder,
  holdForRetry,
  markPaid,
  voidPayment,
  type PaymentSteps,
  payWithinWait,
} from './payment-steps.ts';
import type { PlacementService } from './placement.service.ts';
import type { FeeSchedule } from './pricing.ts';
import type { PromiseMade } from './orders-tables.ts';

/** The delivery window promised at checkout and the ETA point in it (learned, see eta). */
export type PromiseFn = (p: {
  storeId: string;
  store: { lat: number; lng: number };
  dropoff: { lat: number; lng: number };
  defaultPrepS: number;
  /** The store's orders placed and not yet picked up: the queue this one joins. */
  backlog: number;
}) => Promise<PromiseMade>;

/** What placing an order calls (steps 1–2). */
export interface PlaceDeps {
  db: Db;
  catalog: CatalogServices;
  fees: FeeSchedule;
  promise: PromiseFn;
  placement: PlacementService;
}

/** How long a request waits for the provider, how long a declined order waits for another card. */
export interface PaymentSettings {
  /** Milliseconds a request waits for the payment before it answers 202 (the payment goes on). */
  waitMs: number;
  /** Seconds a declined order keeps its stock for a retry with another card. */
  retryGraceS: number;
  logger: Logger;
}

/** What checkout calls. */
export interface CheckoutDeps extends PlaceDeps {
  orders: OrdersService;
  inventory: InventoryService;
  payments: PaymentsService;
  payment: PaymentSettings;
}

/** A placed order answers with its payment; a repeat answers with where the order is now. */
export interface CheckoutAnswer {
  created: boolean;
  order: OrderView;
  payment: PaymentAnswer;
}

/** Checkout: steps 1–2 place the order (or find the one this key placed), steps 3–5 pay for it. */
export async function checkout(
  deps: CheckoutDeps,
  by: Principal,
  input: CheckoutInput,
  clientKey: string | null,
): Promise<CheckoutAnswer> {
  const placed = await placeOrder(deps, by, input, clientKey);
  if (!placed.created) {
    const { id } = placed.row;
    const payment = await answerForOrder(
      placed.row,
      async () => (await deps.payments.get(id))?.decline_reason ?? null,
    );
    return { created: false, order: await deps.orders.get(by, id), payment };
  }
  const { payment, row } = await payInCheckout(deps, placed.row);
  return { created: true, order: orderView(row), payment };
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
  const [{ priced, currency, totals }, backlog] = await Promise.all([
    priceLines(deps.catalog, deps.fees, lines),
    deps.placement.backlogAt(storeId),
  ]);
  const promise = await deps.promise({
    storeId,
    store: { lat: store.lat, lng: store.lng },
    dropoff: input.delivery,
    defaultPrepS: store.avg_prep_s,
    backlog,
  });
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
    backlog,
  });
  // 2e. Reserve and write.
  const row = await deps.placement.place(draft, cartId);
  if (row) return { row, created: true };
  // Another request with this key placed the order first (nothing of ours was kept).
  const existing = clientKey ? await deps.placement.placedWithKey(by.id, clientKey) : undefined;
  if (!existing) throw new AppError('CONFLICT', 'The order could not be placed; retry');
  return { row: existing, created: false };
}

/** Steps 3–5 inside the checkout request, so the customer learns at once how the card went. */
async function payInCheckout(
  deps: CheckoutDeps,
  order: OrderRow,
): Promise<{ payment: PaymentAnswer; row: OrderRow }> {
  const { orders, inventory, payments, payment } = deps;
  const steps: PaymentSteps<OrderRow> = {
    authorize: () => authorizeInRequest(payments, order, { newOrder: true }),
    holdForRetry: () => holdForRetry(inventory, order.reservation_id, payment.retryGraceS),
    decline: (reason) => declineOrder(orders, order.id, reason, payment.retryGraceS),
    fail: (reason) => failOrder(orders, order.id, reason),
    extendHold: () => extendHold(inventory, order.reservation_id),
    markPaid: () => markPaid(orders, order.id),
    current: async () => (await orders.find(order.id)) ?? order,
    voidPayment: () => voidPayment(payments, order.id).catch(() => {}),
  };
  const paid = await payWithinWait(steps, payment.waitMs, (err) =>
    payment.logger.warn(
      { err, orderId: order.id },
      'a payment failed after its checkout stopped waiting',
    ),
  );
  if (!paid)
    return {
      payment: { status: 'pending', reason: AUTHORIZING },
      row: order,
    };
  switch (paid.outcome) {
    case 'authorized':
      return { payment: { status: 'authorized' }, row: paid.row };
    case 'pending':
      return { payment: { status: 'pending', reason: paid.reason }, row: order };
    case 'declined': {
      const row = paid.row ?? (await orders.find(order.id)) ?? order;
      const retryUntil = row.status === 'payment_failed' ? row.payment_due_at : null;
      return {
        payment: {
          status: 'declined',
          reason: paid.reason,
          retry_until: retryUntil?.toISOString() ?? null,
        },
        row,
      };
    }
    case 'hold lost':
    case 'ended meanwhile': {
      const row = paid.row ?? (await orders.find(order.id)) ?? order;
      return { payment: await answerForOrder(row, async () => null), row };
    }
  }
}
