import { AppError } from '../../platform/errors.ts';
import type { InventoryService } from '../inventory/index.ts';
import type { PaymentsService } from '../payments/index.ts';
import type { OrderRow } from './orders.repository.ts';
import type { OrdersService } from './orders.service.ts';

/** A paid order holds its stock this long at most; its saga ends the reservation well before. */
export const PAID_ORDER_HOLD_MS = 24 * 3600 * 1000;

export type PaymentOutcome =
  | { status: 'authorized' }
  | { status: 'declined'; reason: string }
  | { status: 'pending'; reason: string };

/**
 * Authorizes a just-placed order inside the checkout request, so the customer learns at once
 * whether the card went through. The authorize workflow does the same for an order still placed
 * after the grace period (crash, provider down): the provider idempotency key is per order, so the
 * two can never charge twice. A declined order is failed, and its compensation runs from the event;
 * its stock is given back here already, so the customer's next try finds it.
 */
export async function authorizePlacement(
  deps: { orders: OrdersService; payments: PaymentsService; inventory: InventoryService },
  order: OrderRow,
): Promise<{ outcome: PaymentOutcome; row: OrderRow }> {
  try {
    await deps.payments.authorize(
      {
        orderId: order.id,
        amountMinor: order.total_minor,
        currency: order.currency,
        cardToken: order.payment_method,
      },
      { newOrder: true },
    );
  } catch (err) {
    if (err instanceof AppError && err.code === 'PAYMENT_DECLINED') {
      const reason = String(err.details?.reason ?? 'declined');
      const failed = await deps.orders.transition(order.id, 'failed', {
        reason: `payment: ${reason}`,
      });
      await deps.inventory.release(order.reservation_id);
      return { outcome: { status: 'declined', reason }, row: failed ?? order };
    }
    // Unknown outcome: the authorize workflow retries it (same key) and settles the order.
    if (err instanceof AppError && err.code === 'DEPENDENCY_UNAVAILABLE')
      return { outcome: { status: 'pending', reason: 'payment provider unavailable' }, row: order };
    throw err;
  }
  // The hold outlives the placement expiry before the order says it is paid: a crash between the
  // two leaves a placed order (the authorize workflow finds it), never a paid one without stock.
  if (!(await deps.inventory.extend(order.reservation_id, PAID_ORDER_HOLD_MS))) {
    // The hold ended first (it expired, or the order was ended meanwhile): never a paid order
    // without its stock. A failed order's compensation voids the authorization.
    const failed = await deps.orders.transition(order.id, 'failed', { reason: STOCK_HOLD_LOST });
    const now = failed ?? (await deps.orders.find(order.id)) ?? order;
    return { outcome: { status: 'pending', reason: `order is ${now.status}` }, row: now };
  }
  const moved = await deps.orders.transition(order.id, 'authorized');
  if (moved) return { outcome: { status: 'authorized' }, row: moved };
  const now = (await deps.orders.find(order.id)) ?? order;
  // The authorize workflow got there first (this request was slow): the order is paid.
  if (now.status !== 'canceled' && now.status !== 'failed')
    return { outcome: { status: 'authorized' }, row: now };
  // Ended while the card was being authorized: give the hold back now (its compensation may have
  // run before the authorization existed).
  await deps.payments.void({ orderId: order.id }).catch(() => {});
  return { outcome: { status: 'pending', reason: `order is ${now.status}` }, row: now };
}

/** The reason of an order whose stock hold ended before its payment was authorized. */
export const STOCK_HOLD_LOST = 'stock: the hold ended before the payment was authorized';
