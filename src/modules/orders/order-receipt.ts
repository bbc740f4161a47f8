import type { Principal } from '../../platform/auth/principal.ts';
import type { Db } from '../../platform/db/pool.ts';
import type { StoresService } from '../catalog/index.ts';
import { describeCard, type PaymentsService, type PaymentView } from '../payments/index.ts';
import { visibleOrder } from './order-actions.ts';
import { type OrderStatus, TERMINAL } from './order-state.ts';
import { type OrderLineRow, type OrderRow, ordersRepository } from './orders.repository.ts';
import { type FeeSchedule, priceOrder, type Totals } from './pricing.ts';

export interface ReceiptDeps {
  db: Db;
  stores: StoresService;
  payments: PaymentsService;
  /** The schedule the settle step prices the packed goods with, so `delivered` is what it captures. */
  fees: FeeSchedule;
}

/** Payment states after which nothing more is charged (refunds may still follow). */
const SETTLED = new Set(['captured', 'partially_refunded', 'refunded', 'voided']);

/**
 * Whether the charge is settled: captured (or released) by the payments module, or the order
 * ended without any money ever held (a declined card whose order failed).
 */
function isFinal(order: OrderRow, payment: PaymentView | null): boolean {
  if (payment && SETTLED.has(payment.status)) return true;
  return TERMINAL.has(order.status) && (!payment || payment.status === 'declined');
}

const totalsOf = (t: Totals): Totals => ({
  subtotal_minor: t.subtotal_minor,
  delivery_fee_minor: t.delivery_fee_minor,
  small_order_fee_minor: t.small_order_fee_minor,
  service_fee_minor: t.service_fee_minor,
  tax_minor: t.tax_minor,
  total_minor: t.total_minor,
});

function paymentPart(order: OrderRow, payment: PaymentView | null, final: boolean) {
  const captured = final ? (payment?.captured_minor ?? 0) : null;
  const refunded = payment?.refunded_minor ?? 0;
  return {
    method: payment ? { provider: payment.provider, ...describeCard(order.payment_method) } : null,
    status: payment?.status ?? null,
    // What checkout held: a payment's own column drops to 0 once captured or released.
    authorized_minor: payment?.movements.find((m) => m.kind === 'authorize')?.amount_minor ?? 0,
    captured_minor: captured,
    refunded_minor: refunded,
    net_paid_minor: captured === null ? null : captured - refunded,
  };
}

/** Statuses in which the store has packed the order (lines it did not report are packed in full). */
const PACKED: ReadonlySet<OrderStatus> = new Set(['ready', 'picked_up', 'delivered']);

const lineOf = (packed: boolean) => (l: OrderLineRow) => ({
  product_id: l.product_id,
  sku: l.sku,
  name: l.name,
  unit_price_minor: l.unit_price_minor,
  ordered_quantity: l.quantity,
  delivered_quantity: l.picked_quantity ?? (packed ? l.quantity : null),
  line_total_minor: l.unit_price_minor * (l.picked_quantity ?? l.quantity),
});

/**
 * An order's receipt for whoever may see the order (others: 404). Before the charge it is
 * provisional (`final: false`): the authorized amounts, and the packed ones once the store packed.
 */
export function orderReceipts(deps: ReceiptDeps) {
  return async function receipt(by: Principal, orderId: string) {
    const order = await visibleOrder(deps.db, by, orderId);
    const [lines, store, payment, refunds] = await Promise.all([
      ordersRepository(deps.db).lines(orderId),
      deps.stores.get(order.store_id),
      deps.payments.get(orderId),
      deps.payments.refunds(orderId),
    ]);
    const packed = PACKED.has(order.status) || lines.some((l) => l.picked_quantity !== null);
    const final = isFinal(order, payment);
    const delivered = priceOrder(
      lines.map((l) => ({
        unitPriceMinor: l.unit_price_minor,
        quantity: l.picked_quantity ?? l.quantity,
      })),
      deps.fees,
    );
    const capture = payment?.movements.find((m) => m.kind === 'capture');
    return {
      order_id: order.id,
      status: order.status,
      final,
      currency: order.currency,
      store: { id: store.id, name: store.name, address: store.address },
      lines: lines.map(lineOf(packed)),
      ordered: totalsOf(order),
      delivered: packed ? delivered : null,
      payment: paymentPart(order, payment, final),
      refunds,
      placed_at: order.placed_at.toISOString(),
      delivered_at: order.status === 'delivered' ? order.status_at.toISOString() : null,
      captured_at: capture?.created_at ?? null,
    };
  };
}

export type OrderReceipts = ReturnType<typeof orderReceipts>;
