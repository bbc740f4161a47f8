import { describe, expect, it } from 'vitest';
import { coldStat, observe, segmentSpeeds } from './eta-learning.ts';
import {
  estimateArrival,
  HANDOVER_S,
  PICKUP_S,
  promiseWindow,
  travelS,
  worthPushing,
} from './eta-math.ts';

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

  it('is later for a slower vehicle and never before now', () => {
    expect(estimateArrival({ ...base, speedMps: 3 }).at).toBeGreaterThan(
      estimateArrival({ ...base, speedMps: 8 }).at,
    );
    expect(estimateArrival({ ...base, phase: 'done' }).at).toBe(T);
    expect(estimateArrival({ ...base, readyAt: T - 3_600_000 }).at).toBeGreaterThan(T);
  });

  it('rounds the promise outwards to five minutes', () => {
    const w = promiseWindow(T, estimateArrival(base));
    expect((w.to - w.from) % 300_000).toBe(0);
    expect(w.from).toBeLessThanOrEqual(estimateArrival(base).from);
    expect(w.to).toBeGreaterThanOrEqual(estimateArrival(base).to);
    expect(w.label).toMatch(/^\d+–\d+ min$/);
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
});
