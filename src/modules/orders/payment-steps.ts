/**
 * Paying for an order (checkout's steps 3–5): authorize, keep the stock, mark paid, and what each
 * outcome costs. Checkout, the customer's payment retry (payment-retry.flow.ts) and the authorize
 * workflow (order-saga.ts) run the same `payForOrder`, each with its own step functions.
 *
 * 3. Authorize (provider key per attempt: `<order id>:authorize` at checkout, `…:authorize:<n>`
 *    for the customer's n-th card).
 *    - Declined → payment_failed, and the stock stays held through the retry grace: the customer
 *      may pay with another card until then; after it the sweep fails the order and its
 *      compensation gives the stock back. A hold that had ended already fails the order at once.
 *    - Provider unreachable or slow → `pending`: the order stays placed (authorizing for a retry)
 *      and the authorize workflow takes it over after a few seconds (same key: one charge).
 * 4. Extend the stock hold past the placement expiry.
 *    - Hold lost (it expired, or the order ended) → fail the order; its compensation voids. An
 *      order that had ended already is voided here: its compensation may have run first.
 * 5. Mark the order paid (→ authorized).
 *    - Found paid: another runner of the same attempt got there first → authorized.
 *    - Ended meanwhile (canceled, failed) → void the authorization.
 */
import { AppError } from '../../platform/errors.ts';
import type { InventoryService } from '../inventory/index.ts';
import type { PaymentsService } from '../payments/index.ts';
import type { OrderStatus } from './order-state.ts';
import type { OrdersService } from './orders.service.ts';

export type PaymentOutcome =
  | { status: 'authorized' }
  | { status: 'declined'; reason: string }
  | { status: 'pending'; reason: string };

/** Steps 3–5 bound to one order, so every runner takes the same decisions. */
export interface PaymentSteps<R extends { status: OrderStatus }> {
  authorize(): Promise<PaymentOutcome>;
  /** Keeps a declined order's stock through the retry grace; false when the hold had ended. */
  holdForRetry(): Promise<boolean>;
  /** → payment_failed (the customer may pay with another card); undefined when the order had moved on. */
  decline(reason: string): Promise<R | undefined>;
  /** → failed; undefined when the order had moved on. */
  fail(reason: string): Promise<R | undefined>;
  extendHold(): Promise<boolean>;
  /** → authorized; undefined when the order had moved on. */
  markPaid(): Promise<R | undefined>;
  /** The order as it is now. */
  current(): Promise<R | undefined>;
  voidPayment(): Promise<void>;
}

/** How paying for an order ended, with the order as the last step left it. */
export type Paid<R> =
  | { outcome: 'authorized'; row: R }
  | { outcome: 'pending'; reason: string }
  | { outcome: 'declined'; reason: string; row: R | undefined }
  | { outcome: 'hold lost'; row: R | undefined }
  | { outcome: 'ended meanwhile'; row: R | undefined };

/** A paid order holds its stock this long at most; its saga ends the reservation well before. */
export const PAID_ORDER_HOLD_MS = 24 * 3600 * 1000;

/** A declined order's stock is held this long past its retry grace, for the sweep to fail it first. */
const RETRY_HOLD_MARGIN_S = 60;

/** The reason of an order whose stock hold ended before its payment was authorized. */
export const STOCK_HOLD_LOST = 'stock: the hold ended before the payment was authorized';

/** Steps 3–5 and their compensations (see the top of this file). */
export async function payForOrder<R extends { status: OrderStatus }>(
  steps: PaymentSteps<R>,
): Promise<Paid<R>> {
  // 3. Authorize.
  const auth = await steps.authorize();
  if (auth.status === 'pending') return { outcome: 'pending', reason: auth.reason };
  if (auth.status === 'declined') {
    const reason = `payment: ${auth.reason}`;
    const declined = await steps.decline(reason);
    // The stock waits for the next card; a hold that had ended leaves nothing to wait for.
    const row = declined && !(await steps.holdForRetry()) ? await steps.fail(reason) : declined;
    return { outcome: 'declined', reason: auth.reason, row };
  }
  // 4. The hold outlives the placement expiry before the order says it is paid: a crash between
  // the two leaves an unpaid order (the authorize workflow finds it), never a paid one without stock.
  if (!(await steps.extendHold())) {
    const failed = await steps.fail(STOCK_HOLD_LOST);
    if (!failed) await steps.voidPayment();
    return { outcome: 'hold lost', row: failed ?? (await steps.current()) };
  }
  // 5. Mark paid.
  const paid = await steps.markPaid();
  if (paid) return { outcome: 'authorized', row: paid };
  const now = await steps.current();
  if (now && now.status !== 'canceled' && now.status !== 'failed')
    return { outcome: 'authorized', row: now };
  await steps.voidPayment();
  return { outcome: 'ended meanwhile', row: now };
}

/**
 * Steps 3–5 inside a request, which waits for the provider's answer at most `waitMs`: null when
 * it did not come by then. The payment goes on without the request (a later failure goes to
 * `late`); the order's status tells the client how it ended, and the authorize workflow takes the
 * order over should this process die first. Once the provider answered, the request waits for
 * the rest.
 */
export async function payWithinWait<R extends { status: OrderStatus }>(
  steps: PaymentSteps<R>,
  waitMs: number,
  late: (err: unknown) => void,
): Promise<Paid<R> | null> {
  let answered = false;
  let timedOut = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const paying = payForOrder({
    ...steps,
    authorize: async () => {
      const outcome = await steps.authorize();
      answered = true;
      return outcome;
    },
  });
  paying.catch((err: unknown) => {
    if (timedOut) late(err);
  });
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => {
      if (answered) return;
      timedOut = true;
      resolve(null);
    }, waitMs);
  });
  try {
    return await Promise.race([paying, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

// The step functions, shared by checkout, the payment retry and the authorize workflow (which
// records each as a DBOS step).

/** What `authorizePayment` answers; a recorded DBOS step output, so its shape stays. */
export type Authorization = { ok: true } | { ok: false; reason: string };

/** Authorizes the order's amount with the attempt's provider key; a decline is an answer, not an error. */
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

/** The order's current attempt, authorized within the request; an outage is `pending`, not an error. */
export async function authorizeInRequest(
  payments: PaymentsService,
  order: {
    id: string;
    total_minor: number;
    currency: string;
    payment_method: string;
    payment_attempt: number;
  },
  opts: { newOrder?: boolean } = {},
): Promise<PaymentOutcome> {
  const charge = {
    orderId: order.id,
    amountMinor: order.total_minor,
    currency: order.currency,
    cardToken: order.payment_method,
    attempt: order.payment_attempt,
  };
  try {
    return authorizationOutcome(await authorizePayment(payments, charge, opts));
  } catch (err) {
    // Unknown outcome: the authorize workflow retries it (same key) and settles the order.
    if (err instanceof AppError && err.code === 'DEPENDENCY_UNAVAILABLE')
      return { status: 'pending', reason: 'payment provider unavailable' };
    throw err;
  }
}

export const failOrder = (orders: OrdersService, orderId: string, reason: string) =>
  orders.transition(orderId, 'failed', { reason });

/** → payment_failed; the first decline sets when the grace ends, a later one leaves it. */
export const declineOrder = (
  orders: OrdersService,
  orderId: string,
  reason: string,
  graceS: number,
) => orders.transition(orderId, 'payment_failed', { reason, paymentDueInS: graceS });

/** Plain, so paid orders move to `authorized` together (coalesced in the orders service). */
export const markPaid = (orders: OrdersService, orderId: string) =>
  orders.transition(orderId, 'authorized');

export const extendHold = (inventory: InventoryService, reservationId: string) =>
  inventory.extend(reservationId, PAID_ORDER_HOLD_MS);

/** Holds a declined order's stock until a little after its retry grace ends. */
export const holdForRetry = (inventory: InventoryService, reservationId: string, graceS: number) =>
  inventory.extend(reservationId, (graceS + RETRY_HOLD_MARGIN_S) * 1000);

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
