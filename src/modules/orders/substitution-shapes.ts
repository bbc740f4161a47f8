import type { OrderLineRow, OrderRow } from './orders.repository.ts';
import { type FeeSchedule, priceOrder } from './pricing.ts';
import type { SubstitutionRow } from './substitutions.repository.ts';

// How a substitute proposal is shown: to the API, to the audit log, in its events; and what the
// order could cost with the open proposals accepted.

export function substitutionView(s: SubstitutionRow) {
  return {
    id: s.id,
    order_id: s.order_id,
    product_id: s.product_id,
    missing: s.missing,
    substitute_product_id: s.substitute_product_id,
    sku: s.sku,
    name: s.name,
    unit_price_minor: s.unit_price_minor,
    quantity: s.quantity,
    status: s.status,
    proposed_at: s.proposed_at.toISOString(),
    answer_by: s.answer_by.toISOString(),
    answered_at: s.answered_at?.toISOString() ?? null,
  };
}

/** What the audit log keeps of a proposal: ids and quantities. */
export const proposalAudit = (s: SubstitutionRow) => ({
  substitution_id: s.id,
  product_id: s.product_id,
  missing: s.missing,
  substitute_product_id: s.substitute_product_id,
  quantity: s.quantity,
  unit_price_minor: s.unit_price_minor,
  status: s.status,
});

export const substitutionPayload = (s: SubstitutionRow, o: OrderRow) => ({
  substitution_id: s.id,
  order_id: s.order_id,
  store_id: o.store_id,
  customer_id: o.customer_id,
  product_id: s.product_id,
  missing: s.missing,
  substitute_product_id: s.substitute_product_id,
  name: s.name,
  quantity: s.quantity,
  unit_price_minor: s.unit_price_minor,
  currency: o.currency,
  status: s.status,
  answer_by: s.answer_by.toISOString(),
});

/**
 * The most the order could cost if every open proposal, and this one, were accepted: ordered
 * lines less the units substitutes replace (or may replace), substitutes at their quantity.
 */
export function worstCaseTotal(
  lines: readonly OrderLineRow[],
  open: ReadonlyArray<Pick<SubstitutionRow, 'product_id' | 'missing' | 'status'>>,
  extra: Array<{ unitPriceMinor: number; quantity: number }>,
  fees: FeeSchedule,
): number {
  const pending = (productId: string) =>
    open
      .filter((s) => s.status === 'proposed' && s.product_id === productId)
      .reduce((n, s) => n + s.missing, 0);
  const priced = lines.map((l) => ({
    unitPriceMinor: l.unit_price_minor,
    quantity: l.substitute_for
      ? l.quantity
      : Math.max(0, l.quantity - l.replaced - pending(l.product_id)),
  }));
  return priceOrder([...priced, ...extra], fees).total_minor;
}
