import type { PlatformContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { DBOS, startOptions } from '../../platform/workflows/engine.ts';
import { inventoryFor } from '../inventory/index.ts';
import { paymentsFor } from '../payments/index.ts';
import { type OrderStatus, PHASE_DEADLINES_S } from './order-state.ts';
import { PAID_ORDER_HOLD_MS, STOCK_HOLD_LOST } from './placement.ts';
import { ordersRepository } from './orders.repository.ts';
import { ordersService } from './orders.service.ts';
import { type FeeSchedule, priceOrder } from './pricing.ts';

/** Settles the payment of a placed order the checkout request did not settle (crash, provider down). */
export const WORKFLOW_AUTHORIZE = 'orders.authorize';
/** Captures what was delivered and takes the picked units out of stock. */
export const WORKFLOW_SETTLE = 'orders.settle';
/** Gives everything back for a canceled or failed order: the stock and the authorization. */
export const WORKFLOW_COMPENSATE = 'orders.compensate';

export const authorizeWorkflowId = (orderId: string) => `order:${orderId}:authorize`;
export const settleWorkflowId = (orderId: string) => `order:${orderId}:settle`;
export const compensateWorkflowId = (orderId: string) => `order:${orderId}:compensate`;

/** Seconds a placed order is left to its checkout request before the authorize workflow takes over. */
export const PLACEMENT_GRACE_S = 10;

interface SagaDeps {
  orders: ReturnType<typeof ordersService>;
  inventory: ReturnType<typeof inventoryFor>;
  payments: ReturnType<typeof paymentsFor>;
  fees: FeeSchedule;
}

interface OrderSnapshot {
  status: OrderStatus;
  total: number;
  currency: string;
  paymentMethod: string;
  reservationId: string;
}

// DBOS keeps one registry per process: the steps are registered once and use the dependencies of
// the platform running in this process.
let deps: SagaDeps | null = null;
let workflows: {
  authorize: (id: string) => Promise<string>;
  settle: (id: string) => Promise<string>;
  compensate: (id: string) => Promise<string>;
} | null = null;
const d = (): SagaDeps => {
  if (!deps) throw new Error('order workflows used before the platform started');
  return deps;
};

const RETRY = { retriesAllowed: true, maxAttempts: 8, intervalSeconds: 1, backoffRate: 2 } as const;
// Money movements keep trying for longer: a delivered order must end captured, not stuck.
const MONEY_RETRY = {
  retriesAllowed: true,
  maxAttempts: 20,
  intervalSeconds: 2,
  backoffRate: 1.5,
} as const;

/**
 * The order saga, as three short durable workflows instead of one that waits out the whole order.
 * Between them the order's row is the state: the store and the courier move it, every move emits
 * an event (outbox), and the events start the end of the saga. Nothing runs, and nothing polls,
 * while an order waits for the store or the courier, so the orders in flight cost no workflow each.
 *
 * - authorize (`order:<id>:authorize`): started by the deadline sweep for an order still placed
 *   after the grace period (its checkout died or the provider was down); authorizes with the same
 *   provider key as checkout, so it never charges twice, or fails the order.
 * - settle (`order:<id>:settle`), on `orders.order_delivered`: capture the delivered amount, take
 *   the picked units out of stock, record the capture.
 * - compensate (`order:<id>:compensate`), on `orders.order_canceled` and `orders.order_failed`:
 *   release the stock, void the authorization.
 *
 * Deadlines per status (PHASE_DEADLINES_S) are enforced by `sweepOrders`, which moves an overdue
 * order to canceled (failed once the courier has it); that move starts the compensation like any
 * other. Every step is safe to repeat after a crash; each workflow id is one execution per order.
 */
export function registerOrderSaga(ctx: PlatformContext, fees: FeeSchedule): void {
  deps = {
    orders: ordersService(ctx.db),
    inventory: inventoryFor(ctx),
    payments: paymentsFor(ctx),
    fees,
  };
  if (workflows) return;

  const load = DBOS.registerStep(
    async (orderId: string): Promise<OrderSnapshot | null> => {
      const o = await d().orders.find(orderId);
      return o
        ? {
            status: o.status,
            total: o.total_minor,
            currency: o.currency,
            paymentMethod: o.payment_method,
            reservationId: o.reservation_id,
          }
        : null;
    },
    { name: 'orders.load', ...RETRY },
  );

  const authorizeStep = DBOS.registerStep(
    async (orderId: string, o: OrderSnapshot): Promise<{ ok: boolean; reason?: string }> => {
      try {
        await d().payments.authorize({
          orderId,
          amountMinor: o.total,
          currency: o.currency,
          cardToken: o.paymentMethod,
        });
        return { ok: true };
      } catch (err) {
        if (err instanceof AppError && err.code === 'PAYMENT_DECLINED')
          return { ok: false, reason: String(err.details?.reason ?? 'declined') };
        // A provider outage is retried by the step (same provider key, so never a second charge).
        throw err;
      }
    },
    { name: 'orders.authorize', ...RETRY },
  );

  const transition = DBOS.registerStep(
    async (orderId: string, to: OrderStatus, reason: string | null) =>
      (await d().orders.transition(orderId, to, { reason })) !== undefined,
    { name: 'orders.transition', ...RETRY },
  );

  const extendHold = DBOS.registerStep(
    async (reservationId: string) => d().inventory.extend(reservationId, PAID_ORDER_HOLD_MS),
    {
      name: 'inventory.extend',
      ...RETRY,
    },
  );

  const releaseStock = DBOS.registerStep(
    async (reservationId: string) => d().inventory.release(reservationId),
    { name: 'inventory.release', ...RETRY },
  );

  const voidPayment = DBOS.registerStep(
    async (orderId: string) => {
      try {
        await d().payments.void({ orderId });
      } catch (err) {
        // Nothing was authorized (declined, or the provider never got the request): nothing to void.
        if (!(err instanceof AppError && (err.code === 'NOT_FOUND' || err.code === 'CONFLICT')))
          throw err;
      }
    },
    { name: 'payments.void', ...MONEY_RETRY },
  );

  const settleStep = DBOS.registerStep(
    async (orderId: string, reservationId: string) => {
      const lines = await d().orders.lines(orderId);
      const picked = lines.map((l) => ({
        productId: l.product_id,
        quantity: l.picked_quantity ?? l.quantity,
      }));
      const amount = priceOrder(
        lines.map((l) => ({
          unitPriceMinor: l.unit_price_minor,
          quantity: l.picked_quantity ?? l.quantity,
        })),
        d().fees,
      ).total_minor;
      // Capture first: stock confirmation is local and cannot fail for business reasons.
      await d().payments.capture({ orderId, amountMinor: amount });
      // A repeat after a crash finds the reservation confirmed already; one that was never held
      // (expired) is a bug to surface, not to paper over.
      const confirmed = await d().inventory.confirm(reservationId, picked);
      if (!confirmed) {
        const r = await d().inventory.get(reservationId);
        if (r?.status !== 'confirmed')
          throw new Error(
            `reservation ${reservationId} of order ${orderId} is ${r?.status}, not held`,
          );
      }
      await d().orders.recordCapture(orderId, amount);
      return amount;
    },
    { name: 'orders.settle', ...MONEY_RETRY },
  );

  const authorize = DBOS.registerWorkflow(
    async (orderId: string) => {
      const o = await load(orderId);
      if (!o) return 'missing';
      if (o.status !== 'placed') return o.status;
      // Only after the step's retries (about two minutes of waiting, more when calls time out) does
      // an outage fail the order.
      const auth = await authorizeStep(orderId, o).catch(() => ({
        ok: false,
        reason: 'payment_unavailable',
      }));
      if (!auth.ok) {
        // The failed order's compensation releases the stock and voids whatever the provider holds.
        await transition(orderId, 'failed', `payment: ${auth.reason}`);
        return 'failed';
      }
      // The hold outlives the placement expiry before the order says it is paid: a crash between the
      // two leaves a placed order, which this workflow finds again, never a paid order without stock.
      if (!(await extendHold(o.reservationId))) {
        // The hold ended first: fail the order; its compensation voids the authorization.
        await transition(orderId, 'failed', STOCK_HOLD_LOST);
        return 'failed';
      }
      if (await transition(orderId, 'authorized', null)) return 'authorized';
      // The checkout request got there first: the order is paid.
      const now = await load(orderId);
      if (now && now.status !== 'canceled' && now.status !== 'failed') return 'authorized';
      // Ended while the card was being authorized: its compensation may have run before the
      // authorization existed, so give the hold back here.
      await voidPayment(orderId);
      return now?.status ?? 'missing';
    },
    { name: WORKFLOW_AUTHORIZE },
  );

  const settle = DBOS.registerWorkflow(
    async (orderId: string) => {
      const o = await load(orderId);
      if (!o) return 'missing';
      if (o.status !== 'delivered') return o.status;
      await settleStep(orderId, o.reservationId);
      return 'settled';
    },
    { name: WORKFLOW_SETTLE },
  );

  const compensate = DBOS.registerWorkflow(
    async (orderId: string) => {
      const o = await load(orderId);
      if (!o) return 'missing';
      if (o.status !== 'canceled' && o.status !== 'failed') return o.status;
      await releaseStock(o.reservationId);
      await voidPayment(orderId);
      return 'compensated';
    },
    { name: WORKFLOW_COMPENSATE },
  );

  workflows = { authorize, settle, compensate };
}

const registered = () => {
  if (!workflows) throw new Error('order workflows are not registered');
  return workflows;
};

/** Starts (or finds: the id makes a repeat the same workflow) the end of an order's saga. */
export async function startOrderEnd(orderId: string, status: OrderStatus): Promise<void> {
  const w = registered();
  if (status === 'delivered')
    await DBOS.startWorkflow(w.settle, startOptions(settleWorkflowId(orderId)))(orderId);
  else if (status === 'canceled' || status === 'failed')
    await DBOS.startWorkflow(w.compensate, startOptions(compensateWorkflowId(orderId)))(orderId);
}

// Placed orders this process handed to the authorize workflow lately: one start is enough (its id
// is one execution anyway), so later rounds skip them instead of asking again every second.
const authorizeStarted = new Map<string, number>();
const AUTHORIZE_RESTART_MS = 5 * 60_000;

/**
 * One round of the deadline sweep: every order overdue in its status is canceled (failed once
 * picked up), which starts its compensation; a placed order past the grace period gets the
 * authorize workflow. Safe on several workers at once: each move is guarded by the status it
 * was found in, and a workflow id starts one execution.
 */
export async function sweepOrders(
  ctx: PlatformContext,
  deadlines: Partial<Record<OrderStatus, number>>,
  limit = 500,
): Promise<number> {
  const repo = ordersRepository(ctx.db);
  const orders = ordersService(ctx.db);
  let acted = 0;
  // Deadlines first: a placed order past its hard limit is failed, not handed to the authorize workflow.
  for (const [status, limitS] of Object.entries(deadlines) as Array<[OrderStatus, number]>) {
    const ids = await repo.overdue(status, limitS, limit);
    if (ids.length === 0) continue;
    // Nobody could settle the payment of a placed order, and the courier has a picked-up one: both
    // failed; an order the store or the courier let wait is canceled.
    const to: OrderStatus = status === 'picked_up' || status === 'placed' ? 'failed' : 'canceled';
    acted += (
      await orders.transitionMany(ids, status, to, `timeout: ${status} for more than ${limitS} s`)
    ).length;
  }
  const now = Date.now();
  for (const [id, at] of authorizeStarted)
    if (now - at > AUTHORIZE_RESTART_MS) authorizeStarted.delete(id);
  for (const id of await repo.overdue('placed', PLACEMENT_GRACE_S, limit, [
    ...authorizeStarted.keys(),
  ])) {
    await DBOS.startWorkflow(registered().authorize, startOptions(authorizeWorkflowId(id)))(id);
    authorizeStarted.set(id, now);
    acted++;
  }
  return acted;
}

/** The name of the one-workflow-per-order saga of earlier versions. */
const LEGACY_SAGA = 'orders.saga';

/**
 * Databases written by earlier versions hold one `orders.saga` workflow per order in flight, which
 * this version no longer registers. Each is canceled and its order handed to what replaces it: the
 * end workflow for an order that ended, the deadline sweep and the order's events for the rest.
 */
export async function retireLegacySagas(): Promise<number> {
  const left = await DBOS.listWorkflows({
    workflowName: LEGACY_SAGA,
    status: ['PENDING', 'ENQUEUED', 'DELAYED'],
    limit: 10_000,
  });
  for (const wf of left) {
    await DBOS.cancelWorkflow(wf.workflowID);
    const orderId = wf.workflowID.replace(/^order:/, '');
    const o = deps ? await d().orders.find(orderId) : undefined;
    if (o) await startOrderEnd(o.id, o.status);
  }
  return left.length;
}

/** The deadlines in force: the fixed ones, with the store's accept window from the configuration. */
export const orderDeadlines = (ctx: PlatformContext): Partial<Record<OrderStatus, number>> => ({
  ...PHASE_DEADLINES_S,
  authorized: ctx.config.orderAcceptTimeoutS,
});
