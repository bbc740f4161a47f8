/**
 * Order totals, computed on the server only, in integer minor units. Fees and tax use basis points
 * so no floating-point amount is ever stored; rounding is half away from zero, per amount.
 */
export interface FeeSchedule {
  deliveryFeeMinor: number;
  /** Below this subtotal a small-order fee tops the basket up, at most `smallOrderFeeMaxMinor`. */
  smallOrderThresholdMinor: number;
  smallOrderFeeMaxMinor: number;
  serviceFeeBps: number;
  serviceFeeMinMinor: number;
  serviceFeeMaxMinor: number;
  /** Sales tax on goods and fees. */
  taxBps: number;
}

export const DEFAULT_FEES: FeeSchedule = {
  deliveryFeeMinor: 299,
  smallOrderThresholdMinor: 1500,
  smallOrderFeeMaxMinor: 300,
  serviceFeeBps: 500,
  serviceFeeMinMinor: 49,
  serviceFeeMaxMinor: 299,
  taxBps: 700,
};

/** The fees an order pays whatever its goods, as a store's quote shows them before shopping. */
export const feeQuote = (fees: FeeSchedule) => ({
  delivery_fee_minor: fees.deliveryFeeMinor,
  small_order_threshold_minor: fees.smallOrderThresholdMinor,
  small_order_fee_max_minor: fees.smallOrderFeeMaxMinor,
});

export interface PricedLine {
  unitPriceMinor: number;
  quantity: number;
}

export interface Totals {
  subtotal_minor: number;
  delivery_fee_minor: number;
  small_order_fee_minor: number;
  service_fee_minor: number;
  tax_minor: number;
  total_minor: number;
}

const bps = (amount: number, rate: number) => Math.round((amount * rate) / 10_000);
const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

export function priceOrder(lines: readonly PricedLine[], fees: FeeSchedule = DEFAULT_FEES): Totals {
  for (const l of lines) {
    if (
      !Number.isSafeInteger(l.unitPriceMinor) ||
      l.unitPriceMinor < 0 ||
      !Number.isSafeInteger(l.quantity) ||
      l.quantity < 0
    ) {
      throw new RangeError('prices and quantities must be non-negative integers');
    }
  }
  const subtotal = lines.reduce((sum, l) => sum + l.unitPriceMinor * l.quantity, 0);
  if (subtotal === 0) {
    return {
      subtotal_minor: 0,
      delivery_fee_minor: 0,
      small_order_fee_minor: 0,
      service_fee_minor: 0,
      tax_minor: 0,
      total_minor: 0,
    };
  }
  const delivery = fees.deliveryFeeMinor;
  const smallOrder =
    subtotal < fees.smallOrderThresholdMinor
      ? Math.min(fees.smallOrderFeeMaxMinor, fees.smallOrderThresholdMinor - subtotal)
      : 0;
  const service = clamp(
    bps(subtotal, fees.serviceFeeBps),
    fees.serviceFeeMinMinor,
    fees.serviceFeeMaxMinor,
  );
  const tax = bps(subtotal + delivery + smallOrder + service, fees.taxBps);
  return {
    subtotal_minor: subtotal,
    delivery_fee_minor: delivery,
    small_order_fee_minor: smallOrder,
    service_fee_minor: service,
    tax_minor: tax,
    total_minor: subtotal + delivery + smallOrder + service + tax,
  };
}
