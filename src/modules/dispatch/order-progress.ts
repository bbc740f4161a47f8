import type { OrderStatus, OrdersService } from '../orders/index.ts';
import type { DeliveryEventPayload } from './dispatch.events.ts';

/** Where each delivery step takes the order, through the statuses it must pass. */
const PATH: Record<string, OrderStatus[]> = {
  picked_up: ['picked_up'],
  delivered: ['picked_up', 'delivered'],
  failed: ['picked_up', 'failed'],
  returned: ['picked_up', 'failed'],
};

/**
 * Moves the order with its delivery: picked up, delivered (the order saga then captures the final
 * amount) or failed. Steps arrive at least once and possibly out of order, so the order is walked
 * along the path from wherever it is; a step it already passed changes nothing.
 */
export async function followDelivery(
  orders: OrdersService,
  p: DeliveryEventPayload,
): Promise<void> {
  const path = PATH[p.status];
  if (!path) return;
  const reason =
    p.status === 'failed' || p.status === 'returned'
      ? `delivery ${p.status}: ${p.reason ?? 'no reason given'}`
      : null;
  for (const to of path) {
    const order = await orders.find(p.order_id);
    if (!order) return;
    const at = path.indexOf(order.status);
    if (
      at >= path.indexOf(to) ||
      order.status === 'delivered' ||
      order.status === 'failed' ||
      order.status === 'canceled'
    )
      continue;
    const moved = await orders.transition(p.order_id, to, {
      reason: to === 'failed' ? reason : null,
    });
    if (!moved) {
      const now = await orders.find(p.order_id);
      if (now?.status !== to)
        throw new Error(
          `order ${p.order_id} is ${now?.status}; cannot follow its delivery to ${to}`,
        );
    }
  }
}
