import { describe, expect, it } from 'vitest';
import { etaWorld, MIN, STORE, ZONE_CENTRE } from '../../../test/support/eta-world.ts';
import { distanceM, type LatLng } from './eta-math.ts';
import type { CheckoutEta } from './index.ts';

// A rainy hour widens the promises instead of breaking them: the ETA learns on synthetic
// deliveries whose truth is known, then it rains (the weather feed says so through the ops route)
// and the couriers ride slower by an amount lastmile only roughly knows.

const T0 = Date.UTC(2026, 10, 23, 18, 0, 0);
const w = etaWorld({ seed: 7, storeId: 'store-rain', startsAt: T0 });
const { rand, normal, clock } = w;
/** The dry ride speed along the straight line in the zone (m/s). */
const DRY_MPS = 4.5;
const RAIN_FROM = T0 + 35 * MIN;

/**
 * One order's way: accept 20 s, preparation about 120 s, the bag waiting about 30 s, the ride at
 * the zone's speed (±10 % by rider) times the rain's slowdown, which depends on the courier's
 * vehicle (between 5 % and 40 % longer), and the handover 60 s.
 */
function outcome(door: LatLng, raining: boolean) {
  const slowdown = raining ? 1.05 + 0.35 * rand() : 1;
  return {
    accept: 20 + 8 * normal(),
    prep: 120 * Math.exp(0.5 * normal() - 0.125),
    lag: -Math.log(1 - rand()) * 30,
    ride: (distanceM(STORE, door) / (DRY_MPS * (0.9 + 0.2 * rand()))) * slowdown,
    handover: 60 + 20 * normal(),
  };
}

/** Orders placed every 5 s from now on: each promised at checkout, delivered, and learned from. */
const deliver = (n: number, raining: boolean) =>
  w.every5s(n, async (_, door) => {
    const promise = await w.eta().promise(w.orderAt(door));
    const timeline = await w.deliver(door, outcome(door, raining));
    return { eta: promise, arrives: timeline.deliveredAt as number };
  });

const shareInside = (xs: Array<{ eta: CheckoutEta; arrives: number }>) =>
  xs.filter((x) => x.arrives >= x.eta.from && x.arrives <= x.eta.to).length / xs.length;
const widthMin = (e: CheckoutEta) => (e.to - e.from) / MIN;

describe('a rainy hour', () => {
  it('widens the promises instead of breaking them, and is not learned as a slow street', async () => {
    const dry = await deliver(400, false);
    expect(shareInside(dry.slice(100))).toBeGreaterThanOrEqual(0.9);
    const dryMps = await w.rideMps();
    expect(Math.abs(dryMps / DRY_MPS - 1)).toBeLessThan(0.05);

    const door = ZONE_CENTRE;
    clock.ms = RAIN_FROM - 5 * MIN;
    const before = await w.eta().promise(w.orderAt(door));
    // The weather service says it rains over the whole city for the next hour.
    const res = await w.forecastRain(RAIN_FROM, 60);
    expect(res.statusCode).toBe(200);
    clock.ms = RAIN_FROM;
    const during = await w.eta().promise(w.orderAt(door));
    // Later and wider: the ride takes longer, and how much longer is not sure.
    const after = (e: CheckoutEta, placed: number) => ({ at: e.at - placed, to: e.to - placed });
    const [b, d] = [after(before, RAIN_FROM - 5 * MIN), after(during, RAIN_FROM)];
    expect(d.at - b.at).toBeGreaterThan(0.15 * before.parts.ride_s * 1000);
    expect(during.parts.ride_s / before.parts.ride_s).toBeCloseTo(1.2, 1);
    expect(d.to).toBeGreaterThan(b.to);
    expect(widthMin(during)).toBeGreaterThan(widthMin(before));
    expect(widthMin(during)).toBeLessThanOrEqual(12);

    const wet = await deliver(300, true);
    // The stated share (the windows are the 5th to 95th percentile) holds in the rain.
    expect(shareInside(wet)).toBeGreaterThanOrEqual(0.9);
    const meanWidth = (xs: typeof wet) => xs.reduce((s, x) => s + widthMin(x.eta), 0) / xs.length;
    expect(meanWidth(wet)).toBeGreaterThan(meanWidth(dry.slice(100)));
    // The rides in the rain were learned at the speed of a dry street: no slowdown counted twice.
    expect(Math.abs((await w.rideMps()) / dryMps - 1)).toBeLessThan(0.05);
  });
});
