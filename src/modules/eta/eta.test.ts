import { describe, expect, it } from 'vitest';
import {
  coldStat,
  type Learned,
  observe,
  observeLearned,
  over,
  priorOf,
  segmentSpeeds,
  trackQuantile,
} from './eta-learning.ts';
import { NO_CONDITIONS } from './conditions.ts';
import {
  distanceM,
  estimateArrival,
  HANDOVER_S,
  type LatLng,
  PICKUP_S,
  travelS,
  worthPushing,
} from './eta-math.ts';
import { liveLegs } from './live-legs.ts';
import type { TravelTimes } from './travel-times.ts';

const store = { lat: 52.52, lng: 13.405 };
const door = { lat: 52.529, lng: 13.405 }; // about 1 km north
const T = Date.UTC(2026, 10, 23, 18, 0, 0);
const base = {
  now: T,
  phase: 'preparing' as const,
  readyAt: T + 600_000,
  store,
  dropoff: door,
  driver: null,
  speedMps: 5,
  unassignedPickupS: 240,
  prepSpreadS: 180,
};

describe('ETA math', () => {
  it('adds preparation, the way to the customer and the handover when the driver is there first', () => {
    const eta = estimateArrival({ ...base, driver: store });
    const toCustomer = travelS(store, door, 5) + HANDOVER_S;
    expect(eta.at).toBeCloseTo(T + (600 + PICKUP_S + toCustomer) * 1000, -2);
    expect(eta.prep_s).toBe(600);
    expect(eta.to_store_s).toBe(0);
  });

  it('waits for the driver when the order is ready before they reach the store', () => {
    const far = { lat: 52.52, lng: 13.5 }; // about 6.4 km east
    const eta = estimateArrival({ ...base, readyAt: T, driver: far });
    const toStore = travelS(far, store, 5);
    expect(eta.to_store_s).toBe(Math.round(toStore));
    expect(eta.at).toBeCloseTo(
      T + (toStore + PICKUP_S + travelS(store, door, 5) + HANDOVER_S) * 1000,
      -2,
    );
  });

  it('after pickup counts only the way from the driver to the door', () => {
    const halfway = { lat: 52.5245, lng: 13.405 };
    const eta = estimateArrival({ ...base, phase: 'to_customer', driver: halfway });
    expect(eta.prep_s).toBe(0);
    expect(eta.at).toBeCloseTo(T + (travelS(halfway, door, 5) + HANDOVER_S) * 1000, -2);
    expect(eta.to - eta.at).toBeLessThan(estimateArrival(base).to - estimateArrival(base).at);
  });

  it("passes a batched trip's earlier doors, a handover at each, before this one", () => {
    const halfway = { lat: 52.5245, lng: 13.405 };
    const east = { lat: 52.5245, lng: 13.42 }; // about 1 km east of the driver
    const carrying = estimateArrival({
      ...base,
      phase: 'to_customer',
      driver: halfway,
      stopsBefore: [east],
    });
    const way = travelS(halfway, east, 5) + travelS(east, door, 5);
    expect(carrying.at).toBeCloseTo(T + (way + 2 * HANDOVER_S) * 1000, -2);
    // Before pickup too: the store, then the other door, then this one.
    const ready = estimateArrival({ ...base, driver: store, stopsBefore: [east] });
    const ride = travelS(store, east, 5) + travelS(east, door, 5) + 2 * HANDOVER_S;
    expect(ready.at).toBeCloseTo(T + (600 + PICKUP_S + ride) * 1000, -2);
    expect(ready.at).toBeGreaterThan(estimateArrival({ ...base, driver: store }).at);
  });

  it('is later for a slower vehicle and never before now', () => {
    expect(estimateArrival({ ...base, speedMps: 3 }).at).toBeGreaterThan(
      estimateArrival({ ...base, speedMps: 8 }).at,
    );
    expect(estimateArrival({ ...base, phase: 'done' }).at).toBe(T);
    expect(estimateArrival({ ...base, readyAt: T - 3_600_000 }).at).toBeGreaterThan(T);
  });

  it('pushes only changes above the threshold', () => {
    expect(worthPushing(null, T)).toBe(true);
    expect(worthPushing(T, T + 30_000)).toBe(false);
    expect(worthPushing(T, T - 90_000)).toBe(true);
    expect(worthPushing(T, T + 61_000, 60)).toBe(true);
  });
});

describe('learning', () => {
  // A small deterministic generator, so the test is the same every run.
  let seed = 42;
  const rand = () => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647;
  };
  const exponential = (mean: number) => -Math.log(1 - rand()) * mean;

  it('converges on the mean and 90th percentile of preparation times', () => {
    // 8 minutes of fixed work plus an exponential wait of mean 4: mean 12 min, p90 ≈ 8 + 4·ln 10 = 17.2 min.
    let s = coldStat(600, 900);
    for (let i = 0; i < 5000; i++) s = observe(s, 480 + exponential(240), 0.02);
    expect(s.mean).toBeGreaterThan(720 * 0.93);
    expect(s.mean).toBeLessThan(720 * 1.07);
    expect(s.p90).toBeGreaterThan(1033 * 0.9);
    expect(s.p90).toBeLessThan(1033 * 1.1);
  });

  it('follows a store that got slower', () => {
    let s = coldStat(600, 900);
    for (let i = 0; i < 500; i++) s = observe(s, 300);
    for (let i = 0; i < 500; i++) s = observe(s, 900);
    expect(s.mean).toBeGreaterThan(850);
  });

  it('learns travel speed from moving segments of the history only', () => {
    const fixes = [];
    // Driver a rides north at 6 m/s with a fix every 30 s, then waits at a door for two minutes.
    for (let k = 0; k <= 10; k++)
      fixes.push({ driverId: 'a', at: T + k * 30_000, lat: 52.5 + (k * 180) / 111_195, lng: 13.4 });
    fixes.push({ driverId: 'a', at: T + 11 * 30_000, lat: 52.5 + 1800 / 111_195, lng: 13.4 });
    const speeds = segmentSpeeds(fixes);
    expect(speeds).toHaveLength(10);
    for (const v of speeds) expect(v).toBeCloseTo(6, 1);
    let s = coldStat(4, 6);
    for (const v of speeds) s = observe(s, v);
    expect(s.mean).toBeCloseTo(6, 1);
  });

  it('tracks any quantile: q/(1-q) steps on the rare side against one on the other', () => {
    for (const q of [0.05, 0.25, 0.5, 0.9, 0.95]) {
      let est = 0.5;
      for (let i = 0; i < 200_000; i++) est = trackQuantile(est, rand(), q, 0.0001);
      // Uniform samples on [0, 1): the q-quantile is q.
      expect(est, `q=${q}`).toBeGreaterThan(q - 0.02);
      expect(est, `q=${q}`).toBeLessThan(q + 0.02);
    }
    // The 90th percentile is observe()'s: 9 steps up against 1 down.
    expect(trackQuantile(10, 11, 0.9, 1)).toBeCloseTo(19);
    expect(trackQuantile(10, 9, 0.9, 1)).toBe(9);
    expect(trackQuantile(10, 9, 0.05, 1)).toBeCloseTo(-9);
    expect(trackQuantile(10, 11, 0.05, 1)).toBe(11);
  });

  it('learns the mean, the 5th and the 95th percentile of a part, skewed or not', () => {
    const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
    // Where the estimates settle: their average over the last 4000 of 8000 samples.
    const settled = (draw: () => number) => {
      let s: Learned = priorOf(60, 60);
      const sum = { mean: 0, lo: 0, hi: 0 };
      for (let i = 0; i < 8000; i++) {
        s = observeLearned(s, draw(), 0.02);
        if (i < 4000) continue;
        sum.mean += s.mean / 4000;
        sum.lo += s.lo / 4000;
        sum.hi += s.hi / 4000;
      }
      return sum;
    };
    const n = settled(() => 100 + 20 * normal());
    expect(n.mean).toBeCloseTo(100, -1);
    // 100 ∓ 1.645 · 20.
    expect(Math.abs(n.lo - 67.1)).toBeLessThan(5);
    expect(Math.abs(n.hi - 132.9)).toBeLessThan(5);
    // Exponential, mean 60: the 5th percentile 3 s, the 95th 180 s (mean + 2.7 deviations, where
    // a normal spread would put it at 2.06).
    const e = settled(() => exponential(60));
    expect(Math.abs(e.hi - 179.7)).toBeLessThan(15);
    expect(e.lo).toBeLessThan(15);
  });

  it('moves the percentiles with the mean at once when a part gets slower', () => {
    let s: Learned = priorOf(60, 60);
    for (let i = 0; i < 500; i++) s = observeLearned(s, 60 + 10 * (rand() - 0.5));
    for (let i = 0; i < 30; i++) s = observeLearned(s, 180 + 10 * (rand() - 0.5));
    // Thirty samples in, the window already sits around the new time.
    expect(s.mean).toBeGreaterThan(170);
    expect(s.hi).toBeGreaterThan(180);
  });

  it('blends a learned value over its fallback until it has enough samples', () => {
    const prior = priorOf(100, 50);
    const learned = { ...priorOf(200, 20), samples: 5 };
    expect(over(prior, null)).toEqual(prior);
    expect(over(prior, learned).mean).toBeCloseTo(125);
    expect(over(prior, { ...learned, samples: 20 }).mean).toBe(200);
    expect(over(prior, { ...learned, samples: 500 }).hi).toBe(220);
  });
});

describe('live legs', () => {
  it("asks the travel times leg by leg through a batched trip's earlier doors", async () => {
    const asked: Array<[LatLng, LatLng]> = [];
    // One second per metre of straight line: the way's time is its length.
    const travel: TravelTimes = {
      name: 'straight',
      async leg(l) {
        asked.push([l.from, l.to]);
        const m = distanceM(l.from, l.to);
        return { seconds: m, metres: m, source: 'straight' };
      },
    };
    const east = { lat: 52.5245, lng: 13.42 };
    const driver = { lat: 52.5245, lng: 13.405, vehicle: 'bike' as const };
    const way = {
      phase: 'to_customer' as const,
      store,
      dropoff: door,
      driver,
      stopsBefore: [east],
    };
    const legs = await liveLegs(travel, NO_CONDITIONS, way, T);
    expect(asked).toEqual([
      [driver, east],
      [east, door],
    ]);
    expect(legs.toDoorS).toBeCloseTo(distanceM(driver, east) + distanceM(east, door), 6);
    // Before pickup: the store, then the earlier door, then this one; and the driver's way in.
    const before = await liveLegs(travel, NO_CONDITIONS, { ...way, phase: 'preparing' }, T);
    expect(before.rideS).toBeCloseTo(distanceM(store, east) + distanceM(east, door), 6);
    expect(before.toStoreS).toBeCloseTo(distanceM(driver, store), 6);
  });
});
