import type { CatalogServices } from '../catalog/index.ts';
import type { OrdersService } from '../orders/index.ts';
import type { OrderFacts } from './tracking.repository.ts';
import { combinedStatus } from './tracking-status.ts';

/**
 * What a new tracking row needs from orders and the catalog (null for an unknown order). Read
 * before any transaction: a handler never waits for a second connection while holding one.
 */
export async function orderFacts(
  deps: { orders: OrdersService; catalog: CatalogServices },
  orderId: string,
): Promise<OrderFacts | null> {
  const order = await deps.orders.find(orderId);
  if (!order) return null;
  const store = await deps.catalog.stores.get(order.store_id);
  return {
    store_id: order.store_id,
    customer_id: order.customer_id,
    // The order's committed state: an event of an earlier version finds it applied already.
    status: combinedStatus(order.status, null),
    order_status: order.status,
    order_version: order.version,
    store_lat: store.lat,
    store_lng: store.lng,
    dropoff_lat: order.delivery_lat,
    dropoff_lng: order.delivery_lng,
    default_prep_s: store.avg_prep_s,
    placed_at: order.placed_at,
    placed_backlog: order.promise_backlog,
  };
}
