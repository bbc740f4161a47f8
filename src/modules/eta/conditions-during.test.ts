import { describe, expect, it } from 'vitest';
import { type Condition, conditionsOf } from './conditions.ts';
import { checkoutEta } from './eta-model.ts';
import { WEATHER_SLOWDOWN } from './weather-slowdown.ts';

// Conditions over a leg's time (pure): a ride that starts dry and ends in a forecast rain is
// slowed for its wet part only, at checkout as in the live estimate's legs; a rain's edge near
// the ride widens the promise on its side.

const T = Date.UTC(2026, 10, 23, 18, 0, 0);
const MIN = 60_000;
const STORE = { lat: 53.55, lng: 9.99 };
const DOOR = { lat: 53.565, lng: 9.99 };
const rainFrom = (from: number, until = from + 60 * MIN, kind: 'rain' | 'snow' = 'rain') => ({
  kind,
  zone: null,
  from,
  until,
  factor: null,
});
const RAIN = WEATHER_SLOWDOWN.rain.fleet;

describe('conditions over a leg', () => {
  it('is none without conditions, and the rain itself when it rains all the way', () => {
    expect(conditionsOf([]).during(STORE, DOOR, T, 600, 'fleet')).toEqual({
      factor: 1,
      spread: 0,
    });
    const wet = conditionsOf([rainFrom(T - MIN)]).during(STORE, DOOR, T, 600, 'fleet');
    expect(wet.factor).toBeCloseTo(RAIN, 10);
    expect(wet.spread).toBeCloseTo(RAIN - 1, 10);
  });

  it('slows only the part of the leg in the rain, whether it begins or ends on the way', () => {
    const begins = conditionsOf([rainFrom(T + 5 * MIN)]).during(STORE, DOOR, T, 600, 'fleet');
    expect(begins.factor).toBeCloseTo(1 + (RAIN - 1) / 2, 10);
    const ends = conditionsOf([rainFrom(T - 60 * MIN, T + 5 * MIN)]);
    // Wet from the start, the leg is slowed: its first half lasts longer than 5 min, so the rain
    // ends within it and only the samples before its end count.
    const e = ends.during(STORE, DOOR, T, 600, 'fleet');
    expect(e.factor).toBeGreaterThan(1);
    expect(e.factor).toBeLessThan(1 + (RAIN - 1) / 2 + 1e-9);
    expect(conditionsOf([rainFrom(T + 11 * MIN)]).during(STORE, DOOR, T, 600, 'fleet')).toEqual({
      factor: 1,
      spread: 0,
    });
  });

  it('makes a checkout promise later and wider for a forecast near the ride', () => {
    const input = (list: Condition[]) => {
      const held = conditionsOf(list);
      return {
        now: T,
        storeId: 'store',
        store: STORE,
        dropoff: DOOR,
        defaultPrepS: 300,
        streetSpeedMps: 5.5,
        backlog: null,
        rideS: 600,
        rideConditions: (at: number, freeS: number) => held.during(STORE, DOOR, at, freeS, 'fleet'),
      };
    };
    const nothing = () => null;
    const dry = checkoutEta(nothing, input([]));
    // The ride starts after accept, preparation and the bag's wait: about 7 min from now.
    const rideAt = T + (dry.parts.accept_s + dry.parts.prep_s + dry.parts.pickup_lag_s) * 1000;
    const wet = checkoutEta(nothing, input([rainFrom(T - MIN)]));
    const halfway = checkoutEta(nothing, input([rainFrom(rideAt + 5 * MIN)]));
    expect(dry.parts.ride_s).toBeCloseTo(600, 6);
    expect(wet.parts.ride_s).toBeCloseTo(600 * RAIN, 6);
    expect(halfway.parts.ride_s).toBeCloseTo(600 * (1 + (RAIN - 1) / 2), 6);
    expect(halfway.at).toBeGreaterThan(dry.at);
    expect(halfway.to - halfway.from).toBeGreaterThan(dry.to - dry.from);
    // Snow forecast to begin as the expected ride ends: an on-time bag rides dry, so the point
    // stands, but a bag that leaves late rides into it, so the window ends later.
    const after = checkoutEta(nothing, input([rainFrom(rideAt + 10 * MIN, T + 99 * MIN, 'snow')]));
    expect(after.parts.ride_s).toBeCloseTo(600, 6);
    expect(after.at).toBe(dry.at);
    expect(after.to).toBeGreaterThan(dry.to);
    expect(after.from).toBe(dry.from);
    // Snow forecast to begin as the expected ride starts: the point is the one of a ride in snow
    // all the way, but a bag that leaves early rides part of the way dry, so the window opens
    // earlier than when it snows all evening.
    const snow = checkoutEta(nothing, input([rainFrom(T - MIN, T + 99 * MIN, 'snow')]));
    const begins = checkoutEta(nothing, input([rainFrom(rideAt, T + 99 * MIN, 'snow')]));
    expect(begins.parts.ride_s).toBe(snow.parts.ride_s);
    expect(begins.at).toBe(snow.at);
    expect(begins.from).toBeLessThan(snow.from);
    expect(begins.to).toBe(snow.to);
  });
});
