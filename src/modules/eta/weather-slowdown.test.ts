import { describe, expect, it } from 'vitest';
import { type Condition, conditionsOf } from './conditions.ts';
import { type Learned, priorOf, TRUSTED_SAMPLES } from './eta-learning.ts';
import { ANY_HOUR, FLEET, type Lookup, zoneOf } from './eta-model.ts';
import { rideLesson } from './weather-learning.ts';
import {
  slowdownOf,
  TRAVELLERS,
  WEATHER_DOUBT,
  WEATHER_KINDS,
  WEATHER_SLOWDOWN,
} from './weather-slowdown.ts';

// The weather's slowdown as learned (pure): the table until rides teach it, the ratio of wet to
// dry rides after, and what a single ride teaches.

const T = Date.UTC(2026, 10, 23, 18, 0, 0);
const learned = (mean: number, dev: number, samples: number): Learned => ({
  ...priorOf(mean, 2.06 * dev),
  samples,
});
const rainAll: Condition = {
  kind: 'rain',
  zone: null,
  from: T,
  until: T + 3_600_000,
  factor: null,
};
const STORE = { lat: 53.55, lng: 9.99 };
const DOOR = { lat: 53.57, lng: 9.99 };

describe('the weather slowdown', () => {
  it('is the table, with all its added time as the doubt, while nothing was learned', () => {
    const none = slowdownOf();
    const dryOnly = slowdownOf(new Map([['dry:bike', learned(1.1, 0.05, 50)]]));
    for (const kind of WEATHER_KINDS)
      for (const who of TRAVELLERS) {
        const factor = WEATHER_SLOWDOWN[kind][who];
        const table = { factor, spread: WEATHER_DOUBT * (factor - 1) };
        expect(none(kind, who)).toEqual(table);
        expect(dryOnly(kind, who)).toEqual(table);
        expect(conditionsOf([{ ...rainAll, kind }]).at(STORE, T, who)).toEqual(table);
      }
  });

  it("is the wet rides' ratio over the dry ones', shrunk toward the table until trusted", () => {
    const wet = (samples: number) =>
      slowdownOf(
        new Map([
          ['rain:bike', learned(1.54, 0.02, samples)],
          ['dry:bike', learned(1.1, 0.02, 50)],
        ]),
      )('rain', 'bike').factor;
    expect(wet(TRUSTED_SAMPLES)).toBeCloseTo(1.4, 6);
    expect(wet(TRUSTED_SAMPLES * 3)).toBeCloseTo(1.4, 6);
    expect(wet(TRUSTED_SAMPLES / 2)).toBeCloseTo((1.25 + 1.4) / 2, 6);
    expect(slowdownOf(new Map([['rain:car', learned(1.3, 0.02, 40)]]))('rain', 'car').factor).toBe(
      1.3,
    );
  });

  it('stays between ×1 and ×3', () => {
    const of = (mean: number) =>
      slowdownOf(new Map([['snow:car', learned(mean, 0.02, 40)]]))('snow', 'car').factor;
    expect(of(0.7)).toBe(1);
    expect(of(4.2)).toBe(3);
  });

  it("doubts as much as the wet rides spread beyond the dry rides' own spread", () => {
    const spread = (wetDev: number) =>
      slowdownOf(
        new Map([
          ['rain:bike', learned(1.4, wetDev, 40)],
          ['dry:bike', learned(1, 0.05, 40)],
        ]),
      )('rain', 'bike').spread;
    // The dry spread scaled by the factor (0.07) explains all of it: no doubt beyond.
    expect(spread(0.05)).toBe(0);
    expect(spread(0.1)).toBeCloseTo(2.06 * Math.sqrt(0.1 ** 2 - 0.07 ** 2), 6);
    expect(spread(0.1)).toBeLessThan(WEATHER_DOUBT * (WEATHER_SLOWDOWN.rain.bike - 1));
  });

  it('applies the learned factor where the weather holds, the heaviest of several', () => {
    const slow = slowdownOf(new Map([['snow:bike', learned(2.2, 0.02, 40)]]));
    const held = conditionsOf(
      [
        rainAll,
        { ...rainAll, kind: 'snow', zone: zoneOf(DOOR) },
        { ...rainAll, kind: 'traffic', factor: 1.5 },
      ],
      slow,
    );
    expect(held.weather(DOOR, T)).toBe('snow');
    expect(held.weather(STORE, T)).toBe('rain');
    expect(held.weather(STORE, T - 1)).toBeNull();
    expect(held.traffic(STORE, T)).toBe(1.5);
    expect(held.at(DOOR, T, 'bike').factor).toBeCloseTo(1.5 * 2.2, 6);
    expect(held.at(STORE, T, 'bike').factor).toBeCloseTo(1.5 * 1.25, 6);
  });
});

describe('a delivered ride', () => {
  // The fleet's ride speed along the straight line, learned from enough rides (or not).
  const lookAt =
    (samples: number): Lookup =>
    (kind, key, hour) =>
      kind === 'ride' && key === FLEET && hour === ANY_HOUR ? learned(4, 0.4, samples) : null;
  const ride = (seconds: number, vehicle: string | null = 'bike') => ({
    store: STORE,
    dropoff: DOOR,
    vehicle,
    from: T + 60_000,
    to: T + 60_000 + seconds * 1000,
  });
  const dryS = 2224 / 4;

  it('in the rain teaches its slowdown, for its vehicle and the fleet, and not its speed', () => {
    const lesson = rideLesson(ride(1.4 * dryS), lookAt(40), 5.5, conditionsOf([rainAll]));
    expect(lesson.speedMps).toBeNull();
    expect(lesson.weather.map((w) => w.key)).toEqual(['rain:bike', 'rain:fleet']);
    for (const w of lesson.weather) expect(w.x).toBeCloseTo(1.4, 2);
  });

  it('outside weather teaches its speed without traffic, and its dry ratio', () => {
    const jam: Condition = { ...rainAll, kind: 'traffic', factor: 1.5 };
    const lesson = rideLesson(ride(1.5 * dryS, null), lookAt(40), 5.5, conditionsOf([jam]));
    expect(lesson.speedMps).toBeCloseTo(4, 2);
    expect(lesson.weather).toEqual([{ key: 'dry:fleet', x: expect.closeTo(1, 2) }]);
  });

  it('teaches no slowdown against a speed not learned yet, nor half in the rain', () => {
    const cold = rideLesson(
      ride(1.4 * dryS),
      lookAt(TRUSTED_SAMPLES - 1),
      5.5,
      conditionsOf([rainAll]),
    );
    expect(cold.weather).toEqual([]);
    const half = conditionsOf([{ ...rainAll, zone: zoneOf(DOOR) }]);
    expect(rideLesson(ride(1.2 * dryS), lookAt(40), 5.5, half)).toEqual({
      speedMps: null,
      weather: [],
    });
  });
});
