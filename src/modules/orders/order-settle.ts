import type { InventoryService } from '../inventory/index.ts';
import type { PaymentsService } from '../payments/index.ts';
import type { OrderLineRow } from './orders.repository.ts';
import type { OrdersService } from './orders.service.ts';
import { type FeeSchedule, priceOrder } from './pricing.ts';
import type { SubstitutionsService } from './substitutions.service.ts';

/** What settling and releasing use (the saga's dependencies). */
interface SettleDeps {
  orders: Pick<OrdersService, 'lines' | 'recordCapture'>;
  inventory: Pick<InventoryService, 'confirm' | 'get' | 'release'>;
  payments: Pick<PaymentsService, 'capture'>;
  fees: FeeSchedule;
  substitutions: Pick<SubstitutionsService, 'of'>;
}

/**
 * What a line is charged for: what was picked (all of it when the store reported nothing), never
 * the units an accepted substitute replaces.
 */
export const chargedQuantity = (l: OrderLineRow) =>
  Math.min(l.picked_quantity ?? l.quantity, l.quantity - l.replaced);

/**
 * Captures the delivered amount (picked quantities priced again, accepted substitutes included)
 * and takes the picked units out of stock: the order's reservation and each accepted
 * substitute's own.
 */
export async function settleDelivered(deps: SettleDeps, orderId: string, reservationId: string) {
  const lines = await deps.orders.lines(orderId);
  const picked = lines.map((l) => ({ productId: l.product_id, quantity: chargedQuantity(l) }));
  const amount = priceOrder(
    lines.map((l) => ({ unitPriceMinor: l.unit_price_minor, quantity: chargedQuantity(l) })),
    deps.fees,
  ).total_minor;
  // Capture first: stock confirmation is local and cannot fail for business reasons.
  await deps.payments.capture({ orderId, amountMinor: amount });
  await confirmHeld(deps, orderId, reservationId, picked);
  for (const s of await deps.substitutions.of(orderId)) {
    if (s.status !== 'accepted') {
      await deps.inventory.release(s.reservation_id);
      continue;
    }
    const units = picked.find((p) => p.productId === s.substitute_product_id)?.quantity ?? 0;
    await confirmHeld(deps, orderId, s.reservation_id, [
      { productId: s.substitute_product_id, quantity: units },
    ]);
  }
  await deps.orders.recordCapture(orderId, amount);
  return amount;
}

/**
 * A repeat after a crash finds the reservation confirmed already; one that was never held
 * (expired) is a bug to surface, not to paper over.
 */
async function confirmHeld(
  deps: SettleDeps,
  orderId: string,
  reservationId: string,
  picked: Array<{ productId: string; quantity: number }>,
) {
  if (await deps.inventory.confirm(reservationId, picked)) return;
  const r = await deps.inventory.get(reservationId);
  if (r?.status !== 'confirmed')
    throw new Error(`reservation ${reservationId} of order ${orderId} is ${r?.status}, not held`);
}

/** A canceled or failed order gives back every substitute's stock (a repeat changes nothing). */
export async function releaseSubstitutes(deps: SettleDeps, orderId: string): Promise<number> {
  const subs = await deps.substitutions.of(orderId);
  for (const s of subs) await deps.inventory.release(s.reservation_id);
  return subs.length;
}
