import type { PlatformContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { DBOS, SAGA_QUEUE } from '../../platform/workflows/engine.ts';
import { inventoryFor } from '../inventory/index.ts';
import { paymentsFor } from '../payments/index.ts';
import { type OrderStatus, PHASE_DEADLINES_S } from './order-state.ts';
import { PAID_ORDER_HOLD_MS } from './placement.ts';
import { orderWorkflowId, ordersService, SAGA_TOPIC } from './orders.service.ts';
import { type FeeSchedule, priceOrder } from './pricing.ts';

export const WORKFLOW_ORDER = 'orders.saga';
/** Seconds the saga leaves a placed order to the checkout request before authorizing itself. */
const PLACEMENT_GRACE_S = 10;

interface SagaDeps {
  orders: ReturnType<typeof ordersService>;
  inventory: ReturnType<typeof inventoryFor>;
  payments: ReturnType<typeof paymentsFor>;
  fees: FeeSchedule;
  deadlines: Partial<Record<OrderStatus, number>>;
}

interface OrderSnapshot {
  status: OrderStatus;
  statusAt: number;
  total: number;
  currency: string;
  paymentMethod: string;
  reservationId: string;
}

// DBOS keeps one registry per process: the steps are registered once and use the dependencies of
// the platform running in this process.
let deps: SagaDeps | null = null;
let saga: ((orderId: string) => Promise<string>) | null = null;
const d = (): SagaDeps => {
  if (!deps) throw new Error('order saga used before the platform started');
  return deps;
};

const RETRY = { retriesAllowed: true, maxAttempts: 8, intervalSeconds: 1, backoffRate: 2 } as const;
// Money movements keep trying for longer: a delivered order must end captured, not stuck.
const MONEY_RETRY = { retriesAllowed: true, maxAttempts: 20, intervalSeconds: 2, backoffRate: 1.5 } as const;

/**
 * The order saga, one durable workflow per order (id `order:<id>`): authorize the payment, then
 * follow the order as the store and the courier move it, enforcing a deadline per status, and end
 * it: capture what was delivered and take the picked units out of stock, or give everything back
 * (release stock, void the authorization). Every step is safe to repeat after a crash.
 */
export function registerOrderSaga(ctx: PlatformContext, fees: FeeSchedule): void {
  deps = {
    orders: ordersService(ctx.db),
    inventory: inventoryFor(ctx),
    payments: paymentsFor(ctx),
    fees,
    deadlines: { ...PHASE_DEADLINES_S, authorized: ctx.config.orderAcceptTimeoutS },
  };
  if (saga) return;

  const load = DBOS.registerStep(
    async (orderId: string): Promise<OrderSnapshot | null> => {
      const o = await d().orders.find(orderId);
      return o
        ? { status: o.status, statusAt: o.status_at.getTime(), total: o.total_minor, currency: o.currency, paymentMethod: o.payment_method, reservationId: o.reservation_id }
        : null;
    },
    { name: 'orders.load', ...RETRY },
  );

  const authorize = DBOS.registerStep(
    async (orderId: string, o: OrderSnapshot): Promise<{ ok: boolean; reason?: string }> => {
      try {
        await d().payments.authorize({ orderId, amountMinor: o.total, currency: o.currency, cardToken: o.paymentMethod });
        return { ok: true };
      } catch (err) {
        if (err instanceof AppError && err.code === 'PAYMENT_DECLINED') return { ok: false, reason: String(err.details?.reason ?? 'declined') };
        // A provider outage is retried by the step (same provider key, so never a second charge).
        throw err;
      }
    },
    { name: 'orders.authorize', ...RETRY },
  );

  const transition = DBOS.registerStep(
    async (orderId: string, to: OrderStatus, reason: string | null) => (await d().orders.transition(orderId, to, { reason }, { wakeSaga: false })) !== undefined,
    { name: 'orders.transition', ...RETRY },
  );

  const extendHold = DBOS.registerStep(async (reservationId: string) => d().inventory.extend(reservationId, PAID_ORDER_HOLD_MS), {
    name: 'inventory.extend',
    ...RETRY,
  });

  const releaseStock = DBOS.registerStep(async (reservationId: string) => d().inventory.release(reservationId), { name: 'inventory.release', ...RETRY });

  const voidPayment = DBOS.registerStep(
    async (orderId: string) => {
      try {
        await d().payments.void({ orderId });
      } catch (err) {
        // Nothing was authorized (declined, or the provider never got the request): nothing to void.
        if (!(err instanceof AppError && (err.code === 'NOT_FOUND' || err.code === 'CONFLICT'))) throw err;
      }
    },
    { name: 'payments.void', ...MONEY_RETRY },
  );

  const settle = DBOS.registerStep(
    async (orderId: string, reservationId: string) => {
      const lines = await d().orders.lines(orderId);
      const picked = lines.map((l) => ({ productId: l.product_id, quantity: l.picked_quantity ?? l.quantity }));
      const amount = priceOrder(
        lines.map((l) => ({ unitPriceMinor: l.unit_price_minor, quantity: l.picked_quantity ?? l.quantity })),
        d().fees,
      ).total_minor;
      // Capture first: stock confirmation is local and cannot fail for business reasons.
      await d().payments.capture({ orderId, amountMinor: amount });
      // A repeat after a crash finds the reservation confirmed already; one that was never held
      // (expired) is a bug to surface, not to paper over.
      const confirmed = await d().inventory.confirm(reservationId, picked);
      if (!confirmed) {
        const r = await d().inventory.get(reservationId);
        if (r?.status !== 'confirmed') throw new Error(`reservation ${reservationId} of order ${orderId} is ${r?.status}, not held`);
      }
      await d().orders.recordCapture(orderId, amount);
      return amount;
    },
    { name: 'orders.settle', ...MONEY_RETRY },
  );

  saga = DBOS.registerWorkflow(
    async (orderId: string) => {
      let o = await load(orderId);
      if (!o) return 'missing';
      if (o.status === 'placed') {
        // Only after the step's retries (about two minutes) does an outage fail the order.
        const auth = await authorize(orderId, o).catch(() => ({ ok: false, reason: 'payment_unavailable' }));
        if (!auth.ok) {
          await transition(orderId, 'failed', `payment: ${auth.reason}`);
          await releaseStock(o.reservationId);
          if (auth.reason === 'payment_unavailable') await voidPayment(orderId);
          return 'failed';
        }
        await transition(orderId, 'authorized', null);
      }
      if (o.status !== 'failed' && o.status !== 'canceled') await extendHold(o.reservationId);
      for (;;) {
        o = await load(orderId);
        if (!o) return 'missing';
        if (o.status === 'delivered') {
          await settle(orderId, o.reservationId);
          return 'delivered';
        }
        if (o.status === 'canceled' || o.status === 'failed') {
          await releaseStock(o.reservationId);
          await voidPayment(orderId);
          return o.status;
        }
        const limitS = d().deadlines[o.status] ?? 3600;
        const deadline = o.statusAt + limitS * 1000;
        const now = await DBOS.now();
        if (now >= deadline) {
          await transition(orderId, o.status === 'picked_up' ? 'failed' : 'canceled', `timeout: ${o.status} for more than ${limitS} s`);
          continue;
        }
        // Woken by every transition; the cap re-checks the order even if a wake-up was lost.
        await DBOS.recv(SAGA_TOPIC, { timeoutSeconds: Math.max(1, Math.min(60, Math.ceil((deadline - now) / 1000))) });
      }
    },
    { name: WORKFLOW_ORDER },
  );
}

/**
 * Starts (or finds) the order's saga; its id makes a second start the same workflow. It is
 * enqueued to begin after the placement grace period: checkout settles the payment itself, so the
 * saga has nothing to do before then, and a durable delay costs one row instead of a waiting
 * workflow per order in flight.
 */
export async function startOrderSaga(orderId: string): Promise<void> {
  if (!saga) throw new Error('order saga is not registered');
  await DBOS.startWorkflow(saga, { workflowID: orderWorkflowId(orderId), queueName: SAGA_QUEUE, enqueueOptions: { delaySeconds: PLACEMENT_GRACE_S } })(orderId);
}
