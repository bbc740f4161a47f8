import { describe, expect, it } from 'vitest';
import { etaWorld, MIN, STORE, ZONE_CENTRE } from '../../../test/support/eta-world.ts';
import { distanceM } from './eta-math.ts';
import { WEATHER_SLOWDOWN } from './weather-slowdown.ts';

// The rain's real slowdown is learned from the rides it slowed: a synthetic evening whose truth is
// known (a bike ×1.4 in the rain, a car ×1.1; bikes slower than cars when dry), the weather feed
// saying only "rain", and lastmile's rule of thumb (bike ×1.25) as where it starts.

const T0 = Date.UTC(2026, 10, 23, 17, 0, 0);
const w = etaWorld({ seed: 11, storeId: 'store-weather', startsAt: T0 });
const { rand, normal, clock } = w;
/** The dry ride speed along the straight line (m/s) and the rain's true slowdown, per vehicle. */
const TRUTH = { bike: { dryMps: 4, rain: 1.4 }, car: { dryMps: 5, rain: 1.1 } } as const;
/** The fleet's slowdown: its rides alternate between bikes and cars, a ride's time is d / speed. */
const FLEET_RAIN =
  (TRUTH.bike.rain / TRUTH.bike.dryMps + TRUTH.car.rain / TRUTH.car.dryMps) /
  (1 / TRUTH.bike.dryMps + 1 / TRUTH.car.dryMps);
/** A bike's speed on streets (m/s, as the location history shows it) when dry. */
const BIKE_STREET_MPS = 5;
const RAIN_FROM = T0 + 28 * MIN;

/** Orders every 5 s, bikes and cars in turn, delivered and learned from; their rides as told. */
const deliver = (n: number, raining: boolean) =>
  w.every5s(n, async (i, door) => {
    const vehicle = i % 2 === 0 ? 'bike' : 'car';
    const truth = TRUTH[vehicle];
    const ride =
      (distanceM(STORE, door) / (truth.dryMps * (0.9 + 0.2 * rand()))) * (raining ? truth.rain : 1);
    const durations = { accept: 20, prep: 120 * Math.exp(0.3 * normal()), lag: 20, ride };
    await w.deliver(door, { ...durations, handover: 60 + 10 * normal() }, { vehicle });
  });

/** Bikes riding north from the store at `mps` for the five minutes before now, every 10 s. */
const bikeFixes = (mps: number) =>
  Array.from({ length: 4 }, (_, d) =>
    Array.from({ length: 30 }, (_, k) => ({
      driverId: `bike-${d}`,
      vehicle: 'bike',
      at: clock.ms - (30 - k) * 10_000,
      lat: STORE.lat + (d * 0.01 + (k * 10 * mps) / 111_195),
      lng: STORE.lng,
    })),
  ).flat();

/** The weather's effect at the zone's centre in the rain, once the caches had time to reload. */
async function rainOn(who: 'bike' | 'car' | 'fleet') {
  clock.ms += MIN;
  const held = await w.eta().conditions.current();
  return held.at(ZONE_CENTRE, RAIN_FROM + 5 * MIN, who);
}
/** The bike's learned speed on streets now, as dispatch's pace reads it. */
const bikeStreetMps = async () => (100 * 1.3) / (await w.eta().pace()).seconds(100, 'bike');

describe('the rain slowdown', () => {
  it('is learned from the rides in the rain, and the dry speeds are not dragged down', async () => {
    await deliver(240, false);
    const dryMps = await w.rideMps();
    await w.eta().learnSpeeds(bikeFixes(BIKE_STREET_MPS));
    expect(await bikeStreetMps()).toBeCloseTo(BIKE_STREET_MPS, 2);
    const before = await w.eta().promise(w.orderAt(ZONE_CENTRE));

    const res = await w.forecastRain(RAIN_FROM, 120);
    expect(res.statusCode).toBe(200);
    // No ride in the rain yet (dry ones only): the rule of thumb holds.
    for (const who of ['bike', 'car', 'fleet'] as const)
      expect((await rainOn(who)).factor).toBe(WEATHER_SLOWDOWN.rain[who]);

    clock.ms = RAIN_FROM;
    await deliver(300, true);
    const bike = await rainOn('bike');
    expect(Math.abs(bike.factor / TRUTH.bike.rain - 1)).toBeLessThan(0.05);
    expect(Math.abs((await rainOn('car')).factor / TRUTH.car.rain - 1)).toBeLessThan(0.05);
    const fleet = await rainOn('fleet');
    expect(Math.abs(fleet.factor / FLEET_RAIN - 1)).toBeLessThan(0.05);
    // The rides say how sure the factor is: their spread beyond a dry ride's, far below the doubt
    // of the rule of thumb (its whole added time).
    expect(bike.spread).toBeLessThan(0.5 * (WEATHER_SLOWDOWN.rain.bike - 1));

    // A checkout whose ride starts in the rain: the ride takes the learned factor longer.
    const during = await w.eta().promise(w.orderAt(ZONE_CENTRE));
    expect(Math.abs(during.parts.ride_s / before.parts.ride_s / fleet.factor - 1)).toBeLessThan(
      0.02,
    );
    expect(Math.abs(during.parts.ride_s / before.parts.ride_s / FLEET_RAIN - 1)).toBeLessThan(0.05);

    // The rides in the rain taught the slowdown, not a slow street.
    expect(Math.abs((await w.rideMps()) / dryMps - 1)).toBeLessThan(0.03);
    // The bikes' positions in the rain are learned at their dry speed: divided by the learned
    // factor (by the rule of thumb's ×1.25 they would drag it down by 8 %).
    await w.eta().learnSpeeds(bikeFixes(BIKE_STREET_MPS / TRUTH.bike.rain));
    expect(Math.abs((await bikeStreetMps()) / BIKE_STREET_MPS - 1)).toBeLessThan(0.03);
  });
});
