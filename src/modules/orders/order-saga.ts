import { DBOS, startOptions } from '../../platform/workflows/engine.ts';
import type { InventoryService } from '../inventory/index.ts';
import type { PaymentsService } from '../payments/index.ts';
import {
  authorizationOutcome,
  authorizePayment,
  declineOrder,
  extendHold,
  failOrder,
  holdForRetry,
  markPaid,
  payForOrder,
  releaseStock,
  voidPayment,
} from './payment-steps.ts';
import type { OrderStatus } from './order-state.ts';
import type { OrdersService } from './orders.service.ts';
import { releaseSubstitutes, settleDelivered } from './order-settle.ts';
import type { FeeSchedule } from './pricing.ts';
import type { SubstitutionsService } from './substitutions.service.ts';

/**
 * Settles the payment attempt a request did not settle (crash, provider down or slow): a placed
 * order's (checkout) or an authorizing one's (a retry with another card).
 */
export const WORKFLOW_AUTHORIZE = 'orders.authorize';
/** Captures what was delivered and takes the picked units out of stock. */
export const WORKFLOW_SETTLE = 'orders.settle';
/** Gives everything back for a canceled or failed order: the stock and the authorization. */
export const WORKFLOW_COMPENSATE = 'orders.compensate';

/** One authorize workflow per attempt: checkout's keeps the id of earlier versions. */
export const authorizeWorkflowId = (orderId: string, attempt = 1) =>
  attempt <= 1 ? `order:${orderId}:authorize` : `order:${orderId}:authorize:${attempt}`;
export const settleWorkflowId = (orderId: string) => `order:${orderId}:settle`;
export const compensateWorkflowId = (orderId: string) => `order:${orderId}:compensate`;

export interface SagaDeps {
  orders: OrdersService;
  inventory: InventoryService;
  payments: PaymentsService;
  fees: FeeSchedule;
  /** The order's substitutes: accepted ones are charged and confirmed, the rest released. */
  substitutions: Pick<SubstitutionsService, 'of'>;
  /** Seconds a declined order keeps its stock for a retry with another card. */
  paymentRetryGraceS: number;
  /** Tries of a step before its workflow fails (money movements try longer: MONEY_RETRY). */
  stepAttempts: number;
}

/** What the `orders.load` step records of an order (recorded outputs keep this shape). */
interface OrderSnapshot {
  status: OrderStatus;
  total: number;
  currency: string;
  paymentMethod: string;
  reservationId: string;
  /** The authorization attempt in force (absent from outputs recorded by earlier versions: 1). */
  attempt?: number;
}

// DBOS keeps one registry per process: the steps are registered once and use the dependencies of
// the platform running in this process.
let deps: SagaDeps | null = null;
let workflows: {
  authorize: (id: string, attempt?: number) => Promise<string>;
  settle: (id: string) => Promise<string>;
  compensate: (id: string) => Promise<string>;
} | null = null;
const d = (): SagaDeps => {
  if (!deps) throw new Error('order workflows used before the platform started');
  return deps;
};

interface StepRetry {
  retriesAllowed: true;
  maxAttempts: number;
  intervalSeconds: number;
  backoffRate: number;
}
/** A step's tries: 1 s apart, then twice as long each time (8 tries: about two minutes). */
const retryOf = (maxAttempts: number): StepRetry => ({
  retriesAllowed: true,
  maxAttempts,
  intervalSeconds: 1,
  backoffRate: 2,
});
// Money movements keep trying for longer: a delivered order must end captured, not stuck.
const MONEY_RETRY: StepRetry = {
  retriesAllowed: true,
  maxAttempts: 20,
  intervalSeconds: 2,
  backoffRate: 1.5,
};

/**
 * The order saga, as three short durable workflows instead of one that waits out the whole order.
 * Between them the order's row is the state: the store and the courier move it, every move emits
 * an event (outbox), and the events start the end of the saga. Nothing runs, and nothing polls,
 * while an order waits for the store or the courier, so the orders in flight cost no workflow each.
 *
 * - authorize (`order:<id>:authorize`, `…:authorize:<n>` for the n-th attempt): started by the
 *   deadline sweep for an order still placed (or authorizing a retry) a few seconds on (its request
 *   died, the provider was down or slow); the request's steps 3–5 (`payForOrder` in
 *   payment-steps.ts) with the attempt's provider key, so it never charges twice.
 * - settle (`order:<id>:settle`), on `orders.order_delivered`: capture the delivered amount, take
 *   the picked units out of stock, record the capture.
 * - compensate (`order:<id>:compensate`), on `orders.order_canceled` and `orders.order_failed`:
 *   release the stock, void the authorization.
 *
 * Deadlines per status (PHASE_DEADLINES_S) are enforced by `sweepOrders`, which moves an overdue
 * order to canceled (failed once the courier has it); that move starts the compensation like any
 * other. Every step is safe to repeat after a crash; each workflow id is one execution per order.
 * Step and workflow names are recorded in the database: recovered workflows replay by them.
 */
export function registerOrderSaga(sagaDeps: SagaDeps): void {
  deps = sagaDeps;
  if (workflows) return;
  const steps = registerSteps(retryOf(sagaDeps.stepAttempts));
  workflows = {
    authorize: DBOS.registerWorkflow(
      (id: string, attempt?: number) => authorizeOrder(steps, id, attempt ?? 1),
      { name: WORKFLOW_AUTHORIZE },
    ),
    settle: DBOS.registerWorkflow((id: string) => settleOrder(steps, id), {
      name: WORKFLOW_SETTLE,
    }),
    compensate: DBOS.registerWorkflow((id: string) => compensateOrder(steps, id), {
      name: WORKFLOW_COMPENSATE,
    }),
  };
}

function registerSteps(retry: StepRetry) {
  const step = <A extends unknown[], R>(
    name: string,
    run: (...args: A) => Promise<R>,
    tries: StepRetry = retry,
  ) => DBOS.registerStep(run, { name, ...tries });
  return {
    load: step('orders.load', async (orderId: string): Promise<OrderSnapshot | null> => {
      const o = await d().orders.find(orderId);
      return o
        ? {
            status: o.status,
            total: o.total_minor,
            currency: o.currency,
            paymentMethod: o.payment_method,
            reservationId: o.reservation_id,
            attempt: o.payment_attempt,
          }
        : null;
    }),
    // A provider outage is thrown, and retried by the step (same provider key: one charge).
    authorize: step('orders.authorize', (orderId: string, o: OrderSnapshot) =>
      authorizePayment(d().payments, {
        orderId,
        amountMinor: o.total,
        currency: o.currency,
        cardToken: o.paymentMethod,
        attempt: o.attempt ?? 1,
      }),
    ),
    // The moves record as `orders.transition` (true when the order moved), as they always have.
    fail: step(
      'orders.transition',
      async (orderId: string, reason: string) =>
        (await failOrder(d().orders, orderId, reason)) !== undefined,
    ),
    decline: step(
      'orders.transition',
      async (orderId: string, reason: string) =>
        (await declineOrder(d().orders, orderId, reason, d().paymentRetryGraceS)) !== undefined,
    ),
    markPaid: step(
      'orders.transition',
      async (orderId: string) => (await markPaid(d().orders, orderId)) !== undefined,
    ),
    extendHold: step('inventory.extend', (reservationId: string) =>
      extendHold(d().inventory, reservationId),
    ),
    holdForRetry: step('inventory.hold_for_retry', (reservationId: string) =>
      holdForRetry(d().inventory, reservationId, d().paymentRetryGraceS),
    ),
    releaseStock: step('inventory.release', (reservationId: string) =>
      releaseStock(d().inventory, reservationId),
    ),
    voidPayment: step(
      'payments.void',
      (orderId: string) => voidPayment(d().payments, orderId),
      MONEY_RETRY,
    ),
    releaseSubstitutes: step('orders.release_substitutes', (orderId: string) =>
      releaseSubstitutes(d(), orderId),
    ),
    settle: step(
      'orders.settle',
      (orderId: string, reservationId: string) => settleDelivered(d(), orderId, reservationId),
      MONEY_RETRY,
    ),
  };
}

type SagaSteps = ReturnType<typeof registerSteps>;

/** The authorize workflow: the payment steps of an attempt its request left unsettled. */
async function authorizeOrder(steps: SagaSteps, orderId: string, attempt: number): Promise<string> {
  const o = await steps.load(orderId);
  if (!o) return 'missing';
  if (o.status !== 'placed' && o.status !== 'authorizing') return o.status;
  // A later attempt started meanwhile: this one was settled (declined) before it could.
  if ((o.attempt ?? 1) !== attempt) return 'superseded';
  const paid = await payForOrder<{ status: OrderStatus }>({
    // Only after the step's retries (about two minutes of waiting, more when calls time out) is
    // the provider taken for down (pending below).
    authorize: async () => {
      try {
        return authorizationOutcome(await steps.authorize(orderId, o));
      } catch {
        return { status: 'pending', reason: 'payment_unavailable' };
      }
    },
    // The first decline holds the stock through the retry grace; a retry's keeps that end.
    holdForRetry: () => (attempt > 1 ? Promise.resolve(true) : steps.holdForRetry(o.reservationId)),
    decline: async (reason) =>
      (await steps.decline(orderId, reason)) ? { status: 'payment_failed' } : undefined,
    fail: async (reason) =>
      (await steps.fail(orderId, reason)) ? { status: 'failed' } : undefined,
    extendHold: () => steps.extendHold(o.reservationId),
    markPaid: async () => ((await steps.markPaid(orderId)) ? { status: 'authorized' } : undefined),
    current: async () => (await steps.load(orderId)) ?? undefined,
    voidPayment: () => steps.voidPayment(orderId),
  });
  switch (paid.outcome) {
    case 'authorized':
      return 'authorized';
    case 'pending':
      // Whether the provider holds anything is unknown: no other card may be tried. The failed
      // order's compensation asks the provider and voids whatever it holds.
      return (await steps.fail(orderId, `payment: ${paid.reason}`)) ? 'failed' : 'moved on';
    case 'declined':
    case 'hold lost':
    case 'ended meanwhile':
      return paid.row?.status ?? 'missing';
  }
}

/** The settle workflow: a delivered order's capture, once. */
async function settleOrder(steps: SagaSteps, orderId: string): Promise<string> {
  const o = await steps.load(orderId);
  if (!o) return 'missing';
  if (o.status !== 'delivered') return o.status;
  await steps.settle(orderId, o.reservationId);
  return 'settled';
}

/** The compensate workflow: a canceled or failed order gives its stock and authorization back. */
async function compensateOrder(steps: SagaSteps, orderId: string): Promise<string> {
  const o = await steps.load(orderId);
  if (!o) return 'missing';
  if (o.status !== 'canceled' && o.status !== 'failed') return o.status;
  await steps.releaseStock(o.reservationId);
  await steps.voidPayment(orderId);
  // Last, so a workflow recorded before substitutes existed replays its steps in their order.
  await steps.releaseSubstitutes(orderId);
  return 'compensated';
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

/** Starts (or finds) the authorize workflow of an order's payment attempt. */
export async function startAuthorize(orderId: string, attempt = 1): Promise<void> {
  await DBOS.startWorkflow(
    registered().authorize,
    startOptions(authorizeWorkflowId(orderId, attempt)),
  )(orderId, attempt);
}
