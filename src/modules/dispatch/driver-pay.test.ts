import { describe, expect, it } from 'vitest';
import { earningOf, offerPay, waitedS } from './driver-pay.ts';

const settings = {
  currency: 'EUR',
  baseMinor: 250,
  perKmMinor: 60,
  waitFreeS: 300,
  waitPerMinMinor: 15,
};
const store = { lat: 52.52, lng: 13.4 };
// 0.009 degrees of latitude is about a kilometre.
const drop = (id: string, km: number) => ({ id, lat: store.lat + km * 0.009, lng: store.lng });

describe('driver pay', () => {
  it('pays each delivery the base and its way: a share of the way to the store and its own leg', () => {
    const pay = offerPay(settings, 1001, store, [drop('a', 1), drop('b', 2)]);
    const [a, b] = pay.deliveries;
    expect(a).toMatchObject({ delivery_id: 'a', pickup_m: 501, base_minor: 250 });
    expect(b).toMatchObject({ delivery_id: 'b', pickup_m: 500, base_minor: 250 });
    // Each leg starts where the one before ended.
    expect(Math.abs((a?.dropoff_m ?? 0) - 1001)).toBeLessThan(5);
    expect(Math.abs((b?.dropoff_m ?? 0) - 1001)).toBeLessThan(5);
    expect(a?.distance_minor).toBe(
      Math.round((((a?.pickup_m ?? 0) + (a?.dropoff_m ?? 0)) / 1000) * 60),
    );
    expect(pay.total_minor).toBe((a?.pay_minor ?? 0) + (b?.pay_minor ?? 0));
    expect(pay).toMatchObject({ currency: 'EUR', wait_free_s: 300, wait_per_min_minor: 15 });
  });

  it('adds whole minutes of waiting past the free allowance, shared by the trip', () => {
    const one = offerPay(settings, 0, store, [drop('a', 1)]);
    expect(earningOf(one, 'a', 299).waiting_minor).toBe(0);
    expect(earningOf(one, 'a', 300 + 119).waiting_minor).toBe(15);
    const e = earningOf(one, 'a', 600);
    expect(e).toMatchObject({ waiting_s: 600, waiting_minor: 75 });
    expect(e.total_minor).toBe(e.base_minor + e.distance_minor + e.waiting_minor);
    const two = offerPay(settings, 0, store, [drop('a', 1), drop('b', 2)]);
    expect(earningOf(two, 'b', 600).waiting_minor).toBe(38);
  });

  it('measures waiting from the last arrival at the store to the pickup', () => {
    const at = (s: number) => new Date(1_700_000_000_000 + s * 1000);
    expect(
      waitedS([
        { status: 'assigned', at: at(0) },
        { status: 'at_store', at: at(10) },
        { status: 'picked_up', at: at(430) },
      ]),
    ).toBe(420);
    expect(waitedS([{ status: 'at_store', at: at(10) }])).toBe(0);
  });
});
