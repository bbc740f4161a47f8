import type { Principal } from '../../platform/auth/principal.ts';
import { canCancel } from './order-state.ts';
import type { OrderLineRow, OrderRow } from './orders.repository.ts';

/** An order as the API shows it; with its lines when they were read. */
export const orderView = (o: OrderRow, lines?: readonly OrderLineRow[]) => ({
  id: o.id,
  status: o.status,
  version: o.version,
  store_id: o.store_id,
  customer_id: o.customer_id,
  currency: o.currency,
  totals: {
    subtotal_minor: o.subtotal_minor,
    delivery_fee_minor: o.delivery_fee_minor,
    small_order_fee_minor: o.small_order_fee_minor,
    service_fee_minor: o.service_fee_minor,
    tax_minor: o.tax_minor,
    total_minor: o.total_minor,
    captured_minor: o.captured_minor,
  },
  delivery: { lat: o.delivery_lat, lng: o.delivery_lng, address: o.delivery_address },
  reason: o.reason,
  promise:
    o.promise_from && o.promise_to
      ? {
          from: o.promise_from.toISOString(),
          to: o.promise_to.toISOString(),
          at: new Date(
            o.promise_at?.getTime() ?? (o.promise_from.getTime() + o.promise_to.getTime()) / 2,
          ).toISOString(),
          parts: o.promise_parts,
        }
      : null,
  placed_at: o.placed_at.toISOString(),
  status_at: o.status_at.toISOString(),
  can_cancel: canCancel(o.status),
  ...(lines
    ? {
        lines: lines.map((l) => ({
          product_id: l.product_id,
          sku: l.sku,
          name: l.name,
          unit_price_minor: l.unit_price_minor,
          quantity: l.quantity,
          picked_quantity: l.picked_quantity,
          ...(l.substitute_for ? { substitute_for: l.substitute_for } : {}),
        })),
      }
    : {}),
});

export type OrderView = ReturnType<typeof orderView>;

/**
 * Who may see an order: its customer, its store's staff, ops. Never a driver: the courier sees
 * the order's delivery (dispatch), not its totals, customer or payment.
 */
export function canSee(p: Principal, o: OrderRow): boolean {
  return (
    p.role === 'ops' ||
    (p.role === 'customer' && o.customer_id === p.id) ||
    (p.role === 'store' && p.storeId === o.store_id)
  );
}
