import type { PlatformContext } from '../../platform/context.ts';
import { DBOS } from '../../platform/workflows/engine.ts';
import { startAuthorize, startOrderEnd } from './order-saga.ts';
import { type OrderStatus, PHASE_DEADLINES_S } from './order-state.ts';
import type { OrdersService } from './orders.service.ts';

/**
 * Seconds an unsettled payment (a placed order, or an authorizing one) is left to its request
 * before the authorize workflow takes over.
 */
export const PLACEMENT_GRACE_S = 10;

/** The reason of a declined order nobody paid for in time. */
export const RETRY_GRACE_OVER = 'payment: not paid with another card within the retry grace';

// Payment attempts this process handed to the authorize workflow lately: one start is enough (its
// id is one execution anyway), so later rounds skip them instead of asking again every second.
const authorizeStarted = new Map<string, number>();
const AUTHORIZE_RESTART_MS = 5 * 60_000;

/**
 * One round of the deadline sweep: every order overdue in its status is canceled (failed once
 * picked up, or while its payment was never settled), which starts its compensation; a declined
 * order past its retry grace fails the same way; an unsettled payment past the grace period gets
 * the authorize workflow. Safe on several workers at once: each move is guarded by the status it
 * was found in, and a workflow id starts one execution.
 */
export async function sweepOrders(
  orders: OrdersService,
  deadlines: Partial<Record<OrderStatus, number>>,
  limit = 500,
): Promise<number> {
  let acted = 0;
  // Deadlines first: an unpaid order past its hard limit is failed, not handed to the workflow.
  for (const [status, limitS] of Object.entries(deadlines) as Array<[OrderStatus, number]>) {
    const ids = await orders.overdue(status, limitS, limit);
    if (ids.length === 0) continue;
    // Nobody could settle the payment of an unpaid order, and the courier has a picked-up one:
    // both failed; an order the store or the courier let wait is canceled.
    const to: OrderStatus = FAILED_WHEN_LATE.has(status) ? 'failed' : 'canceled';
    acted += (
      await orders.transitionMany(ids, status, to, `timeout: ${status} for more than ${limitS} s`)
    ).length;
  }
  const unpaid = await orders.paymentOverdue(limit);
  if (unpaid.length > 0)
    acted += (await orders.transitionMany(unpaid, 'payment_failed', 'failed', RETRY_GRACE_OVER))
      .length;
  return acted + (await handOverPayments(orders, limit));
}

const FAILED_WHEN_LATE: ReadonlySet<OrderStatus> = new Set(['picked_up', 'placed', 'authorizing']);

/** Starts the authorize workflow of each payment attempt its request left unsettled. */
async function handOverPayments(orders: OrdersService, limit: number): Promise<number> {
  let acted = 0;
  const now = Date.now();
  for (const [id, at] of authorizeStarted)
    if (now - at > AUTHORIZE_RESTART_MS) authorizeStarted.delete(id);
  const placedExcept = [...authorizeStarted.keys()].filter((k) => !k.includes(':'));
  for (const id of await orders.overdue('placed', PLACEMENT_GRACE_S, limit, placedExcept)) {
    await startAuthorize(id);
    authorizeStarted.set(id, now);
    acted++;
  }
  // A retry whose request died or gave up waiting: few, so each is read for its attempt.
  for (const id of await orders.overdue('authorizing', PLACEMENT_GRACE_S, limit)) {
    const o = await orders.find(id);
    const key = `${id}:${o?.payment_attempt}`;
    if (o?.status !== 'authorizing' || authorizeStarted.has(key)) continue;
    await startAuthorize(id, o.payment_attempt);
    authorizeStarted.set(key, now);
    acted++;
  }
  return acted;
}

/** The deadlines in force: the fixed ones, with the store's accept window from the configuration. */
export const orderDeadlines = (ctx: PlatformContext): Partial<Record<OrderStatus, number>> => ({
  ...PHASE_DEADLINES_S,
  authorized: ctx.config.orderAcceptTimeoutS,
});

/** The name of the one-workflow-per-order saga of earlier versions. */
const LEGACY_SAGA = 'orders.saga';

/**
 * Databases written by earlier versions hold one `orders.saga` workflow per order in flight, which
 * this version no longer registers. Each is canceled and its order handed to what replaces it: the
 * end workflow for an order that ended, the deadline sweep and the order's events for the rest.
 */
export async function retireLegacySagas(orders: OrdersService): Promise<number> {
  const left = await DBOS.listWorkflows({
    workflowName: LEGACY_SAGA,
    status: ['PENDING', 'ENQUEUED', 'DELAYED'],
    limit: 10_000,
  });
  for (const wf of left) {
    await DBOS.cancelWorkflow(wf.workflowID);
    const o = await orders.find(wf.workflowID.replace(/^order:/, ''));
    if (o) await startOrderEnd(o.id, o.status);
  }
  return left.length;
}
