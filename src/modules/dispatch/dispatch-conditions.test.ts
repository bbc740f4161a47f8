import { cellToLatLng, latLngToCell } from 'h3-js';
import { describe, expect, it } from 'vitest';
import {
  type Condition,
  conditionsOf,
  PLANNING_PACE,
  PLANNING_SPEED_MPS,
  paceOf,
  ZONE_RES,
} from '../eta/index.ts';
import { planBatch } from './batching.ts';
import { rankCandidates } from './scoring.ts';

// Dispatch under traffic and weather: the pace it ranks and plans with is the straight line at
// each vehicle's speed times the factor on the way (pure; etaFor(ctx).pace() makes the snapshot).

const T = Date.UTC(2026, 10, 23, 18, 0, 0);
const HOUR = 3_600_000;
const [lat, lng] = cellToLatLng(latLngToCell(53.5511, 9.9937, ZONE_RES));
const STORE = { lat, lng };
const north = (m: number) => ({ lat: STORE.lat + m / 111_195, lng: STORE.lng });
const rain = (kind: Condition['kind'] = 'rain'): Condition => ({
  kind,
  zone: null,
  from: T - HOUR,
  until: T + HOUR,
  factor: null,
});
const paceIn = (list: Condition[]) => paceOf((v) => PLANNING_SPEED_MPS[v], conditionsOf(list), T);

const ONLY_TRAVEL = { travel: 1, acceptance: 0, vehicle: 0, fairness: 0 };
const base = { acceptanceRate: 0.9, idleS: 600 };
/** A bike 800 m north of the store, a car 1.1 km south: dry, the bike is there first. */
const CANDIDATES = [
  { ...base, driverId: 'bike', vehicle: 'bike' as const, capacityItems: 15, distanceM: 800 },
  { ...base, driverId: 'car', vehicle: 'car' as const, capacityItems: 80, distanceM: 1100 },
].map((c) => ({ ...c, at: north(c.driverId === 'bike' ? 800 : -1100) }));
const job = { items: 3, carryM: 0, pickup: STORE, lastStop: STORE };

describe('dispatch in traffic and weather', () => {
  it('ranks as the planning speeds did when nothing holds', () => {
    const dry = rankCandidates(CANDIDATES, { ...job, pace: paceIn([]) }, ONLY_TRAVEL);
    const planned = rankCandidates(CANDIDATES, job, ONLY_TRAVEL);
    expect(dry.map((c) => c.driverId)).toEqual(['bike', 'car']);
    expect(dry).toEqual(planned);
    expect(paceIn([]).seconds(1000, 'bike', STORE, STORE)).toBe(
      PLANNING_PACE.seconds(1000, 'bike'),
    );
  });

  it('sends the car in the rain, which slows a bike more', () => {
    const wet = rankCandidates(CANDIDATES, { ...job, pace: paceIn([rain()]) }, ONLY_TRAVEL);
    expect(wet.map((c) => c.driverId)).toEqual(['car', 'bike']);
    const bike = wet.find((c) => c.driverId === 'bike');
    expect(bike?.pickupS).toBeCloseTo(((800 * 1.3) / PLANNING_SPEED_MPS.bike) * 1.25, 5);
  });

  it('counts the traffic of the zones on the way to the store', () => {
    const zone = latLngToCell(north(-1100).lat, north(-1100).lng, ZONE_RES);
    const jam: Condition = { ...rain(), kind: 'traffic', zone, factor: 2 };
    const ranked = rankCandidates(CANDIDATES, { ...job, pace: paceIn([jam]) }, ONLY_TRAVEL);
    const car = ranked.find((c) => c.driverId === 'car');
    const inZone = zone === latLngToCell(STORE.lat, STORE.lng, ZONE_RES);
    // The leg's factor is the mean of its ends': 2 at both in the store's zone, else 1.5.
    expect(car?.pickupS).toBeCloseTo(
      ((1100 * 1.3) / PLANNING_SPEED_MPS.car) * (inZone ? 2 : 1.5),
      5,
    );
  });

  it('batches less in the snow: the detour to the second door costs its order more', () => {
    const first = north(1000);
    const a = { id: 'a', dropoff: first, readyAt: T + 10 * 60_000, promisedAt: T + 18 * 60_000 };
    // 600 m east of the first door, promised later: dropped second.
    const east = 600 / (111_195 * Math.cos((lat * Math.PI) / 180));
    const dropoff = { lat: first.lat, lng: first.lng + east };
    const b = { id: 'b', dropoff, readyAt: T + 10 * 60_000, promisedAt: T + 24 * 60_000 };
    const dry = planBatch(STORE, a, b, 300);
    const snow = planBatch(STORE, a, b, 300, paceIn([rain('snow')]));
    expect(dry.ok).toBe(true);
    expect(snow.delayS.b).toBeGreaterThan(dry.delayS.b as number);
    expect(snow.ok).toBe(false);
  });
});
