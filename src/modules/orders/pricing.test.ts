import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canTransition, ORDER_STATUSES, sourcesOf, TERMINAL } from './order-state.ts';
import { DEFAULT_FEES, priceOrder } from './pricing.ts';

describe('pricing', () => {
  it('adds delivery, small-order and service fees and tax in minor units', () => {
    expect(priceOrder([{ unitPriceMinor: 450, quantity: 2 }])).toEqual({
      subtotal_minor: 900,
      delivery_fee_minor: 299,
      small_order_fee_minor: 300,
      service_fee_minor: 49,
      tax_minor: 108,
      total_minor: 1656,
    });
    const big = priceOrder([{ unitPriceMinor: 10_000, quantity: 1 }]);
    expect(big.small_order_fee_minor).toBe(0);
    expect(big.service_fee_minor).toBe(DEFAULT_FEES.serviceFeeMaxMinor);
    expect(priceOrder([]).total_minor).toBe(0);
  });

  it('always returns integers that add up, never less than the goods', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            unitPriceMinor: fc.integer({ min: 0, max: 50_000 }),
            quantity: fc.integer({ min: 0, max: 99 }),
          }),
          { maxLength: 30 },
        ),
        (lines) => {
          const t = priceOrder(lines);
          const parts = [
            t.subtotal_minor,
            t.delivery_fee_minor,
            t.small_order_fee_minor,
            t.service_fee_minor,
            t.tax_minor,
          ];
          expect(parts.every(Number.isSafeInteger)).toBe(true);
          expect(parts.reduce((a, b) => a + b, 0)).toBe(t.total_minor);
          expect(t.total_minor).toBeGreaterThanOrEqual(t.subtotal_minor);
        },
      ),
    );
  });

  it('refuses fractional or negative amounts', () => {
    expect(() => priceOrder([{ unitPriceMinor: 1.5, quantity: 1 }])).toThrow(RangeError);
    expect(() => priceOrder([{ unitPriceMinor: 100, quantity: -1 }])).toThrow(RangeError);
  });
});

describe('order state machine', () => {
  it('walks the happy path and ends in terminal states with no way out', () => {
    const path = [
      'placed',
      'authorized',
      'accepted',
      'preparing',
      'ready',
      'picked_up',
      'delivered',
    ] as const;
    for (let i = 0; i + 1 < path.length; i++)
      expect(canTransition(path[i] as never, path[i + 1] as never)).toBe(true);
    for (const t of TERMINAL)
      for (const s of ORDER_STATUSES) expect(canTransition(t, s)).toBe(false);
  });

  it('only allows legal transitions (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ORDER_STATUSES),
        fc.constantFrom(...ORDER_STATUSES),
        (from, to) => {
          expect(canTransition(from, to)).toBe(sourcesOf(to).includes(from));
          if (to === 'delivered' && canTransition(from, to)) expect(from).toBe('picked_up');
          if (from === 'picked_up' && to === 'canceled')
            expect(canTransition(from, to)).toBe(false);
        },
      ),
    );
  });
});
