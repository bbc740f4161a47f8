/**
 * Paying for a declined order with another card (`POST /v1/orders/{id}/payment`), step by step.
 *
 * 1. The order: the customer's own (another's is missing, as everywhere), and the same
 *    Idempotency-Key as the attempt it started → that attempt's answer (its response was lost).
 * 2. Start the attempt: payment_failed → authorizing in one guarded statement, with the next
 *    attempt number and the new card, only while the grace lasts. One attempt at a time: a
 *    concurrent retry, or one while the previous attempt is still being authorized, finds the
 *    order authorizing and gets 409, so an order is never authorized twice.
 * 3–5. Pay (`payForOrder` in payment-steps.ts) with the provider key `<order id>:authorize:<n>`.
 *    - Authorized → 200 with the order.
 *    - Declined → payment_failed again, 402; the grace keeps its end (a retry does not extend it).
 *    - No answer within the payment wait → 202 with the order authorizing; the payment goes on, and
 *      the authorize workflow of this attempt takes the order over if this process dies.
 *    - The stock hold ended, or the order ended meanwhile → 409; the authorization is voided.
 */
import type { Principal } from '../../platform/auth/principal.ts';
import type { Db } from '../../platform/db/pool.ts';
import { AppError } from '../../platform/errors.ts';
import type { InventoryService } from '../inventory/index.ts';
import type { PaymentsService } from '../payments/index.ts';
import type { PaymentSettings } from './checkout.flow.ts';
import { visibleOrder } from './order-actions.ts';
import { orderView, type OrderView } from './order-view.ts';
import type { OrderRow } from './orders.repository.ts';
import type { OrdersService } from './orders.service.ts';
import { AUTHORIZING, answerForOrder, type PaymentAnswer } from './payment-answer.ts';
import {
  authorizeInRequest,
  declineOrder,
  extendHold,
  failOrder,
  markPaid,
  voidPayment,
  type PaymentSteps,
  payWithinWait,
} from './payment-steps.ts';

/** What the payment retry calls. */
export interface PaymentRetryDeps {
  db: Db;
  orders: OrdersService;
  inventory: InventoryService;
  payments: PaymentsService;
  payment: PaymentSettings;
}

/** The retry's answer: the order (with its lines) and how its payment went. */
export interface RetryAnswer {
  order: OrderView;
  payment: PaymentAnswer;
}

/** Steps 1–5 (see the top of this file). */
export async function retryPayment(
  deps: PaymentRetryDeps,
  by: Principal,
  orderId: string,
  cardToken: string,
  key: string,
): Promise<RetryAnswer> {
  // 1. Only the order's customer, at most one attempt per Idempotency-Key.
  const before = await visibleOrder(deps.db, by, orderId);
  if (before.payment_attempt_key === key) return answerAsItIs(deps, before);
  // 2. Start the attempt.
  const order = await deps.orders.startAttempt(orderId, { customerId: by.id, cardToken, key });
  if (!order) {
    const now = (await deps.orders.find(orderId)) ?? before;
    if (now.payment_attempt_key === key) return answerAsItIs(deps, now);
    throw notRetryable(now);
  }
  // 3–5. Pay.
  const paid = await payWithinWait(attemptSteps(deps, order), deps.payment.waitMs, (err) =>
    deps.payment.logger.warn(
      { err, orderId },
      'a payment retry failed after its request stopped waiting',
    ),
  );
  if (!paid) return answer(deps, order, { status: 'pending', reason: AUTHORIZING });
  switch (paid.outcome) {
    case 'authorized':
      return answer(deps, paid.row, { status: 'authorized' });
    case 'pending':
      return answer(deps, order, { status: 'pending', reason: paid.reason });
    case 'declined': {
      const row = paid.row ?? (await deps.orders.find(orderId)) ?? order;
      const until = row.status === 'payment_failed' ? row.payment_due_at : null;
      return answer(deps, row, {
        status: 'declined',
        reason: paid.reason,
        retry_until: until?.toISOString() ?? null,
      });
    }
    case 'hold lost':
      throw new AppError(
        'CONFLICT',
        `The stock of order ${orderId} was no longer held: the order failed and its payment is given back`,
      );
    case 'ended meanwhile':
      throw new AppError(
        'CONFLICT',
        `Order ${orderId} is ${paid.row?.status ?? 'gone'}: its payment is given back`,
      );
  }
}

/** Steps 3–5 for the attempt just started. */
function attemptSteps(deps: PaymentRetryDeps, order: OrderRow): PaymentSteps<OrderRow> {
  const { orders, inventory, payments, payment } = deps;
  return {
    authorize: () => authorizeInRequest(payments, order),
    // The first decline held the stock until after the grace, and a retry does not extend it.
    holdForRetry: async () => true,
    decline: (reason) => declineOrder(orders, order.id, reason, payment.retryGraceS),
    fail: (reason) => failOrder(orders, order.id, reason),
    extendHold: () => extendHold(inventory, order.reservation_id),
    markPaid: () => markPaid(orders, order.id),
    current: async () => (await orders.find(order.id)) ?? order,
    voidPayment: () => voidPayment(payments, order.id).catch(() => {}),
  };
}

async function answer(
  deps: PaymentRetryDeps,
  row: OrderRow,
  payment: PaymentAnswer,
): Promise<RetryAnswer> {
  const lines = await deps.orders.lines(row.id);
  return { order: orderView(row, lines), payment };
}

/** A request repeated with the Idempotency-Key of the attempt it started: where that attempt is. */
async function answerAsItIs(deps: PaymentRetryDeps, row: OrderRow) {
  const payment = await answerForOrder(
    row,
    async () => (await deps.payments.get(row.id))?.decline_reason ?? null,
  );
  return answer(deps, row, payment);
}

/** Why the order takes no other card now: a 409 that says what to do instead. */
function notRetryable(o: OrderRow): AppError {
  const id = o.id;
  switch (o.status) {
    case 'payment_failed':
      return new AppError(
        'CONFLICT',
        `The time to pay for order ${id} with another card ended at ${o.payment_due_at?.toISOString()}; the order fails and its stock is given back`,
      );
    case 'authorizing':
      return new AppError(
        'CONFLICT',
        `A payment of order ${id} is being authorized; follow the order (GET /v1/orders/${id}) for its outcome`,
      );
    case 'placed':
      return new AppError(
        'CONFLICT',
        `The first payment of order ${id} is being authorized; follow the order for its outcome`,
      );
    case 'failed':
    case 'canceled':
      return new AppError('CONFLICT', `Order ${id} is ${o.status}; place a new order`);
    default:
      return new AppError('CONFLICT', `Order ${id} is paid already (${o.status})`);
  }
}
